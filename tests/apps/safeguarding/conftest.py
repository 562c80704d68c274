"""The safeguarding test world, built through the services as the pages build them:

- a **vulnerable-child** case owned by the owner agency (Essex Police) about a 15-year-old, shared
  in full with the partner (the council, which runs the MASH), with a concern (child criminal
  exploitation) and a MASH referral to the council received on Friday 22 May 2026 at 15:00, the
  Friday before the spring bank holiday;
- a **domestic-abuse** case owned by the owner agency, shared in full with the partner, with a
  victim and an alleged perpetrator, a risk checklist and a MARAC referral five months ago.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case
from saferplaces.apps.safeguarding import services
from saferplaces.apps.safeguarding.models import Concern, MaracReferral, MashReferral
from saferplaces.casework.months import add_months
from saferplaces.casework.workingtime import LONDON
from tests.apps.cases.conftest import add, open_case, person, share

FRIDAY_BEFORE_BANK_HOLIDAY = datetime.datetime(2026, 5, 22, 15, 0, tzinfo=LONDON)


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=LONDON)


@dataclass
class World:
    partnership: Any
    child_case: Case
    child: Any
    concern: Concern
    mash: MashReferral
    da_case: Case
    victim: Any
    perpetrator: Any
    marac: MaracReferral

    def user(self, name: str) -> Any:
        return self.partnership.users[name]

    def access(self, name: str, case: Case | None = None) -> Any:
        return get_case_for_user(self.user(name), (case or self.child_case).pk)


def da_case(manager: Any, victim: Any, perpetrator: Any, partner: Any = None) -> Case:
    case = open_case(manager, "domestic-abuse", "Domestic abuse at a family home")
    add(manager, case, victim, "victim")
    add(manager, case, perpetrator, "alleged-perpetrator")
    if partner is not None:
        share(case, partner)
    return case


@pytest.fixture
def world(partnership) -> World:
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, "vulnerable-child", "Missing episodes and county line contact")
    child = person(partnership.owner, "Casey", "Child", born=datetime.date(2011, 1, 15))
    add(manager, case, child, "vulnerable-person")
    share(case, partnership.partner)
    access = get_case_for_user(manager, case.pk)
    concern = services.record_concern(access, manager, person_id=child.pk,
                                      concern_on=datetime.date(2026, 5, 21),
                                      exploitation_types=["child-criminal-exploitation"])
    mash = services.refer_to_mash(access, manager, concern_id=concern.pk,
                                  mash_agency=partnership.partner,
                                  received_at=FRIDAY_BEFORE_BANK_HOLIDAY)
    victim = person(partnership.owner, "Vic", "Example", born=datetime.date(1990, 2, 2))
    perpetrator = person(partnership.owner, "Pat", "Example", born=datetime.date(1988, 3, 3))
    domestic = da_case(manager, victim, perpetrator, partnership.partner)
    marac = services.refer_to_marac(get_case_for_user(manager, domestic.pk), manager,
                                    victim_id=victim.pk,
                                    referred_on=add_months(timezone.localdate(), -5))
    return World(partnership, case, child, concern, mash, domestic, victim, perpetrator, marac)

"""A repeat anti-social behaviour case owned by the owner agency (Essex Police), shared in full
with the partner (the council), with two complainants as parties; complaints recorded through
the services as the pages record them, and council ASB log rows linked from the store."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.casereview import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, CaseIncident
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.people.models import Person
from tests.apps.cases.conftest import add, open_case, person, share


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@dataclass
class Asb:
    case: Case
    victim: Person
    neighbour: Person
    police: Any
    council: Any


@pytest.fixture
def asb(partnership) -> Asb:
    police = partnership.user("owner", "case_manager")
    case = open_case(police)
    victim = person(partnership.owner, "Vera", "Victim", born=datetime.date(1970, 2, 3))
    neighbour = person(partnership.owner, "Nina", "Nextdoor", born=datetime.date(1985, 7, 8))
    add(police, case, victim, "complainant")
    add(police, case, neighbour, "complainant")
    share(case, partnership.partner)
    return Asb(case, victim, neighbour, police, partnership.user("partner", "practitioner"))


def complain(user: Any, case: Case, who: Person, reported: datetime.date,
             behaviour: datetime.date | None = None, channel: str = "telephone") -> Any:
    return services.add_complaint(get_case_for_user(user, case.pk), user, complainant_id=who.pk,
                                  behaviour_on=behaviour or reported, reported_on=reported,
                                  channel=channel)


def store_row(case: Case, day: datetime.date, *, source: str = "council-asb",
              ref: str = "RC-001", category: str = "Noise nuisance",
              precision: str = "minute") -> Incident:
    """An incident in the store (a council ASB log row by default) linked to ``case``."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(21, 30)))
    incident = Incident.objects.create(
        source=source, source_ref=f"{source}-{Incident.objects.count() + 1}", category=category,
        month=day.replace(day=1), occurred=when, precision=precision, victim_ref=ref)
    CaseIncident.objects.create(case=case, incident=incident)
    return incident

"""The demo's NRM referrals: on the demo modern-slavery case (made by :mod:`.demo_cases`, found
by its type and marker), the younger victim (a child by estimated age: no consent needed) and
the adult (who consented) are referred by the police ten days before the case was opened, each
with a positive reasonable-grounds decision four working days later (so a recovery period runs)
and a support outcome; and one anonymous Duty to Notify record for a third worker who declined.
Through the slavery app's services, so the engine's rules apply. Synthetic; idempotent (a case
that has referrals is left as it is)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER

__all__ = ["DemoSlavery", "make"]


@dataclass
class DemoSlavery:
    referrals: int = 0
    notices: int = 0

    def __str__(self) -> str:
        return (f"Demo NRM: {self.referrals} referrals with decisions, "
                f"{self.notices} Duty to Notify record.")


def make(directory: Path) -> DemoSlavery:
    from django.contrib.auth import get_user_model

    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.slavery import services
    from saferplaces.apps.slavery.models import NrmReferral
    from saferplaces.casework.workingtime import add_working_days

    made = DemoSlavery()
    officer = get_user_model().objects.filter(username=DEMO_OFFICERS["police"]).first()
    case = Case.objects.filter(case_type="modern-slavery", summary__contains=MARKER).first()
    if officer is None or case is None or NrmReferral.objects.filter(case=case).exists():
        return made
    access = get_case_for_user(officer, case.pk)
    referred = case.opened_on - datetime.timedelta(days=10)
    decided = add_working_days(referred, 4)
    for party in case.parties.select_related("person").filter(role="victim").order_by("pk"):
        age = party.person.age_on(referred)
        adult = age is None or age >= 18  # the demo's child is 17; the service decides
        referral = services.refer(access, officer, party_id=party.pk, first_responder="police",
                                  referred_on=referred, exploitation_types=["labour"],
                                  consented=True if adult else None)
        if isinstance(referral, NrmReferral):
            services.decide(access, officer, referral, version=referral.version,
                            rg_decided_on=decided, rg_positive=True, cg_decided_on=None,
                            cg_positive=None,
                            support_outcome="childrens-services" if referral.child
                            else "victim-care-contract")
            made.referrals += 1
    services.notify(officer, notified_on=referred, organisation="police",
                    exploitation_types=["labour"])
    made.notices += 1
    return made

"""The demo's safeguarding work (synthetic), made through the safeguarding services on the demo
cases of :mod:`saferplaces.commands.demo_cases`:

- on the county line's **child criminal exploitation** case (police, shared in full with the
  council, which runs the MASH): a concern about one child, a **red** MASH referral screened by
  the council and answered within its target after a strategy discussion, and an **amber** one
  about a second child left unanswered, so it is **overdue** (its one alert is raised);
- a **domestic-abuse** case (police, shared with the council) with a risk-checklist score over
  the MARAC threshold and a MARAC referral five months ago, and a second domestic-abuse case for
  the same victim and perpetrator opened today, which carries the **repeat MARAC** flag.

Idempotent: when the demo's domestic-abuse case exists, nothing is added.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER, PARTY_NOTE

__all__ = ["DemoSafeguarding", "make"]

DA_TITLE = "Domestic abuse: repeat call-outs to a family home"


@dataclass
class DemoSafeguarding:
    concerns: int = 0
    mash_referrals: int = 0
    overdue_alerts: int = 0
    marac_referrals: int = 0
    already_present: bool = False
    no_county_line: bool = False

    def __str__(self) -> str:
        if self.already_present:
            return "Demo safeguarding already present: nothing added."
        return (f"Demo safeguarding made: {self.concerns} concerns, {self.mash_referrals} MASH "
                f"referrals ({self.overdue_alerts} overdue alert raised), "
                f"{self.marac_referrals} MARAC referral and a repeat-MARAC case"
                + (" (no county-line case found: no MASH referrals)" if self.no_county_line else ""))


def _officer(agency: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=DEMO_OFFICERS[agency])


def _working_morning(day: datetime.date, hour: int) -> datetime.datetime:
    from saferplaces.casework.workingtime import LONDON, is_working_day

    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), LONDON)


def _county_line(made: DemoSafeguarding, today: datetime.date) -> None:
    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.safeguarding import services
    from saferplaces.apps.safeguarding.access import get_mash_referral_for_user
    from saferplaces.apps.safeguarding.alerts import send_overdue_alerts

    case = (Case.objects.filter(case_type="exploitation", summary__contains=MARKER,
                                title__startswith="Child criminal exploitation").first())
    if case is None:
        made.no_county_line = True
        return
    police, council = _officer("police"), _officer("council")
    children = [party.person for party in case.parties.filter(role="nominal")
                .select_related("person").order_by("pk")]
    access = get_case_for_user(police, case.pk)
    red_at = _working_morning(today - datetime.timedelta(days=21), 10)
    amber_at = _working_morning(today - datetime.timedelta(days=10), 11)
    concerns = []
    for child, received in zip(children[:2], (red_at, amber_at), strict=False):
        concerns.append(services.record_concern(
            access, police, person_id=child.pk, concern_on=received.date() - datetime.timedelta(days=1),
            exploitation_types=["child-criminal-exploitation"]))
    made.concerns += len(concerns)
    for concern, received, rag in zip(concerns, (red_at, amber_at), ("red", "amber"), strict=False):
        referral = services.refer_to_mash(access, police, concern_id=concern.pk,
                                          mash_agency=council.membership.agency,
                                          received_at=received)
        seen = get_mash_referral_for_user(council, referral.pk)
        answered: dict[str, Any] = {}
        if rag == "red":
            answered = {"strategy_at": received + datetime.timedelta(hours=2),
                        "strategy_attendees": [case.owner_agency, council.membership.agency],
                        "strategy_decision": "Section 47 enquiry; joint visit by police and "
                                             "children's social care (synthetic).",
                        "responded_at": received + datetime.timedelta(hours=3),
                        "outcome": "section-47-enquiry"}
        services.update_mash(seen, council, version=seen.record.version, rag=rag, **answered)
        made.mash_referrals += 1
    made.overdue_alerts = send_overdue_alerts()


def _person(officer: Any, given: str, family: str, gender: str, born: datetime.date) -> Any:
    from saferplaces.apps.people import services

    return services.create_person(officer, {
        "given_name": given, "family_name": family, "gender": gender, "date_of_birth": born,
        "estimated_age": None, "aliases": [], "address": "", "postcode": "",
        "vulnerabilities": [], "notes": PARTY_NOTE, "locked_down": False,
        "confidential_address": False})


def _domestic_abuse(made: DemoSafeguarding, today: datetime.date) -> None:
    from saferplaces.apps.cases import services as cases
    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.safeguarding import services
    from saferplaces.casework.months import add_months

    police = _officer("police")
    council = _officer("council").membership.agency
    victim = _person(police, "Wilhelmina", "Thistlewood", "female", datetime.date(1991, 8, 14))
    perpetrator = _person(police, "Grayson", "Nettlebank", "male", datetime.date(1987, 3, 2))

    def open_case(title: str, opened: datetime.date) -> Case:
        case = cases.create_case(police, case_type_key="domestic-abuse", title=title,
                                 summary=f"Synthetic domestic-abuse case.\n\n{MARKER}.",
                                 risk="high", lead_officer=police)
        access = get_case_for_user(police, case.pk)
        cases.add_party(access, police, person_id=victim.pk, role="victim")
        cases.add_party(access, police, person_id=perpetrator.pk, role="alleged-perpetrator")
        cases.share_case(access, police, agency=council, level="full",
                         basis="crime-and-disorder-s115")
        # the demo shows a case opened months ago: the service opens cases today
        Case.objects.filter(pk=case.pk).update(opened_on=opened)
        return Case.objects.get(pk=case.pk)

    referred = add_months(today, -5)
    first = open_case(DA_TITLE, add_months(today, -6))
    access = get_case_for_user(police, first.pk)
    checklist = services.record_checklist(access, police, victim_id=victim.pk,
                                          completed_on=referred,
                                          completed_by="Police officer at the scene (synthetic)",
                                          yes_answers=16, police_callouts=2)
    services.refer_to_marac(access, police, victim_id=victim.pk, referred_on=referred,
                            meeting_on=referred + datetime.timedelta(days=14),
                            checklist_id=checklist.pk)
    made.marac_referrals += 1
    open_case("Domestic abuse: new incident reported by the same victim", today)


def make(directory: Path) -> DemoSafeguarding:
    """Build the demo's safeguarding work (module docstring) unless it is there already."""
    from django.db import transaction
    from django.utils import timezone

    from saferplaces.apps.cases.models import Case

    if Case.objects.filter(case_type="domestic-abuse", title=DA_TITLE,
                           summary__contains=MARKER).exists():
        return DemoSafeguarding(already_present=True)
    made = DemoSafeguarding()
    today = timezone.localdate()
    with transaction.atomic():
        _county_line(made, today)
        _domestic_abuse(made, today)
    return made

"""The demo's ASB victim risk assessments and 2014 Act actions, on the demo's repeat anti-social
behaviour cases (made by :mod:`saferplaces.commands.demo_cases`, owned by the council and shared
with the police):

- each case's complainant is risk-assessed by the council: on the first case a medium result five
  weeks ago, superseded today by a **high** one (the owner's case managers are alerted and a
  "Contact the victim" task is set for the next working day); on the second a medium result
  whose re-assessment is overdue; standard results on the others;
- on the first case, the ladder of actions about the neighbour: a **warning letter**, a
  **Community Protection Warning**, then, after its time to comply, a **Community Protection
  Notice**, breached, with a £100 fixed penalty; the officer confirmed the neighbour's date of
  birth first (the notice needs the person's age, never a guess);
- on the second case, an **Acceptable Behaviour Contract** with a review date (a task).

Everything goes through the services, so the engine checks every action and every score. All of
it is synthetic. Running it again adds nothing: when a demo case already has a risk assessment,
the work is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DemoAsb", "make"]

SYNTHETIC = "(synthetic demo)"
OFFICER = "ASB officer 2231 (synthetic demo)"

CALM = {"health": "no", "support": "no", "daily-life": "somewhat", "self-harm": "no",
        "at-home": "yes", "targeted": "no", "hostility": "no", "perpetrator-nearby": "yes",
        "avoidance": "no", "frequency": "monthly", "duration": "one-to-six-months",
        "violence": "none", "reported-before": "once"}
WORSE = {**CALM, "support": "yes", "daily-life": "a-lot", "targeted": "yes", "avoidance": "yes",
         "frequency": "weekly"}
HIGH = {**WORSE, "health": "yes", "frequency": "daily", "duration": "over-six-months",
        "violence": "threats-or-damage", "reported-before": "twice-or-more"}


@dataclass
class DemoAsb:
    assessments: int = 0
    high: int = 0
    actions: int = 0
    breaches: int = 0
    already_present: bool = False

    def __str__(self) -> str:
        if self.already_present:
            return "Demo ASB risk assessments and actions already present: nothing added."
        return (f"Demo ASB work made: {self.assessments} risk assessments ({self.high} high), "
                f"{self.actions} 2014 Act actions, {self.breaches} breach with a fixed penalty.")


def _confirm_birth_date(officer: Any, person_id: int, today: datetime.date) -> Any:
    """The neighbour's date of birth, confirmed by the officer from the estimated age."""
    from saferplaces.apps.people import services
    from saferplaces.apps.people.access import get_person_for_user

    access = get_person_for_user(officer, person_id)
    person = access.person
    if person.date_of_birth is None:
        age = person.age_on(today) or 30
        born = datetime.date(today.year - age - 1, 11, 5)
        person = services.edit_person(officer, access, {"date_of_birth": born}, person.version)
    return person


def make(directory: Path) -> DemoAsb:
    """The demo's risk assessments and actions (module docstring); ``directory`` is unused (the
    work hangs off the demo cases already in the database)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from saferplaces.apps.asb import actions, risk
    from saferplaces.apps.asb.models import RiskAssessment
    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.cases.models import Case
    from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER

    cases = list(Case.objects.filter(case_type="repeat-asb", summary__contains=MARKER)
                 .order_by("pk"))
    if not cases:
        return DemoAsb()
    if RiskAssessment.objects.filter(case__in=cases).exists():
        return DemoAsb(already_present=True)
    council = get_user_model().objects.get(username=DEMO_OFFICERS["council"])
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    made = DemoAsb()
    with transaction.atomic():
        for n, case in enumerate(cases):
            complainant = case.parties.filter(role="complainant").order_by("pk").first()
            if complainant is None:
                continue
            plan = {0: ((35, WORSE), (0, HIGH)), 1: ((20, WORSE),)}.get(n, ((10, CALM),))
            for days, answers in plan:
                item = risk.assess_person(get_case_for_user(council, case.pk), council,
                                          person_id=complainant.person_id, answers=answers,
                                          on=ago(days))
                made.assessments += 1
                made.high += item.band == "high"
        first = cases[0]
        neighbour = first.parties.filter(role="alleged-perpetrator").order_by("pk").first()
        if neighbour is not None:
            _confirm_birth_date(council, neighbour.person_id, today)
            about = neighbour.person_id

            def act(kind: str, **values: Any) -> Any:
                made.actions += 1
                return actions.record_action(
                    get_case_for_user(council, first.pk), council, kind=kind,
                    agency=first.owner_agency, officer=OFFICER, person_id=about, **values)

            act("warning-letter", on=ago(120),
                conditions=f"Keep noise down after 23:00 {SYNTHETIC}")
            act("cpw", on=ago(90), comply_by=ago(76),
                conditions=f"Stop playing amplified music after 23:00 {SYNTHETIC}")
            notice = act("cpn", on=ago(60),
                         conditions=f"No amplified music after 23:00 {SYNTHETIC}\n"
                                    f"No vehicles parked on the communal green {SYNTHETIC}")
            actions.add_breach(get_case_for_user(council, first.pk), council, notice,
                               version=notice.version, breach=actions.BreachInput(
                                   on=ago(30), description=f"Amplified music until 02:00, "
                                                           f"witnessed by the officer {SYNTHETIC}",
                                   penalty_amount=Decimal("100"), penalty_on=ago(28)))
            made.breaches += 1
        if len(cases) > 1:
            second = cases[1]
            neighbour = second.parties.filter(role="alleged-perpetrator").order_by("pk").first()
            if neighbour is not None:
                actions.record_action(
                    get_case_for_user(council, second.pk), council, kind="abc",
                    agency=second.owner_agency, officer=OFFICER, person_id=neighbour.person_id,
                    on=ago(30), ends_on=ago(30) + datetime.timedelta(days=180),
                    review_on=ago(30) + datetime.timedelta(days=85),
                    conditions=f"Not to shout abuse at neighbours {SYNTHETIC}\n"
                               f"To keep the dog under control {SYNTHETIC}")
                made.actions += 1
    return made

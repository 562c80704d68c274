"""A repeat-ASB case to work on: owned by the owner agency (Essex Police), shared in full with the
partner (the council), with a victim, an adult alleged perpetrator, a nine-year-old and a house
(a place linked to the case). Built through the services and models as the pages build them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.cases.models import Case
from saferplaces.apps.people.models import Person
from saferplaces.apps.places.models import CasePlace, Place
from tests.apps.cases.conftest import add, open_case, person, share

#: Every answer of the shipped questionnaire at its lowest weight (score 0, standard).
CALM = {"health": "no", "support": "no", "daily-life": "not-at-all", "self-harm": "no",
        "at-home": "no", "targeted": "no", "hostility": "no", "perpetrator-nearby": "no",
        "avoidance": "no", "frequency": "less-than-monthly", "duration": "under-a-month",
        "violence": "none", "reported-before": "no"}
#: A victim at high risk by the total alone (no answer sets the band by itself): 26 points.
HIGH = {**CALM, "health": "yes", "support": "yes", "daily-life": "a-lot", "at-home": "yes",
        "targeted": "yes", "hostility": "yes", "perpetrator-nearby": "yes", "avoidance": "yes",
        "frequency": "daily", "duration": "over-six-months", "reported-before": "twice-or-more"}
#: Medium by the total: 13 points.
MEDIUM = {**CALM, "health": "yes", "support": "yes", "daily-life": "a-lot", "at-home": "yes",
          "targeted": "yes", "frequency": "monthly"}


def years_ago(years: int, days: int = 30) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@dataclass
class Asb:
    case: Case
    victim: Person
    perpetrator: Person
    child: Person
    house: Place
    manager: Any
    practitioner: Any
    partner: Any
    outsider: Any
    viewer: Any

    def party(self, who: Person) -> int:
        return self.case.parties.get(person=who).pk


@pytest.fixture
def asb(partnership) -> Asb:
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    victim = person(partnership.owner, "Vera", "Victim", born=datetime.date(1961, 3, 14))
    perpetrator = person(partnership.owner, "Perry", "Neighbour", born=datetime.date(1990, 7, 2))
    child = person(partnership.owner, "Kit", "Young", born=years_ago(9))
    add(manager, case, victim, "victim")
    add(manager, case, perpetrator, "alleged-perpetrator")
    add(manager, case, child, "alleged-perpetrator")
    house = Place.objects.create(name="14 Example Road", owner_agency=partnership.owner)
    CasePlace.objects.create(case=case, place=house, linked_by=manager)
    share(case, partnership.partner)
    return Asb(case, victim, perpetrator, child, house, manager,
               partnership.user("owner", "practitioner"),
               partnership.user("partner", "practitioner"),
               partnership.user("outsider", "case_manager"),
               partnership.user("owner", "viewer"))


def answers_form(answers: dict[str, str], latest: int = 0, **extra: str) -> dict[str, Any]:
    """The questionnaire page's POST body."""
    return {**{f"q_{key}": value for key, value in answers.items()},
            "opened_on_latest": str(latest), "raise_to": "", "reason": "", **extra}


def day_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}

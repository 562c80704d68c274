"""A hate case owned by the owner agency (Essex Police) with an adult victim, shared in full
with the partner (the council) unless a test says otherwise; built through the services."""

from __future__ import annotations

import datetime
from typing import Any

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case
from saferplaces.apps.hate import services
from saferplaces.apps.hate.models import HateDetails
from tests.apps.cases.conftest import add, open_case, person

DAY = datetime.date(2026, 3, 2)
HARM = "risk-of-significant-harm"


def hate_case(user: Any, victim: Any = None, title: str = "Abuse at the bus stop") -> Case:
    case = open_case(user, case_type="hate", title=title)
    if victim is not None:
        add(user, case, victim)
    return case


def details(user: Any, case: Case, *, on: datetime.date = DAY, strands: tuple[str, ...] = ("race",),
            kind: str = "crime", **extra: Any) -> HateDetails:
    return services.save_details(get_case_for_user(user, case.pk), user, version=None,
                                 recorded_on=on, kind=kind, strands=strands,
                                 perceived_by=extra.pop("perceived_by", "victim"), **extra)


def victim(agency: Any, given: str = "Hazel") -> Any:
    return person(agency, given, "Wortlebury", born=datetime.date(1985, 6, 1))


def form(on: datetime.date = DAY, **fields: Any) -> dict[str, Any]:
    """The details form's POST body."""
    body = {"recorded_on_day": on.day, "recorded_on_month": on.month, "recorded_on_year": on.year,
            "kind": "crime", "strands": ["race"], "perceived_by": "victim", "perceiver": "",
            "nchi_ground": "", "nchi_reasoning": "", "version": ""}
    body.update(fields)
    return body

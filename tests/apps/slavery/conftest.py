"""A modern-slavery case owned by the owner agency (Essex Police) with an adult and a child as
potential victims; built through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from saferplaces.apps.cases.models import Case, Party
from tests.apps.cases.conftest import add, open_case, person

REFERRED = datetime.date(2026, 12, 21)  # the Monday before Christmas
TODAY = datetime.date(2027, 6, 30)  # after every day these tests record (no future days)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    return TODAY


@dataclass
class Slavery:
    case: Case
    adult: Party
    child: Party
    manager: Any


@pytest.fixture
def slavery(partnership) -> Slavery:
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="modern-slavery", title="Car wash workers")
    adult = person(partnership.owner, "Marek", "Woadfield", born=datetime.date(1994, 2, 3))
    child = person(partnership.owner, "Iris", "Sainfoyne", born=datetime.date(2010, 4, 1))
    add(manager, case, adult)
    add(manager, case, child)
    parties = {p.person_id: p for p in case.parties.all()}
    return Slavery(case, parties[adult.pk], parties[child.pk], manager)


def refer_form(party: Party, on: datetime.date = REFERRED, **fields: Any) -> dict[str, Any]:
    body = {"party": party.pk, "first_responder": "police", "referred_on_day": on.day,
            "referred_on_month": on.month, "referred_on_year": on.year,
            "exploitation_types": ["labour"], "consent": ""}
    body.update(fields)
    return body


def decisions_form(version: int, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"version": version, "rg": "", "cg": "", "support_outcome": ""}
    for name in ("rg_decided_on", "cg_decided_on"):
        day = fields.pop(name, None)
        body |= {f"{name}_day": day.day if day else "", f"{name}_month": day.month if day else "",
                 f"{name}_year": day.year if day else ""}
    body.update(fields)
    return body

"""A shared case to work on: an anti-social behaviour case owned by the owner agency (Essex
Police), with one adult party, shared in full with the partner (the council) unless a test
says otherwise. Built through the services, as the pages build them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, CaseShare, ShareLevel
from saferplaces.apps.people.models import Consent, ConsentStatus, Person

REASON = "Repeat noise and threats reported by three households on the estate"


def person(agency: Any, given: str, family: str = "Example", *, born: datetime.date | None = None,
           locked_down: bool = False) -> Person:
    return Person.objects.create(owner_agency=agency, given_name=given, family_name=family,
                                 date_of_birth=born, locked_down=locked_down)


def consent(who: Person, status: str = ConsentStatus.GIVEN,
            on: datetime.date | None = None) -> Consent:
    return Consent.objects.create(person=who, status=status,
                                  recorded_on=on or datetime.date(2025, 1, 6))


def open_case(user: Any, case_type: str = "repeat-asb", title: str = "Noise on Elm Estate") -> Case:
    return services.create_case(user, case_type_key=case_type, title=title)


def add(user: Any, case: Case, who: Person, role: str = "victim") -> None:
    services.add_party(get_case_for_user(user, case.pk), user, person_id=who.pk, role=role)


def share(case: Case, agency: Any, level: str = ShareLevel.FULL) -> CaseShare:
    """A share made directly (the lawful-basis rules are tested on their own)."""
    return CaseShare.objects.create(case=case, agency=agency, level=level, basis="public-task")


@dataclass
class World:
    case: Case
    adult: Person
    owner_manager: Any
    owner_practitioner: Any
    partner_practitioner: Any
    partner_manager: Any
    outsider_manager: Any


@pytest.fixture
def world(partnership) -> World:
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    adult = person(partnership.owner, "Alex", "Adult", born=datetime.date(1980, 5, 1))
    add(manager, case, adult)
    share(case, partnership.partner)
    return World(case, adult, manager, partnership.user("owner", "practitioner"),
                 partnership.user("partner", "practitioner"),
                 partnership.user("partner", "case_manager"),
                 partnership.user("outsider", "case_manager"))

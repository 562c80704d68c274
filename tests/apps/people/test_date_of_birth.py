"""A date of birth is a real one: not before 1 January 1900 (nobody alive was born earlier; an
earlier date is a typing slip such as 0001-01-01) and not in the future. The rule is the
people service's, so the page, the API and any other caller are refused alike, with a message
that says what to do, and nothing is saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from saferplaces.apps.people import services
from saferplaces.apps.people.access import get_person_for_user
from saferplaces.apps.people.models import Person

EARLIEST = "on or after 1 January 1900"
FUTURE = "today or in the past"


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.mark.parametrize("born, message", [
    ("0001-01-01", EARLIEST), ("1899-12-31", EARLIEST), ("1066-10-14", EARLIEST),
    (None, FUTURE),
])
def test_the_api_refuses_an_impossible_date_of_birth(born, message, world, client_of):
    answer = client_of("owner-practitioner").post(
        "/api/people/", {"given_name": "Ola", "family_name": "Nowak",
                         "date_of_birth": born or tomorrow().isoformat(), "create_anyway": True},
        content_type="application/json")
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["date_of_birth"])
    assert not Person.objects.filter(family_name="Nowak").exists()


def test_the_earliest_and_latest_dates_are_accepted(world, client_of):
    client = client_of("owner-practitioner")
    for family, born in (("Oldest", "1900-01-01"), ("Newborn", timezone.localdate().isoformat())):
        answer = client.post("/api/people/", {"given_name": "Ola", "family_name": family,
                                              "date_of_birth": born, "create_anyway": True},
                             content_type="application/json")
        assert answer.status_code == 201, answer.json()


@pytest.mark.parametrize("born, message", [
    (datetime.date(1, 1, 1), EARLIEST), (datetime.date(1899, 12, 31), EARLIEST),
    (None, FUTURE),
])
def test_the_service_refuses_it_when_adding_and_when_editing(born, message, world, partnership):
    user = partnership.user("owner", "case_manager")
    born = born or tomorrow()
    with pytest.raises(ValidationError, match=message):
        services.create_person(user, {"given_name": "Ola", "family_name": "Nowak",
                                      "date_of_birth": born})
    assert not Person.objects.filter(family_name="Nowak").exists()
    access = get_person_for_user(user, world.john.pk)
    with pytest.raises(ValidationError, match=message):
        services.edit_person(user, access, {"date_of_birth": born}, world.john.version)
    world.john.refresh_from_db()
    assert world.john.date_of_birth == datetime.date(1990, 3, 4) and world.john.version == 1


def test_the_edit_page_refuses_a_date_before_1900(world, client_of):
    answer = client_of("owner-case_manager").post(f"/people/{world.john.pk}/edit/", {
        "given_name": "John", "family_name": "Smith", "gender": "unknown", "version": "1",
        "date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1899"})
    assert answer.status_code == 400
    world.john.refresh_from_db()
    assert world.john.date_of_birth == datetime.date(1990, 3, 4)

"""Recording consent to share: only the agency that holds the person records it (an agency
working the person's case through a share may read it, not record it; an outsider does not
find the person at all), and the date must be a real day of the person's life: not in the
future, not before they were born, not before 1900."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saferplaces.apps.people import services
from saferplaces.apps.people.access import get_person_for_user


def consent_form(client, person, day: datetime.date, status: str = "given"):
    return client.post(f"/people/{person.pk}/consent/", {
        "status": status, "recorded_on_day": str(day.day), "recorded_on_month": str(day.month),
        "recorded_on_year": str(day.year), "note": "Asked at home"})


def test_the_owning_agency_records_consent(world, client_of):
    response = consent_form(client_of("owner-practitioner"), world.john, datetime.date(2024, 6, 1))
    assert response.status_code == 302
    assert world.john.consents.get().recorded_by.username == "owner-practitioner"


@pytest.mark.parametrize("user", ["partner-practitioner", "partner-case_manager",
                                  "partner-coordinator"])
def test_a_partner_working_the_case_may_not_record_consent_for_anothers_person(world, client_of,
                                                                             user):
    client = client_of(user)
    assert client.get(f"/people/{world.john.pk}/").status_code == 200  # they see him
    assert client.get(f"/people/{world.john.pk}/consent/").status_code == 403
    assert consent_form(client, world.john, datetime.date(2024, 6, 1)).status_code == 403
    assert not world.john.consents.exists()
    assert "Record consent" not in client.get(f"/people/{world.john.pk}/").content.decode()


def test_the_rule_holds_below_the_page_too(world, partnership):
    partner = partnership.user("partner", "case_manager")
    access = get_person_for_user(partner, world.john.pk)
    with pytest.raises(PermissionDenied):
        services.record_consent(partner, access, "given", datetime.date(2024, 6, 1))
    assert not world.john.consents.exists()


def test_an_outsider_does_not_find_the_person_to_record_consent(world, client_of):
    client = client_of("outsider-case_manager")
    assert client.get(f"/people/{world.john.pk}/consent/").status_code == 404
    assert consent_form(client, world.john, datetime.date(2024, 6, 1)).status_code == 404
    assert not world.john.consents.exists()


def test_the_owners_page_offers_to_record_consent(world, client_of):
    page = client_of("owner-practitioner").get(f"/people/{world.john.pk}/").content.decode()
    assert "Record consent" in page


@pytest.mark.parametrize("day, words", [
    (timezone.localdate() + datetime.timedelta(days=1), "in the future"),
    (datetime.date(1990, 3, 3), "before they were born"),  # John was born on 4 March 1990
    (datetime.date(1899, 12, 31), "must be a real date"),  # the date boxes stop it first
])
def test_a_consent_date_outside_the_persons_life_is_refused(world, client_of, day, words):
    response = consent_form(client_of("owner-practitioner"), world.john, day)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not world.john.consents.exists()


def test_consent_on_the_day_of_birth_or_today_is_accepted(world, client_of):
    client = client_of("owner-practitioner")
    assert consent_form(client, world.john, datetime.date(1990, 3, 4), "refused").status_code == 302
    assert consent_form(client, world.john, timezone.localdate()).status_code == 302
    assert world.john.consents.count() == 2


def test_a_person_with_no_date_of_birth_is_held_to_the_1900_and_today_limits(world, partnership):
    manager = partnership.user("owner", "case_manager")
    access = get_person_for_user(manager, world.limited.pk)  # Lee Limited: no date of birth
    with pytest.raises(ValidationError, match="1900"):
        services.record_consent(manager, access, "given", datetime.date(1850, 1, 1))
    assert services.record_consent(manager, access, "given", datetime.date(1950, 1, 1)).pk

"""A person's free text — notes, consent notes and the reasons given for seeing a confidential
address or asking for and declining access — is at most ``SAFERPLACES_TEXT_MAX_CHARS``
characters, refused by the people service (so by the pages and the API alike) with a message
that says so; nothing is saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from saferplaces.apps.people import services
from saferplaces.apps.people.access import get_person_for_user
from saferplaces.apps.people.models import Consent, Person, ProfileAccessRequest

LIMIT = 200
MESSAGE = f"must be {LIMIT} characters or fewer"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.SAFERPLACES_TEXT_MAX_CHARS = LIMIT


def words(count: int) -> str:
    return ("Lives with her mother; works nights at the hospital. " * (count // 50 + 1))[:count - 1] + "."  # no space at either end


def test_long_notes_are_refused_by_the_api_and_the_service(world, client_of, partnership):
    answer = client_of("owner-practitioner").post(
        "/api/people/", {"given_name": "Ola", "family_name": "Nowak", "notes": words(LIMIT + 1),
                         "create_anyway": True}, content_type="application/json")
    assert answer.status_code == 400 and MESSAGE in " ".join(answer.json()["notes"])
    assert not Person.objects.filter(family_name="Nowak").exists()
    user = partnership.user("owner", "case_manager")
    access = get_person_for_user(user, world.john.pk)
    with pytest.raises(ValidationError, match=MESSAGE):
        services.edit_person(user, access, {"notes": words(LIMIT + 1)}, world.john.version)
    services.edit_person(user, access, {"notes": words(LIMIT)}, world.john.version)
    world.john.refresh_from_db()
    assert len(world.john.notes) == LIMIT


def test_long_notes_are_refused_on_the_edit_page(world, client_of):
    answer = client_of("owner-case_manager").post(f"/people/{world.john.pk}/edit/", {
        "given_name": "John", "family_name": "Smith", "gender": "unknown", "version": "1",
        "notes": words(LIMIT + 1)})
    assert answer.status_code == 400 and MESSAGE in answer.content.decode()
    world.john.refresh_from_db()
    assert world.john.notes == ""


def test_long_consent_notes_and_reasons_are_refused(world, partnership):
    manager = partnership.user("owner", "case_manager")
    access = get_person_for_user(manager, world.cora.pk)
    with pytest.raises(ValidationError, match=MESSAGE):
        services.record_consent(manager, access, "given", datetime.date(2025, 1, 6),
                                words(LIMIT + 1))
    with pytest.raises(ValidationError, match=MESSAGE):
        services.reveal_address(manager, access, words(LIMIT + 1))
    with pytest.raises(ValidationError, match=MESSAGE):
        services.request_access(partnership.user("outsider", "case_manager"), world.lena,
                                words(LIMIT + 1))
    assert not Consent.objects.filter(person=world.cora).exists()
    assert not ProfileAccessRequest.objects.exists()

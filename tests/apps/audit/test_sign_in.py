"""Signing in and failing to sign in are recorded, whichever page does it. A failed attempt keeps
no trace of what was typed: people type passwords, or someone else's name, into the username box."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from saferplaces.apps.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-for-tests"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="198.51.100.20", HTTP_X_REQUEST_ID="sign-in-1")


def test_signing_in_is_recorded_with_the_user_agency_address_and_request(partnership, settings):
    settings.SAFERPLACES_BEHIND_PROXY = True  # the proxy in front sets the request id
    officer = partnership.user("partner", "practitioner")
    officer.set_password(PASSWORD)
    officer.save()
    sign_in(Client(), "partner-practitioner", PASSWORD)
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert (event.user_id, event.username, event.agency_name) == (
        officer.pk, "partner-practitioner", "Colchester City Council")
    assert (event.ip_address, event.request_id) == ("198.51.100.20", "sign-in-1")


def test_a_failed_sign_in_is_recorded_without_what_was_typed():
    get_user_model().objects.create_user("co-ordinator", password=PASSWORD)
    typed = "My-Secret-Passw0rd"
    sign_in(Client(), typed, "wrong")
    sign_in(Client(), "co-ordinator", typed)
    failed = list(AuditEvent.objects.filter(action=Action.LOGIN_FAILED))
    assert len(failed) == 2
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()
    for event in failed:
        assert (event.user_id, event.username, event.reason, event.object_id) == (None, "", "", "")
        assert event.ip_address == "198.51.100.20"
        stored = " ".join(str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values())
        assert typed not in stored and "co-ordinator" not in stored

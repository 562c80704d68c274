"""Sessions end after a while without activity, a while after signing in, and with the browser."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from saferplaces.apps.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.apps.accounts.conftest import page_text, sign_in_fully

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, enrolled) -> Client:
    sign_in_fully(client, enrolled.device)
    assert client.get("/assessments/").status_code == 200
    return client


def set_clocks(client: Client, *, signed_in_ago: float, last_seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN] = now - last_seen_ago
    session.save()


def test_signing_in_starts_both_clocks(signed_in):
    session = signed_in.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 60
    assert session[LAST_SEEN] >= session[SIGNED_IN_AT]


def test_after_30_minutes_without_activity_the_person_is_signed_out_and_told_why(signed_in):
    set_clocks(signed_in, signed_in_ago=3600, last_seen_ago=31 * 60)
    response = signed_in.get("/assessments/entries/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/assessments/entries/"
    assert "_auth_user_id" not in signed_in.session
    sign_in_page = signed_in.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page_text(sign_in_page)
    assert "without activity" not in page_text(signed_in.get(response["Location"]))  # said once


def test_activity_keeps_the_session_going(signed_in):
    set_clocks(signed_in, signed_in_ago=3600, last_seen_ago=29 * 60)
    assert signed_in.get("/assessments/").status_code == 200
    assert time.time() - signed_in.session[LAST_SEEN] < 5
    set_clocks(signed_in, signed_in_ago=3600, last_seen_ago=29 * 60)
    assert signed_in.get("/assessments/").status_code == 200


def test_twelve_hours_after_signing_in_the_person_is_signed_out_however_active(signed_in):
    set_clocks(signed_in, signed_in_ago=12 * 3600 + 1, last_seen_ago=10)
    response = signed_in.get("/assessments/")
    assert response["Location"] == "/accounts/login/?next=/assessments/"
    assert "You were signed out 12 hours after signing in." in page_text(signed_in.get(response["Location"]))


def test_a_form_sent_after_expiry_is_not_acted_on(signed_in):
    set_clocks(signed_in, signed_in_ago=3600, last_seen_ago=31 * 60)
    response = signed_in.post("/accounts/two-factor/recovery-codes/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    from django_otp.plugins.otp_static.models import StaticDevice
    assert not StaticDevice.objects.exists()


def test_the_limits_are_settings(signed_in, settings):
    settings.SAFERPLACES_SESSION_IDLE_MINUTES = 5
    set_clocks(signed_in, signed_in_ago=600, last_seen_ago=6 * 60)
    response = signed_in.get("/assessments/")
    assert "after 5 minutes without activity" in page_text(signed_in.get(response["Location"]))


def test_a_person_part_way_through_signing_in_is_timed_out_too(client, enrolled):
    client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery staple"})
    set_clocks(client, signed_in_ago=3600, last_seen_ago=31 * 60)
    response = client.get("/accounts/two-factor/verify/")
    assert response["Location"].startswith("/accounts/login/")


def test_the_session_cookie_ends_with_the_browser(client, enrolled):
    response = client.post("/accounts/login/", {"username": "alice",
                                                "password": "correct horse battery staple"})
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]

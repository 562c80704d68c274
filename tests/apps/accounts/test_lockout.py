"""Locking a username after repeated failed sign-in attempts: wrong passwords and wrong two-factor
codes count together, the lockout page says when to try again and nothing about the account."""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from saferplaces.apps.accounts.lockout import is_locked, unlock
from saferplaces.apps.audit.models import AuditEvent
from tests.apps.accounts.conftest import (
    PASSWORD,
    code_for,
    page_text,
    password_step,
    sign_in_fully,
)

pytestmark = pytest.mark.django_db


def wrong_passwords(client: Client, times: int, username: str = "alice") -> list:
    return [password_step(client, username, "not the password") for _ in range(times)]


def wrong_codes(client: Client, device, times: int) -> list:
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    return [client.post("/accounts/two-factor/verify/", {"code": wrong}) for _ in range(times)]


def is_lockout_page(response) -> bool:
    return (response.status_code == 429
            and '<h1 class="govuk-heading-xl">You cannot sign in at the moment</h1>' in response.content.decode())


def signed_in(client: Client) -> bool:
    return client.get("/assessments/").status_code == 200


def test_five_wrong_passwords_lock_the_username_and_then_the_right_password_is_refused(client, enrolled):
    answers = wrong_passwords(client, 5)
    assert [r.status_code for r in answers[:4]] == [200] * 4
    assert not any(is_lockout_page(r) for r in answers[:4])
    assert is_lockout_page(answers[4])
    assert re.search(r"Try again after (\d{1,2}:\d\d[ap]m|midday|midnight) \(in 30 minutes\)",
                     page_text(answers[4]))

    response = password_step(client)
    assert is_lockout_page(response)
    assert "_auth_user_id" not in client.session
    assert is_locked("alice") and is_locked("ALICE ")


def test_the_lockout_page_is_the_same_for_a_username_nobody_has(client, enrolled):
    known = wrong_passwords(Client(), 5, "alice")[-1]
    unknown = wrong_passwords(Client(), 5, "nobody-called-this")[-1]
    assert is_lockout_page(unknown)

    def words(response) -> str:
        return re.sub(r"\d{1,2}:\d\d[ap]m|midday|midnight", "TIME", page_text(response))

    assert words(known) == words(unknown)
    assert "alice" not in known.content.decode() and "nobody-called-this" not in unknown.content.decode()


def test_what_was_typed_as_a_username_is_not_stored_with_the_attempts(client, alice):
    wrong_passwords(client, 2, "Alice")
    stored = " ".join(str(v) for row in AccessAttempt.objects.values() for v in row.values())
    assert "alice" not in stored.lower() and "not the password" not in stored


def test_usernames_are_counted_whatever_their_capitals(client, enrolled):
    wrong_passwords(client, 3, "Alice")
    wrong_passwords(client, 1, "ALICE")
    assert is_lockout_page(wrong_passwords(client, 1, "alice")[0])


def test_the_lock_ends_after_the_cool_off(client, enrolled):
    wrong_passwords(client, 5)
    assert is_lockout_page(password_step(client))
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert not is_locked("alice")
    assert sign_in_fully(client, enrolled.device).status_code == 302 and signed_in(client)


def test_an_administrator_can_unlock_a_username(client, enrolled):
    wrong_passwords(client, 5)
    assert unlock("Alice") == 1
    assert sign_in_fully(client, enrolled.device).status_code == 302 and signed_in(client)


def test_a_complete_sign_in_clears_the_count_but_a_password_alone_does_not(client, enrolled):
    wrong_passwords(client, 4)
    sign_in_fully(client, enrolled.device)
    client.post("/accounts/logout/")
    assert not any(is_lockout_page(r) for r in wrong_passwords(client, 4))

    assert password_step(client).status_code == 302  # the right password, then no code
    client.post("/accounts/logout/")
    assert is_lockout_page(wrong_passwords(client, 1)[0])


def test_five_wrong_codes_sign_the_person_out_and_lock_the_username(client, enrolled):
    password_step(client)
    answers = wrong_codes(client, enrolled.device, 5)
    assert [r.status_code for r in answers[:4]] == [200] * 4
    assert is_lockout_page(answers[4])
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/two-factor/verify/")["Location"].startswith("/accounts/login/")
    assert is_lockout_page(password_step(client))
    assert AuditEvent.objects.filter(action="login-failed").count() == 6


def test_wrong_passwords_and_wrong_codes_count_together(client, enrolled):
    wrong_passwords(client, 3)
    password_step(client)
    answers = wrong_codes(client, enrolled.device, 2)
    assert answers[0].status_code == 200 and is_lockout_page(answers[1])


def test_the_number_of_failures_is_a_setting(client, enrolled, settings):
    settings.AXES_FAILURE_LIMIT = 3
    answers = wrong_passwords(client, 3)
    assert not is_lockout_page(answers[1]) and is_lockout_page(answers[2])


def test_the_right_password_after_four_wrong_ones_still_works(client, enrolled):
    wrong_passwords(client, 4)
    response = password_step(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"


def test_a_locked_username_is_refused_in_every_session_whatever_the_code(enrolled, alice):
    """Sessions that passed the password step before the lock get no more guesses: the lock is
    checked before the code, so the right code (app or recovery) is refused too, and is not used up."""
    from saferplaces.apps.accounts.services import recovery_codes, recovery_codes_left

    codes = recovery_codes(alice)
    first, second, third = Client(), Client(), Client()
    for session in (first, second, third):
        assert password_step(session).status_code == 302
    assert is_lockout_page(wrong_codes(first, enrolled.device, 5)[-1])
    assert is_locked("alice")

    refused = second.post("/accounts/two-factor/verify/", {"code": code_for(enrolled.device)})
    assert is_lockout_page(refused)
    assert "_auth_user_id" not in second.session and not signed_in(second)
    assert is_lockout_page(third.post("/accounts/two-factor/verify/", {"code": codes[0]}))
    assert not signed_in(third)
    assert recovery_codes_left(alice) == len(codes)
    assert is_locked("alice")  # the right code while locked does not lift the lock


def test_a_locked_username_cannot_set_up_an_app_in_a_session_opened_before_the_lock(alice):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    setting_up = Client()
    password_step(setting_up)
    setting_up.get("/accounts/two-factor/set-up/")  # the new app's key is shown
    pending = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong_passwords(Client(), 5)

    refused = setting_up.post("/accounts/two-factor/set-up/", {"code": code_for(pending)})
    assert is_lockout_page(refused) and not signed_in(setting_up)
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert is_locked("alice")

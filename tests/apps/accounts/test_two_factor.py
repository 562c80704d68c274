"""Two-factor sign-in through Django's test client: setting up an authenticator app, recovery
codes, signing in with a code, and every way of trying to get round it."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferplaces.apps.accounts.services import (
    RECOVERY_CODE_COUNT,
    has_two_factor,
    pending_device,
    provision_totp,
    recovery_codes,
    reset_two_factor,
)
from saferplaces.apps.accounts.views import qr_svg
from saferplaces.apps.audit.models import AuditEvent
from tests.apps.accounts.conftest import (
    code_for,
    make_person,
    page_text,
    password_step,
    sign_in_fully,
)

pytestmark = pytest.mark.django_db


def secret_on(html: str) -> bytes:
    """The key the set-up page shows for typing in, as bytes."""
    shown = re.search(r'<code class="sp-code" id="secret-key">([A-Z2-7 ]+)</code>', html)
    assert shown, "the set-up page shows no key"
    secret = shown.group(1).replace(" ", "")
    return b32decode(secret + "=" * (-len(secret) % 8))


def main_of(html: str) -> str:
    return html.split('<main', 1)[1].split("</main>", 1)[0]


# --- setting up ---------------------------------------------------------------------------------


def test_a_new_user_sets_up_an_app_and_sees_ten_recovery_codes_once(client, alice):
    response = password_step(client, next_url="/assessments/")
    assert response["Location"] == "/accounts/two-factor/?next=%2Fassessments%2F"
    response = client.get(response["Location"])
    assert response["Location"] == "/accounts/two-factor/set-up/?next=%2Fassessments%2F"
    html = client.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-heading-xl">Set up your authenticator app</h1>' in html
    assert "<svg" in main_of(html) and "<script" not in main_of(html) and "style=" not in main_of(html)
    key = secret_on(html)
    assert not has_two_factor(alice)

    response = client.post("/accounts/two-factor/set-up/",
                           {"code": f"{totp(key):06d}", "next": "/assessments/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/recovery-codes/?next=%2Fassessments%2F"
    assert has_two_factor(alice)
    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed and device.bin_key == key

    shown = client.get(response["Location"])
    assert shown["Cache-Control"].startswith("max-age=0") and "no-store" in shown["Cache-Control"]
    codes = re.findall(r'<li><code class="sp-code">([a-z2-7]{8})</code></li>', shown.content.decode())
    assert len(codes) == RECOVERY_CODE_COUNT == 10 and len(set(codes)) == 10
    assert 'href="/assessments/"' in shown.content.decode()
    again = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert not set(codes) & set(re.findall(r"[a-z2-7]{8}", again))
    assert "shown only once" in again and "You have 10 unused recovery codes" in again
    assert client.get("/assessments/").status_code == 200  # signed in with both factors


def test_the_set_up_page_keeps_its_key_when_loaded_again_and_draws_the_address_as_a_qr_code(client, alice):
    password_step(client)
    first = client.get("/accounts/two-factor/set-up/").content.decode()
    second = client.get("/accounts/two-factor/set-up/").content.decode()
    assert secret_on(first) == secret_on(second)
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    setup = pending_device(alice)
    assert setup.otpauth_uri.startswith("otpauth://totp/saferplaces%3Aalice?")
    assert f"secret={setup.secret_base32}" in setup.otpauth_uri and "issuer=saferplaces" in setup.otpauth_uri
    assert str(qr_svg(setup.otpauth_uri)) in first


def test_a_wrong_set_up_code_is_refused_and_nothing_is_confirmed(client, alice):
    password_step(client)
    key = secret_on(client.get("/accounts/two-factor/set-up/").content.decode())
    wrong = f"{(totp(key) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/set-up/", {"code": wrong})
    assert response.status_code == 200
    assert "The code is not correct" in page_text(response)
    assert "<title>Error: Set up your authenticator app" in response.content.decode()
    assert not has_two_factor(alice)
    assert client.get("/assessments/")["Location"] == "/accounts/two-factor/?next=%2Fassessments%2F"


def test_provisioning_gives_a_working_confirmed_app_with_the_saferplaces_issuer(client, alice):
    setup = provision_totp(alice)
    assert setup.device.confirmed and setup.device.user == alice
    assert b32decode(setup.secret_base32 + "=" * (-len(setup.secret_base32) % 8)) == setup.device.bin_key
    assert "issuer=saferplaces" in setup.otpauth_uri
    again = provision_totp(alice)
    assert list(TOTPDevice.objects.filter(user=alice)) == [again.device]
    response = sign_in_fully(client, again.device)
    assert response.status_code == 302 and client.get("/assessments/").status_code == 200


# --- what is closed before the second factor ----------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/map/", "/assessments/", "/accounts/password_change/",
                                 "/accounts/two-factor/recovery-codes/", "/audit/", "/manage/users/"])
def test_before_the_second_factor_every_other_page_sends_the_person_to_it(client, enrolled, url):
    password_step(client)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/"), url


def test_before_the_second_factor_set_up_verify_and_sign_out_are_open(client, alice):
    password_step(client)
    assert client.get("/accounts/two-factor/set-up/").status_code == 200
    provision_totp(alice)
    assert client.get("/accounts/two-factor/verify/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 200 and "You have signed out" in page_text(response)
    assert client.get("/accounts/two-factor/verify/")["Location"].startswith("/accounts/login/")


def test_someone_with_an_app_cannot_set_up_another_before_passing_the_second_factor(client, enrolled, alice):
    password_step(client)
    response = client.get("/accounts/two-factor/set-up/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    response = client.post("/accounts/two-factor/set-up/", {"code": "123456"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=alice)) == [enrolled.device]


def test_the_recovery_codes_page_needs_the_second_factor(client, enrolled):
    password_step(client)
    assert client.post("/accounts/two-factor/recovery-codes/")["Location"].startswith("/accounts/two-factor/")
    assert not StaticDevice.objects.exists()


# --- signing in with a code ---------------------------------------------------------------------


def test_signing_in_with_the_apps_code_goes_on_to_the_page_asked_for(client, enrolled):
    response = client.get("/assessments/entries/")
    response = client.post(response["Location"], {"username": "alice", "password": "correct horse battery staple",
                                                  "next": "/assessments/entries/"})
    response = client.get(response["Location"])
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fassessments%2Fentries%2F"
    html = client.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-heading-xl">Enter the code from your authenticator app</h1>' in html
    assert 'name="next" value="/assessments/entries/"' in html
    response = client.post("/accounts/two-factor/verify/",
                           {"code": code_for(enrolled.device), "next": "/assessments/entries/"})
    assert response.status_code == 302 and response["Location"] == "/assessments/entries/"
    assert client.get("/assessments/entries/").status_code == 200


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_next_page_on_another_site_is_not_followed(client, enrolled, unsafe):
    response = sign_in_fully(client, enrolled.device, next_url=unsafe)
    assert response.status_code == 302 and response["Location"] == "/assessments/"


def test_a_wrong_code_is_refused_with_an_error_summary(client, enrolled):
    password_step(client)
    code = code_for(enrolled.device)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/verify/", {"code": wrong})
    assert response.status_code == 200 and "The code is not correct" in page_text(response)
    assert 'href="#id_code"' in response.content.decode()
    assert client.get("/assessments/")["Location"] == "/accounts/two-factor/?next=%2Fassessments%2F"


def test_an_apps_code_works_only_once(client, enrolled):
    code = code_for(enrolled.device)
    password_step(client)
    assert client.post("/accounts/two-factor/verify/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    other = Client()
    password_step(other)
    response = other.post("/accounts/two-factor/verify/", {"code": code})
    assert response.status_code == 200 and "The code is not correct" in page_text(response)


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, enrolled, alice):
    codes = recovery_codes(alice)
    password_step(client)
    typed = codes[0].upper()[:4] + "-" + codes[0].upper()[4:]  # as someone might copy it
    response = client.post("/accounts/two-factor/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == "/assessments/"
    assert "You have 9 recovery codes left" in page_text(client.get("/assessments/"))
    client.post("/accounts/logout/")

    password_step(client)
    response = client.post("/accounts/two-factor/verify/", {"code": codes[0]})
    assert response.status_code == 200 and "The code is not correct" in page_text(response)
    look_alike = codes[1].replace("o", "0").replace("l", "1").replace("b", "8")
    assert client.post("/accounts/two-factor/verify/", {"code": look_alike}).status_code == 302


def test_a_new_set_of_recovery_codes_replaces_the_old(client, enrolled, alice):
    old = recovery_codes(alice)
    sign_in_fully(client, enrolled.device)
    response = client.post("/accounts/two-factor/recovery-codes/")
    shown = client.get(response["Location"]).content.decode()
    new = re.findall(r'<li><code class="sp-code">([a-z2-7]{8})</code></li>', shown)
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/accounts/logout/")
    password_step(client)
    assert client.post("/accounts/two-factor/verify/", {"code": old[0]}).status_code == 200
    assert client.post("/accounts/two-factor/verify/", {"code": new[0]}).status_code == 302


def test_codes_from_another_persons_app_or_recovery_codes_do_not_work(client, enrolled, alice):
    bob = make_person("bob")
    bobs_app = provision_totp(bob)
    bobs_codes = recovery_codes(bob)
    password_step(client)
    for code in [code_for(bobs_app.device), bobs_codes[0]]:
        response = client.post("/accounts/two-factor/verify/", {"code": code})
        assert response.status_code == 200 and "The code is not correct" in page_text(response)
    assert client.get("/assessments/")["Location"] == "/accounts/two-factor/?next=%2Fassessments%2F"
    assert sign_in_fully(Client(), bobs_app.device, username="bob").status_code == 302
    bob_again = Client()
    password_step(bob_again, "bob")
    assert bob_again.post("/accounts/two-factor/verify/", {"code": bobs_codes[0]}).status_code == 302


# --- resetting --------------------------------------------------------------------------------------


def test_resetting_two_factor_sends_the_person_to_set_up_again_and_is_audited(client, enrolled, alice):
    recovery_codes(alice)
    sign_in_fully(client, enrolled.device)
    assert client.get("/assessments/").status_code == 200
    administrator = make_person("ada", role="administrator")

    reset_two_factor(alice, by=administrator)

    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    event = AuditEvent.objects.get(action="2fa-reset")
    assert (event.username, event.object_type, event.object_id) == ("ada", "user", str(alice.pk))
    # the session that passed with the removed app is ended: a new app needs the password again
    assert client.get("/assessments/")["Location"].startswith("/accounts/login/")
    assert password_step(client).status_code == 302
    assert client.get("/accounts/two-factor/")["Location"] == "/accounts/two-factor/set-up/"


def test_with_two_factor_sign_in_turned_off_the_password_is_enough(client, alice, settings):
    settings.SAFERPLACES_REQUIRE_2FA = False
    response = password_step(client, next_url="/assessments/entries/")
    assert response["Location"] == "/assessments/entries/"
    assert client.get("/assessments/entries/").status_code == 200


def test_after_a_reset_an_old_session_cannot_set_up_a_new_app(client, enrolled, alice):
    """A lost phone's reset ends every session of the person: whoever holds an old session
    cookie (a thief, a shared office computer) cannot enrol their own app without the password."""
    sign_in_fully(client, enrolled.device)
    part_way = Client()
    password_step(part_way)  # signed in with the password, not yet the code
    reset_two_factor(alice, by=make_person("ada", role="administrator"))

    for session in (client, part_way):
        response = session.get("/accounts/two-factor/set-up/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in session.session
    assert not TOTPDevice.objects.filter(user=alice).exists()

"""The password rules, and changing one's password signing out every other session."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.apps.accounts.conftest import PASSWORD, page_text, sign_in_fully

pytestmark = pytest.mark.django_db


def refusals(password: str, user) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_a_long_passphrase_is_accepted(alice):
    assert refusals("amber kettle violin harbour", alice) == []
    assert refusals("x7!kq2Lm#pR9", alice) == []  # exactly 12 characters


@pytest.mark.parametrize("password, rule", [
    ("x7!kq2Lm#pR", "password_too_short"),            # 11 characters
    ("qwertyqwerty", "password_too_common"),
    ("482019374650183", "password_entirely_numeric"),
    ("alice.analyst.2024", "password_too_similar"),  # like the username and first name
])
def test_a_password_breaking_a_rule_is_refused(make_alice_analyst, password, rule):
    assert rule in refusals(password, make_alice_analyst)


@pytest.fixture
def make_alice_analyst(alice):
    alice.username, alice.first_name, alice.last_name = "alice.analyst", "Alice", "Analyst"
    return alice


def test_the_shortest_length_is_a_setting(alice, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
         "OPTIONS": {"min_length": 16}}]
    assert refusals("amber kettle vio", alice) == []
    assert refusals("amber kettle vi", alice) == ["password_too_short"]


def test_the_change_password_page_states_the_rules_and_refuses_a_short_one(client, enrolled, alice):
    sign_in_fully(client, enrolled.device)
    html = client.get("/accounts/password_change/").content.decode()
    assert "Use at least 12 characters" in html and "<ul>" not in html.split('id="id_new_password1-hint"')[1][:400]
    response = client.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": "short one", "new_password2": "short one"})
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in page_text(response)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_changing_ones_password_signs_out_every_other_session(enrolled, alice):
    laptop, desktop = Client(), Client()
    sign_in_fully(laptop, enrolled.device)
    sign_in_fully(desktop, enrolled.device)
    assert laptop.get("/assessments/").status_code == desktop.get("/assessments/").status_code == 200

    response = laptop.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": "amber kettle violin harbour",
        "new_password2": "amber kettle violin harbour"})
    assert response["Location"] == "/accounts/password_change/done/"

    assert laptop.get("/assessments/").status_code == 200  # this session carries on, still verified
    response = desktop.get("/assessments/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in desktop.session


def test_changing_ones_password_deletes_ones_api_token(enrolled, alice):
    """A password changed because it may have been seen: a token minted with it stops too."""
    from rest_framework.authtoken.models import Token

    browser = Client()
    sign_in_fully(browser, enrolled.device)
    Token.objects.create(user=alice)
    response = browser.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": "amber kettle violin harbour",
        "new_password2": "amber kettle violin harbour"})
    assert response["Location"] == "/accounts/password_change/done/"
    assert not Token.objects.filter(user=alice).exists()

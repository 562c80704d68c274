"""People who sign in for real: a password, an authenticator app (its key known to the test, as it
is to the phone) and recovery codes.

- ``alice`` is an analyst at Essex Police with the password :data:`PASSWORD` and no app yet;
- ``enrolled`` is alice with an app set up (``enrolled.device``, ``enrolled.secret_base32``);
- ``code_for(device)`` is the code the app shows now (or in the next 30-second step when this
  one's code was used already, as an app shows half a minute later).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferplaces.apps.accounts.services import TotpSetup, provision_totp

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The production hasher takes about half a second a password on purpose; tests need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_person(username: str, *, agency: str = "Essex Police", role: str = "analyst") -> Any:
    from django.contrib.auth import get_user_model

    from saferplaces.apps.agencies.models import Agency, Membership

    user = get_user_model().objects.create_user(username, password=PASSWORD,
                                                first_name=username.title())
    found, _ = Agency.objects.get_or_create(name=agency, defaults={"kind": "police"})
    Membership.objects.create(user=user, agency=found, role=role)
    return user


@pytest.fixture
def alice(db) -> Any:
    return make_person("alice")


@pytest.fixture
def enrolled(alice) -> TotpSetup:
    return provision_totp(alice)


def code_for(device: TOTPDevice, *, key: bytes | None = None) -> str:
    """The code an authenticator app holding ``device``'s key shows now, or in the next step when
    the current step's code has been used."""
    device.refresh_from_db()
    totp = TOTP(key or device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():06d}"


def password_step(client: Client, username: str = "alice", password: str = PASSWORD,
                  next_url: str = "") -> Any:
    """Post the sign-in form; the response."""
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/" + (f"?next={next_url}" if next_url else ""), data)


def sign_in_fully(client: Client, device: TOTPDevice, username: str = "alice",
                  next_url: str = "") -> Any:
    """Password, then the app's code; the response to the code."""
    response = password_step(client, username, next_url=next_url)
    assert response.status_code == 302, response.status_code
    return client.post("/accounts/two-factor/verify/", {"code": code_for(device), "next": next_url})


def page_text(response: Any) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())

"""The shared test partnership: three agencies and a user of every role in each.

- **owner** — Essex Police (owns the records the later apps make),
- **partner** — Colchester City Council (records are shared with it),
- **outsider** — Suffolk Fire and Rescue (nothing is shared with it),

each with one user per role, named ``<agency>-<role>`` (``owner-viewer``, ``partner-analyst``,
``outsider-case_manager`` ...); ``site-admin`` is a site administrator with no agency; ``nobody``
is signed in but belongs to no agency. Every later app tests its "can see" and "cannot see" cases
against these people (the style of healthchecks' alice/bob/charlie).

``signed_in_client(user)`` gives a Django test client signed in as ``user`` who has passed
two-factor sign-in with a confirmed TOTP device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

AGENCIES = {
    "owner": ("Essex Police", "police"),
    "partner": ("Colchester City Council", "council"),
    "outsider": ("Suffolk Fire and Rescue", "fire"),
}
ROLES = ("viewer", "practitioner", "case_manager", "analyst", "coordinator", "administrator")


@dataclass
class Partnership:
    agencies: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    @property
    def owner(self) -> Any:
        return self.agencies["owner"]

    @property
    def partner(self) -> Any:
        return self.agencies["partner"]

    @property
    def outsider(self) -> Any:
        return self.agencies["outsider"]

    def user(self, agency: str, role: str) -> Any:
        return self.users[f"{agency}-{role}"]


def make_partnership() -> Partnership:
    from django.contrib.auth import get_user_model

    from saferplaces.apps.agencies.models import Agency, Membership

    User = get_user_model()
    partnership = Partnership()
    for key, (name, kind) in AGENCIES.items():
        agency = Agency.objects.create(name=name, kind=kind)
        partnership.agencies[key] = agency
        for role in ROLES:
            user = User.objects.create_user(f"{key}-{role}")
            Membership.objects.create(user=user, agency=agency, role=role)
            partnership.users[user.username] = user
    partnership.users["site-admin"] = User.objects.create_superuser("site-admin")
    partnership.users["nobody"] = User.objects.create_user("nobody")
    return partnership


def verify_second_factor(client: Client, user: Any) -> None:
    """Mark ``client``'s session as having passed two-factor sign-in with ``user``'s device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.fixture
def partnership(db) -> Partnership:
    return make_partnership()


@pytest.fixture
def signed_in_client(db) -> Callable[[Any], Client]:
    """``signed_in_client(user)``: a fresh client signed in (password and TOTP) as ``user``."""
    return lambda user: sign_in(Client(), user)

"""Two-factor sign-in: authenticator-app (TOTP, RFC 6238) devices and one-time recovery codes.

Every user signs in with a password and then a second factor (``SAFERPLACES_REQUIRE_2FA``): a
six-digit code from an authenticator app, or one of their recovery codes, each of which works
once. The devices are django-otp's: a ``TOTPDevice`` named "Authenticator app" and a
``StaticDevice`` named "Recovery codes".
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = ["APP_DEVICE_NAME", "RECOVERY_CODE_COUNT", "RECOVERY_DEVICE_NAME", "TotpSetup",
           "check_code", "confirm_device", "has_two_factor", "pending_device", "provision_totp",
           "recovery_codes", "recovery_codes_left", "reset_two_factor", "secret_of"]

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
#: How many recovery codes a person gets at a time.
RECOVERY_CODE_COUNT = 10

_TOTP_CODE = re.compile(r"^\d{6}$")
#: Recovery codes are base32 (letters and 2 to 7): a 0, 1 or 8 typed in one was meant as o, l or b.
_LOOK_ALIKES = str.maketrans("018", "olb")


@dataclass(frozen=True)
class TotpSetup:
    """A working authenticator-app set-up: the device, its secret as typed into an app
    (base32, RFC 4648) and the ``otpauth://`` address a QR code carries."""

    device: TOTPDevice
    secret_base32: str
    otpauth_uri: str


def secret_of(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it typed in: base32, no padding."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def _setup(device: TOTPDevice) -> TotpSetup:
    # the issuer in the address is OTP_TOTP_ISSUER ("saferplaces"), set in web/settings.py
    return TotpSetup(device=device, secret_base32=secret_of(device), otpauth_uri=device.config_url)


def has_two_factor(user: Any) -> bool:
    """The user has set up an authenticator app (a confirmed device)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def provision_totp(user: Any) -> TotpSetup:
    """Give ``user`` a new, confirmed authenticator-app device in place of any they had (for set-ups
    made outside the browser, such as the demo's accounts); their recovery codes are kept."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    return _setup(device)


def pending_device(user: Any) -> TotpSetup:
    """The unconfirmed device of a set-up under way (the same one until it is confirmed, so the
    QR code does not change when the page is loaded again)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return _setup(device)


def confirm_device(device: TOTPDevice, code: str) -> bool:
    """Confirm a set-up with the first code the app shows; False if the code is wrong. A
    confirmed device replaces any other authenticator-app device of the user."""
    code = _clean(code)
    if not _TOTP_CODE.match(code):
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    return True


def recovery_codes(user: Any) -> list[str]:
    """A new set of ``RECOVERY_CODE_COUNT`` recovery codes for ``user``; earlier codes stop
    working. The codes are shown to the person once and never again."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user).count())


def _clean(code: str) -> str:
    """A code as typed: spaces and hyphens dropped, letters in lower case."""
    return re.sub(r"[\s-]", "", str(code)).lower()


def check_code(user: Any, code: str) -> Device | None:
    """The device ``code`` proves ``user`` holds, or None.

    Six digits are an authenticator-app code: each works once, within a 30-second step either
    side of now (RFC 6238; django-otp refuses a code at or before the last one used). Anything
    else is tried as a recovery code (typed in any case, with spaces or hyphens, 0 1 8 read as
    o l b), which is used up by this check.
    """
    code = _clean(code)
    if not code:
        return None
    if _TOTP_CODE.match(code):
        with transaction.atomic():
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(code):
                    return device
        return None
    code = code.translate(_LOOK_ALIKES)
    for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
        # one DELETE: of two requests racing with the same code, only one removes it
        used, _ = StaticToken.objects.filter(device=recovery, token=code).delete()
        if used:
            recovery.set_last_used_timestamp(commit=True)
            return recovery
    return None


def reset_two_factor(user: Any, *, by: Any = None, request: HttpRequest | None = None,
                     reason: str = "") -> None:
    """Remove ``user``'s authenticator app and recovery codes: at their next sign-in they set up
    a new app. Every session of theirs ends and their API token is deleted: a reset is for a
    lost or stolen phone, and whoever holds an old session (a thief, a shared office computer
    left signed in) must not enrol their own app without the password, nor keep a token made
    with the old one. Recorded in the audit log as "2fa-reset" by ``by`` (or the signed-in user
    of ``request``), with the token's deletion."""
    from saferplaces.apps.accounts.sessions import end_sessions, revoke_api_token
    from saferplaces.apps.audit.services import record

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record("2fa-reset", user=by, request=request, object_type="user", object_id=user.pk,
               reason=reason)
        end_sessions(user)
        revoke_api_token(user, by=by, request=request, reason=reason)

"""Locking a username after repeated failed sign-in attempts (django-axes, configured in
``web/settings.py``).

The rule: ``SAFERPLACES_LOCKOUT_FAILURES`` failures for one username within
``SAFERPLACES_LOCKOUT_MINUTES`` lock it until that long after its latest failure. Wrong passwords
and wrong two-factor codes count alike (``views.verify`` reports a wrong code as a failed
sign-in), and only a complete sign-in (password and second factor) clears the count.

The lock is on the username alone, whatever the address the attempts come from:

- partner staff share addresses (a council or police network reaches the internet through a few
  gateways), so locking an address would lock out whole offices for one person's typing;
- counting per username *and* address would let someone with many addresses guess without limit;
- the price is that anyone who knows a username can lock that person out for a while; a password
  alone still does not sign anyone in (the second factor), and an administrator can unlock.

The page shown never says whether the username exists: unknown usernames are counted and locked
the same way. What was typed in the username box is not stored: attempts are counted under a keyed
hash of it (people type passwords, or other people's names, into that box).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

__all__ = ["attempt_key", "client_str", "is_locked", "locked_until", "unlock", "username_of"]


def normalise(username: object) -> str | None:
    """Usernames are counted case-blind, so "Alice" and "alice" share one count."""
    if username is None:
        return None
    text = str(username).strip().lower()
    return text or None


def attempt_key(username: object) -> str | None:
    """What attempts on ``username`` are counted under: a keyed hash (HMAC-SHA256 with the site's
    secret key) of the username as :func:`normalise` has it."""
    name = normalise(username)
    if name is None:
        return None
    digest = hmac.new(settings.SECRET_KEY.encode(), name.encode(), hashlib.sha256).hexdigest()
    return f"hmac-{digest[:40]}"


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """What an attempt is counted against (``AXES_USERNAME_CALLABLE``): see :func:`attempt_key`."""
    field = "username"
    if credentials:
        return attempt_key(credentials.get(field))
    data = getattr(request, "data", request.POST)
    return attempt_key(data.get(field))


def client_str(username: str | None, ip_address: str | None, user_agent: str | None,
               path_info: str | None, request: HttpRequest) -> str:
    """How django-axes names an attempt in the server log (``AXES_CLIENT_STR_CALLABLE``): nothing
    personal there; the audit log holds each failed sign-in with its time and address."""
    return "a client (see the audit log)"


def cool_off() -> datetime.timedelta:
    cool: datetime.timedelta = settings.AXES_COOLOFF_TIME
    return cool


def _attempts(key: str | None) -> Any:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(username=key,
                                        attempt_time__gte=timezone.now() - cool_off())


def locked_until_key(key: str | None) -> datetime.datetime:
    """When a lock on the attempts counted under ``key`` ends at the latest: their latest failure
    plus the cool-off."""
    latest = _attempts(key).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + cool_off()


def locked_until(username: str) -> datetime.datetime:
    """When a lock on ``username`` ends at the latest (see :func:`locked_until_key`)."""
    return locked_until_key(attempt_key(username))


def is_locked(username: str) -> bool:
    """``username`` has had ``SAFERPLACES_LOCKOUT_FAILURES`` failed attempts within the last
    ``SAFERPLACES_LOCKOUT_MINUTES``: signing in with it is refused for now."""
    failures = _attempts(attempt_key(username)).aggregate(n=Sum("failures_since_start"))["n"]
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT


def unlock(username: str) -> int:
    """Forget the failed attempts counted against ``username`` (so it is no longer locked);
    returns how many records of attempts were removed."""
    from axes.utils import reset

    key = attempt_key(username)
    return reset(username=key) if key else 0

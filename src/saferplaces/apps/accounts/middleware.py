"""Sessions end after a while without activity and a while after signing in, however active.

- idle: ``SAFERPLACES_SESSION_IDLE_MINUTES`` (30) with no request;
- absolute: ``SAFERPLACES_SESSION_MAX_HOURS`` (12) after signing in with a password.

Both are kept in the session (sign-in time and last-seen time, in seconds since the epoch).
When either has passed, the person is signed out and sent to sign in again, with a message
saying why. The defaults are OWASP ASVS 4.0.3 requirement 3.3.2 at level 2 (sign in again after
12 hours, or 30 minutes of inactivity): partner offices share machines, and a session left open
must not stay usable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

__all__ = ["LAST_SEEN", "SIGNED_IN_AT", "SessionExpiryMiddleware", "connect", "expired_because"]

SIGNED_IN_AT = "saferplaces_signed_in_at"
LAST_SEEN = "saferplaces_last_seen"

#: The last-seen time is written at most this often, so a busy page does not save the session on
#: every request; an idle session can end this much early.
LAST_SEEN_RESOLUTION = 60


def start_clocks(sender: Any, request: HttpRequest | None = None, user: Any = None,
                 **kwargs: Any) -> None:
    """On signing in, both clocks start."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def connect() -> None:
    user_logged_in.connect(start_clocks, dispatch_uid="saferplaces.accounts.start_clocks")


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def expired_because(session: Any, now: float) -> str | None:
    """Why a signed-in session has ended at ``now``, or None while it may go on."""
    idle = settings.SAFERPLACES_SESSION_IDLE_MINUTES
    longest = settings.SAFERPLACES_SESSION_MAX_HOURS
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN, signed_in_at)
    if signed_in_at is not None and now - signed_in_at >= longest * 3600:
        return (f"You were signed out {_plural(longest, 'hour')} after signing in. "
                "Sign in again to carry on.")
    if last_seen is not None and now - last_seen >= idle * 60:
        return (f"You were signed out after {_plural(idle, 'minute')} without activity. "
                "Sign in again to carry on.")
    return None


class SessionExpiryMiddleware:
    """Signs out a session that has been idle too long or signed in too long (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            reason = expired_because(session, now)
            if reason is not None:
                logout(request)
                messages.info(request, reason)
                if request.method == "GET":
                    return redirect_to_login(request.get_full_path())
                return redirect(settings.LOGIN_URL)
            if SIGNED_IN_AT not in session:  # signed in before these clocks existed
                session[SIGNED_IN_AT] = int(now)
            if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = int(now)
        return self.get_response(request)

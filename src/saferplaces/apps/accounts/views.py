"""Signing in: a password, then a second factor, then the page asked for.

1. ``login`` (Django's sign-in form) checks the password; django-axes refuses a locked username.
2. ``accounts:two-factor`` sends the person on: to ``accounts:set-up`` if they have no
   authenticator app yet (QR code and key, then the first code, then ten recovery codes shown
   once on ``accounts:recovery-codes``), otherwise to ``accounts:verify`` (an app code or a
   recovery code). Until then only these pages and signing out are open to them
   (``DeclaredAccessMiddleware``).
3. The ``next`` page is carried through every step, and followed only if it is on this site.

A wrong code at ``accounts:verify`` counts as a failed sign-in, with wrong passwords, towards the
lockout (``lockout.py``); the lockout signs the person out. The lock is checked before any code:
while a username is locked, every session that passed its password step (including ones opened
before the lock) is signed out and shown the lockout page, whatever code it sends, and the code
is not tried (a right one neither signs in nor lifts the lock; a recovery code is not used up).
Otherwise each such session would be one more guess, and someone with the password could open as
many as they liked before the lock.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from saferplaces.apps.accounts.forms import PasswordChangeForm, SetUpForm, VerifyForm
from saferplaces.apps.accounts.lockout import is_locked, locked_until_key, unlock, username_of
from saferplaces.apps.accounts.services import (
    check_code,
    confirm_device,
    has_two_factor,
    pending_device,
    recovery_codes,
    recovery_codes_left,
)
from saferplaces.apps.agencies.declare import (
    enrolment,
    enrolment_rule,
    public_rule,
    signed_in,
    signed_in_rule,
)

#: The recovery codes just made, kept in the session only until the page showing them is seen.
NEW_CODES = "saferplaces_new_recovery_codes"

WRONG_SET_UP_CODE = "The code is not correct. Enter the code your authenticator app shows now"
WRONG_CODE = f"{WRONG_SET_UP_CODE}, or a recovery code you have not used"


def _next(request: HttpRequest) -> str:
    """The page to go on to after signing in, if it is on this site; otherwise empty."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _go_on(request: HttpRequest) -> HttpResponse:
    return redirect(_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


class SignInView(auth_views.LoginView):
    """The password step; on success, the second factor (when required) before ``next``."""

    access = public_rule()

    def get_success_url(self) -> str:
        if settings.SAFERPLACES_REQUIRE_2FA:
            return _with_next(reverse("accounts:two-factor"), self.get_redirect_url())
        return super().get_success_url()


class SignOutView(auth_views.LogoutView):
    """Signing out: open at every stage of signing in."""

    access = enrolment_rule()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password. Django then ends every other session of the person (their
    session hash no longer matches) and keeps this one."""

    access = signed_in_rule()
    form_class = PasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        from saferplaces.apps.accounts.sessions import revoke_api_token
        from saferplaces.apps.audit.services import record

        response = super().form_valid(form)
        record("update", request=self.request, object_type="user",
               object_id=self.request.user.pk, fields=["password"])
        # a token made by whoever knew the old password stops with it
        if revoke_api_token(self.request.user, request=self.request):
            messages.info(self.request, "Your API token was deleted with your old password: "
                                        "create a new one if you need it.")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    access = signed_in_rule()


@enrolment
@require_GET
def two_factor(request: HttpRequest) -> HttpResponse:
    """Where a person signed in with a password goes next: set-up or verification."""
    if _verified(request):
        return _go_on(request)
    target = "accounts:verify" if has_two_factor(request.user) else "accounts:set-up"
    return redirect(_with_next(reverse(target), _next(request)))


def qr_svg(text: str) -> SafeString:
    """``text`` as a QR code, an inline SVG element (no image file, no data: address)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"',
                 '<svg class="sp-qr" width="220" height="220" role="img" '
                 'aria-label="QR code to scan with your authenticator app" focusable="false"',
                 svg, count=1)
    return mark_safe(svg)  # only qrcode's own markup: the address becomes squares, not text


def _groups(secret: str) -> str:
    """A key in groups of four letters, easier to type."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _lock_out(request: HttpRequest) -> HttpResponse:
    """Sign this session out and show the lockout page for its username."""
    credentials = {"username": request.user.get_username()}
    logout(request)
    return locked_out(request, None, credentials)


def _refused_while_locked(request: HttpRequest) -> HttpResponse | None:
    """The lockout page, signing this session out, when the person's username is locked."""
    return _lock_out(request) if is_locked(request.user.get_username()) else None


@enrolment
@never_cache
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app. Only for someone who has none: a person who has one cannot
    add another before passing two-factor sign-in (an administrator resets it instead)."""
    user = request.user
    if not _verified(request) and (refused := _refused_while_locked(request)) is not None:
        return refused
    if has_two_factor(user):
        return redirect(_with_next(reverse("accounts:two-factor"), _next(request)))
    setup = pending_device(user)
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_device(setup.device, form.cleaned_data["code"]):
            setup.device.refresh_from_db()
            otp_login(request, setup.device)
            request.session[NEW_CODES] = recovery_codes(user)
            unlock(user.get_username())
            return redirect(_with_next(reverse("accounts:recovery-codes"), _next(request)))
        form.add_error("code", WRONG_SET_UP_CODE)
    return render(request, "accounts/set_up.html", {
        "form": form, "qr_code": qr_svg(setup.otpauth_uri), "secret": _groups(setup.secret_base32),
        "next": _next(request)})


def _count_failure(request: HttpRequest, user: Any) -> bool:
    """Report a wrong code as a failed sign-in: django-axes counts it with wrong passwords and
    the audit log records it. True when the username is now locked."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)
    return bool(getattr(request, "axes_locked_out", False))


@enrolment
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code (each once)."""
    user = request.user
    if _verified(request):
        return _go_on(request)
    if (refused := _refused_while_locked(request)) is not None:
        return refused
    if not has_two_factor(user):
        return redirect(_with_next(reverse("accounts:set-up"), _next(request)))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = check_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            unlock(user.get_username())
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.info(request, f"You signed in with a recovery code. You have {left} "
                                       f"recovery code{'' if left == 1 else 's'} left.")
            return _go_on(request)
        if _count_failure(request, user):
            return _lock_out(request)
        form.add_error("code", WRONG_CODE)
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_page(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once; a POST makes a new set (the old ones stop working)."""
    if request.method == "POST":
        request.session[NEW_CODES] = recovery_codes(request.user)
        return redirect(_with_next(reverse("accounts:recovery-codes"), _next(request)))
    codes = request.session.pop(NEW_CODES, None)
    return render(request, "accounts/recovery_codes.html", {
        "codes": codes, "left": recovery_codes_left(request.user),
        "next": _next(request), "continue_to": _next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)})


def clock(moment: Any) -> str:
    """A UK time as GOV.UK writes it: 9:05am, 3:45pm, midday, midnight."""
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The lockout page (``AXES_LOCKOUT_CALLABLE``): when to try again, and nothing about
    whether the username exists."""
    now = timezone.now()
    until = locked_until_key(username_of(request, credentials))
    local = timezone.localtime(until)
    same_day = local.date() == timezone.localtime(now).date()
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {
        "try_again_at": clock(local) if same_day else f"{clock(local)} on {local:%-d %B %Y}",
        "minutes": minutes,
    }, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))

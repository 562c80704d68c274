"""Deny by default: a view that declares no access rule is refused, for everyone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.declare import is_api_view, rule_for

logger = logging.getLogger(__name__)

#: Where a signed-in user who has not passed two-factor sign-in is sent (set up or verify).
TWO_FACTOR_URL = "accounts:two-factor"


def two_factor_pending(request: HttpRequest) -> bool:
    """Signed in with a password but not yet verified with a second factor (when required)."""
    if not getattr(settings, "SAFERPLACES_REQUIRE_2FA", False):
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class DeclaredAccessMiddleware:
    """Enforces each view's declared :class:`~saferplaces.apps.agencies.declare.AccessRule`.

    No rule: 403 for everyone and an error in the log naming the view (a programming error,
    caught by the URL tests before it ships). Anonymous visitors are sent to sign in, except on
    a public-site view when ``SAFERPLACES_PUBLIC_SITE`` is on (the view then sees
    ``request.public_view``). Signed-in users who have not passed two-factor sign-in reach only
    enrolment views. A missing capability is a 403. API views authenticate their own way
    (tokens), so only the presence of their rule is checked here; Django REST Framework
    enforces it with the same rule (``saferplaces.apps.agencies.permissions``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.public_view = False  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        rule = rule_for(view_func)
        if rule is None:
            logger.error("refused %s.%s: the view declares no access rule",
                         view_func.__module__, getattr(view_func, "__name__", "view"))
            raise PermissionDenied("This page is not available.")
        if rule.kind == "public" or is_api_view(view_func):
            return None
        if not request.user.is_authenticated:
            if rule.public_site and settings.SAFERPLACES_PUBLIC_SITE:
                request.public_view = True  # type: ignore[attr-defined]
                return None
            return redirect_to_login(request.get_full_path())
        if rule.kind == "enrolment":
            return None
        if two_factor_pending(request):
            return redirect(f"{reverse(TWO_FACTOR_URL)}?{urlencode({'next': request.get_full_path()})}")
        if rule.kind == "capability" and not has_capability(request.user, rule.capability or ""):
            raise PermissionDenied("You do not have permission to see this page.")
        return None

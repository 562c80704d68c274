"""The "Your API token" page (``/api/token/``): a signed-in user creates or revokes their own
token for the API (``Authorization: Token <key>``).

Rules:

- only a user who has passed two-factor sign-in reaches the page (``@signed_in``), so every
  token is born from a verified session; that is why token calls need no second factor;
- one token per user (Django REST Framework's ``authtoken``). Creating one replaces any earlier
  token, which stops working at once;
- the key is shown once, on the page that creates it, and never again: afterwards the page
  shows only when the token was created;
- a token does what its user may do now: a deactivated agency stops it working, and a change
  of role changes what it may read;
- a token expires ``SAFERPLACES_API_TOKEN_DAYS`` days after it was created (the page says when;
  ``authentication.py``), and is deleted when its user's account is disabled, their two-factor
  sign-in is reset or their password changes (``services.py``);
- creating and revoking are audited (``api-token`` events naming the user's id; never the key).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from saferplaces.apps.agencies.authentication import expires_at
from saferplaces.apps.agencies.declare import signed_in
from saferplaces.apps.agencies.services import API_TOKEN_RECORD, revoke_api_token
from saferplaces.apps.audit.services import record

__all__ = ["AUDIT_OBJECT_TYPE", "api_token"]

#: The audit log's record type for tokens; the record id is the user's id.
AUDIT_OBJECT_TYPE = API_TOKEN_RECORD


def _revoke(request: HttpRequest) -> bool:
    """Delete the user's token, if any, and audit it; True when there was one."""
    return revoke_api_token(request.user, request=request)


def _page(request: HttpRequest, token: Token | None, status: int = 200, **context: Any) -> HttpResponse:
    expires = expires_at(token) if token is not None else None
    return render(request, "agencies/api_token.html",
                  {"token": token, "expires": expires, "token_days": settings.SAFERPLACES_API_TOKEN_DAYS,
                   "expired": expires is not None and expires <= timezone.now(), **context},
                  status=status)


@signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "create":
        with transaction.atomic():
            _revoke(request)
            token = Token.objects.create(user=user)
            record("create", request=request, object_type=AUDIT_OBJECT_TYPE, object_id=user.pk)
        return _page(request, token, new_key=token.key)
    if action == "revoke":
        with transaction.atomic():
            revoked = _revoke(request)
        messages.success(request, "Your API token was revoked. It no longer works."
                         if revoked else "You had no API token.")
        return redirect("api:token")
    if request.method == "POST":
        return _page(request, Token.objects.filter(user=user).first(), status=400,
                     error="Choose to create or revoke a token.")
    return _page(request, Token.objects.filter(user=user).first())

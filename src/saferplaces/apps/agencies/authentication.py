"""API tokens that expire: Django REST Framework's ``TokenAuthentication`` with an age limit;
and per-agency service tokens (:class:`ServiceTokenAuthentication`, at the end of the module).

A token is refused (401, ``token expired``) once it is older than ``SAFERPLACES_API_TOKEN_DAYS``
days (default 90), counted from when it was created on "Your API token" (``tokens.py``); its
owner creates a new one there. A token also ends, deleted, when its owner's account is disabled,
their two-factor sign-in is reset or their password changes (``services.py``). A token left
in a script or a shared file therefore works for a bounded time. The 90 days are a local-policy
default (a quarter: long enough for a monthly report script, short enough that a forgotten token
dies), set with the environment variable.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import (
    BaseAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed

__all__ = ["ExpiringTokenAuthentication", "ServicePrincipal", "ServiceTokenAuthentication",
           "expires_at", "service_token_of"]

EXPIRED = "token expired"


def expires_at(token: Any) -> datetime.datetime:
    """When ``token`` stops working: its creation plus ``SAFERPLACES_API_TOKEN_DAYS`` days."""
    days = int(settings.SAFERPLACES_API_TOKEN_DAYS)
    created: datetime.datetime = token.created
    return created + datetime.timedelta(days=days)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused once the token has expired (see the module)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if timezone.now() >= expires_at(token):
            raise AuthenticationFailed(EXPIRED)
        return user, token


# ------------------------------------------------------------------------- service tokens

INVALID_SERVICE_TOKEN = "invalid, expired or revoked service token"


class _AgencyOnly:
    """What the audit log reads from a caller's ``membership``: the agency, and nothing a
    capability check uses (``access.membership_of`` never reaches it: the principal is not an
    active account)."""

    def __init__(self, agency: Any) -> None:
        self.agency = agency


class ServicePrincipal:
    """``request.user`` of a call made with a service token: a partner agency's system, not a
    person. It is authenticated but is not an active account and has no membership, so
    ``access.capabilities`` gives it nothing: no role, no case, no person. What it may do is
    only its token's ``scopes``, which ``permissions.DeclaredAccess`` checks against the
    endpoint's declared capability."""

    is_authenticated = True
    is_anonymous = False
    is_active = False
    is_superuser = False
    is_staff = False
    pk = None
    id = None

    def __init__(self, token: Any) -> None:
        self.token = token
        self.agency = token.agency
        self.scopes: frozenset[str] = frozenset(token.scopes)
        self.membership = _AgencyOnly(token.agency)

    def get_username(self) -> str:
        """How the audit log names the caller: the token's id and name, never its key."""
        return f"service token {self.token.pk}: {self.token.name}"[:150]

    def __str__(self) -> str:
        return self.get_username()

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False


def service_token_of(request: Any) -> Any | None:
    """The service token a request was authenticated with, or None (a person's token or
    session, or no credentials)."""
    user = getattr(request, "user", None)
    return user.token if isinstance(user, ServicePrincipal) else None


class ServiceTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer sps_...``: a per-agency service token
    (:mod:`saferplaces.apps.agencies.service_tokens`), refused (401) when unknown, expired,
    revoked or its agency is deactivated. The caller becomes a :class:`ServicePrincipal`."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[ServicePrincipal, Any] | None:
        from saferplaces.apps.agencies.service_tokens import find_live_token

        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the key as: Authorization: Bearer <key>")
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID_SERVICE_TOKEN) from None
        token = find_live_token(key)
        if token is None:
            raise AuthenticationFailed(INVALID_SERVICE_TOKEN)
        return ServicePrincipal(token), token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword

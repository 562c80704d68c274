"""API tokens that expire: Django REST Framework's ``TokenAuthentication`` with an age limit.

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
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

__all__ = ["ExpiringTokenAuthentication", "expires_at"]

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

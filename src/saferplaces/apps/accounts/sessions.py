"""Ending a person's sign-ins: their stored sessions and their API token. Used when an account
is disabled, its two-factor sign-in reset or its password changed."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.audit.models import Action
from saferplaces.apps.audit.services import record

__all__ = ["API_TOKEN_RECORD", "end_sessions", "revoke_api_token"]

#: The audit log's object type for API tokens (the object id is the token holder's user id).
API_TOKEN_RECORD = "api-token"


def end_sessions(user: Any) -> int:
    """Delete every stored session signed in as ``user`` (with the password only, or fully);
    returns how many."""
    ended = [session.pk for session in Session.objects.filter(expire_date__gt=timezone.now())
             if session.get_decoded().get("_auth_user_id") == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def revoke_api_token(user: Any, *, by: Any = None, request: HttpRequest | None = None,
                     reason: str = "") -> bool:
    """Delete ``user``'s API token, if they have one, and audit it; True when there was one."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        record(Action.DELETE, user=by, request=request, object_type=API_TOKEN_RECORD,
               object_id=user.pk, reason=reason)
    return bool(deleted)

"""Sign-in events, recorded from Django's own signals whichever page or API signs a person in.

A failed sign-in is recorded with its time, client address and request id only: the username
typed is not kept, since people type passwords or other people's names into that box.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed

from saferplaces.apps.audit.models import Action
from saferplaces.apps.audit.services import record

__all__ = ["connect"]


def _signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record(Action.LOGIN, user=user, request=request)


def _sign_in_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    record(Action.LOGIN_FAILED, request=request)


def connect() -> None:
    """Connect the receivers (once; Django's ``dispatch_uid`` keeps them from doubling)."""
    user_logged_in.connect(_signed_in, dispatch_uid="saferplaces.audit.signed_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="saferplaces.audit.sign_in_failed")

"""The permission class that makes Django REST Framework enforce each API view's declared rule.

Pages and API share one rule per view (:mod:`saferplaces.apps.agencies.declare`) and one set of
capabilities (:mod:`saferplaces.apps.agencies.access`). The middleware only checks that an API
view declares its rule, because API callers authenticate inside Django REST Framework (a token
in the ``Authorization`` header, or the browser's session); :class:`DeclaredAccess`, the API's
default permission class (settings ``REST_FRAMEWORK``), then applies the rule as the middleware
does for pages:

- ``public``: anyone;
- no rule at all: refused for everyone (deny by default), and an error in the log;
- anyone else must be signed in (no credentials: 401). On a view declared ``public_site=True``
  a signed-out caller is let in when ``SAFERPLACES_PUBLIC_SITE`` is on, and the view sees
  ``request.public_view``;
- a browser session must have passed two-factor sign-in when ``SAFERPLACES_REQUIRE_2FA`` is on
  (403 until it has). A token can be created only from such a session (``/api/token/``), so
  token calls need no second factor of their own;
- a capability rule needs that capability (403);
- a per-agency service token (``authentication.ServicePrincipal``) reaches only endpoints whose
  declared capability is one of its token's scopes, and nothing declared ``signed_in`` or
  ``enrolment`` (403): it is a partner system, never a person, and holds no role's capability.

Object-level rules stay in each app's ``access.py`` helpers, which API views call exactly as the
pages do. This module must not import ``rest_framework.views`` (Django REST Framework imports the
default permission class while it is loading its views).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from saferplaces.apps.agencies.access import capabilities
from saferplaces.apps.agencies.authentication import ServicePrincipal
from saferplaces.apps.agencies.declare import AccessRule

__all__ = ["DeclaredAccess"]

logger = logging.getLogger(__name__)


def _second_factor_missing(request: Request) -> bool:
    """A browser session that has not passed two-factor sign-in, when it is required."""
    if not getattr(settings, "SAFERPLACES_REQUIRE_2FA", False):
        return False
    if not isinstance(request.successful_authenticator, SessionAuthentication):
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class DeclaredAccess(BasePermission):
    """Allows a request only as the view's declared ``access`` rule says (see the module)."""

    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        rule = getattr(view, "access", None)
        if not isinstance(rule, AccessRule):
            logger.error("refused %s.%s: the API view declares no access rule",
                         type(view).__module__, type(view).__name__)
            self.message = "This endpoint is not available."
            return False
        if rule.kind == "public":
            return True
        user = request.user
        if not (user and user.is_authenticated):
            if rule.public_site and settings.SAFERPLACES_PUBLIC_SITE:
                request._request.public_view = True  # type: ignore[attr-defined]
                return True
            return False  # Django REST Framework answers 401 (no credentials) here
        if isinstance(user, ServicePrincipal):
            # a partner system's token: only endpoints that declare one of its scopes
            if rule.kind == "capability" and rule.capability in user.scopes:
                return True
            self.message = "A service token may use only the endpoints of its scopes."
            return False
        if rule.kind == "enrolment":
            return True
        if _second_factor_missing(request):
            self.message = "Finish two-factor sign-in before using the API."
            return False
        if rule.kind == "capability" and rule.capability not in capabilities(user):
            self.message = "You do not have permission to do this."
            return False
        return True



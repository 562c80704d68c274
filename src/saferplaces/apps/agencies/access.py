"""What a user may do: capabilities from their agency membership, checked in one place.

A user with no membership, an inactive user, a member of an inactive agency and an anonymous
visitor have no capabilities at all (deny by default). Object-level rules (which agency owns a
record, who it is shared with, break-glass) live in each app's ``access.py`` and start from
these functions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.agencies.roles import (
    INTELLIGENCE_VIEW,
    ROLE_CAPABILITIES,
    SITE_ADMIN_CAPABILITIES,
    Role,
)

__all__ = ["agency_of", "capabilities", "has_capability", "is_site_admin", "membership_of",
           "require_capability"]

_CACHE = "_saferplaces_capabilities"


def membership_of(user: Any) -> Membership | None:
    """The user's membership, or None (anonymous, no agency, or a deactivated agency)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership if membership.agency.active else None


def agency_of(user: Any) -> Agency | None:
    """The agency the user acts for, or None."""
    membership = membership_of(user)
    return membership.agency if membership else None


def is_site_admin(user: Any) -> bool:
    """A site administrator: manages agencies and any agency's users (a Django superuser)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def capabilities(user: Any) -> frozenset[str]:
    """Every capability ``user`` holds now (cached on the user object for one request)."""
    cached: frozenset[str] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    granted: frozenset[str] = frozenset()
    membership = membership_of(user)
    if membership is not None:
        granted = ROLE_CAPABILITIES[Role(membership.role)]
        if membership.intelligence:
            granted |= {INTELLIGENCE_VIEW}
    if is_site_admin(user):
        granted |= SITE_ADMIN_CAPABILITIES
    if getattr(user, "is_authenticated", False):
        setattr(user, _CACHE, granted)
    return granted


def has_capability(user: Any, capability: str) -> bool:
    return capability in capabilities(user)


def require_capability(user: Any, capability: str) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` holds ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied("You do not have permission to do this.")

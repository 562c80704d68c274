"""Who may read which audit events.

The capability ``audit.view`` opens the log. Site administrators read every event; anyone else
with it (an agency's administrator) reads only the events of people in their own agency, so one
agency's administrator never learns what another agency's staff looked at.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from saferplaces.apps.agencies.access import agency_of, has_capability, is_site_admin
from saferplaces.apps.audit.models import AuditEvent

__all__ = ["VIEW_AUDIT", "events_for_user", "sees_every_agency"]

#: The capability that opens the audit log.
VIEW_AUDIT = "audit.view"


def sees_every_agency(user: Any) -> bool:
    """Whether ``user`` reads the events of every agency (site administrators)."""
    return bool(is_site_admin(user))


def events_for_user(user: Any) -> QuerySet[AuditEvent]:
    """The events ``user`` may read; ``PermissionDenied`` without ``audit.view``."""
    if sees_every_agency(user):
        return AuditEvent.objects.all()
    if not has_capability(user, VIEW_AUDIT):
        raise PermissionDenied
    agency = agency_of(user)
    if agency is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(agency_id=agency.pk)

"""Agency scope and break-glass: who may open a record another agency owns.

A record that belongs to an agency (a case, a person, an intelligence report: the later apps)
is in scope for its owner agency and the agencies it is shared with. Anyone else may open it only
by *breaking the glass*: giving a reason, which grants access to that one record for
``SAFERPLACES_BREAK_GLASS_HOURS`` (default 3, as DHIS2 does), is written to the audit log as a
``break-glass`` event, and is shown to the owner agency's case managers.

Break-glass widens agency scope only: the user still needs the capability the record type asks
for (a viewer cannot break the glass into case work they could not do in their own agency).

Each app registers its record types with :func:`register` (in its ``AppConfig.ready``); its
``access.py`` asks :func:`scope_of` inside its one access helper per resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.models import Agency, BreakGlassAccess

__all__ = ["MIN_REASON_LENGTH", "ScopedRecordType", "active_break_glass", "break_glass",
           "break_glass_to_agency", "register", "registered", "scope_of"]

#: A reason must say why (a purpose), not just "x".
MIN_REASON_LENGTH = 15

Scope = Literal["owner", "shared", "break-glass"]


@dataclass(frozen=True)
class ScopedRecordType:
    """A kind of record that belongs to an agency.

    ``owner_agency(record_id)`` returns the owner (None when there is no such record);
    ``url(record_id)`` the record's page; ``capability`` what a user needs to open one at all."""

    name: str
    label: str
    capability: str
    owner_agency: Callable[[str], Agency | None]
    url: Callable[[str], str]


_REGISTRY: dict[str, ScopedRecordType] = {}


def register(record_type: ScopedRecordType) -> None:
    _REGISTRY[record_type.name] = record_type


def registered(name: str) -> ScopedRecordType:
    """The registered record type ``name``; Http404 for any other."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404("No such kind of record.") from None


def active_break_glass(user: Any, record_type: str, record_id: str) -> BreakGlassAccess | None:
    """The user's unexpired break-glass access to one record, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (BreakGlassAccess.objects
            .filter(user=user, record_type=record_type, record_id=str(record_id),
                    expires_at__gt=timezone.now())
            .order_by("-expires_at").first())


def scope_of(user: Any, record_type: str, record_id: str, owner: Agency,
             shared_with: Iterable[Agency] = ()) -> Scope | None:
    """Why ``user``'s agency may open the record: its owner, shared with it, or break-glass;
    None when it may not (the access helper then answers 404)."""
    agency = agency_of(user)
    if agency is None:
        return None
    if agency.pk == owner.pk:
        return "owner"
    if any(agency.pk == other.pk for other in shared_with):
        return "shared"
    if active_break_glass(user, record_type, record_id) is not None:
        return "break-glass"
    return None


def break_glass(user: Any, record_type: str, record_id: str, reason: str, *,
                request: HttpRequest | None = None) -> BreakGlassAccess:
    """Grant ``user`` time-limited access to one record outside their agency's scope.

    Raises Http404 for an unknown record type or record, PermissionDenied when the user has no
    agency or lacks the record type's capability, ValueError when the reason is too short or
    the record is already in the user's agency's scope (no glass to break)."""
    from saferplaces.apps.audit.services import record

    kind = registered(record_type)
    owner = kind.owner_agency(str(record_id))
    if owner is None:
        raise Http404("No such record.")
    agency = agency_of(user)
    if agency is None or not has_capability(user, kind.capability):
        raise PermissionDenied("You do not have permission to open this kind of record.")
    if agency.pk == owner.pk:
        raise ValueError("This record belongs to your agency: you can open it without a reason.")
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(f"Give the reason you need this record (at least {MIN_REASON_LENGTH} "
                         "characters): it is shown to the agency that owns it.")
    now = timezone.now()
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            user=user, agency=agency, owner_agency=owner, record_type=record_type,
            record_id=str(record_id), reason=reason, granted_at=now,
            expires_at=now + timedelta(hours=settings.SAFERPLACES_BREAK_GLASS_HOURS))
        record("break-glass", user=user, request=request, object_type=record_type,
               object_id=str(record_id), reason=reason)
    return access


def break_glass_to_agency(agency: Agency) -> QuerySet[BreakGlassAccess]:
    """Every break-glass access to ``agency``'s records, newest first (active and past)."""
    return (BreakGlassAccess.objects.filter(owner_agency=agency)
            .select_related("user", "agency").order_by("-granted_at"))

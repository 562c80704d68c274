"""Writing, checking, searching and exporting the audit log.

``record`` is the only way events are written. It runs inside the caller's transaction, so an
event is stored exactly when the change it describes is (and rolled back with it), and writers are
serialised so the hash chain never forks.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.audit.chain import (
    GENESIS,
    Verification,
    chained_values,
    event_hash,
    verify_chain,
)
from saferplaces.apps.audit.middleware import client_address, request_id_of
from saferplaces.apps.audit.models import Action, AuditEvent
from saferplaces.progress import Progress
from saferplaces.web.csvcells import safe_row

__all__ = ["CSV_COLUMNS", "Filters", "Seen", "csv_lines", "filter_events", "record",
           "record_history", "verify_log"]

#: The key of the PostgreSQL advisory lock that serialises audit writers (any constant that no
#: other part of the application uses; it spells "SAFE AUD1" in hex).
CHAIN_LOCK = 0x5AFE_A0D1

#: A changed field is named, never given a value: a name is a short identifier such as
#: ``date_of_birth`` or ``address.postcode``.
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")


def _who(user: Any) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, user.get_username()


def _agency(user: Any) -> tuple[int | None, str]:
    """The agency of ``user`` at this moment, through their membership if they have one (an
    account with none, such as a site administrator, is recorded without an agency)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    membership = getattr(user, "membership", None)
    agency = getattr(membership, "agency", None)
    if agency is None:
        return None, ""
    return agency.pk, str(getattr(agency, "name", ""))


def _field_names(names: Iterable[str]) -> list[str]:
    if isinstance(names, Mapping | str):
        raise TypeError("fields: pass the names of the changed fields (a list), never their values")
    checked = sorted({str(name) for name in names})
    for name in checked:
        if not _FIELD_NAME.match(name):
            raise ValueError(f"fields: {name[:20]!r}… is not a field name (record names, never values)")
    return checked


def _serialise_writers() -> None:
    """Make concurrent writers take turns, inside the current transaction, so two cannot both
    read the same last event and fork the chain.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback. SQLite: the
    settings open every transaction with BEGIN IMMEDIATE, which already takes the database's
    single write lock before the last event is read. Anywhere, the unique sequence number and
    hash make a forked insert fail rather than be stored.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(action: Action | str, *, user: Any = None, request: HttpRequest | None = None,
           object_type: str = "", object_id: object = "", fields: Iterable[str] = (),
           reason: str = "") -> AuditEvent:
    """Write one audit event and return it.

    ``user`` defaults to the signed-in user of ``request``; ``fields`` are the names of the
    fields changed (never their values); ``reason`` is the purpose given. The request gives the
    request id and the client address (see ``middleware``). Joins the caller's transaction when there is one.
    """
    action = Action(action)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    user_id, username = _who(user)
    agency_id, agency_name = _agency(user)
    values: dict[str, Any] = {
        "action": action.value, "user_id": user_id, "username": username, "agency_id": agency_id,
        "agency_name": agency_name, "object_type": str(object_type), "object_id": str(object_id),
        "changed_fields": _field_names(fields), "reason": str(reason),
        "request_id": request_id_of(request) if request is not None else "",
        "ip_address": client_address(request) if request is not None else None,
    }
    with transaction.atomic():
        _serialise_writers()
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        event = AuditEvent(sequence=sequence, when=timezone.now(), previous_hash=previous_hash, **values)
        event.hash = event_hash(previous_hash, chained_values(event))
        event.save()
    return event


def verify_log(progress: Progress | None = None) -> Verification:
    """Check the whole stored chain, oldest first (see :func:`chain.verify_chain`)."""
    total = AuditEvent.objects.count()
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    return verify_chain(events, total=total, progress=progress)


class Seen(NamedTuple):
    """One thing done to a record, for "who has seen this record"."""

    when: datetime.datetime
    username: str
    agency_name: str
    action: str


def record_history(object_type: str, object_id: object, *, limit: int | None = None) -> list[Seen]:
    """Who viewed, exported, changed… one record, latest first (``limit`` the latest only)."""
    events = (AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
              .order_by("-sequence").values_list("when", "username", "agency_name", "action"))
    if limit is not None:
        events = events[:limit]
    return [Seen(when, username, agency, Action(action).label) for when, username, agency, action in events]


@dataclass(frozen=True)
class Filters:
    """A search of the log; empty values do not filter. Dates are UK calendar days, both
    included."""

    username: str = ""
    agency_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def describe(self) -> str:
        """The filters in use, for the export's own audit event."""
        used = [f"{f.name}={getattr(self, f.name)}" for f in fields(self) if getattr(self, f.name) not in ("", None)]
        return "filters: " + (", ".join(used) if used else "none")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(events: QuerySet[AuditEvent], filters: Filters) -> QuerySet[AuditEvent]:
    """``events`` narrowed by ``filters``, latest first."""
    if filters.username:
        events = events.filter(username__iexact=filters.username.strip())
    if filters.agency_id is not None:
        events = events.filter(agency_id=filters.agency_id)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type.strip())
    if filters.object_id:
        events = events.filter(object_id=filters.object_id.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(when__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(when__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    return events.order_by("-sequence")


CSV_COLUMNS = ("sequence", "when (UTC)", "username", "user id", "agency", "agency id", "action",
               "record type", "record id", "fields changed", "reason", "request id", "IP address",
               "previous hash", "hash")

def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The events as CSV text, a header line first, one line at a time (for streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(row: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(safe_row(row))
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for event in events:
        yield line((event.sequence, event.when.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    event.username, event.user_id, event.agency_name, event.agency_id, event.action,
                    event.object_type, event.object_id, ";".join(event.changed_fields), event.reason,
                    event.request_id, event.ip_address, event.previous_hash, event.hash))

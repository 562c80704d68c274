"""The hash chain of the audit log: how an event's hash is made, and checking a whole log.

Each event's hash is ``sha256(previous_hash + canonical_json(event))`` where the canonical JSON
has sorted keys, no spaces, and the time in UTC ISO 8601 with microseconds; the first event's
previous hash is :data:`GENESIS`. Changing any stored value of an event, removing one, or
inserting one then shows: the altered event's hash no longer matches its contents, or the next
event's ``previous_hash`` no longer matches, or the sequence numbers have a gap. Removing the
latest events leaves a shorter chain that still checks: compare the count and last hash that
``saferplaces audit verify`` prints with a copy kept elsewhere to catch that.

Nothing here touches the database; :mod:`saferplaces.apps.audit.services` feeds it events.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from saferplaces.progress import Progress

__all__ = ["Break", "ChainedEvent", "GENESIS", "Verification", "chained_values", "event_hash",
           "verify_chain"]

#: The previous hash of the first event.
GENESIS = "0" * 64

#: How often (in events) :func:`verify_chain` reports progress.
PROGRESS_EVERY = 1000


class ChainedEvent(Protocol):
    """What the chain reads from a stored event."""

    sequence: int
    when: datetime.datetime
    user_id: int | None
    username: str
    agency_id: int | None
    agency_name: str
    action: str
    object_type: str
    object_id: str
    changed_fields: Any
    reason: str
    request_id: str
    ip_address: str | None
    previous_hash: str
    hash: str


def utc_text(when: datetime.datetime) -> str:
    """``when`` in UTC as ISO 8601 with microseconds (naive times are refused: the store is UTC)."""
    if when.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return when.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def chained_values(event: ChainedEvent) -> dict[str, Any]:
    """The values of ``event`` that its hash covers (all but the hashes themselves)."""
    return {
        "sequence": event.sequence,
        "when": utc_text(event.when),
        "user_id": event.user_id,
        "username": event.username,
        "agency_id": event.agency_id,
        "agency_name": event.agency_name,
        "action": str(event.action),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changed_fields": list(event.changed_fields),
        "reason": event.reason,
        "request_id": event.request_id,
        "ip_address": event.ip_address,
    }


def event_hash(previous_hash: str, values: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``previous_hash`` followed by the canonical JSON of ``values``."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place the chain is broken."""

    sequence: int
    when: datetime.datetime
    problem: str

    def __str__(self) -> str:
        return f"event {self.sequence} ({utc_text(self.when)[:19].replace('T', ' ')} UTC): {self.problem}"


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a log: how many events were read, the last hash, the first break."""

    count: int
    last_hash: str
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _problem(event: ChainedEvent, expected_sequence: int, previous_hash: str) -> str | None:
    if event.sequence != expected_sequence:
        if event.sequence > expected_sequence:
            missing = (f"event {expected_sequence} is" if event.sequence == expected_sequence + 1
                       else f"events {expected_sequence} to {event.sequence - 1} are")
            return f"{missing} missing: events were removed from the log"
        return f"its sequence number repeats or runs backwards (expected {expected_sequence})"
    if event_hash(event.previous_hash, chained_values(event)) != event.hash:
        return "its contents do not match its hash: it was altered after it was written"
    if event.previous_hash != previous_hash:
        before = "the start of the log" if expected_sequence == 1 else f"event {expected_sequence - 1}'s hash"
        return (f"its previous hash does not match {before}: an event before it "
                "was altered or replaced")
    return None


def verify_chain(events: Iterable[ChainedEvent], *, total: int = 0,
                 progress: Progress | None = None) -> Verification:
    """Check ``events`` (in sequence order, from the first): sequence numbers run 1, 2, 3…
    without gaps, each hash matches its event's contents, and each event's previous hash is the
    hash of the event before. Stops at the first break."""
    previous_hash, count = GENESIS, 0
    for event in events:
        problem = _problem(event, count + 1, previous_hash)
        if problem:
            return Verification(count, previous_hash, Break(event.sequence, event.when, problem))
        previous_hash, count = event.hash, count + 1
        if progress and count % PROGRESS_EVERY == 0:
            progress("verify", count, max(total, count))
    if progress:
        progress("verify", count, max(total, count))
    return Verification(count, previous_hash, None)

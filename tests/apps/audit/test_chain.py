"""The hash chain: a log written by ``record`` verifies; altering, removing or re-hashing an
event behind the app's back is found, and the first broken event is named."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from saferplaces.apps.audit.chain import GENESIS, chained_values, event_hash
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.audit.services import record, verify_log
from saferplaces.apps.audit.triggers import TABLE, drop_statements

pytestmark = pytest.mark.django_db


def write_log(n: int = 5) -> list[AuditEvent]:
    return [record("view", object_type="case", object_id=i, reason="weekly review") for i in range(1, n + 1)]


def behind_the_apps_back(sql: str, params: list | None = None) -> None:
    """Run ``sql`` with the append-only triggers out of the way, as someone with direct access to
    the database might (inside the test's transaction, so they are back afterwards)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            for statement in drop_statements(connection.vendor):
                cursor.execute(statement)
        cursor.execute(sql, params or [])


def test_each_event_links_to_the_one_before_and_the_whole_log_verifies():
    events = write_log()
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == GENESIS
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    result = verify_log()
    assert result.intact and result.count == 5 and result.last_hash == events[-1].hash


def test_an_empty_log_is_intact():
    result = verify_log()
    assert result.intact and result.count == 0


def test_the_hash_covers_the_stored_values_as_read_back_from_the_database():
    record("login", reason="")
    stored = AuditEvent.objects.get()
    assert event_hash(stored.previous_hash, chained_values(stored)) == stored.hash


def test_an_altered_reason_is_found_at_that_event():
    write_log()
    behind_the_apps_back(f"UPDATE {TABLE} SET reason = 'nothing' WHERE sequence = 3")
    broken = verify_log().broken
    assert broken is not None and broken.sequence == 3
    assert "altered" in broken.problem


def test_an_altered_time_is_found():
    write_log()
    behind_the_apps_back(f"UPDATE {TABLE} SET \"when\" = %s WHERE sequence = 2",
                         [datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)])
    assert verify_log().broken.sequence == 2


def test_an_event_altered_and_rehashed_breaks_the_link_from_the_next_one():
    events = write_log()
    forged = AuditEvent.objects.get(sequence=2)
    forged.username = "someone-else"
    new_hash = event_hash(forged.previous_hash, chained_values(forged))
    behind_the_apps_back(f"UPDATE {TABLE} SET username = 'someone-else', hash = %s WHERE sequence = 2",
                         [new_hash])
    broken = verify_log().broken
    assert broken.sequence == 3
    assert "event 2's hash" in broken.problem
    assert events[2].previous_hash != new_hash


def test_a_removed_event_is_found_where_the_gap_is():
    write_log()
    behind_the_apps_back(f"DELETE FROM {TABLE} WHERE sequence = 4")
    broken = verify_log().broken
    assert broken.sequence == 5
    assert "event 4 is missing" in broken.problem
    assert verify_log().count == 3


def test_writers_in_parallel_take_turns_and_never_fork_the_chain(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database is not shared between threads the way "
                    "the file store is; SQLite serialises writers with BEGIN IMMEDIATE")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                record("view", object_type="case", object_id=f"{n}-{i}")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify_log()
    assert result.intact and result.count == 60

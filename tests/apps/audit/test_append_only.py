"""Audit events can be added, never changed or removed: by the app (the model refuses) or by
anyone with a database connection (triggers refuse, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from saferplaces.apps.audit.models import AppendOnlyError, AuditEvent
from saferplaces.apps.audit.services import record, verify_log
from saferplaces.apps.audit.triggers import (
    MESSAGE,
    TABLE,
    drop_statements,
    missing_triggers,
    trigger_names,
)


def run_sql(sql: str) -> None:
    # a savepoint, so the refused statement leaves the test's transaction usable (PostgreSQL)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
@pytest.mark.parametrize("sql", [
    f"UPDATE {TABLE} SET reason = 'nothing to see here'",
    f"UPDATE {TABLE} SET username = 'someone-else' WHERE sequence = 1",
    f"DELETE FROM {TABLE}",
    f"DELETE FROM {TABLE} WHERE sequence = 2",
])
def test_the_database_refuses_to_change_or_delete_an_event_whatever_the_client(sql):
    record("view", object_type="case", object_id=1, reason="reviewing the case")
    record("view", object_type="case", object_id=2, reason="reviewing the case")
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(sql)
    assert count() == 2
    assert set(AuditEvent.objects.values_list("reason", flat=True)) == {"reviewing the case"}


@pytest.mark.django_db
def test_postgresql_also_refuses_to_truncate_the_log():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's only way to empty a table is DELETE")
    record("login")
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(f"TRUNCATE {TABLE}")
    assert count() == 1


@pytest.mark.django_db
def test_the_model_refuses_to_save_a_changed_event_or_delete_one():
    event = record("view", object_type="person", object_id=7, reason="safeguarding check")
    event.reason = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    stored = AuditEvent.objects.get()
    assert stored.reason == "safeguarding check"


@pytest.mark.django_db
@pytest.mark.parametrize("write", [
    lambda events: events.update(reason="rewritten"),
    lambda events: events.delete(),
    lambda events: events.bulk_update(list(events), ["reason"]),
    lambda events: events.bulk_create([AuditEvent(sequence=99, action="view")]),
    lambda events: events.get().save(update_fields=["reason"]),
    lambda events: events.get().save(force_update=True),
])
def test_bulk_writes_through_the_app_are_refused(write):
    record("export", object_type="audit-log")
    with pytest.raises(AppendOnlyError):
        write(AuditEvent.objects.all())
    assert AuditEvent.objects.get().reason == ""


@pytest.mark.django_db(transaction=True)
def test_a_test_flush_empties_the_log_and_leaves_the_triggers_in_force():
    record("view", object_type="case", object_id=3)
    call_command("flush", verbosity=0, interactive=False)  # what every transactional test ends with
    assert count() == 0
    record("view", object_type="case", object_id=4)
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(f"DELETE FROM {TABLE}")
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(f"UPDATE {TABLE} SET reason = 'x'")
    assert count() == 1


# --- inserts: only the next event of the chain, so no insert can replace or rewrite one -------

COLUMNS = ("id", "sequence", "\"when\"", "user_id", "username", "agency_id", "agency_name", "action",
           "object_type", "object_id", "changed_fields", "reason", "request_id", "ip_address",
           "previous_hash", "hash")


def copy_of(source: int, /, **changed: str) -> str:
    """A SELECT giving event ``source``'s stored row with the ``changed`` columns replaced by
    SQL expressions, to feed an INSERT."""
    values = [changed.get(column.strip('"'), column) for column in COLUMNS]
    return f"SELECT {', '.join(values)} FROM {TABLE} WHERE sequence = {source}"


def three_events() -> list[AuditEvent]:
    return [record("view", object_type="case", object_id=n, reason="reviewing the case") for n in (1, 2, 3)]


def assert_unchanged(events: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("sequence").values_list("id", "sequence", "reason", "hash"))
    assert stored == [(e.id, e.sequence, e.reason, e.hash) for e in events]


NOTHING = "'nothing to see'"
FORGED = "'f00d'"
INSERT = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)})"

SQLITE_REPLACES = {
    "REPLACE INTO": f"REPLACE INTO {TABLE} ({', '.join(COLUMNS)}) {copy_of(2, reason=NOTHING)}",
    "INSERT OR REPLACE": f"INSERT OR REPLACE INTO {TABLE} ({', '.join(COLUMNS)}) "
                         f"{copy_of(2, reason=NOTHING)}",
    # a new sequence number, chained to the last event, but an existing event's id: the
    # conflict on the id would delete event 1 without firing the DELETE trigger
    "REPLACE with the next sequence and an old id": (
        f"REPLACE INTO {TABLE} ({', '.join(COLUMNS)}) "
        f"{copy_of(1, sequence='4', previous_hash=f'(SELECT hash FROM {TABLE} WHERE sequence = 3)')}"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(SQLITE_REPLACES))
def test_sqlite_replace_cannot_change_or_remove_an_event(case):
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    events = three_events()
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(SQLITE_REPLACES[case])
    assert_unchanged(events)


@pytest.mark.django_db
def test_an_upsert_cannot_change_an_event():
    events = three_events()
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(f"{INSERT} {copy_of(2)} "
                "ON CONFLICT (id) DO UPDATE SET reason = 'nothing to see'")
    assert_unchanged(events)


@pytest.mark.django_db
@pytest.mark.parametrize("changed", [
    {"id": "1000", "sequence": "2", "hash": FORGED},  # a second event 2
    {"id": "1000", "sequence": "9", "hash": FORGED,
     "previous_hash": f"(SELECT hash FROM {TABLE} WHERE sequence = 3)"},  # a gap
    {"id": "1000", "sequence": "4", "hash": FORGED},  # next number, but linked to event 1
], ids=["repeated sequence", "skipped sequence", "wrong previous hash"])
def test_the_database_refuses_an_insert_that_is_not_the_next_link_of_the_chain(changed):
    events = three_events()
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(f"{INSERT} {copy_of(1, **changed)}")
    assert_unchanged(events)


@pytest.mark.django_db
def test_the_whole_chain_cannot_be_rewritten_with_the_triggers_in_place():
    """The reviewer's attack: recompute every hash and write every row again. Each rewritten
    row would repeat a sequence number already in the log, so the first is refused."""
    from saferplaces.apps.audit.chain import GENESIS, chained_values, event_hash

    events = three_events()
    previous = GENESIS
    vendor_insert = "REPLACE INTO" if connection.vendor == "sqlite" else "INSERT INTO"
    on_conflict = "" if connection.vendor == "sqlite" else " ON CONFLICT (id) DO NOTHING"
    for event in AuditEvent.objects.order_by("sequence"):
        event.reason = "nothing to see"
        event.previous_hash = previous
        event.hash = previous = event_hash(previous, chained_values(event))
        rewritten = copy_of(event.sequence, reason=NOTHING, previous_hash=f"'{event.previous_hash}'",
                            hash=f"'{event.hash}'")
        with pytest.raises(DatabaseError, match=MESSAGE):
            run_sql(f"{vendor_insert} {TABLE} ({', '.join(COLUMNS)}) {rewritten}{on_conflict}")
    assert_unchanged(events)
    assert verify_log().intact


@pytest.mark.django_db
def test_record_still_appends_after_a_refused_insert():
    three_events()
    with pytest.raises(DatabaseError, match=MESSAGE):
        run_sql(f"{INSERT} {copy_of(1, id='1000', hash=FORGED)}")
    record("login")
    result = verify_log()
    assert result.intact and result.count == 4


@pytest.mark.django_db
def test_every_trigger_is_in_place_after_migrating():
    assert missing_triggers(connection) == []


@pytest.mark.django_db
def test_a_dropped_trigger_is_named():
    with connection.cursor() as cursor:
        cursor.execute(drop_statements(connection.vendor)[0])
    assert missing_triggers(connection) == [trigger_names(connection.vendor)[0]]

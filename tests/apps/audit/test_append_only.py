"""Audit events can be added, never changed or removed: by the app (the model refuses) or by
anyone with a database connection (triggers refuse, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from saferplaces.apps.audit.models import AppendOnlyError, AuditEvent
from saferplaces.apps.audit.services import record
from saferplaces.apps.audit.triggers import MESSAGE, TABLE


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

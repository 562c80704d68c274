"""Test flushes that leave the audit log's append-only triggers in force.

pytest-django's transactional tests (``transactional_db``, ``live_server``,
``django_db(transaction=True)``) empty every table after each test with Django's ``flush``: on
SQLite that is ``DELETE FROM`` each table, which the audit triggers rightly refuse; on
PostgreSQL ``TRUNCATE``, which the TRUNCATE trigger refuses. Only during that flush, and in the
flush's own transaction, :func:`flush_keeping_audit_triggers` lifts the triggers and puts them
back, so every test (and production, which never runs this) keeps them in force. A test that
removed a trigger on purpose gets it back at the same moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def _with_triggers_lifted(vendor: str, sql_list: list[str]) -> list[str]:
    from saferplaces.apps.audit.triggers import TABLE, create_statements, drop_statements

    if not any(TABLE in sql for sql in sql_list):
        return sql_list
    if vendor == "sqlite":
        creates = [sql for sql in create_statements(vendor) if sql.startswith("CREATE TRIGGER")]
        return drop_statements(vendor) + sql_list + creates
    if vendor == "postgresql":
        return [f"ALTER TABLE {TABLE} DISABLE TRIGGER USER", *sql_list,
                f"ALTER TABLE {TABLE} ENABLE TRIGGER USER"]
    return sql_list


@contextmanager
def flush_keeping_audit_triggers() -> Iterator[None]:
    """While open, Django's flush (``execute_sql_flush``) lifts the audit triggers for itself."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        original(self, _with_triggers_lifted(self.connection.vendor, list(sql_list)))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield

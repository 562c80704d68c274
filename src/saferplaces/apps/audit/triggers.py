"""The database triggers that make the audit table append-only, for each database we support.

SQLite: a BEFORE UPDATE and a BEFORE DELETE trigger that abort the statement. PostgreSQL: one
plpgsql function raising an error, fired BEFORE UPDATE OR DELETE for each row and BEFORE TRUNCATE
(row triggers do not fire on TRUNCATE). They refuse changes from every client, not only from this
app. An account that owns the table can still drop them: give the application a database
role that does not own the table where that matters.

Migration 0002 creates them. A later migration that makes SQLite rebuild the table (most
column changes do) drops them with the old table and must create them again.
"""

from __future__ import annotations

__all__ = ["MESSAGE", "TABLE", "create_statements", "drop_statements", "trigger_names"]

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

_SQLITE_TRIGGERS = {
    "audit_auditevent_no_update": "UPDATE",
    "audit_auditevent_no_delete": "DELETE",
}
_PG_FUNCTION = "audit_auditevent_append_only"
_PG_TRIGGERS = {
    "audit_auditevent_no_update_or_delete": "UPDATE OR DELETE ON {table} FOR EACH ROW",
    "audit_auditevent_no_truncate": "TRUNCATE ON {table} FOR EACH STATEMENT",
}


def trigger_names(vendor: str) -> tuple[str, ...]:
    """The names of the append-only triggers on ``vendor`` (``connection.vendor``)."""
    if vendor == "sqlite":
        return tuple(_SQLITE_TRIGGERS)
    if vendor == "postgresql":
        return tuple(_PG_TRIGGERS)
    return ()


def create_statements(vendor: str) -> list[str]:
    """SQL creating the triggers on ``vendor``; none for a database we do not support."""
    if vendor == "sqlite":
        return [f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                for name, event in _SQLITE_TRIGGERS.items()]
    if vendor == "postgresql":
        function = (f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
                    f"AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
        return [function] + [f"CREATE TRIGGER {name} BEFORE {when.format(table=TABLE)} "
                             f"EXECUTE FUNCTION {_PG_FUNCTION}()"
                             for name, when in _PG_TRIGGERS.items()]
    return []


def drop_statements(vendor: str) -> list[str]:
    """SQL removing the triggers on ``vendor`` (to undo migration 0002)."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return ([f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in _PG_TRIGGERS]
                + [f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"])
    return []

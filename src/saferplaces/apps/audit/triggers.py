"""The database triggers that make the audit table append-only, for each database we support.

Changes and deletions (migration 0002). SQLite: a BEFORE UPDATE and a BEFORE DELETE trigger that
abort the statement. PostgreSQL: one plpgsql function raising an error, fired BEFORE UPDATE OR
DELETE for each row and BEFORE TRUNCATE (row triggers do not fire on TRUNCATE).

Inserts (migration 0003): a BEFORE INSERT trigger refuses any new row that is not the next link
of the chain: its sequence must be the last one plus 1 and its previous hash the last event's
hash. That closes SQLite's ``REPLACE`` / ``INSERT OR REPLACE``, which removes a conflicting row
without firing DELETE triggers, so an event could otherwise be swapped for a re-hashed one, or
the whole chain rewritten; on SQLite the trigger also refuses a new row that reuses an existing
id or hash (the other conflicts REPLACE would resolve by deleting). An upsert (``INSERT ... ON
CONFLICT DO UPDATE``) meets the insert trigger first and the UPDATE trigger after.

They refuse every client, not only this app. An account that owns the table can still drop
them: give the application a database role that does not own the table where that matters.
``saferplaces audit verify`` and ``saferplaces check --deploy`` say when one is missing
(:func:`missing_triggers`). Removing the newest events with the triggers dropped still leaves a
chain that checks: only the last hash kept elsewhere shows that (``audit verify`` prints it).

A later migration that makes SQLite rebuild the table (most column changes do) drops them with
the old table and must create them again.
"""

from __future__ import annotations

from typing import Any

from saferplaces.apps.audit.chain import GENESIS

__all__ = ["MESSAGE", "TABLE", "create_statements", "drop_statements", "insert_create_statements",
           "insert_drop_statements", "missing_triggers", "trigger_names", "update_delete_create_statements",
           "update_delete_drop_statements"]

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"
#: What the insert trigger says: the new event is not the next link of the chain.
INSERT_MESSAGE = f"{MESSAGE}: a new event must follow the last one (next sequence, its hash)"

_SQLITE_TRIGGERS = {
    "audit_auditevent_no_update": "UPDATE",
    "audit_auditevent_no_delete": "DELETE",
}
_PG_FUNCTION = "audit_auditevent_append_only"
_PG_TRIGGERS = {
    "audit_auditevent_no_update_or_delete": "UPDATE OR DELETE ON {table} FOR EACH ROW",
    "audit_auditevent_no_truncate": "TRUNCATE ON {table} FOR EACH STATEMENT",
}
_INSERT_TRIGGER = "audit_auditevent_insert_in_order"
_PG_INSERT_FUNCTION = "audit_auditevent_next_in_chain"

# The last event, from the unique index on sequence.
_LAST_SEQUENCE = f"(SELECT COALESCE(MAX(sequence), 0) FROM {TABLE})"
_LAST_HASH = f"COALESCE((SELECT hash FROM {TABLE} ORDER BY sequence DESC LIMIT 1), '{GENESIS}')"


def trigger_names(vendor: str) -> tuple[str, ...]:
    """The names of every audit trigger on ``vendor`` (``connection.vendor``)."""
    if vendor == "sqlite":
        return (*_SQLITE_TRIGGERS, _INSERT_TRIGGER)
    if vendor == "postgresql":
        return (*_PG_TRIGGERS, _INSERT_TRIGGER)
    return ()


def update_delete_create_statements(vendor: str) -> list[str]:
    """SQL creating the triggers that refuse UPDATE, DELETE (and TRUNCATE): migration 0002."""
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


def update_delete_drop_statements(vendor: str) -> list[str]:
    """SQL removing the triggers of migration 0002."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return ([f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in _PG_TRIGGERS]
                + [f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"])
    return []


def insert_create_statements(vendor: str) -> list[str]:
    """SQL creating the trigger that lets in only the next link of the chain: migration 0003."""
    if vendor == "sqlite":
        return [f"CREATE TRIGGER {_INSERT_TRIGGER} BEFORE INSERT ON {TABLE} "
                f"WHEN NEW.sequence IS NOT {_LAST_SEQUENCE} + 1 "
                f"OR NEW.previous_hash IS NOT {_LAST_HASH} "
                f"OR EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id OR hash = NEW.hash) "
                f"BEGIN SELECT RAISE(ABORT, '{INSERT_MESSAGE}'); END"]
    if vendor == "postgresql":
        function = (f"CREATE OR REPLACE FUNCTION {_PG_INSERT_FUNCTION}() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF NEW.sequence IS DISTINCT FROM {_LAST_SEQUENCE} + 1 "
                    f"OR NEW.previous_hash IS DISTINCT FROM {_LAST_HASH} THEN "
                    f"RAISE EXCEPTION '{INSERT_MESSAGE}'; END IF; RETURN NEW; END $$")
        return [function, f"CREATE TRIGGER {_INSERT_TRIGGER} BEFORE INSERT ON {TABLE} "
                          f"FOR EACH ROW EXECUTE FUNCTION {_PG_INSERT_FUNCTION}()"]
    return []


def insert_drop_statements(vendor: str) -> list[str]:
    """SQL removing the trigger of migration 0003."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {_INSERT_TRIGGER}"]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {_INSERT_TRIGGER} ON {TABLE}",
                f"DROP FUNCTION IF EXISTS {_PG_INSERT_FUNCTION}()"]
    return []


def create_statements(vendor: str) -> list[str]:
    """SQL creating every audit trigger on ``vendor``; none for a database we do not support."""
    return update_delete_create_statements(vendor) + insert_create_statements(vendor)


def drop_statements(vendor: str) -> list[str]:
    """SQL removing every audit trigger on ``vendor``."""
    return update_delete_drop_statements(vendor) + insert_drop_statements(vendor)


def missing_triggers(connection: Any) -> list[str]:
    """The audit triggers absent from (or, on PostgreSQL, disabled in) the database of
    ``connection``, in :func:`trigger_names` order; all of them when the table is not there."""
    expected = trigger_names(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                           [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
                           "AND NOT tgisinternal AND tgenabled <> 'D'", [TABLE])
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]

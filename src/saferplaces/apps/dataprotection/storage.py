"""Making a retention deletion reach the disk: no copy of deleted personal data left in the
database's files.

SQLite (the default store) keeps deleted rows' bytes in the database file's free space and in
its write-ahead log until they happen to be overwritten. So for a deletion the connection
turns on ``PRAGMA secure_delete`` (SQLite then overwrites deleted content with zeros: the cells
of deleted rows and the pages freed, https://sqlite.org/pragma.html#pragma_secure_delete), and
once the deletion is committed runs ``PRAGMA wal_checkpoint(TRUNCATE)``, which copies the log
into the database and truncates the log file to nothing. ``secure_delete`` was chosen over
``VACUUM``: it costs a few extra writes on the pages the deletion touches, while ``VACUUM``
rewrites the whole database (the incident store can be hundreds of megabytes), needs the
database to itself and up to twice its size in free disk space. A checkpoint that another
connection's read keeps from finishing is logged (without personal data); the rest of the log
is emptied at the next checkpoint.

PostgreSQL: a deleted row stays in its table's file as a dead row until ``VACUUM`` (autovacuum
does it within minutes on a busy table) marks its space reusable; its bytes remain until new
rows overwrite them, in the write-ahead log until the segment is recycled, and in backups until
they expire. ``VACUUM FULL`` would rewrite the tables but locks them while it runs, so it is
left to the database administrator's maintenance window (README, "Retention").

Neither database can reach copies outside its files: backups, replicas, and blocks the
filesystem has already released.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import OperationalError, connection

__all__ = ["Erasure", "overwrite_deleted_content"]

log = logging.getLogger(__name__)


@dataclass
class Erasure:
    """An open secure deletion: call :meth:`finish` once it is committed."""

    sqlite: bool
    previous: int | None = None

    def finish(self) -> None:
        """Empty the write-ahead log into the (overwritten) database, and restore the setting."""
        if not self.sqlite:
            return
        busy = False
        with connection.cursor() as cursor:
            # a checkpoint cannot run inside a transaction (a caller's own atomic block, or a
            # test's): SQLite's next automatic checkpoint empties the log then
            if not connection.in_atomic_block:
                try:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    busy = bool(cursor.fetchone()[0])
                except OperationalError:
                    busy = True
            if self.previous is not None:
                cursor.execute(f"PRAGMA secure_delete={int(self.previous)}")
        if busy:
            log.warning("retention deletion: another connection kept the database's log from "
                        "being emptied; it is emptied at the next checkpoint")


def overwrite_deleted_content() -> Erasure:
    """From now on this connection overwrites what it deletes (SQLite only; see the module)."""
    if connection.vendor != "sqlite":
        return Erasure(sqlite=False)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA secure_delete=ON")
    return Erasure(sqlite=True, previous=previous)

"""SQLite side of the incident store's bulk writes (``saferplaces.apps.incidents.store`` is the API).

``executemany`` of an ``INSERT`` taking as many rows per statement as SQLite's parameter limit
allows (a statement per row costs more than binding its values). A column holding the same value
in every row of the batch (the source, the month, the force...) is written into the statement as
a literal, quoted by SQLite's own ``quote()``, so each row binds only what varies. A large load
gets a larger page cache while it runs (``larger_cache``).

Every function runs on the connection Django holds, inside the caller's transaction.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import numpy as np
import pandas as pd
from django.db import connection
from django.db.backends.utils import CursorWrapper

__all__ = ["IDS_PER_STATEMENT", "LOAD_CACHE_KIB", "execute_raw", "insert_incidents", "insert_rows",
           "larger_cache", "refs_query", "secondary_indexes", "sequence_last", "update_incidents"]

#: SQLite's smallest limit on bound parameters per statement (999 before version 3.32)
MAX_PARAMETERS = 999
#: ids or references looked up per statement: under ``MAX_PARAMETERS`` with room for the others
IDS_PER_STATEMENT = 900
#: page cache for a large load: about what a million incidents and their indexes take, so pages
#: are not written out and read back within the load (allocated only as used)
LOAD_CACHE_KIB = 1024 * 1024

_TIME_FORMATS = {"month": "%Y-%m-%d", "occurred": "%Y-%m-%d %H:%M:%S"}


def _raw() -> sqlite3.Connection:
    """The driver's own connection (Django's is open: the caller is in a transaction)."""
    return cast(sqlite3.Connection, connection.connection)


def refs_query(table: str, names: str, source: str, refs: list[str]) -> tuple[str, list[Any]]:
    """The statement and parameters selecting columns ``names`` of the rows of ``table`` from
    ``source`` whose reference is among ``refs`` (at most ``IDS_PER_STATEMENT``)."""
    return (f"SELECT {names} FROM {table} WHERE source = %s AND source_ref IN "
            f"({', '.join(['%s'] * len(refs))})", [source, *refs])


def sequence_last(cursor: CursorWrapper, table: str) -> int:
    """The largest id ``table``'s AUTOINCREMENT counter has given (0: none)."""
    cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
    return int(cursor.fetchone()[0])


def insert_incidents(table_name: str, table: pd.DataFrame, columns: list[str], ids: np.ndarray,
                     batch_id: int | None, point_ids: np.ndarray) -> None:
    """Insert the rows of ``table`` (store ``columns``) as incidents ``ids`` at map points
    ``point_ids`` (-1: none) from batch ``batch_id``."""
    raw = _raw()
    literals = {"batch_id": "NULL" if batch_id is None else str(int(batch_id))}
    varying = []
    for name in columns:
        literal = _literal(raw, table[name], name)
        if literal is None:
            varying.append(name)
        else:
            literals[name] = literal
    names = ", ".join(["id", "point_id", *varying, *literals])
    row = "(" + ", ".join(["?"] * (2 + len(varying)) + list(literals.values())) + ")"
    columns_of_values = [ids.tolist(), [None if p < 0 else p for p in point_ids.tolist()],
                         *(values_of(table[name], name) for name in varying)]
    _insert_many_rows(raw, f"INSERT INTO {table_name} ({names}) VALUES ", row, columns_of_values)


def update_incidents(table_name: str, frame: pd.DataFrame, columns: list[str], ids: np.ndarray,
                     batch_id: int | None, point_ids: np.ndarray) -> None:
    """Overwrite incidents ``ids`` with the rows of ``frame``: ``columns``, map point, batch."""
    sets = ", ".join(f"{name} = ?" for name in [*columns, "point_id", "batch_id"])
    values = [values_of(frame[name], name) for name in columns]
    values += [[None if p < 0 else p for p in point_ids.tolist()], [batch_id] * len(frame),
               np.asarray(ids).tolist()]
    _raw().executemany(f"UPDATE {table_name} SET {sets} WHERE id = ?", zip(*values, strict=True))


def insert_rows(table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert a modest number of rows (map points and their links)."""
    _raw().executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                       rows)


def execute_raw(statements: list[str]) -> None:
    """Run statements on the driver's own connection."""
    raw = _raw()
    for sql in statements:
        raw.execute(sql)


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each index on ``table`` SQLite did not make itself (those
    behind a constraint have no statement)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL ORDER BY name",
            [table],
        )
        return [(name, sql) for name, sql in cursor.fetchall()]


@contextmanager
def larger_cache() -> Iterator[None]:
    """A page cache of ``LOAD_CACHE_KIB`` for this connection while a large load runs (a
    connection setting, not part of the transaction), restored afterwards; a larger setting
    is left as it is."""
    raw = _raw()
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    wanted = -LOAD_CACHE_KIB
    # a negative size is in KiB, a positive one in pages: compare both in KiB
    page_kib = raw.execute("PRAGMA page_size").fetchone()[0] / 1024
    current_kib = -before if before < 0 else before * page_kib
    if current_kib >= LOAD_CACHE_KIB:
        yield
        return
    raw.execute(f"PRAGMA cache_size = {wanted}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(before)}")


def _insert_many_rows(raw: sqlite3.Connection, head: str, row: str, columns: list[list[Any]]) -> None:
    """``head`` + as many ``row`` placeholders as the parameter limit allows per statement:
    a statement per row costs more than its binding (SQLite also updates the AUTOINCREMENT
    counter once per statement)."""
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    n = len(columns[0])
    full = n // per_statement * per_statement
    if full:
        flat = list(itertools.chain.from_iterable(zip(*(c[:full] for c in columns), strict=True)))
        width = per_statement * len(columns)
        raw.executemany(head + ", ".join([row] * per_statement),
                        (flat[start: start + width] for start in range(0, len(flat), width)))
    if full < n:
        raw.executemany(head + row, zip(*(c[full:] for c in columns), strict=True))


def _literal(raw: sqlite3.Connection, series: pd.Series, name: str) -> str | None:
    """SQL literal of the one value every row has, or None (varying values, numbers with a
    fraction, and text holding a NUL are bound instead)."""
    if series.empty or series.dtype.kind == "f" or not (series == series.iat[0]).all():
        return None
    value = series.iat[0]
    if name in _TIME_FORMATS:
        value = value.strftime(_TIME_FORMATS[name])
    elif isinstance(value, (bool, np.bool_)):
        value = int(value)
    elif not isinstance(value, str) or "\x00" in value:
        return None
    return str(raw.execute("SELECT quote(?)", (value,)).fetchone()[0])


def values_of(series: pd.Series, name: str) -> list[Any]:
    """The values of store column ``name`` as SQLite binds them: times as text, NaN as NULL."""
    if name in _TIME_FORMATS:
        codes, distinct = pd.factorize(series)
        return list(np.asarray(distinct.strftime(_TIME_FORMATS[name]), dtype=object)[codes].tolist())
    if series.dtype.kind == "f":
        column = series.to_numpy(dtype=object)
        column[series.isna().to_numpy()] = None
        return list(column.tolist())
    return list(series.tolist())

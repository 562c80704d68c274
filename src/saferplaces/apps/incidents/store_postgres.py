"""PostgreSQL side of the incident store's bulk writes (``saferplaces.apps.incidents.store`` is
the API): binary ``COPY``.

Binary COPY saves the server parsing every number, date and time from text. A row is its field
count, then for each field a big-endian int32 length (-1 for NULL) and the bytes. The
fixed-width fields of a block of rows are laid out side by side in one numpy matrix (a row of it
per row); pyarrow's ``binary_join_element_wise`` then appends each text field's length and bytes
to every row, in C++, and the joined values, back to back, are the COPY data. Blocks are sent by
a background thread, so the server stores one block of rows while the next is laid out.

Every function runs on the connection Django holds, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper

from saferplaces.ingest.columns import STORE_COLUMNS, arrow_strings

if TYPE_CHECKING:
    import psycopg

__all__ = ["IDS_PER_STATEMENT", "copy_incidents", "exclusive_access", "execute_raw",
           "insert_rows", "lock_tables", "refs_query", "secondary_indexes", "sequence_last", "set_sequence",
           "update_incidents"]

#: references looked up per statement (one array parameter each)
IDS_PER_STATEMENT = 20_000

_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970-01-01
_PG_EPOCH_DAYS = 10_957
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_ROWS_PER_BLOCK = 65_536
_UPDATE_TABLE = "saferplaces_incident_update"
_LOCK_NOT_AVAILABLE = "55P03"


def _raw() -> psycopg.Connection[Any]:
    """The driver's own connection (Django's is open: the caller is in a transaction)."""
    return cast("psycopg.Connection[Any]", connection.connection)


def lock_tables(tables: Iterable[str]) -> None:
    """Serialise writers: one writer at a time, readers carry on."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def refs_query(table: str, names: str, source: str, refs: list[str]) -> tuple[str, list[Any]]:
    """The statement and parameters selecting columns ``names`` of the rows of ``table`` from
    ``source`` whose reference is among ``refs`` (at most ``IDS_PER_STATEMENT``, one array)."""
    return (f"SELECT {names} FROM {table} WHERE source = %s AND source_ref = ANY(%s)",
            [source, refs])


def sequence_last(cursor: CursorWrapper, table: str) -> int:
    """The largest id ``table``'s id sequence has given (0: none)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {cursor.fetchone()[0]}")
    return int(cursor.fetchone()[0])


def set_sequence(table: str) -> None:
    """Move ``table``'s id sequence to its largest id (ids written by COPY bypass it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT MAX(id) FROM {table}))")


def copy_incidents(table_name: str, table: pd.DataFrame, columns: list[str], ids: np.ndarray,
                   batch_id: int | None, point_ids: np.ndarray) -> None:
    """Insert the rows of ``table`` (store ``columns``) as incidents ``ids`` at map points
    ``point_ids`` (-1: none) from batch ``batch_id``."""
    _copy(table_name, _copy_fields(table, columns, ids, batch_id, point_ids), len(table))
    set_sequence(table_name)


def update_incidents(table_name: str, frame: pd.DataFrame, columns: list[str], ids: np.ndarray,
                     batch_id: int | None, point_ids: np.ndarray) -> None:
    """Overwrite incidents ``ids`` with the rows of ``frame``: ``columns``, map point, batch.
    The new versions go into a temporary table by binary COPY, then one UPDATE joins them."""
    sets = ", ".join(f"{name} = u.{name}" for name in [*columns, "point_id", "batch_id"])
    execute_raw([f"CREATE TEMPORARY TABLE {_UPDATE_TABLE} (LIKE {table_name})"])
    # every store column is copied: the temporary table has the incident table's NOT NULLs
    _copy(_UPDATE_TABLE, _copy_fields(frame, list(STORE_COLUMNS), np.asarray(ids, dtype=np.int64), batch_id,
                                      point_ids), len(frame))
    execute_raw([f"UPDATE {table_name} SET {sets} FROM {_UPDATE_TABLE} u WHERE {table_name}.id = u.id",
                 f"DROP TABLE {_UPDATE_TABLE}"])


def insert_rows(table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert a modest number of rows (map points and their links) by text COPY."""
    with _raw().cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def execute_raw(statements: list[str]) -> None:
    """Run statements on the driver's own connection."""
    with _raw().cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each index on ``table`` other than its primary key that can
    be dropped on its own (not one behind a table constraint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1",
            [table],
        )
        return [(name, sql) for name, sql in cursor.fetchall()]


def exclusive_access(table: str) -> bool:
    """Take ``table`` for this transaction alone (dropping an index needs that), but only if
    nobody is reading it right now. NOWAIT, inside a savepoint: waiting would hold up every
    reader queued behind the load (or deadlock with one that also waits on this transaction),
    so when the table is busy the load simply keeps its indexes."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE NOWAIT")
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            return False
        raise
    return True


# ---------------------------------------------------------------------------------------------
# binary COPY


@dataclass
class _Field:
    """One column for binary COPY: fixed-width big-endian bytes, or text (pyarrow strings)."""

    name: str
    fixed: np.ndarray | None = None  # (n, width) uint8
    valid: np.ndarray | None = None  # bool per row (fixed only); None: all valid
    text: pa.ChunkedArray | None = None


def _fixed(name: str, values: np.ndarray, dtype: str, valid: np.ndarray | None = None) -> _Field:
    data = np.ascontiguousarray(values, dtype=dtype)
    return _Field(name, fixed=data.view(np.uint8).reshape(len(data), -1), valid=valid)


def _text(name: str, series: pd.Series) -> _Field:
    """A text column; one holding a single value throughout goes with the fixed-width ones."""
    text = arrow_strings(series)
    if len(series) and (series == series.iat[0]).all():
        value = np.frombuffer(str(series.iat[0]).encode("utf-8"), dtype=np.uint8)
        return _Field(name, fixed=np.broadcast_to(value, (len(series), len(value))))
    return _Field(name, text=text)


def _copy_fields(table: pd.DataFrame, columns: list[str], ids: np.ndarray, batch_id: int | None,
                 point_ids: np.ndarray) -> list[_Field]:
    fields = [_fixed("id", ids, ">i8"), _fixed("point_id", point_ids, ">i8", valid=point_ids >= 0)]
    for name in columns:
        series = table[name]
        if name == "month":
            days = series.to_numpy("datetime64[D]").astype(np.int64) - _PG_EPOCH_DAYS
            fields.append(_fixed(name, days, ">i4"))
        elif name == "occurred":
            # whole seconds, as the text format written before (strftime "%H:%M:%S") stored them
            seconds = series.to_numpy("datetime64[s]").astype(np.int64)
            fields.append(_fixed(name, seconds * 1_000_000 - _PG_EPOCH_US, ">i8"))
        elif series.dtype.kind == "f":
            values = series.to_numpy(float)
            fields.append(_fixed(name, values, ">f8", valid=~np.isnan(values)))
        elif series.dtype == bool:
            fields.append(_fixed(name, series.to_numpy(bool), "u1"))
        else:
            fields.append(_text(name, series))
    if batch_id is None:
        nothing = np.zeros(len(table), dtype=bool)
        fields.append(_fixed("batch_id", np.zeros(len(table)), ">i8", valid=nothing))
    else:
        fields.append(_fixed("batch_id", np.full(len(table), batch_id), ">i8"))
    # fixed-width fields first: they make one matrix per block, the text fields follow
    return sorted(fields, key=lambda f: f.text is not None)


def _as_binary(matrix: np.ndarray, keep: np.ndarray | None) -> pa.Array:
    """One binary value per matrix row (only the ``keep`` bytes of it, when given)."""
    rows, width = matrix.shape
    if keep is None:
        return pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(width), rows, [None, pa.py_buffer(matrix)]).cast(pa.binary())
    offsets = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(keep.sum(axis=1), out=offsets[1:])
    return pa.BinaryArray.from_buffers(pa.binary(), rows, [None, pa.py_buffer(offsets),
                                                           pa.py_buffer(matrix[keep])])


def _lengths(values: np.ndarray) -> pa.Array:
    """Big-endian int32 length prefixes, one binary value each."""
    data = np.ascontiguousarray(values, dtype=">i4")
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4), len(data), [None, pa.py_buffer(data)])
    return fixed.cast(pa.binary())


def _copy_block(fields: list[_Field], start: int, stop: int) -> memoryview:
    """The COPY rows ``start:stop``, back to back."""
    fixed = [(f, f.fixed) for f in fields if f.fixed is not None]
    texts = [f.text for f in fields if f.text is not None]
    rows = stop - start
    width = 2 + sum(4 + data.shape[1] for _, data in fixed) + (4 if texts else 0)
    matrix = np.empty((rows, width), dtype=np.uint8)
    keep = None
    matrix[:, 0:2] = np.frombuffer(np.array([len(fields)], dtype=">i2").tobytes(), dtype=np.uint8)
    at = 2
    for field, data in fixed:
        size = data.shape[1]
        valid = None if field.valid is None else field.valid[start:stop]
        if valid is None or valid.all():
            matrix[:, at: at + 4] = np.frombuffer(np.array([size], dtype=">i4").tobytes(), dtype=np.uint8)
        else:
            prefix = np.where(valid, size, -1).astype(">i4")
            matrix[:, at: at + 4] = prefix.view(np.uint8).reshape(rows, 4)
            if keep is None:
                keep = np.ones(matrix.shape, dtype=bool)
            keep[~valid, at + 4: at + 4 + size] = False
        matrix[:, at + 4: at + 4 + size] = data[start:stop]
        at += 4 + size
    if not texts:
        return (matrix.reshape(-1) if keep is None else matrix[keep]).data
    values = [text.slice(start, rows) for text in texts]
    lengths = [pc.binary_length(v).to_numpy() for v in values]
    matrix[:, at: at + 4] = np.ascontiguousarray(lengths[0], dtype=">i4").view(np.uint8).reshape(rows, 4)
    parts: list[pa.Array | pa.ChunkedArray] = [_as_binary(matrix, keep), values[0].cast(pa.binary())]
    for value, length in zip(values[1:], lengths[1:], strict=True):
        parts += [_lengths(length), value.cast(pa.binary())]
    joined = pc.binary_join_element_wise(*parts, pa.scalar(b"", pa.binary()))
    joined = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)[joined.offset: joined.offset + rows + 1]
    return memoryview(joined.buffers()[2][int(offsets[0]): int(offsets[-1])])


def _copy(table: str, fields: list[_Field], n: int) -> None:
    """COPY ``n`` rows of ``fields`` into ``table``. Blocks of rows are queued for a background
    thread to send while the next ones are laid out (the server stores one block while the
    next is prepared)."""
    from psycopg.copy import QueuedLibpqWriter

    sql = f"COPY {table} ({', '.join(f.name for f in fields)}) FROM STDIN WITH (FORMAT binary)"
    with (_raw().cursor() as cursor,
          cursor.copy(sql, writer=QueuedLibpqWriter(cursor)) as copy):
        copy.write(_COPY_HEADER)
        for start in range(0, n, _ROWS_PER_BLOCK):
            copy.write(_copy_block(fields, start, min(start + _ROWS_PER_BLOCK, n)))
        copy.write(_COPY_TRAILER)

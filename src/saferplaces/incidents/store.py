"""Bulk writes to the incident store, bypassing the ORM's row-by-row path.

SQLite: ``executemany`` on the raw connection. PostgreSQL: ``COPY``. Both run inside the
caller's transaction, after taking a write lock, so a failure leaves nothing half-written.
Incident ids are allocated here (max + 1 under the lock) so area links can be written at once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

from saferplaces.analysis.frame import FLAG_COLUMNS
from saferplaces.incidents.models import Area, Incident, IncidentArea
from saferplaces.ingest.columns import STORE_COLUMNS, TEXT_DEFAULTED
from saferplaces.spatial import AreaIndex, assign_points

INCIDENT_TABLE = Incident._meta.db_table
LINK_TABLE = IncidentArea._meta.db_table

__all__ = ["WriteResult", "load_area_index", "write_incidents", "link_kind", "lock_store"]


@dataclass
class WriteResult:
    added: int
    present: int
    links: int


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def lock_store() -> None:
    """Serialise writers. Call inside ``transaction.atomic()``."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {INCIDENT_TABLE} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"LOCK TABLE {LINK_TABLE} IN SHARE ROW EXCLUSIVE MODE")


def load_area_index() -> AreaIndex:
    rows = list(Area.objects.values_list("id", "kind", "code", "geometry"))
    return AreaIndex.build([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                           [r[3] for r in rows])


def existing_refs(source: str, refs: pd.Series, months: pd.Series) -> np.ndarray:
    """Which of ``refs`` the store already holds for ``source`` (looked up by month range)."""
    if refs.empty:
        return np.zeros(0, dtype=bool)
    low, high = months.min().date(), months.max().date()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_ref FROM {INCIDENT_TABLE} WHERE source = %s AND month BETWEEN %s AND %s",
            [source, low, high],
        )
        known = {row[0] for row in cursor.fetchall()}
    return refs.isin(known).to_numpy() if known else np.zeros(len(refs), dtype=bool)


def _next_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {INCIDENT_TABLE}")
        return int(cursor.fetchone()[0]) + 1


def write_incidents(frame: pd.DataFrame, *, batch_id: int | None, areas: AreaIndex) -> WriteResult:
    """Insert the rows of ``frame`` (store columns) that the store does not hold yet, and link
    each new incident to every loaded area it falls in. Call inside ``transaction.atomic()``."""
    present = np.zeros(len(frame), dtype=bool)
    for source, part in frame.groupby("source", sort=False):
        present[part.index.to_numpy()] = existing_refs(str(source), part["source_ref"], part["month"])
    new = frame.loc[~present].reset_index(drop=True)
    if new.empty:
        return WriteResult(0, int(present.sum()), 0)
    first = _next_id()
    ids = np.arange(first, first + len(new), dtype=np.int64)
    rows, area_ids = assign_points(areas, new["lon"].to_numpy(), new["lat"].to_numpy(),
                                   new["lsoa_code"].to_numpy(object))
    table = new.copy()
    table.insert(0, "id", ids)
    table["batch_id"] = batch_id
    links = pd.DataFrame({"incident_id": ids[rows], "area_id": area_ids})
    if is_postgres():
        _copy_postgres(table, links)
    else:
        _insert_sqlite(table, links)
    return WriteResult(len(new), int(present.sum()), len(links))


_COLUMNS = ("id", *STORE_COLUMNS, "batch_id")
_DEFAULTED = set(TEXT_DEFAULTED + FLAG_COLUMNS)


def _columns_needed(table: pd.DataFrame) -> list[str]:
    """Columns to write: those with a database default are left out when the whole batch has
    the default (police.uk files carry no flags or victims), which makes inserts much cheaper."""
    needed = []
    for name in _COLUMNS:
        if name in _DEFAULTED:
            series = table[name]
            if (series.dtype == bool and not series.any()) or (series.dtype != bool and not (series != "").any()):
                continue
        needed.append(name)
    return needed


def _sqlite_values(table: pd.DataFrame, columns: list[str]) -> list[tuple]:
    values = []
    for name in columns:
        series = table[name]
        if name == "month":
            values.append(series.dt.strftime("%Y-%m-%d").tolist())
        elif name == "occurred":
            values.append(series.dt.strftime("%Y-%m-%d %H:%M:%S").tolist())
        elif series.dtype.kind == "f" or name == "batch_id":
            column = series.to_numpy(dtype=object)
            column[series.isna().to_numpy()] = None
            values.append(column.tolist())
        else:
            values.append(series.tolist())
    return list(zip(*values, strict=True))


def _insert_sqlite(table: pd.DataFrame, links: pd.DataFrame) -> None:
    raw = connection.connection
    columns = _columns_needed(table)
    placeholders = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {INCIDENT_TABLE} ({', '.join(columns)}) VALUES ({placeholders})",
                    _sqlite_values(table, columns))
    raw.executemany(f"INSERT INTO {LINK_TABLE} (incident_id, area_id) VALUES (?, ?)",
                    zip(links["incident_id"].tolist(), links["area_id"].tolist(), strict=True))


def _copy(cursor, table_name: str, frame: pd.DataFrame) -> None:
    """COPY a frame: pyarrow writes the CSV (quoting every value, so empty text stays empty
    text and only missing values, left unquoted, become NULL)."""
    buffer = io.BytesIO()
    pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer,
                     pa_csv.WriteOptions(include_header=False, quoting_style="all_valid"))
    sql = f"COPY {table_name} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)"
    with cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def _copy_postgres(table: pd.DataFrame, links: pd.DataFrame) -> None:
    columns = _columns_needed(table)
    out = table.loc[:, columns].copy()
    out["month"] = out["month"].dt.strftime("%Y-%m-%d")
    out["occurred"] = out["occurred"].dt.strftime("%Y-%m-%d %H:%M:%S+00")
    out["batch_id"] = out["batch_id"].astype("Int64")
    raw = connection.connection
    with raw.cursor() as cursor:
        _copy(cursor, INCIDENT_TABLE, out)
        _copy(cursor, LINK_TABLE, links)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{INCIDENT_TABLE}', 'id'), "
            f"(SELECT MAX(id) FROM {INCIDENT_TABLE}))"
        )


def link_kind(kind: str) -> int:
    """(Re)link every stored incident to every area of one kind; returns the number of links."""
    same_kind = list(Area.objects.filter(kind=kind).values_list("id", "kind", "code", "geometry"))
    IncidentArea.objects.filter(area__kind=kind).delete()
    if not same_kind:
        return 0
    index = AreaIndex.build(*(list(column) for column in zip(*same_kind, strict=True)))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, lon, lat, lsoa_code FROM {INCIDENT_TABLE}")
        rows = cursor.fetchall()
    if not rows:
        return 0
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lon = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    lat = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float)
    codes = np.array([r[3] for r in rows], dtype=object)
    positions, area_ids = assign_points(index, lon, lat, codes)
    links = pd.DataFrame({"incident_id": ids[positions], "area_id": area_ids})
    if is_postgres():
        with connection.connection.cursor() as cursor:
            _copy(cursor, LINK_TABLE, links)
    else:
        connection.connection.executemany(
            f"INSERT INTO {LINK_TABLE} (incident_id, area_id) VALUES (?, ?)",
            links.itertuples(index=False, name=None))
    return len(links)

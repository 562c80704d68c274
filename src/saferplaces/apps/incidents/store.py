"""Bulk writes to the incident store, bypassing the ORM's row-by-row path: the API, and what
both databases share.

Both databases are written inside the caller's transaction, after ``lock_store``, so a failure
leaves nothing half-written. Ids are allocated here (max + 1 under the lock). What differs
between the databases is in ``store_sqlite`` and ``store_postgres``.

Areas: each incident refers to its map point (``MapPoint``: a point and the LSOA code recorded
with it); a batch's new map points are stored with the areas they fall in before its incidents,
so area assignment costs one test per distinct point and one link per point and area, however
many incidents share the point.

- SQLite (``store_sqlite``): multi-row ``INSERT`` statements, with the values every row
  shares written as literals; a larger page cache during a large load.
- PostgreSQL (``store_postgres``): ``COPY ... (FORMAT binary)``, laid out with numpy and
  pyarrow and sent by a background thread.
- Bulk mode: a load at least as large as the table it goes into (and at least
  ``BULK_MIN_ROWS`` rows) drops the table's secondary indexes first and rebuilds them from their
  saved definitions afterwards, in the same transaction: one sort per index instead of a
  million scattered index inserts. A duplicate makes the rebuild of a unique index fail, and
  the transaction roll back, just as the insert itself would have. On PostgreSQL dropping an
  index needs the table to itself until the commit (readers wait), which is why only loads
  that at least double the table use it, and only when no one is reading it as they start.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.db.backends.utils import CursorWrapper

from saferplaces.analysis.frame import FLAG_COLUMNS
from saferplaces.apps.incidents import store_postgres, store_sqlite
from saferplaces.apps.incidents.identity import (
    FileOrder,
    Republishing,
    UnitChange,
    plan,
    unit_codes,
)
from saferplaces.apps.incidents.models import Area, Incident, MapPoint, MapPointArea
from saferplaces.ingest.columns import (
    FLOAT_COLUMNS,
    STORE_COLUMNS,
    TEXT_COLUMNS,
    TEXT_DEFAULTED,
    arrow_strings,
)
from saferplaces.spatial import AreaIndex, assign_points

INCIDENT_TABLE = Incident._meta.db_table
POINT_TABLE = MapPoint._meta.db_table
LINK_TABLE = MapPointArea._meta.db_table
#: smallest load (rows) that may rebuild a table's indexes instead of updating them row by row
BULK_MIN_ROWS = 50_000

__all__ = ["WriteResult", "BULK_MIN_ROWS", "load_area_index", "write_incidents", "write_links",
           "link_kind", "lock_store", "stored_versions", "stored_rows", "update_incidents", "set_batch", "remove_incidents",
           "drop_unused_points", "secondary_indexes"]


@dataclass
class WriteResult:
    """What writing one file's rows did (``identity.Plan`` has the meaning of the last fields)."""

    added: int
    present: int
    links: int
    updated: int = 0
    kept_later: int = 0
    later_files: list[str] = dataclass_field(default_factory=list)
    confirm_ids: np.ndarray = dataclass_field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    remove: dict[int, UnitChange] = dataclass_field(default_factory=dict)
    units: list[UnitChange] = dataclass_field(default_factory=list)
    left_points: np.ndarray = dataclass_field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # maybe unused now

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.added + other.added, self.present + other.present, self.links + other.links,
            self.updated + other.updated, self.kept_later + other.kept_later,
            list(dict.fromkeys(self.later_files + other.later_files)),
            np.concatenate([self.confirm_ids, other.confirm_ids]), {**self.remove, **other.remove},
            self.units + other.units, np.concatenate([self.left_points, other.left_points]))


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def lock_store() -> None:
    """Serialise writers. Call inside ``transaction.atomic()``."""
    if is_postgres():
        store_postgres.lock_tables((INCIDENT_TABLE, POINT_TABLE, LINK_TABLE))


def load_area_index(kind: str | None = None) -> AreaIndex:
    """Every loaded area (or every area of one kind) ready for point-in-polygon."""
    query = Area.objects.all() if kind is None else Area.objects.filter(kind=kind)
    rows = list(query.values_list("id", "kind", "code", "geometry"))
    return AreaIndex.build([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                           [r[3] for r in rows])


#: what ``stored_versions`` reads of each stored incident it finds
KEY_COLUMNS = ("id", "source_ref", "batch_id", "point_id")
#: what ``stored_rows`` reads
STORED_COLUMNS = ("id", "batch_id", "point_id", *STORE_COLUMNS)
#: ids looked up or changed per statement (under SQLite's limit on bound parameters)
_IDS_PER_STATEMENT = store_sqlite.IDS_PER_STATEMENT


def stored_versions(source: str, refs: pd.Series, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """The keys of the stored incidents of ``source`` a file may concern: those whose reference
    is among ``refs``, whatever their month, and, when ``units`` is given (a row per unit, its
    columns store columns), every incident of those units. Columns ``KEY_COLUMNS`` (-1 where
    there is no batch or map point) and ``unit``: the row number in ``units`` of the unit the
    incident was read as part of (-1: read by reference only); ordered by id.

    Units are read through the month index, the other references through the unique
    (reference, source) index, a chunk of references per statement.
    """
    names = ", ".join(KEY_COLUMNS)
    found: list[tuple[Any, ...]] = []  # unit rows, then rows found by reference only: no incident twice
    in_units: list[int] = []
    with connection.cursor() as cursor:
        for number, unit in enumerate([] if units is None else units.to_dict("records")):
            where = " AND ".join(f"{name} = %s" for name in unit)
            values = [v.date() if isinstance(v, pd.Timestamp) else v for v in unit.values()]
            cursor.execute(f"SELECT {names} FROM {INCIDENT_TABLE} WHERE source = %s AND {where}", [source, *values])
            found.extend(cursor.fetchall())
            in_units.extend([number] * (len(found) - len(in_units)))
        wanted = refs.tolist()
        if found:
            known = pa.array([row[1] for row in found], type=pa.string())
            wanted = refs[~pc.is_in(arrow_strings(refs), value_set=known).to_numpy()].tolist()
        found.extend(_find_by_refs(cursor, names, source, wanted))
    table = np.array(found, dtype=object).reshape(len(found), len(KEY_COLUMNS))
    keys = pd.DataFrame({
        "id": table[:, 0].astype(np.int64),
        "source_ref": table[:, 1],
        "batch_id": pd.to_numeric(pd.Series(table[:, 2])).fillna(-1).to_numpy(np.int64),
        "point_id": pd.to_numeric(pd.Series(table[:, 3])).fillna(-1).to_numpy(np.int64),
        "unit": np.array(in_units + [-1] * (len(found) - len(in_units)), dtype=np.int64),
    })
    return keys.sort_values("id", kind="stable").reset_index(drop=True)


def _find_by_refs(cursor: CursorWrapper, names: str, source: str,
                  refs: Sequence[str]) -> list[tuple[Any, ...]]:
    """Incidents (columns ``names``) from ``source`` whose reference is among ``refs``, a chunk
    of references per statement (each database's statement and chunk size)."""
    backend = store_postgres if is_postgres() else store_sqlite
    size: int = backend.IDS_PER_STATEMENT
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(refs), size):
        cursor.execute(*backend.refs_query(INCIDENT_TABLE, names, source, list(refs[start: start + size])))
        found.extend(cursor.fetchall())
    return found


def stored_rows(ids: np.ndarray) -> pd.DataFrame:
    """The stored incidents ``ids`` (in that order) as the store columns' types, with ``id``,
    ``batch_id`` and ``point_id`` (-1: none); times naive UTC to the second, as stored."""
    names = ", ".join(STORED_COLUMNS)
    values = np.asarray(ids, dtype=np.int64).tolist()
    rows: list[tuple[Any, ...]] = []
    size = _IDS_PER_STATEMENT
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            chunk = values[start: start + size]
            cursor.execute(f"SELECT {names} FROM {INCIDENT_TABLE} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                           chunk)
            rows.extend(cursor.fetchall())
    frame = pd.DataFrame.from_records(rows, columns=list(STORED_COLUMNS)).set_index("id", drop=False)
    frame = frame.loc[values].reset_index(drop=True)
    frame["id"] = frame["id"].astype(np.int64)
    for name in ("batch_id", "point_id"):
        frame[name] = pd.to_numeric(frame[name]).fillna(-1).astype(np.int64)
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype(object).astype(str)
    for name in FLOAT_COLUMNS:
        frame[name] = pd.to_numeric(frame[name]).astype(float)
    for name in FLAG_COLUMNS:
        frame[name] = frame[name].astype(bool)
    frame["month"] = pd.to_datetime(frame["month"]).astype("datetime64[s]")
    frame["occurred"] = pd.to_datetime(frame["occurred"], utc=True).dt.tz_convert(None).astype("datetime64[s]")
    return frame


def _holds_source(source: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {INCIDENT_TABLE} WHERE source = %s LIMIT 1", [source])
        return cursor.fetchone() is not None


def _next_id(table: str) -> int:
    """One more than the largest id the table ever held: an incident removed by a later
    download leaves its id unused, so nothing linked to it can come to name another."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        largest = int(cursor.fetchone()[0])
        last = store_postgres.sequence_last if is_postgres() else store_sqlite.sequence_last
        return max(largest, last(cursor, table)) + 1


def write_incidents(frame: pd.DataFrame, *, batch_id: int | None, areas: AreaIndex,
                    order: FileOrder | None = None, republishing: Republishing | None = None) -> WriteResult:
    """Write the rows of ``frame`` (store columns; references unique per source) by the rules
    of ``saferplaces.apps.incidents.identity``: new rows are inserted, each with its map point (new
    map points are stored with the loaded areas they fall in), changed ones update their stored
    incident in place, the same ones are left. ``order`` places the file among loaded ones
    (default: later than all); ``republishing`` makes each file the whole of its units.
    Removals are returned (``WriteResult.remove``), not made: a later file of the same load may
    still have them (``remove_incidents``). Call inside ``transaction.atomic()``."""
    frame = frame.reset_index(drop=True)
    order = order or FileOrder.newest()
    result = WriteResult(0, 0, 0)
    for source, part in frame.groupby("source", sort=False):
        part = part.reset_index(drop=True) if len(part) < len(frame) else frame
        result += _write_source(str(source), part, batch_id, areas, order, republishing)
    return result


def _write_source(source: str, frame: pd.DataFrame, batch_id: int | None, areas: AreaIndex,
                  order: FileOrder, republishing: Republishing | None) -> WriteResult:
    if not _holds_source(source):  # a first load of the source: a plain (bulk) insert, nothing read back
        added, links = _insert_new(frame, batch_id, areas)
        return WriteResult(added, 0, links)
    units = None if republishing is None else unit_codes(frame, republishing)[1]
    stored = stored_versions(source, frame["source_ref"], units)
    if stored.empty:
        added, links = _insert_new(frame, batch_id, areas)
        return WriteResult(added, 0, links)
    decided = plan(frame, stored, order, republishing, load=stored_rows)
    links = 0
    left_points = np.zeros(0, dtype=np.int64)
    if len(decided.update):
        links += update_incidents(frame.iloc[decided.update].reset_index(drop=True), decided.update_ids,
                                  batch_id=batch_id, areas=areas)
        left_points = stored.set_index("id").loc[decided.update_ids, "point_id"].to_numpy()
    set_batch(decided.touch_ids, batch_id)
    added = 0
    if len(decided.insert):
        added, more = _insert_new(frame.iloc[decided.insert].reset_index(drop=True), batch_id, areas)
        links += more
    removed = np.fromiter(decided.remove, dtype=np.int64, count=len(decided.remove))
    left_points = np.concatenate([left_points, stored["point_id"].to_numpy()[stored["id"].isin(removed).to_numpy()]])
    return WriteResult(added, decided.present, links, len(decided.update), decided.kept_later, decided.later_files,
                       decided.confirm_ids, decided.remove, decided.units, left_points)


def _insert_new(new: pd.DataFrame, batch_id: int | None, areas: AreaIndex) -> tuple[int, int]:
    """Insert rows the store does not hold; returns (rows, area links stored)."""
    if new.empty:
        return 0, 0
    point_ids, links = _map_points(new, areas)
    first = _next_id(INCIDENT_TABLE)
    ids = np.arange(first, first + len(new), dtype=np.int64)
    columns = _columns_needed(new)
    with (_larger_sqlite_cache(len(new)),
          _indexes_rebuilt_if_bulk(INCIDENT_TABLE, len(new), stored=first - 1)):
        if is_postgres():
            store_postgres.copy_incidents(INCIDENT_TABLE, new, columns, ids, batch_id, point_ids)
        else:
            store_sqlite.insert_incidents(INCIDENT_TABLE, new, columns, ids, batch_id, point_ids)
    return len(new), links


#: columns an update overwrites (the source is the one looked up)
_UPDATED_COLUMNS = [c for c in STORE_COLUMNS if c != "source"]


def update_incidents(frame: pd.DataFrame, ids: np.ndarray, *, batch_id: int | None, areas: AreaIndex) -> int:
    """Overwrite stored incidents ``ids`` with the rows of ``frame`` (every store column, the
    map point and the batch) in place: their ids stay. Returns the area links stored for new
    map points. Call inside ``transaction.atomic()``."""
    if frame.empty:
        return 0
    point_ids, links = _map_points(frame, areas)
    update = store_postgres.update_incidents if is_postgres() else store_sqlite.update_incidents
    update(INCIDENT_TABLE, frame, _UPDATED_COLUMNS, ids, batch_id, point_ids)
    return links


def set_batch(ids: np.ndarray, batch_id: int | None) -> None:
    """Record that stored incidents ``ids`` now come from import batch ``batch_id``."""
    _by_id_chunks(f"UPDATE {INCIDENT_TABLE} SET batch_id = %s WHERE id IN ({{}})", ids, [batch_id])


def remove_incidents(ids: np.ndarray) -> None:
    """Delete stored incidents ``ids``. Call inside ``transaction.atomic()``, then
    ``drop_unused_points`` with their map points."""
    _by_id_chunks(f"DELETE FROM {INCIDENT_TABLE} WHERE id IN ({{}})", ids)


def drop_unused_points(point_ids: np.ndarray) -> int:
    """Delete those of ``point_ids`` (-1: none) no incident is at any more, with their area
    links (an updated or removed incident may leave its old map point); returns how many."""
    candidates = set(np.asarray(point_ids, dtype=np.int64).tolist()) - {-1}
    if not candidates:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT point_id FROM {INCIDENT_TABLE} WHERE point_id IS NOT NULL")
        unused = np.array(sorted(candidates - {row[0] for row in cursor.fetchall()}), dtype=np.int64)
    _by_id_chunks(f"DELETE FROM {LINK_TABLE} WHERE point_id IN ({{}})", unused)
    _by_id_chunks(f"DELETE FROM {POINT_TABLE} WHERE id IN ({{}})", unused)
    return len(unused)


def _by_id_chunks(sql: str, ids: np.ndarray, before: list[Any] | None = None) -> None:
    """Run ``sql`` (its ``{}`` a list of placeholders) for ``ids``, a chunk at a time."""
    values = np.asarray(ids, dtype=np.int64).tolist()
    size = _IDS_PER_STATEMENT
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            chunk = values[start: start + size]
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*(before or []), *chunk])


def _point_keys(lon: np.ndarray, lat: np.ndarray, missing: np.ndarray,
                codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(key number per row, first row of each key): rows with the same point (or none, where
    ``missing``) and the same LSOA code share a key."""
    # factorize drops NaN: stand an impossible coordinate (999°) in for a missing point
    point_of_row, _ = pd.factorize(np.where(missing, 999.0, lon) + 1j * np.where(missing, 999.0, lat))
    code_of_row, code_values = pd.factorize(codes)
    key, _ = pd.factorize(point_of_row.astype(np.int64) * (len(code_values) + 1) + code_of_row)
    _, first_rows = np.unique(key, return_index=True)
    return key, first_rows


def _map_points(table: pd.DataFrame, areas: AreaIndex) -> tuple[np.ndarray, int]:
    """The map point id of each row (-1: neither point nor LSOA code), storing the new map points
    and their area links; returns the ids and the number of links stored."""
    lon = table["lon"].to_numpy(float)
    lat = table["lat"].to_numpy(float)
    codes = table["lsoa_code"].to_numpy()
    missing = np.isnan(lon) | np.isnan(lat)  # a point is stored whole or not at all
    key_of_row, first_rows = _point_keys(lon, lat, missing, table["lsoa_code"])
    keys = [(None, None, str(codes[r])) if missing[r] else (float(lon[r]), float(lat[r]), str(codes[r]))
            for r in first_rows]
    known = {(lon_, lat_, code): point for point, lon_, lat_, code in _stored_points()}
    key_ids = np.array([known.get(key, -1) for key in keys], dtype=np.int64)
    placeable = np.array([key != (None, None, "") for key in keys], dtype=bool)
    unknown = np.flatnonzero((key_ids < 0) & placeable)
    links = 0
    if len(unknown):
        first = _next_id(POINT_TABLE)
        key_ids[unknown] = np.arange(first, first + len(unknown))
        _insert_rows(POINT_TABLE, ["id", "lon", "lat", "lsoa_code"],
                     [(int(key_ids[k]), *keys[k]) for k in unknown])
        if is_postgres():
            store_postgres.set_sequence(POINT_TABLE)
        new_rows = first_rows[unknown]
        positions, area_ids = assign_points(areas, lon[new_rows], lat[new_rows], codes[new_rows])
        links = write_links(key_ids[unknown][positions], area_ids)
    return key_ids[key_of_row], links


@contextmanager
def _larger_sqlite_cache(rows: int) -> Iterator[None]:
    """SQLite: a larger page cache for this connection during a load of ``BULK_MIN_ROWS`` or
    more (``store_sqlite.larger_cache``)."""
    if is_postgres() or rows < BULK_MIN_ROWS:
        yield
        return
    with store_sqlite.larger_cache():
        yield


def write_links(point_ids: np.ndarray, area_ids: np.ndarray) -> int:
    """Store (map point, area) links; returns how many. Call inside ``transaction.atomic()``."""
    rows = list(zip(np.asarray(point_ids).tolist(), np.asarray(area_ids).tolist(), strict=True))
    _insert_rows(LINK_TABLE, ["point_id", "area_id"], rows)
    return len(rows)


def link_kind(kind: str) -> int:
    """(Re)link every stored map point to every area of one kind; returns how many incidents
    are now linked to an area of that kind (one per incident and area)."""
    index = load_area_index(kind)  # the whole kind, so the LSOA-code rule sees every loaded LSOA
    MapPointArea.objects.filter(area__kind=kind).delete()
    if not len(index):
        return 0
    rows = _stored_points()
    if not rows:
        return 0
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lon = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    lat = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float)
    codes = np.array([r[3] for r in rows], dtype=object)
    positions, area_ids = assign_points(index, lon, lat, codes)
    write_links(ids[positions], area_ids)
    return Incident.objects.filter(point__areas__kind=kind).count()


def _stored_points() -> list[tuple[int, float | None, float | None, str]]:
    """Every stored map point: (id, lon, lat, LSOA code)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, lon, lat, lsoa_code FROM {POINT_TABLE}")
        return [(int(point), lon, lat, str(code)) for point, lon, lat, code in cursor.fetchall()]


def _insert_rows(table: str, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert a modest number of rows (map points and their links)."""
    if not rows:
        return
    insert = store_postgres.insert_rows if is_postgres() else store_sqlite.insert_rows
    insert(table, columns, rows)


_DEFAULTED = set(TEXT_DEFAULTED + FLAG_COLUMNS)


def _columns_needed(table: pd.DataFrame) -> list[str]:
    """Store columns to write: those with a database default are left out when the whole batch
    has the default (police.uk files carry no flags or victims), which makes inserts cheaper."""
    needed = []
    for name in STORE_COLUMNS:
        if name in _DEFAULTED:
            series = table[name]
            if (series.dtype == bool and not series.any()) or (series.dtype != bool and not (series != "").any()):
                continue
        needed.append(name)
    return needed


# ---------------------------------------------------------------------------------------------
# bulk mode: rebuild secondary indexes after a large load


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each index on ``table`` other than its primary key that can
    be dropped on its own (not one behind a table constraint)."""
    indexes = store_postgres.secondary_indexes if is_postgres() else store_sqlite.secondary_indexes
    return indexes(table)


@contextmanager
def _indexes_rebuilt_if_bulk(table: str, rows: int, *, stored: int) -> Iterator[None]:
    """Drop ``table``'s secondary indexes for a load of ``rows`` into a table of at most
    ``stored`` rows when that load is large (see the module notes), and rebuild them after."""
    if rows < max(BULK_MIN_ROWS, stored) or not _exclusive_access():
        yield
        return
    saved = secondary_indexes(table)
    names = [name if is_postgres() else connection.ops.quote_name(name) for name, _ in saved]
    _execute_raw([f"DROP INDEX {name}" for name in names])
    yield
    # no ``finally``: after an error the caller's transaction rolls back, indexes included
    # (PostgreSQL: sort in memory; the default 64 MB spills a million-row sort to disk)
    memory = ["SET LOCAL maintenance_work_mem = '256MB'"] if is_postgres() else []
    _execute_raw(memory + [sql for _, sql in saved])


def _exclusive_access() -> bool:
    """Whether the load may drop the incident table's indexes. PostgreSQL: only if it can take
    the table for itself without waiting (``store_postgres.exclusive_access``). SQLite: always
    (readers keep their snapshot (WAL) and writers are already serialised)."""
    return store_postgres.exclusive_access(INCIDENT_TABLE) if is_postgres() else True


def _execute_raw(statements: list[str]) -> None:
    """Run statements on the driver's own connection, as the bulk inserts are, so that a
    duplicate found by a unique index raises the same error whether it was rebuilt or not."""
    execute = store_postgres.execute_raw if is_postgres() else store_sqlite.execute_raw
    execute(statements)

"""Which stored incident a row of a file is, and what loading the file does to it.

The rules (the README's "Record identity across files"):

- **Reference.** A row is the stored incident of its source with the same reference
  (``source_ref``: the police.uk Crime ID, the partner's reference column, or a content
  fingerprint), whatever month it was stored under.
- **Later file wins.** Files are put in order by when each was first loaded (a file is known by
  the SHA-256 of its bytes). A row the store holds from an earlier file is *already present*
  when every stored column is the same, and is otherwise *updated* in place: the incident keeps
  its id (so whatever links to it still does) and takes the later version's values, map point
  and areas. A file loaded again after a later one never brings its older versions back.
- **Republished units** (police.uk, ``Republishing``): a file is the whole of each unit it holds
  (a force's month). A later download of a unit replaces the stored unit: rows are matched by
  reference, rows without one (ASB) on the columns that stay the same between publications
  (``Republishing.stable_columns``, paired in file order where several rows are alike), and the
  unit's stored rows the download no longer has are removed. An earlier download of a unit
  loaded after a later one is left out as a whole.

Partner files are not units: a partner export may hold any period, so a record missing from
a later export is kept.

Pure pandas and numpy: ``plan`` decides, ``saferplaces.apps.incidents.store`` writes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from saferplaces.ingest.columns import FLOAT_COLUMNS, STORE_COLUMNS, TIME_COLUMNS

__all__ = ["COMPARED_COLUMNS", "FileOrder", "Loader", "Plan", "Republishing", "UnitChange", "plan", "unit_codes"]

#: the columns that make two versions of a record the same (the source is the same by lookup)
COMPARED_COLUMNS = tuple(c for c in STORE_COLUMNS if c != "source")
#: British National Grid metres: a projection library update may move the last bits
_GRID_TOLERANCE_M = 1e-6


@dataclass(frozen=True)
class Republishing:
    """How a source republishes its data: each file is the whole of the units it holds.

    ``unit_columns`` name a unit (police.uk: the force that reports, and the month);
    ``stable_columns`` are what stays the same for a row without a reference between two
    publications of its unit. ``with_reference`` and ``without_reference`` are the words for
    the two kinds of row in messages ("crimes", "ASB rows").
    """

    unit_columns: tuple[str, ...]
    stable_columns: tuple[str, ...]
    label: Callable[[tuple[Any, ...]], str]
    with_reference: str = "records"
    without_reference: str = "records without a reference"


@dataclass(frozen=True)
class FileOrder:
    """Where the file being loaded stands among the loaded files.

    ``rank`` is the id of the import batch that first loaded the file's bytes; ``batch_rank``
    gives the same for the batch each stored row came from, ``batch_label`` a file name and
    date for messages. Stored rows with no batch rank as the oldest.
    """

    rank: int
    batch_rank: Mapping[int, int] = field(default_factory=dict)
    batch_label: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def newest(cls) -> FileOrder:
        """A file later than every stored one (a frame written directly, not from a file)."""
        return cls(sys.maxsize)

    def ranks(self, batch_ids: np.ndarray) -> np.ndarray:
        distinct, inverse = np.unique(np.asarray(batch_ids, dtype=np.int64), return_inverse=True)
        ranks = np.array([self.batch_rank.get(int(b), 0) for b in distinct], dtype=np.int64)
        return ranks[inverse.reshape(-1)]

    def labels(self, batch_ids: np.ndarray) -> list[str]:
        """The distinct files of ``batch_ids``, oldest first."""
        distinct = sorted({int(b) for b in batch_ids}, key=lambda b: (self.batch_rank.get(b, 0), b))
        return list(dict.fromkeys(self.batch_label.get(b, "a file loaded earlier") for b in distinct))


@dataclass
class UnitChange:
    """What loading a file did to one unit (a force's month) the store already held."""

    label: str
    republishing: Republishing
    earlier: list[str] = field(default_factory=list)  # earlier downloads it replaced or matched
    later: list[str] = field(default_factory=list)  # later downloads kept instead of this file
    with_reference_updated: int = 0
    without_reference_updated: int = 0
    added: int = 0
    removed: int = 0  # set once the whole command is written (a later file may still have them)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.with_reference_updated or self.without_reference_updated or self.added or self.removed)

    def describe(self) -> str | None:
        """One line for the person loading the file; None when nothing needs saying."""
        if self.later:
            return (f"{self.label}: a later download is already loaded ({_files(self.later)}); "
                    f"this earlier one was left out: nothing changed.")
        counts = ", ".join(f"{n} {what}" for n, what in (
            (self.with_reference_updated, f"{self.republishing.with_reference} updated"),
            (self.without_reference_updated, f"{self.republishing.without_reference} updated"),
            (self.added, "added"), (self.removed, "removed (no longer published)"),
            (self.unchanged, "unchanged")) if n)
        if self.earlier:
            # police.uk files carry no publication date: the download loaded last is the one kept
            if self.changed:
                return f"{self.label}: replaced {_downloads(self.earlier)}: {counts}."
            return (f"{self.label}: matched {_downloads(self.earlier)}: the same {self.unchanged} records, "
                    "nothing changed.")
        if self.changed:
            return f"{self.label} was loaded before from this file: brought up to date: {counts}."
        return None


def _files(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{labels[0]} and {len(labels) - 1} more"


def _downloads(labels: list[str]) -> str:
    """``the download loaded on 2024-07-01 10:12 (path)`` from a ``FileOrder`` label
    (``path, loaded 2024-07-01 10:12``), the latest of several, with how many more."""
    path, _, when = labels[-1].rpartition(", loaded ")
    first = f"the download loaded on {when} ({path})" if path else labels[-1]
    return first if len(labels) == 1 else f"{first} and {len(labels) - 1} earlier ones"


@dataclass
class Plan:
    """What to write for one file (positions are rows of its frame, ids stored incidents)."""

    insert: np.ndarray
    update: np.ndarray
    update_ids: np.ndarray
    present: int
    kept_later: int  # of ``present``: rows a file loaded after this one has a later version of
    later_files: list[str]
    confirm_ids: np.ndarray  # stored incidents the file has (unchanged or updated)
    touch_ids: np.ndarray  # unchanged incidents of replaced units: now from this file
    remove: dict[int, UnitChange]  # incidents of replaced units the file no longer has
    units: list[UnitChange]


#: reads the stored rows (``id``, ``batch_id``, ``point_id`` and the store columns) of some ids, in that order
Loader = Callable[[np.ndarray], pd.DataFrame]


def unit_codes(frame: pd.DataFrame, republishing: Republishing) -> tuple[np.ndarray, pd.DataFrame]:
    """The unit number of each row of ``frame`` and the units' values (row n: unit n)."""
    columns = list(republishing.unit_columns)
    codes = frame.groupby(columns, sort=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    return codes, frame[columns].iloc[first].reset_index(drop=True)


def plan(frame: pd.DataFrame, stored: pd.DataFrame, order: FileOrder, republishing: Republishing | None = None,
         load: Loader | None = None) -> Plan:
    """Decide, for each row of ``frame`` (store columns, one source, references unique), whether
    it is added, updates a stored incident or is already present; for republished sources also
    which stored incidents the file removes.

    ``stored`` holds the keys of the stored incidents that may be concerned
    (``store.stored_versions``): ``id``, ``source_ref``, ``batch_id`` (-1: none), ``point_id``
    and ``unit`` (the number, as ``unit_codes`` gives it, of the unit it was read as part of;
    -1: read by reference only). ``load`` reads whole stored rows, only where a comparison is
    needed: a row stored from the same file (the same bytes) is already present as it is.
    Without ``load``, ``stored`` must hold the store columns too.
    """
    load = load or _rows_of(stored)
    match = pd.Index(stored["source_ref"]).get_indexer(frame["source_ref"])
    rank = order.ranks(stored["batch_id"].to_numpy())
    batches = stored["batch_id"].to_numpy()
    ids = stored["id"].to_numpy()
    left_out = np.zeros(len(frame), dtype=bool)
    paired = np.zeros(len(frame), dtype=bool)
    remove: dict[int, UnitChange] = {}
    units: list[tuple[UnitChange, np.ndarray]] = []
    if republishing is not None and len(stored):
        codes, table = unit_codes(frame, republishing)
        for number, values in enumerate(table.itertuples(index=False, name=None)):
            in_unit = np.flatnonzero(stored["unit"].to_numpy() == number)
            if not in_unit.size:
                continue  # a unit loaded for the first time
            positions = np.flatnonzero(codes == number)
            change = UnitChange(republishing.label(values), republishing)
            later = rank[in_unit] > order.rank
            if later.any():
                change.later = order.labels(batches[in_unit][later])
                left_out[positions] = True
            else:
                change.earlier = order.labels(batches[in_unit][rank[in_unit] < order.rank])
                gone = _pair_unreferenced(frame, stored, match, paired, positions, in_unit, republishing, load)
                remove.update((int(ids[row]), change) for row in gone)
            units.append((change, positions))
    matched = np.flatnonzero((match >= 0) & ~left_out)
    later = rank[match[matched]] > order.rank
    if republishing is not None:
        later = _later_month_wins(frame, stored, matched, match, later, rank[match[matched]] != order.rank, load)
    candidates = matched[~later]
    as_stored = (rank[match[candidates]] == order.rank) & ~paired[candidates]
    compared = candidates[~as_stored]
    differs = _differs(frame.iloc[compared], load(ids[match[compared]])) if len(compared) else np.zeros(0, bool)
    update = compared[differs]
    same = np.sort(np.concatenate([candidates[as_stored], compared[~differs]]))
    insert = np.flatnonzero((match < 0) & ~left_out)
    touch = _count_units(units, frame, update, same, insert, remove)
    return Plan(
        insert=insert, update=update, update_ids=ids[match[update]],
        present=len(same) + int(later.sum()) + int(left_out.sum()), kept_later=int(later.sum()),
        later_files=order.labels(batches[match[matched[later]]]),
        confirm_ids=ids[match[candidates]], touch_ids=ids[match[touch]],
        remove=remove, units=[change for change, _ in units],
    )


def _later_month_wins(frame: pd.DataFrame, stored: pd.DataFrame, matched: np.ndarray, match: np.ndarray,
                      later: np.ndarray, other_file: np.ndarray, load: Loader) -> np.ndarray:
    """For a republished source (police.uk), which of the rows ``matched`` by reference keep
    their stored version: a record stored from another month (another unit) keeps the version of
    the later month, whatever order the files were loaded in (back-filling January after March
    does not bring January's outcome back); within one month ``later`` (the file loaded later)
    decides. Only rows stored from another file and another unit are read (``load``)."""
    check = np.flatnonzero(other_file & (stored["unit"].to_numpy()[match[matched]] < 0))
    if not check.size:
        return later
    stored_month = _months(load(stored["id"].to_numpy()[match[matched[check]]])["month"])
    file_month = _months(frame["month"].iloc[matched[check]])
    decided = later.copy()
    differ = stored_month != file_month
    decided[check[differ]] = stored_month[differ] > file_month[differ]
    return decided


def _months(values: pd.Series) -> np.ndarray:
    """Calendar months (``datetime64[M]``) of dates or times (a time zone, if any, dropped)."""
    times = pd.to_datetime(pd.Series(values).reset_index(drop=True))
    if times.dt.tz is not None:
        times = times.dt.tz_localize(None)
    months: np.ndarray = times.to_numpy().astype("datetime64[M]")
    return months


def _rows_of(stored: pd.DataFrame) -> Loader:
    by_id = stored.set_index("id", drop=False)
    return lambda ids: by_id.loc[ids].reset_index(drop=True)


def _pair_unreferenced(frame: pd.DataFrame, stored: pd.DataFrame, match: np.ndarray, paired: np.ndarray,
                       positions: np.ndarray, in_unit: np.ndarray, republishing: Republishing,
                       load: Loader) -> np.ndarray:
    """Match the unit's rows without a reference (fingerprints, ``fp:``) to its stored ones on
    the stable columns, the n-th alike row of the file to the n-th alike stored row (setting
    ``match`` and ``paired``); returns the unit's stored rows left unmatched."""
    free_stored = in_unit[~np.isin(in_unit, match[match >= 0])]
    free_rows = positions[match[positions] < 0]
    new = free_rows[frame["source_ref"].iloc[free_rows].str.startswith("fp:").to_numpy()]
    old = free_stored[stored["source_ref"].iloc[free_stored].str.startswith("fp:").to_numpy()]
    if len(new) and len(old):
        columns = list(republishing.stable_columns)
        stored_rows = load(stored["id"].to_numpy()[old])
        pairs = _alike(frame.iloc[new], new, columns).merge(_alike(stored_rows, old, columns),
                                                             on=[*columns, "_occurrence"], suffixes=("", "_stored"))
        match[pairs["_row"].to_numpy()] = pairs["_row_stored"].to_numpy()
        paired[pairs["_row"].to_numpy()] = True
        free_stored = free_stored[~np.isin(free_stored, pairs["_row_stored"].to_numpy())]
    return free_stored


def _alike(table: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """``columns`` of ``table`` with the occurrence number of each row among alike rows."""
    keyed = table[columns].reset_index(drop=True)
    for name in columns:
        if name in TIME_COLUMNS:
            keyed[name] = keyed[name].astype("datetime64[s]")
    keyed["_occurrence"] = keyed.groupby(columns, dropna=False, sort=False).cumcount()
    keyed["_row"] = rows
    return keyed


def _count_units(units: list[tuple[UnitChange, np.ndarray]], frame: pd.DataFrame, update: np.ndarray,
                 same: np.ndarray, insert: np.ndarray, remove: dict[int, UnitChange]) -> np.ndarray:
    """Fill in each unit's counts; returns the unchanged rows of units replaced by this file
    (their stored incidents now come from it, so an earlier download loaded again later is
    recognised as earlier)."""
    touch = []
    referenced = ~frame["source_ref"].str.startswith("fp:").to_numpy()
    removing = {id(change) for change in remove.values()}
    for change, positions in units:
        if change.later:
            continue
        updated = positions[np.isin(positions, update)]
        change.with_reference_updated = int(referenced[updated].sum())
        change.without_reference_updated = len(updated) - change.with_reference_updated
        change.added = int(np.isin(positions, insert).sum())
        unchanged = positions[np.isin(positions, same)]
        change.unchanged = len(unchanged)
        if change.earlier and (len(updated) or change.added or id(change) in removing):
            touch.append(unchanged)
    return np.concatenate(touch).astype(np.intp) if touch else np.zeros(0, dtype=np.intp)


def _differs(new: pd.DataFrame, old: pd.DataFrame) -> np.ndarray:
    """Whether each row of ``new`` differs from the same row of ``old`` in a compared column
    (times to the second, as stored; missing numbers equal each other)."""
    out = np.zeros(len(new), dtype=bool)
    for name in COMPARED_COLUMNS:
        a, b = new[name].to_numpy(), old[name].to_numpy()
        if name in FLOAT_COLUMNS:
            a, b = a.astype(float), b.astype(float)
            tolerance = _GRID_TOLERANCE_M if name in ("x", "y") else 0.0
            with np.errstate(invalid="ignore"):  # inf - inf
                same = (a == b) | (np.abs(a - b) <= tolerance) | (np.isnan(a) & np.isnan(b))
        elif name in TIME_COLUMNS:
            same = a.astype("datetime64[s]") == b.astype("datetime64[s]")
        else:
            same = a == b
        out |= ~np.asarray(same, dtype=bool)
    return out

"""Reader for police.uk street-level crime and ASB files (``YYYY-MM-<force>-street.csv``).

What real files do, and what this reader does about it:

- ASB rows have no Crime ID: their identity is a fingerprint of the row's content plus the
  occurrence number of identical rows in the file (police.uk repeats identical ASB rows).
- A Crime ID repeated within a file: rows identical in every column are the crime published
  twice and are loaded once (``ParsedFile.repeats`` counts the others); rows that differ are
  bad rows (which one is right cannot be told).
- A file is the whole of its force's month (``UNIT_COLUMNS``): a later download of the same
  month replaces the earlier one in the store (``saferplaces.apps.incidents.identity``). Between two
  publications police.uk re-codes LSOAs and updates outcomes, so an ASB row of a later
  download is matched to a stored one on what stays the same (``STABLE_COLUMNS``), not on its
  fingerprint.
- Rows with no location (``No Location``, empty Longitude/Latitude): kept, with no coordinates;
  they count in totals but not on maps or in spatial analysis.
- Locations are snapped to anonymous map points and only the month is known: stored with
  ``precision = "month"`` so analyses that need exact dates or places can refuse them.
- A UTF-8 byte-order mark is accepted; other encodings are rejected with the row named.
- Extra columns beyond the twelve are ignored; a missing required column rejects the file.
- Crime types from before 2013 ("Violent crime", "Public disorder and weapons") are accepted.
- Empty LSOA code: the incident is placed in an LSOA by point-in-polygon, if LSOAs are loaded.
- A location at 0, 0, with latitude and longitude swapped, or outside the area the caller passes
  (police.uk's coverage, or the partnership's loaded areas with a margin): row rejected, its
  coordinates named (``saferplaces.geo.check_points``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from saferplaces.analysis.frame import POLICE_UK_CRIME_TYPES
from saferplaces.geo import POLICE_UK_AREA, Region, check_points, describe_point, to_bng
from saferplaces.ingest.columns import TEXT_LIMITS, complete
from saferplaces.ingest.csvtext import TextTable, read_text_table
from saferplaces.ingest.errors import IngestError, RowProblem
from saferplaces.ingest.rejects import is_rejects_file
from saferplaces.periods import MONTH_PATTERN

SOURCE = "police-uk"
COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
HISTORICAL_CRIME_TYPES = ("Violent crime", "Public disorder and weapons")
KNOWN_CRIME_TYPES = frozenset(POLICE_UK_CRIME_TYPES + HISTORICAL_CRIME_TYPES)
FILE_PATTERN = re.compile(r"\d{4}-\d{2}-.+-street\.csv$")

__all__ = ["SOURCE", "COLUMNS", "UNIT_COLUMNS", "STABLE_COLUMNS", "PoliceUkFile", "ParsedFile", "discover",
           "parse"]


@dataclass(frozen=True)
class PoliceUkFile:
    """A street-level file on disk or inside a police.uk zip archive."""

    name: str
    path: Path
    member: str | None = None

    def read_bytes(self) -> bytes:
        if self.member is None:
            return self.path.read_bytes()
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(self.member)


@dataclass
class ParsedFile:
    frame: pd.DataFrame  # store columns, good rows only
    problems: list[RowProblem]
    rows_read: int
    repeats: int = 0  # rows repeating an earlier row with the same Crime ID exactly: not in ``frame``


def discover(paths: list[Path]) -> Iterator[PoliceUkFile]:
    """Street-level CSVs among files, folders (searched recursively) and zip archives."""
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
            for candidate in candidates:
                if is_rejects_file(candidate):  # written by --skip-invalid beside the files
                    continue
                if FILE_PATTERN.search(candidate.name):
                    yield PoliceUkFile(str(candidate), candidate)
                elif candidate.suffix.lower() == ".zip":
                    yield from _zip_members(candidate)
        elif path.suffix.lower() == ".zip":
            yield from _zip_members(path)
        else:
            yield PoliceUkFile(str(path), path)


def _zip_members(path: Path) -> Iterator[PoliceUkFile]:
    with zipfile.ZipFile(path) as archive:
        for member in sorted(archive.namelist()):
            if FILE_PATTERN.search(member):
                yield PoliceUkFile(f"{path}!{member}", path, member)


def parse(data: bytes, name: str, *, skip_invalid: bool = False, area: Region = POLICE_UK_AREA) -> ParsedFile:
    """Validate and normalise one street-level file.

    A located row must lie in ``area`` (default: police.uk's coverage; the store passes the
    partnership's area): rows at 0, 0, with latitude and longitude swapped, or outside it are
    bad rows naming their coordinates (``saferplaces.geo.check_points``).

    Without ``skip_invalid`` any bad row raises ``IngestError`` (the whole file is rejected);
    with it, bad rows are returned as problems and the good rows are kept.
    """
    table = read_text_table(data, name, COLUMNS)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise IngestError([RowProblem(name, None, 1, missing[0], None,
                                      f"required police.uk column is missing (expected {', '.join(COLUMNS)})")])
    raw = {c: table.columns[c] for c in COLUMNS}
    for column in ("Month", "Crime type", "Longitude", "Latitude", "LSOA code"):
        raw[column] = pc.utf8_trim_whitespace(raw[column])
    raw["Crime type"] = _known_spelling(raw["Crime type"])
    checked = _validate(raw, table, area)
    repeats = _repeated_crime_ids(raw, table, checked.bad)
    problems = checked.problems
    if repeats.problems:
        problems = sorted(problems + repeats.problems, key=lambda p: p.row or 0)
    if problems and not skip_invalid:
        raise IngestError(problems)
    good = ~(checked.bad | repeats.conflicting | repeats.duplicate)
    if not good.all():
        keep = pa.array(good)
        raw = {c: v.filter(keep) for c, v in raw.items()}
    return ParsedFile(_normalise(raw, checked.lon[good], checked.lat[good], checked.point[good]),
                      problems, table.num_rows, repeats=int(repeats.duplicate.sum()))


@dataclass(frozen=True)
class _Checked:
    problems: list[RowProblem]
    bad: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    point: np.ndarray  # one code per distinct (Longitude, Latitude) text pair


def _distinct(text: pa.ChunkedArray) -> tuple[np.ndarray, pd.Series]:
    """The code of each value and the distinct values (as a pandas ``str`` Series)."""
    encoded = pc.dictionary_encode(text).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return codes, pa.chunked_array([encoded.dictionary], type=pa.string()).to_pandas()


def _numbers(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``pandas.to_numeric(errors="coerce")`` of every value, worked out once per distinct value
    (police.uk coordinates repeat a lot: they are snapped to map points). Returns the numbers,
    which values are empty text, the code of each value and the number of distinct values."""
    codes, distinct = _distinct(text)
    numbers = pd.to_numeric(distinct, errors="coerce").to_numpy(float)
    empty = (distinct == "").to_numpy(bool)
    return numbers[codes], empty[codes], codes, len(distinct)


def _matches(text: pa.ChunkedArray, pattern: re.Pattern[str]) -> np.ndarray:
    """``pattern.match`` for every value, run once per distinct value."""
    codes, distinct = _distinct(text)
    ok = np.array([pattern.match(v) is not None for v in distinct.tolist()], dtype=bool)
    matched: np.ndarray = ok[codes]
    return matched


_FILE_MONTH = re.compile(r"^(\d{4}-\d{2})-.+-street\.csv$")


def _other_month(month: pa.ChunkedArray, name: str) -> tuple[np.ndarray, str, str | Callable[[int], str]]:
    """For ``flag``: rows whose Month is not the month in the file's name (police.uk names each
    file ``YYYY-MM-force-street.csv`` and a file holds one force's month; a row of another month
    is a sign of an edited or joined file). No row is flagged when the name carries no month."""
    base = name.split("!")[-1].replace("\\", "/").rsplit("/", 1)[-1]
    found = _FILE_MONTH.match(base)
    if not found:
        return np.zeros(len(month), dtype=bool), "Month", "is not the file's month"  # flags no row
    expected = found.group(1)
    differs: np.ndarray = pc.not_equal(month, expected).to_numpy().astype(bool, copy=False)
    other = differs & _matches(month, MONTH_PATTERN)
    return other, "Month", lambda i: (f"is {month[i].as_py()}, but the file's name {base} is for {expected}: "
                                      "each police.uk file holds one month")


def _known_spelling(crime_type: pa.ChunkedArray) -> pa.ChunkedArray:
    """Crime types written with other capitals or repeated spaces ("ANTI-SOCIAL BEHAVIOUR",
    "Violence and  sexual offences") as police.uk spells them; other values are left as they
    are (and refused later if they are no known type)."""
    spelling = {" ".join(t.split()).casefold(): t for t in KNOWN_CRIME_TYPES}
    codes, distinct = _distinct(crime_type)
    values = distinct.tolist()
    fixed = [spelling.get(" ".join(v.split()).casefold(), v) for v in values]
    if fixed == values:
        return crime_type
    return pa.chunked_array([pa.array(np.asarray(fixed, dtype=object)[codes], type=pa.string())])


def _validate(raw: dict[str, pa.ChunkedArray], table: TextTable, area: Region) -> _Checked:
    n = table.num_rows
    bad = np.zeros(n, dtype=bool)
    problems: list[RowProblem] = []
    lines: list[np.ndarray] = []

    def flag(mask: np.ndarray, column: str, reason: str | Callable[[int], str]) -> None:
        nonlocal bad
        first = np.flatnonzero(mask & ~bad)[:50]
        if first.size and not lines:
            lines.append(table.line_numbers())  # only error messages need physical lines
        for index in first:
            problems.append(RowProblem(table.name, int(index) + 1, int(lines[0][index]), column,
                                       str(raw[column][int(index)].as_py()),
                                       reason if isinstance(reason, str) else reason(int(index))))
        bad |= mask

    def array(values: pa.ChunkedArray) -> np.ndarray:
        flags: np.ndarray = values.to_numpy().astype(bool, copy=False)
        return flags

    def where(kind: str) -> Callable[[int], str]:
        return lambda i: describe_point(kind, float(lon[i]), float(lat[i]), area)

    flag(~_matches(raw["Month"], MONTH_PATTERN), "Month", "is not a month in the form YYYY-MM")
    flag(*_other_month(raw["Month"], table.name))
    crime_type = raw["Crime type"]
    empty_type = array(pc.equal(crime_type, ""))
    flag(empty_type, "Crime type", "is empty (every row needs a crime type)")
    known = array(pc.is_in(crime_type, value_set=pa.array(sorted(KNOWN_CRIME_TYPES))))
    flag(~known & ~empty_type, "Crime type", "is not a police.uk crime type")
    lon, lon_empty, lon_code, _ = _numbers(raw["Longitude"])
    lat, lat_empty, lat_code, lat_distinct = _numbers(raw["Latitude"])
    flag(~lon_empty & np.isnan(lon), "Longitude", "is not a number")
    flag(~lat_empty & np.isnan(lat), "Latitude", "is not a number")
    flag(np.abs(np.nan_to_num(lon)) > 180, "Longitude", "is outside -180..180")
    flag(np.abs(np.nan_to_num(lat)) > 90, "Latitude", "is outside -90..90")
    flag(np.isnan(lon) != np.isnan(lat), "Longitude", "has a longitude or latitude without the other")
    places = check_points(lon, lat, area)
    for kind in ("null_island", "swapped", "outside"):
        flag(getattr(places, kind), "Longitude", where(kind))
    for column, limit in (("Crime ID", TEXT_LIMITS["source_ref"] - 8), ("Location", TEXT_LIMITS["location"]),
                          ("LSOA code", TEXT_LIMITS["lsoa_code"]), ("LSOA name", TEXT_LIMITS["lsoa_name"]),
                          ("Last outcome category", TEXT_LIMITS["outcome"]),
                          ("Reported by", TEXT_LIMITS["reported_by"]), ("Falls within", TEXT_LIMITS["falls_within"])):
        too_long = array(pc.greater(pc.utf8_length(raw[column]), limit))
        flag(too_long, column, f"is longer than {limit} characters")
    problems.sort(key=lambda p: (p.row or 0))
    point = lon_code.astype(np.int64) * (lat_distinct + 1) + lat_code
    return _Checked(problems, bad, lon, lat, point)


FINGERPRINT_COLUMNS = ("Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                       "LSOA code", "Crime type", "Context")
#: store columns naming what a police.uk file is the whole of: one force's month
UNIT_COLUMNS = ("reported_by", "month")
#: store columns of an ASB row that stay the same when police.uk publishes its month again
#: (the LSOA code and name are re-coded with new LSOA boundaries; outcomes are updated)
STABLE_COLUMNS = ("reported_by", "falls_within", "month", "category", "lon", "lat", "location", "context")


def _hashes(content: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Two 64-bit keyed hashes of each row (``pandas.util.hash_pandas_object``)."""
    high = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-pol1").to_numpy()
    low = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-pol2").to_numpy()
    return high, low


def fingerprints(content: pd.DataFrame) -> np.ndarray:
    """``fp:`` and 32 hex digits for each row of ``content`` (the FINGERPRINT_COLUMNS as text),
    from the two hashes of ``_hashes``, as fixed-width bytes (``S35``)."""
    return _fingerprint_bytes(*_hashes(content))


def _fingerprint_bytes(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    out = np.empty((len(high), 35), dtype=np.uint8)
    out[:, :3] = np.frombuffer(b"fp:", dtype=np.uint8)
    out[:, 3:19] = _hex_bytes(high)
    out[:, 19:] = _hex_bytes(low)
    return out.view("S35").ravel()


def _occurrences(*keys: np.ndarray) -> np.ndarray:
    """For each row, how many earlier rows have the same key (the key spread over ``keys``)."""
    table = pd.DataFrame(dict(enumerate(keys)))
    counts: np.ndarray = table.groupby(list(range(len(keys))), sort=False).cumcount().to_numpy()
    return counts


@dataclass(frozen=True)
class _Repeats:
    duplicate: np.ndarray  # the same row as an earlier one with its Crime ID: the crime once more
    conflicting: np.ndarray  # a Crime ID on rows that differ: bad rows
    problems: list[RowProblem]


def _repeated_crime_ids(raw: dict[str, pa.ChunkedArray], table: TextTable, bad: np.ndarray) -> _Repeats:
    """Rows (among those not ``bad``) whose Crime ID an earlier row of the file also has.

    A Crime ID names one crime. Rows repeating it with every column the same are the crime
    published twice: the first is kept and the repeats are counted (``duplicate``). When the rows
    differ in any column, which one is right cannot be told: every row of that Crime ID is bad
    (``conflicting``), each with a problem naming the other rows and the first column that
    differs.
    """
    none = np.zeros(table.num_rows, dtype=bool)
    crime_id = raw["Crime ID"]
    if _all_distinct(crime_id):  # the usual case, checked without a hash table of strings
        return _Repeats(none, none, [])
    ids = pd.Series(crime_id.to_numpy(zero_copy_only=False), dtype=object)
    usable = (ids != "").to_numpy() & ~bad
    repeated = np.flatnonzero(ids.where(usable).duplicated(keep=False).to_numpy() & usable)
    if not repeated.size:
        return _Repeats(none, none, [])
    take = pa.array(repeated)
    rows = pd.DataFrame({c: raw[c].take(take).to_numpy(zero_copy_only=False) for c in COLUMNS},
                        index=repeated)
    distinct = rows.drop_duplicates()
    contested = distinct["Crime ID"][distinct["Crime ID"].duplicated(keep=False)].unique()
    in_conflict = rows["Crime ID"].isin(contested)
    duplicate, conflicting = none.copy(), none.copy()
    duplicate[repeated[(rows.duplicated() & ~in_conflict).to_numpy()]] = True
    conflicting[repeated[in_conflict.to_numpy()]] = True
    problems = []
    lines = table.line_numbers() if len(contested) else np.zeros(0, dtype=np.int64)
    for _, group in rows[in_conflict].groupby("Crime ID", sort=False):
        for index, row in group.iterrows():
            others = ", ".join(str(int(i) + 1) for i in group.index if i != index)
            column = next(c for _, other in group.iterrows() for c in COLUMNS if other[c] != row[c])
            problems.append(RowProblem(table.name, int(index) + 1, int(lines[index]), "Crime ID",
                                       str(row["Crime ID"]),
                                       f"is also on row(s) {others} with different values (first "
                                       f"difference: '{column}'): which row is right cannot be told"))
    return _Repeats(duplicate, conflicting, problems)


def _identities(raw: dict[str, pa.ChunkedArray]) -> pa.ChunkedArray:
    """Crime ID where given (unique by now: see ``_repeated_crime_ids``); otherwise a content
    fingerprint, with ``#n`` on the n-th repeat (counting from 0) of an identical row."""
    crime_id = raw["Crime ID"]
    no_id = pc.equal(crime_id, "").to_numpy()
    if not no_id.any():
        return crime_id
    rows = np.flatnonzero(no_id)
    take = pa.array(rows)
    high, low = _hashes(pa.table({c: raw[c].take(take) for c in FINGERPRINT_COLUMNS}).to_pandas())
    digests = _fingerprint_bytes(high, low)
    if pc.any(pc.starts_with(crime_id, "fp:")).as_py():  # a Crime ID that looks like a fingerprint
        key = pc.replace_with_mask(crime_id, pa.array(no_id), _strings(digests))
        codes = pc.dictionary_encode(key).combine_chunks().indices.to_numpy(zero_copy_only=False)
        return _number_repeats(key, _occurrences(codes))
    repeat = _occurrences(high, low)
    if repeat.any():  # identical ASB rows: suffix the digests before they go into the column
        text = digests.astype("U35").astype(object)
        later = np.flatnonzero(repeat)
        text[later] = [f"{t}#{k}" for t, k in zip(text[later], repeat[later].tolist(), strict=True)]
        digest = pa.array(text, type=pa.string())
    else:
        digest = _strings(digests)
    return pc.replace_with_mask(crime_id, pa.array(no_id), digest)


def _strings(values: np.ndarray) -> pa.StringArray:
    """ASCII fixed-width bytes (numpy ``S<width>``) as pyarrow strings, without Python objects."""
    width = values.dtype.itemsize
    offsets = np.arange(len(values) + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(values.tobytes()))


def _number_repeats(key: pa.ChunkedArray | pa.Array, occurrence: np.ndarray) -> pa.ChunkedArray | pa.Array:
    """Append ``#<occurrence>`` where ``occurrence`` is not 0."""
    repeated = np.flatnonzero(occurrence > 0)
    if not repeated.size:
        return key
    texts = key.take(pa.array(repeated)).to_pylist()
    renamed = pa.array([f"{t}#{k}" for t, k in zip(texts, occurrence[repeated].tolist(), strict=True)],
                       type=pa.string())
    return pc.replace_with_mask(key, pa.array(occurrence > 0), renamed)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _all_distinct(values: pa.ChunkedArray) -> bool:
    """Whether the non-empty values are all different.

    police.uk Crime IDs all have 64 characters: their bytes are hashed eight at a time with
    numpy and the hashes sorted, which is much cheaper than a hash table of strings. Distinct
    hashes prove distinct values; any tie (or values of unequal length) is settled exactly.
    """
    hashes = []
    width = None
    for chunk in values.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
        offsets = offsets[chunk.offset: chunk.offset + len(chunk) + 1]
        lengths = np.diff(offsets)
        present = lengths[lengths != 0]
        if not len(present):
            continue
        width = int(present[0]) if width is None else width
        if (present != width).any():
            return _all_distinct_exact(values)
        body = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]].reshape(-1, width)
        if width % 8:
            padded = np.zeros((len(body), width + 8 - width % 8), dtype=np.uint8)
            padded[:, :width] = body
            body = padded
        hashed = np.zeros(len(body), dtype=np.uint64)
        for word in body.view(np.uint64).T:
            hashed ^= word
            hashed *= _MIX
        hashes.append(hashed)
    if not hashes:
        return True
    hashed = np.concatenate(hashes)
    hashed.sort()
    if not (hashed[1:] == hashed[:-1]).any():
        return True
    return _all_distinct_exact(values)


def _all_distinct_exact(values: pa.ChunkedArray) -> bool:
    present = values.filter(pc.not_equal(values, ""))
    return len(pc.unique(present)) == len(present)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SHIFTS = np.arange(60, -4, -4, dtype=np.uint64)


def _hex_bytes(values: np.ndarray) -> np.ndarray:
    """Sixteen lower-case hex digits (ASCII codes, one row per value) for each uint64."""
    nibbles = (np.asarray(values, dtype=np.uint64)[:, None] >> _SHIFTS) & np.uint64(0xF)
    return _HEX[nibbles.astype(np.intp)]


def hex_digits(values: np.ndarray) -> np.ndarray:
    """Sixteen lower-case hex digits for each uint64, vectorised (object array of str)."""
    return _hex_bytes(values).view("S16").ravel().astype("U16").astype(object)


def _normalise(raw: dict[str, pa.ChunkedArray], lon: np.ndarray, lat: np.ndarray,
               point: np.ndarray) -> pd.DataFrame:
    # project each distinct map point once: exactly the same numbers, far fewer transforms
    codes, distinct = pd.factorize(point)
    one = np.zeros(len(distinct), dtype=np.intp)
    one[codes] = np.arange(len(codes))  # a row of each map point (all its rows have the same numbers)
    x, y = to_bng(lon[one], lat[one])
    month_codes, months = _distinct(raw["Month"])
    month_values = pd.to_datetime(months + "-01", format="%Y-%m-%d")
    month = month_values.to_numpy().astype("datetime64[us]")[month_codes]
    location = raw["Location"]
    location = pc.if_else(pc.equal(location, "No Location"), "", location)
    n = len(lon)
    table = pa.table({
        "source": pa.repeat(pa.scalar(SOURCE), n),
        "source_ref": _identities(raw),
        "category": raw["Crime type"],
        "precision": pa.repeat(pa.scalar("month"), n),
        "location": location,
        "lsoa_code": raw["LSOA code"],
        "lsoa_name": raw["LSOA name"],
        "outcome": raw["Last outcome category"],
        "context": raw["Context"],
        "reported_by": raw["Reported by"],
        "falls_within": raw["Falls within"],
        "lat": lat, "lon": lon, "x": x[codes], "y": y[codes],
        "month": month, "occurred": month,
    })
    return complete(table.to_pandas())


def read_file(item: PoliceUkFile, *, skip_invalid: bool = False) -> ParsedFile:
    return parse(item.read_bytes(), item.name, skip_invalid=skip_invalid)


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    """Convenience for notebooks: parse a street-level file's bytes, strict."""
    return parse(data, "<bytes>").frame



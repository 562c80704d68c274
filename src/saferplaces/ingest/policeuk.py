"""Reader for police.uk street-level crime and ASB files (``YYYY-MM-<force>-street.csv``).

What real files do, and what this reader does about it:

- ASB rows have no Crime ID: their identity is a fingerprint of the row's content plus the
  occurrence number of identical rows in the file (police.uk repeats identical ASB rows).
- Rows with no location (``No Location``, empty Longitude/Latitude): kept, with no coordinates;
  they count in totals but not on maps or in spatial analysis.
- Locations are snapped to anonymous map points and only the month is known: stored with
  ``precision = "month"`` so analyses that need exact dates or places can refuse them.
- A UTF-8 byte-order mark is accepted; other encodings are rejected with the row named.
- Extra columns beyond the twelve are ignored; a missing required column rejects the file.
- Crime types from before 2013 ("Violent crime", "Public disorder and weapons") are accepted.
- Empty LSOA code: the incident is placed in an LSOA by point-in-polygon, if LSOAs are loaded.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from saferplaces.analysis.frame import POLICE_UK_CRIME_TYPES
from saferplaces.geo import to_bng
from saferplaces.ingest.columns import TEXT_LIMITS, complete
from saferplaces.ingest.csvtext import check_field_counts, decode, read_text_frame
from saferplaces.ingest.errors import IngestError, RowProblem

SOURCE = "police-uk"
COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
HISTORICAL_CRIME_TYPES = ("Violent crime", "Public disorder and weapons")
KNOWN_CRIME_TYPES = frozenset(POLICE_UK_CRIME_TYPES + HISTORICAL_CRIME_TYPES)
FILE_PATTERN = re.compile(r"\d{4}-\d{2}-.+-street\.csv$")
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

__all__ = ["SOURCE", "COLUMNS", "PoliceUkFile", "ParsedFile", "discover", "parse"]


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


def discover(paths: list[Path]) -> Iterator[PoliceUkFile]:
    """Street-level CSVs among files, folders (searched recursively) and zip archives."""
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
            for candidate in candidates:
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


def parse(data: bytes, name: str, *, skip_invalid: bool = False) -> ParsedFile:
    """Validate and normalise one street-level file.

    Without ``skip_invalid`` any bad row raises ``IngestError`` (the whole file is rejected);
    with it, bad rows are returned as problems and the good rows are kept.
    """
    text = decode(data, name)
    header = text.split("\n", 1)[0].strip().lstrip("\ufeff")
    raw_columns = [c.strip() for c in header.split(",")] if '"' not in header else None
    line_numbers = check_field_counts(text, name, len(raw_columns) if raw_columns else _header_len(header))
    raw = read_text_frame(text)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise IngestError([RowProblem(name, None, 1, missing[0], None,
                                      f"required police.uk column is missing (expected {', '.join(COLUMNS)})")])
    raw = raw.loc[:, list(COLUMNS)]
    for column in ("Month", "Crime type", "Longitude", "Latitude", "LSOA code"):
        raw[column] = raw[column].str.strip()
    problems, bad = _validate(raw, name, line_numbers)
    if problems and not skip_invalid:
        raise IngestError(problems)
    good = raw.loc[~bad]
    return ParsedFile(_normalise(good), problems, len(raw))


def _header_len(header: str) -> int:
    import csv

    return len(next(csv.reader([header])))


def _validate(raw: pd.DataFrame, name: str, line_numbers: np.ndarray) -> tuple[list[RowProblem], np.ndarray]:
    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    problems: list[RowProblem] = []

    def flag(mask: np.ndarray, column: str, reason: str) -> None:
        nonlocal bad
        for index in np.flatnonzero(mask & ~bad)[:50]:
            problems.append(RowProblem(name, int(index) + 1, int(line_numbers[index]), column,
                                       str(raw[column].iat[index]), reason))
        bad |= mask

    month = raw["Month"]
    flag(~month.str.match(MONTH_PATTERN).to_numpy(bool), "Month", "is not a month in the form YYYY-MM")
    crime_type = raw["Crime type"]
    flag((crime_type == "").to_numpy(), "Crime type", "is empty (every row needs a crime type)")
    flag(~crime_type.isin(KNOWN_CRIME_TYPES).to_numpy() & (crime_type != "").to_numpy(),
         "Crime type", "is not a police.uk crime type")
    lon_text, lat_text = raw["Longitude"], raw["Latitude"]
    lon = pd.to_numeric(lon_text, errors="coerce").to_numpy(float)
    lat = pd.to_numeric(lat_text, errors="coerce").to_numpy(float)
    flag(((lon_text != "").to_numpy() & np.isnan(lon)), "Longitude", "is not a number")
    flag(((lat_text != "").to_numpy() & np.isnan(lat)), "Latitude", "is not a number")
    flag(np.abs(np.nan_to_num(lon)) > 180, "Longitude", "is outside -180..180")
    flag(np.abs(np.nan_to_num(lat)) > 90, "Latitude", "is outside -90..90")
    flag(np.isnan(lon) != np.isnan(lat), "Longitude", "has a longitude or latitude without the other")
    for column, limit in (("Crime ID", TEXT_LIMITS["source_ref"] - 8), ("Location", TEXT_LIMITS["location"]),
                          ("LSOA code", TEXT_LIMITS["lsoa_code"]), ("LSOA name", TEXT_LIMITS["lsoa_name"]),
                          ("Last outcome category", TEXT_LIMITS["outcome"]),
                          ("Reported by", TEXT_LIMITS["reported_by"]), ("Falls within", TEXT_LIMITS["falls_within"])):
        flag((raw[column].str.len() > limit).to_numpy(), column, f"is longer than {limit} characters")
    problems.sort(key=lambda p: (p.row or 0))
    return problems, bad


def _identities(raw: pd.DataFrame) -> pd.Series:
    """Crime ID where given; otherwise a content fingerprint plus the occurrence number."""
    crime_id = raw["Crime ID"].to_numpy(object)
    has_id = crime_id != ""
    fingerprint_columns = ["Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                           "LSOA code", "Crime type", "Context"]
    content = raw[fingerprint_columns].astype(str)
    high = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-pol1").to_numpy()
    low = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-pol2").to_numpy()
    digest = "fp:" + hex_digits(high) + hex_digits(low)
    key = pd.Series(np.where(has_id, crime_id, digest), index=raw.index)
    occurrence = key.groupby(key, sort=False).cumcount().to_numpy()
    repeated = occurrence > 0
    key = key.to_numpy(object)
    key[repeated] = key[repeated] + "#" + occurrence[repeated].astype(str)
    return pd.Series(key, index=raw.index)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SHIFTS = np.arange(60, -4, -4, dtype=np.uint64)


def hex_digits(values: np.ndarray) -> np.ndarray:
    """Sixteen lower-case hex digits for each uint64, vectorised (object array of str)."""
    nibbles = (np.asarray(values, dtype=np.uint64)[:, None] >> _SHIFTS) & np.uint64(0xF)
    text = _HEX[nibbles.astype(np.intp)].view("S16").ravel()
    return text.astype("U16").astype(object)


def _normalise(raw: pd.DataFrame) -> pd.DataFrame:
    lon = pd.to_numeric(raw["Longitude"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(raw["Latitude"], errors="coerce").to_numpy(float)
    x, y = to_bng(lon, lat)
    month = pd.to_datetime(raw["Month"] + "-01", format="%Y-%m-%d")
    location = raw["Location"].where(raw["Location"] != "No Location", "")
    frame = pd.DataFrame({
        "source": SOURCE,
        "source_ref": _identities(raw),
        "category": raw["Crime type"],
        "precision": "month",
        "location": location,
        "lsoa_code": raw["LSOA code"],
        "lsoa_name": raw["LSOA name"],
        "outcome": raw["Last outcome category"],
        "context": raw["Context"],
        "reported_by": raw["Reported by"],
        "falls_within": raw["Falls within"],
        "lat": lat, "lon": lon, "x": x, "y": y,
        "month": month, "occurred": month,
    })
    return complete(frame)


def read_file(item: PoliceUkFile, *, skip_invalid: bool = False) -> ParsedFile:
    return parse(item.read_bytes(), item.name, skip_invalid=skip_invalid)


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    """Convenience for notebooks: parse a street-level file's bytes, strict."""
    return parse(data, "<bytes>").frame



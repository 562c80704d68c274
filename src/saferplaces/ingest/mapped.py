"""Any partner CSV through a declarative TOML mapping (see ``mappings/*.toml`` and the README).

A mapping says which column feeds which store field, how dates are written, which coordinate
system the file uses, how categories translate, and which columns carry flags. Placeholder
references (``UNKNOWN``, ``N/A``, ``0``...; ``saferplaces.analysis.references``, extended by
``[references] placeholders``) in ``source_ref``, ``victim_ref`` and ``location`` are read as
missing and counted; a row without a reference is identified by a fingerprint of its content.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from saferplaces import geo
from saferplaces.analysis.frame import (
    FLAG_COLUMNS,
    HATE_STRANDS,
    LOCAL_TIMEZONE,
    as_local,
    local_to_utc,
)
from saferplaces.analysis.references import (
    REFERENCE_FIELDS,
    PlaceholderCount,
    count_placeholders,
    placeholder_mask,
    validate_placeholders,
)
from saferplaces.geo import (
    BNG,
    UNITED_KINGDOM,
    WGS84,
    CrsError,
    Region,
    area_of_use,
    check_points,
    describe_point,
    from_crs,
    parse_crs,
    to_bng,
    to_wgs84,
)
from saferplaces.ingest.columns import TEXT_LIMITS, complete
from saferplaces.ingest.csvtext import check_field_counts, decode, read_text_frame
from saferplaces.ingest.errors import IngestError, RowProblem

SHIPPED = Path(__file__).parent / "mappings"
TEXT_FIELDS = ("source_ref", "category", "location", "lsoa_code", "outcome", "context", "victim_ref")
PRECISIONS = ("minute", "day", "month")
BNG_BOUNDS = ((0.0, 700_000.0), (0.0, 1_300_000.0))

__all__ = ["Mapping", "MappingError", "load_mapping", "parse_mapped", "shipped_mappings"]


class MappingError(ValueError):
    """The mapping file itself is wrong."""


@dataclass
class Mapping:
    path: str
    source: str
    columns: dict[str, str]
    time_column: str
    time_format: str
    precision: str
    timezone: str
    system: str  # "wgs84", "bng" or "EPSG:<code>"
    coordinate_columns: tuple[str, str]
    category_map: dict[str, str] = field(default_factory=dict)
    unmapped_categories: str = "keep"
    flags: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    hate_column: str | None = None
    synthetic_column: str | None = None
    description: str = ""
    placeholders: tuple[str, ...] = ()  # extra placeholder references ([references])


def shipped_mappings() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SHIPPED.glob("*.toml"))}


def load_mapping(path_or_name: str | Path) -> Mapping:
    """A mapping file by path, or a shipped one by name (e.g. ``council-asb``)."""
    path = Path(path_or_name)
    if not path.exists():
        shipped = shipped_mappings().get(str(path_or_name))
        if shipped is None:
            raise MappingError(f"{path_or_name}: no such mapping file (shipped: {', '.join(shipped_mappings())})")
        path = shipped
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from None

    def need(table: str, key: str) -> str:
        try:
            value = data[table][key]
        except KeyError:
            raise MappingError(f"{path}: [{table}] needs {key!r}") from None
        if not isinstance(value, str) or not value:
            raise MappingError(f"{path}: [{table}] {key} must be a non-empty string")
        return value

    columns = dict(data.get("columns", {}))
    unknown = set(columns) - set(TEXT_FIELDS)
    if unknown:
        raise MappingError(f"{path}: [columns] has unknown fields {sorted(unknown)}; known: {TEXT_FIELDS}")
    if "category" not in columns:
        raise MappingError(f"{path}: [columns] needs 'category'")
    precision = data.get("time", {}).get("precision", "day")
    if precision not in PRECISIONS:
        raise MappingError(f"{path}: [time] precision must be one of {PRECISIONS}")
    system = _system(path, data.get("coordinates", {}).get("system", "wgs84"))
    if system == "bng" or (system != "wgs84" and not parse_crs(system).is_geographic):
        coordinate_columns = (need("coordinates", "easting"), need("coordinates", "northing"))
    else:
        coordinate_columns = (need("coordinates", "longitude"), need("coordinates", "latitude"))
    flags: dict[str, tuple[str, tuple[str, ...]]] = {}
    for flag, spec in data.get("flags", {}).items():
        if flag not in FLAG_COLUMNS:
            raise MappingError(f"{path}: [flags] {flag!r} is not a flag; known: {FLAG_COLUMNS}")
        if not isinstance(spec, dict) or "column" not in spec:
            raise MappingError(f"{path}: [flags] {flag} needs a column")
        flags[flag] = (spec["column"], tuple(str(v).lower() for v in spec.get("true", ["y", "yes", "true", "1"])))
    categories = data.get("categories", {})
    unmapped = categories.get("unmapped", "keep")
    if unmapped not in ("keep", "reject"):
        raise MappingError(f"{path}: [categories] unmapped must be 'keep' or 'reject'")
    return Mapping(
        path=str(path),
        source=need("source", "name"),
        description=data["source"].get("description", ""),
        columns=columns,
        time_column=need("time", "column"),
        time_format=need("time", "format"),
        precision=precision,
        timezone=_timezone(path, data.get("time", {}).get("timezone", LOCAL_TIMEZONE)),
        system=system,
        coordinate_columns=coordinate_columns,
        category_map=dict(categories.get("map", {})),
        unmapped_categories=unmapped,
        flags=flags,
        hate_column=data.get("hate", {}).get("column"),
        synthetic_column=data["source"].get("synthetic_column"),
        placeholders=_placeholders(path, data.get("references", {})),
    )


def _system(path: Path, given: object) -> str:
    """``wgs84``, ``bng`` or ``EPSG:<code>`` for any EPSG code pyproj knows (``MappingError``
    otherwise)."""
    text = str(given).strip().lower()
    if text in ("wgs84", "epsg:4326", "4326"):
        return "wgs84"
    if text in ("bng", "epsg:27700", "27700", "british national grid"):
        return "bng"
    try:
        return f"EPSG:{parse_crs(text).to_epsg()}"
    except CrsError as exc:
        raise MappingError(f"{path}: [coordinates] system must be 'wgs84', 'bng' or an EPSG code: {exc}") from None


def _system_crs(system: str) -> str:
    return {"wgs84": WGS84, "bng": BNG}.get(system, system)


def _placeholders(path: Path, table: object) -> tuple[str, ...]:
    """Extra placeholder references from ``[references] placeholders = [...]``, added to the
    defaults of ``saferplaces.analysis.references`` (``MappingError`` if malformed)."""
    if not isinstance(table, dict):
        raise MappingError(f"{path}: [references] must be a table, e.g. [references] placeholders = [\"XX\"]")
    unknown = set(table) - {"placeholders"}
    if unknown:
        raise MappingError(f"{path}: [references] has unknown keys {sorted(unknown)}; known: ['placeholders']")
    try:
        return validate_placeholders(table.get("placeholders", []), "[references] placeholders")
    except ValueError as exc:
        raise MappingError(f"{path}: {exc}") from None


def _timezone(path: Path, name: object) -> str:
    """The mapping's time zone, checked against the tz database (``MappingError`` if unknown)."""
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{path}: [time] timezone {name!r} is not a time zone name such as "
                           f"{LOCAL_TIMEZONE!r}") from None
    return str(name)


@dataclass
class MappedFile:
    frame: pd.DataFrame
    problems: list[RowProblem]
    rows_read: int
    synthetic: bool
    placeholders: list[PlaceholderCount] = field(default_factory=list)


def parse_mapped(data: bytes, name: str, mapping: Mapping, *, skip_invalid: bool = False,
                 area: Region = UNITED_KINGDOM) -> MappedFile:
    """Validate and normalise one partner CSV through ``mapping``.

    Coordinates (``_check_places``): each located row must lie in its system's area of use and in
    ``area`` (default the United Kingdom; the store passes the partnership's area); rows at 0, 0,
    with their two numbers swapped, or outside are bad rows naming their coordinates. Without
    ``skip_invalid`` any bad row raises ``IngestError``; with it, bad rows become problems.
    """
    text = decode(data, name)
    header = read_text_frame(text.split("\n", 1)[0] + "\n").columns
    line_numbers = check_field_counts(text, name, len(header))
    raw = read_text_frame(text)
    needed = [*mapping.columns.values(), mapping.time_column, *mapping.coordinate_columns,
              *(c for c, _ in mapping.flags.values())]
    if mapping.hate_column:
        needed.append(mapping.hate_column)
    for column in needed:
        if column not in raw.columns:
            raise IngestError([RowProblem(name, None, 1, column, None,
                                          f"column named in mapping {Path(mapping.path).name} is missing")])
    raw = raw.apply(lambda s: s.str.strip())
    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    problems: list[RowProblem] = []

    def flag(mask: np.ndarray, column: str, reason: str | Callable[[int], str]) -> None:
        nonlocal bad
        for index in np.flatnonzero(mask & ~bad)[:50]:
            problems.append(RowProblem(name, int(index) + 1, int(line_numbers[index]), column,
                                       str(raw[column].iat[index]),
                                       reason if isinstance(reason, str) else reason(int(index))))
        bad |= mask

    time_text = raw[mapping.time_column]
    # a format with a UTC offset (%z) may meet several offsets in one file: read them as instants
    parsed = pd.to_datetime(time_text, format=mapping.time_format, errors="coerce",
                            utc="%z" in mapping.time_format)
    flag(parsed.isna().to_numpy(), mapping.time_column, f"is not a date in the form {mapping.time_format}")
    category_column = mapping.columns["category"]
    categories = raw[category_column]
    flag((categories == "").to_numpy(), category_column, "is empty (every row needs a category)")
    if mapping.unmapped_categories == "reject":
        flag(~categories.isin(mapping.category_map).to_numpy(), category_column,
             "is not a category listed in the mapping")
    first, second = mapping.coordinate_columns
    a = pd.to_numeric(raw[first], errors="coerce").to_numpy(float)
    b = pd.to_numeric(raw[second], errors="coerce").to_numpy(float)
    flag((raw[first] != "").to_numpy() & np.isnan(a), first, "is not a number")
    flag((raw[second] != "").to_numpy() & np.isnan(b), second, "is not a number")
    flag(np.isnan(a) != np.isnan(b), first, "has one coordinate without the other")
    if mapping.system == "bng":
        (xlo, xhi), (ylo, yhi) = BNG_BOUNDS
        flag(~np.isnan(a) & ((a < xlo) | (a > xhi)), first, "is not a British National Grid easting")
        flag(~np.isnan(b) & ((b < ylo) | (b > yhi)), second, "is not a British National Grid northing")
    elif mapping.system == "wgs84":
        flag(np.abs(np.nan_to_num(a)) > 180, first, "is outside -180..180")
        flag(np.abs(np.nan_to_num(b)) > 90, second, "is outside -90..90")
    for mask, reason in (*_metre_checks(a, b, mapping.system), *_check_places(a, b, mapping.system, area)):
        flag(mask, first, reason)
    if mapping.hate_column:
        strand = raw[mapping.hate_column].str.lower().str.replace(" ", "_")
        flag(~strand.isin(("", *HATE_STRANDS)).to_numpy(), mapping.hate_column,
             f"is not a hate strand ({', '.join(HATE_STRANDS)})")
    for fieldname, column in mapping.columns.items():
        limit = TEXT_LIMITS.get(fieldname)
        if limit:
            flag((raw[column].str.len() > limit).to_numpy(), column, f"is longer than {limit} characters")
    # placeholder references (UNKNOWN, N/A, 0) are missing: never a person, place or identity
    placeholder = {f: placeholder_mask(raw[c], mapping.placeholders)
                   for f, c in mapping.columns.items() if f in REFERENCE_FIELDS}
    ref_column = mapping.columns.get("source_ref")
    if ref_column:
        refs = raw[ref_column]
        real = (refs != "").to_numpy() & ~placeholder["source_ref"]
        flag(refs.where(real).duplicated().to_numpy() & real, ref_column,
             "repeats a reference used on an earlier row")
    problems.sort(key=lambda p: p.row or 0)
    if problems and not skip_invalid:
        raise IngestError(problems)
    keep = ~bad
    good, when = raw.loc[keep], parsed.loc[keep]
    frame = _normalise(good, when, a[keep], b[keep], mapping)
    synthetic = bool(mapping.synthetic_column and mapping.synthetic_column in raw.columns
                     and raw[mapping.synthetic_column].str.lower().isin(("true", "yes", "y", "1", "synthetic")).any())
    found = [count_placeholders(good[mapping.columns[f]], mask[keep], field=f, column=mapping.columns[f])
             for f, mask in placeholder.items()]
    return MappedFile(frame, problems, n, synthetic, [c for c in found if c is not None])


def _metre_checks(a: np.ndarray, b: np.ndarray, system: str) -> list[tuple[np.ndarray, Callable[[int], str]]]:
    """For a projected (metre) system: rows whose easting/northing look like degrees
    (``geo.degree_like``) and, for British National Grid, rows in the open sea around the grid's
    origin (``geo.in_bng_origin_sea``: truncated or misplaced numbers), each with a reason naming
    the row's numbers. Checked before the area checks, which such rows can pass."""
    crs = _system_crs(system)
    if parse_crs(crs).is_geographic:
        return []
    found: list[tuple[np.ndarray, Callable[[int], str]]] = [
        (geo.degree_like(a, b), lambda i: f"{a[i]:.10g}, {b[i]:.10g} {geo.DEGREES_AS_METRES}")]
    if parse_crs(crs).to_epsg() == 27700:
        found.append((geo.in_bng_origin_sea(a, b), lambda i: (
            f"is in the open sea south-west of the Isles of Scilly (British National Grid's origin), "
            f"not on land: {a[i]:.10g}, {b[i]:.10g} (truncated or misplaced numbers?)")))
    return found


def _check_places(a: np.ndarray, b: np.ndarray, system: str,
                  area: Region) -> list[tuple[np.ndarray, Callable[[int], str]]]:
    """Masks of rows whose coordinates are at 0, 0, outside the system's area of use, swapped
    (outside ``area`` but inside it with the two numbers exchanged) or outside ``area``, each with
    a reason naming the row's numbers (``saferplaces.geo.check_points``)."""
    crs = _system_crs(system)
    geographic = parse_crs(crs).is_geographic
    lon, lat = from_crs(a, b, crs)
    in_use = check_points(lon, lat, area_of_use(crs), given=(a, b), swapped=(lon, lat))
    partnership = check_points(lon, lat, area, given=(a, b), swapped=from_crs(b, a, crs))
    def reason(kind: str, region: Region) -> Callable[[int], str]:
        return lambda i: describe_point(kind, float(a[i]), float(b[i]), region, geographic=geographic)

    return [(getattr(check, kind), reason(kind, region))
            for kind, check, region in (("null_island", in_use, area), ("outside", in_use, area_of_use(crs)),
                                        ("swapped", partnership, area), ("outside", partnership, area))]


def _normalise(raw: pd.DataFrame, when: pd.Series, a: np.ndarray, b: np.ndarray, mapping: Mapping) -> pd.DataFrame:
    frame = pd.DataFrame(index=raw.index)
    for fieldname, column in mapping.columns.items():
        frame[fieldname] = raw[column]
    frame["category"] = frame["category"].map(lambda c: mapping.category_map.get(c, c))
    if mapping.system == "bng":
        x, y = a, b
        lon, lat = to_wgs84(a, b)
    else:
        lon, lat = from_crs(a, b, _system_crs(mapping.system))
        x, y = to_bng(lon, lat)
    frame["lon"], frame["lat"], frame["x"], frame["y"] = lon, lat, x, y
    # Dates and months are local ones (a report at 00:30 BST on 1 June is a June report);
    # only minute times are instants, stored in UTC (rule for clock changes: local_to_utc).
    when = as_local(when, mapping.timezone)
    if mapping.precision == "minute":
        occurred = local_to_utc(when, mapping.timezone)
    elif mapping.precision == "day":
        occurred = when.dt.normalize()
    else:
        occurred = when.dt.to_period("M").dt.to_timestamp()
    frame["occurred"] = occurred
    frame["month"] = when.dt.to_period("M").dt.to_timestamp()
    frame["precision"] = mapping.precision
    frame["source"] = mapping.source
    for flagname, (column, truthy) in mapping.flags.items():
        frame[flagname] = raw[column].str.lower().isin(truthy)
    if mapping.hate_column:
        strand = raw[mapping.hate_column].str.lower().str.replace(" ", "_")
        for name in HATE_STRANDS:
            frame[f"hate_{name}"] = (strand == name).to_numpy()
    for fieldname in REFERENCE_FIELDS:
        if fieldname in frame.columns:
            frame.loc[placeholder_mask(frame[fieldname], mapping.placeholders), fieldname] = ""
    # a row with no reference (none mapped, blank or a placeholder) is identified by its content
    if "source_ref" not in frame.columns:
        frame["source_ref"] = ""
    no_ref = frame["source_ref"].eq("")
    if no_ref.any():
        frame.loc[no_ref, "source_ref"] = _fingerprints(raw.loc[no_ref])
    return complete(frame.reset_index(drop=True))


def _fingerprints(raw: pd.DataFrame) -> pd.Series:
    """``fp:`` and a keyed 64-bit hash of each row's text as read (before placeholders are
    blanked, so adding a placeholder to a mapping later changes no identity), ``#n`` on the
    n-th repeat of identical rows. (pandas needs a 16-byte key: the earlier 17-byte one failed
    on every file, so no stored identity used it.)"""
    digest = pd.util.hash_pandas_object(raw.astype(str), index=False, hash_key="saferplaces-map1")
    key = "fp:" + digest.map(lambda v: f"{v:016x}")
    occurrence = key.groupby(key, sort=False).cumcount()
    return key.where(occurrence == 0, key + "#" + occurrence.astype(str))

"""Any partner CSV through a declarative TOML mapping (see ``mappings/*.toml`` and the README).

A mapping says which column feeds which store field, how dates are written, which coordinate
system the file uses, how categories translate, and which columns carry flags.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from saferplaces.analysis.frame import FLAG_COLUMNS, HATE_STRANDS
from saferplaces.geo import to_bng, to_wgs84
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
    system: str  # "wgs84" or "bng"
    coordinate_columns: tuple[str, str]
    category_map: dict[str, str] = field(default_factory=dict)
    unmapped_categories: str = "keep"
    flags: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    hate_column: str | None = None
    synthetic_column: str | None = None
    description: str = ""


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
    system = data.get("coordinates", {}).get("system", "wgs84").lower()
    if system == "wgs84":
        coordinate_columns = (need("coordinates", "longitude"), need("coordinates", "latitude"))
    elif system in ("bng", "epsg:27700", "british national grid"):
        system = "bng"
        coordinate_columns = (need("coordinates", "easting"), need("coordinates", "northing"))
    else:
        raise MappingError(f"{path}: [coordinates] system must be 'wgs84' or 'bng'")
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
        timezone=data.get("time", {}).get("timezone", "Europe/London"),
        system=system,
        coordinate_columns=coordinate_columns,
        category_map=dict(categories.get("map", {})),
        unmapped_categories=unmapped,
        flags=flags,
        hate_column=data.get("hate", {}).get("column"),
        synthetic_column=data["source"].get("synthetic_column"),
    )


@dataclass
class MappedFile:
    frame: pd.DataFrame
    problems: list[RowProblem]
    rows_read: int
    synthetic: bool


def parse_mapped(data: bytes, name: str, mapping: Mapping, *, skip_invalid: bool = False) -> MappedFile:
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

    def flag(mask: np.ndarray, column: str, reason: str) -> None:
        nonlocal bad
        for index in np.flatnonzero(mask & ~bad)[:50]:
            problems.append(RowProblem(name, int(index) + 1, int(line_numbers[index]), column,
                                       str(raw[column].iat[index]), reason))
        bad |= mask

    time_text = raw[mapping.time_column]
    parsed = pd.to_datetime(time_text, format=mapping.time_format, errors="coerce")
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
    else:
        flag(np.abs(np.nan_to_num(a)) > 180, first, "is outside -180..180")
        flag(np.abs(np.nan_to_num(b)) > 90, second, "is outside -90..90")
    if mapping.hate_column:
        strand = raw[mapping.hate_column].str.lower().str.replace(" ", "_")
        flag(~strand.isin(("", *HATE_STRANDS)).to_numpy(), mapping.hate_column,
             f"is not a hate strand ({', '.join(HATE_STRANDS)})")
    for fieldname, column in mapping.columns.items():
        limit = TEXT_LIMITS.get(fieldname)
        if limit:
            flag((raw[column].str.len() > limit).to_numpy(), column, f"is longer than {limit} characters")
    ref_column = mapping.columns.get("source_ref")
    if ref_column:
        refs = raw[ref_column]
        flag((refs == "").to_numpy(), ref_column, "is empty (every row needs a reference)")
        flag(refs.duplicated().to_numpy() & (refs != "").to_numpy(), ref_column,
             "repeats a reference used on an earlier row")
    problems.sort(key=lambda p: p.row or 0)
    if problems and not skip_invalid:
        raise IngestError(problems)
    keep = ~bad
    good, when = raw.loc[keep], parsed.loc[keep]
    frame = _normalise(good, when, a[keep], b[keep], mapping)
    synthetic = bool(mapping.synthetic_column and mapping.synthetic_column in raw.columns
                     and raw[mapping.synthetic_column].str.lower().isin(("true", "yes", "y", "1", "synthetic")).any())
    return MappedFile(frame, problems, n, synthetic)


def _normalise(raw: pd.DataFrame, when: pd.Series, a: np.ndarray, b: np.ndarray, mapping: Mapping) -> pd.DataFrame:
    frame = pd.DataFrame(index=raw.index)
    for fieldname, column in mapping.columns.items():
        frame[fieldname] = raw[column]
    frame["category"] = frame["category"].map(lambda c: mapping.category_map.get(c, c))
    if mapping.system == "bng":
        x, y = a, b
        lon, lat = to_wgs84(a, b)
    else:
        lon, lat = a, b
        x, y = to_bng(a, b)
    frame["lon"], frame["lat"], frame["x"], frame["y"] = lon, lat, x, y
    if mapping.precision == "minute":
        local = when.dt.tz_localize(mapping.timezone, ambiguous="NaT", nonexistent="shift_forward")
        local = local.fillna(when.dt.tz_localize("UTC"))
        occurred = local.dt.tz_convert("UTC").dt.tz_localize(None)
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
    if "source_ref" not in mapping.columns:
        content = raw.astype(str)
        digest = pd.util.hash_pandas_object(content, index=False, hash_key="saferplaces-map01")
        key = "fp:" + digest.map(lambda v: f"{v:016x}")
        occurrence = key.groupby(key, sort=False).cumcount()
        frame["source_ref"] = key.where(occurrence == 0, key + "#" + occurrence.astype(str))
    return complete(frame.reset_index(drop=True))

"""Reader for ONS-style boundary GeoJSON (WGS84 or British National Grid, EPSG:27700)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from saferplaces.geo import to_wgs84
from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["AreaRecord", "read_boundaries", "CODE_FIELD_PATTERN", "NAME_FIELD_PATTERN"]

CODE_FIELD_PATTERN = re.compile(r"^([A-Z]{2,5}\d{2}CD|code|CODE|Code|id|ID)$")
NAME_FIELD_PATTERN = re.compile(r"^([A-Z]{2,5}\d{2}NM|name|NAME|Name)$")
POPULATION_FIELDS = ("population", "Population", "POPULATION", "persons", "Persons")


@dataclass
class AreaRecord:
    code: str
    name: str
    geometry: dict  # GeoJSON geometry, WGS84
    population: int | None = None
    properties: dict = field(default_factory=dict)


def _declared_crs(collection: dict) -> str | None:
    name = (collection.get("crs") or {}).get("properties", {}).get("name", "")
    if "27700" in name:
        return "EPSG:27700"
    if name and ("4326" in name or "CRS84" in name):
        return "EPSG:4326"
    return None


def _pick(properties: dict, explicit: str | None, pattern: re.Pattern, what: str, name: str, number: int) -> str:
    if explicit:
        if explicit not in properties:
            raise IngestError([RowProblem(name, number, None, explicit, None,
                                          f"feature has no property {explicit!r} for the area {what}")])
        return str(properties[explicit])
    for key, value in properties.items():
        if pattern.match(key):
            return str(value)
    raise IngestError([RowProblem(
        name, number, None, None, None,
        f"cannot tell which property holds the area {what}; name it with --{what}-field "
        f"(properties: {', '.join(properties)})",
    )])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64] or "area"


def read_boundaries(path: Path, *, name_field: str | None = None, code_field: str | None = None,
                    population_field: str | None = None) -> list[AreaRecord]:
    """Every feature as an ``AreaRecord`` in WGS84. Rows in errors are feature numbers from 1."""
    name = str(path)
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError([RowProblem(name, None, None, None, None, f"is not GeoJSON text: {exc}")]) from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        raise IngestError([RowProblem(name, None, None, None, None,
                                      "is not a GeoJSON FeatureCollection with features")])
    declared = _declared_crs(collection)
    records: list[AreaRecord] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        try:
            geometry = shapely.geometry.shape(feature.get("geometry") or {})
        except (ValueError, AttributeError, TypeError, KeyError) as exc:
            raise IngestError([RowProblem(name, number, None, "geometry", None, f"geometry cannot be read: {exc}")]) from None
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise IngestError([RowProblem(name, number, None, "geometry", geometry.geom_type,
                                          "must be a non-empty Polygon or MultiPolygon")])
        coords = shapely.get_coordinates(geometry)
        crs = declared or ("EPSG:27700" if np.abs(coords).max() > 360 else "EPSG:4326")
        if crs == "EPSG:27700":
            geometry = shapely.transform(geometry, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1])))
        else:
            lon, lat = coords[:, 0], coords[:, 1]
            if np.abs(lon).max() > 180 or np.abs(lat).max() > 90:
                raise IngestError([RowProblem(name, number, None, "geometry", None,
                                              "coordinates are neither WGS84 degrees nor British National Grid metres")])
        if not shapely.is_valid(geometry):
            raise IngestError([RowProblem(name, number, None, "geometry", None,
                                          f"invalid polygon: {shapely.is_valid_reason(geometry)}")])
        area_name = _pick(properties, name_field, NAME_FIELD_PATTERN, "name", name, number).strip()
        if code_field is None and not any(CODE_FIELD_PATTERN.match(key) for key in properties):
            code = _slug(area_name)  # drawn areas (a PSPO zone, a town centre) often have only a name
        else:
            code = _pick(properties, code_field, CODE_FIELD_PATTERN, "code", name, number).strip()
        if code in seen:
            raise IngestError([RowProblem(name, number, None, code_field or "code", code,
                                          f"the same code as feature {seen[code]}")])
        seen[code] = number
        population = None
        for key in ((population_field,) if population_field else POPULATION_FIELDS):
            if key and properties.get(key) not in (None, ""):
                try:
                    population = int(round(float(str(properties[key]).replace(",", ""))))
                except ValueError:
                    raise IngestError([RowProblem(name, number, None, key, str(properties[key]),
                                                  "population is not a number")]) from None
                break
        records.append(AreaRecord(code, area_name, shapely.geometry.mapping(geometry), population,
                                  {k: v for k, v in properties.items() if isinstance(v, (str, int, float, bool))}))
    return records

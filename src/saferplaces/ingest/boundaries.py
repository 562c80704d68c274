"""Reader for ONS-style boundary GeoJSON, in any coordinate system with an EPSG code.

Which coordinate system (rules, each refusal naming the file, feature and CRS):

- A ``crs`` member (GeoJSON 2008, still written by QGIS, GDAL and ArcGIS) is honoured in its
  ``{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}`` form, with
  ``EPSG:3857`` or ``CRS84`` as the name, or ``{"type": "EPSG", "properties": {"code": 3857}}``;
  the geometry is converted to WGS84 with pyproj. A ``crs`` member that cannot be understood
  (a linked CRS, an unknown code) refuses the file.
- Without one, degrees are WGS84 (RFC 7946) and metres British National Grid (EPSG:27700);
  metres outside the British National Grid are refused: name their system in a ``crs`` member.
- Coordinates must fit the declared system: degrees beyond ±180/±90 in a WGS84 file (metres
  written as degrees), numbers all within 360 in a projected file (degrees written as metres),
  a vertex at 0, 0, or outside the system's area of use are refused; a polygon outside the
  United Kingdom that lands inside it with its two numbers exchanged is refused as swapped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from saferplaces.geo import (
    BNG,
    UNITED_KINGDOM,
    WGS84,
    CrsError,
    area_of_use,
    check_points,
    crs_label,
    describe_point,
    from_crs,
    parse_crs,
)
from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["AreaRecord", "read_boundaries", "CODE_FIELD_PATTERN", "NAME_FIELD_PATTERN"]

CODE_FIELD_PATTERN = re.compile(r"^([A-Z]{2,5}\d{2}CD|code|CODE|Code|id|ID)$")
NAME_FIELD_PATTERN = re.compile(r"^([A-Z]{2,5}\d{2}NM|name|NAME|Name)$")
BNG_METRES = ((0.0, 700_000.0), (0.0, 1_300_000.0))  # the grid's eastings and northings
POPULATION_FIELDS = ("population", "Population", "POPULATION", "persons", "Persons")


@dataclass
class AreaRecord:
    code: str
    name: str
    geometry: dict[str, Any]  # GeoJSON geometry, WGS84
    population: int | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def _declared_crs(collection: dict[str, Any], name: str) -> CRS | None:
    """The CRS the file's ``crs`` member names, or None without one; ``IngestError`` naming
    the member when it cannot be understood."""
    member = collection.get("crs")
    if member is None:
        return None
    given: object = member
    if isinstance(member, dict):
        properties = member.get("properties") or {}
        given = properties.get("name") or properties.get("code") if isinstance(properties, dict) else None
    try:
        if not isinstance(given, (str, int)) or isinstance(given, bool):
            raise CrsError("it names no EPSG code")
        return parse_crs(given)
    except CrsError as exc:
        raise IngestError([RowProblem(name, None, None, "crs", json.dumps(member)[:200],
                                      f"the file's coordinate system cannot be understood: {exc}")]) from None


def _file_crs(declared: CRS | None, coords: np.ndarray, name: str, number: int) -> CRS:
    """The CRS of one feature's coordinates: the declared one, or WGS84 for degrees and British
    National Grid for metres; ``IngestError`` when the numbers cannot be in that system."""
    def refuse(reason: str) -> IngestError:
        sample = f"{coords[0, 0]:.10g}, {coords[0, 1]:.10g}"
        return IngestError([RowProblem(name, number, None, "geometry", sample, reason)])

    largest = float(np.abs(coords).max())
    if declared is None:
        if largest <= 360:
            declared = parse_crs(WGS84)
        else:
            (xlo, xhi), (ylo, yhi) = BNG_METRES
            x, y = coords[:, 0], coords[:, 1]
            if ((x < xlo) | (x > xhi) | (y < ylo) | (y > yhi)).any():
                raise refuse("coordinates are metres but not British National Grid eastings and northings: "
                             "name their coordinate system in a crs member, e.g. "
                             '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}')
            return parse_crs(BNG)
    if declared.is_geographic:
        if (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
            raise refuse(f"the file declares {crs_label(declared)}, in degrees, but the coordinates "
                         "are beyond ±180/±90: they look like metres of another system")
    elif largest < 360:
        raise refuse(f"the file declares {crs_label(declared)}, in metres, but every coordinate is "
                     "within 360: they look like longitude/latitude degrees")
    return declared


def _to_wgs84(geometry: shapely.Geometry, crs: CRS, name: str, number: int) -> shapely.Geometry:
    """The geometry in WGS84, every vertex checked (``saferplaces.geo.check_points``) against the
    CRS's area of use, and against the United Kingdom for a swap."""
    coords = shapely.get_coordinates(geometry)
    lon, lat = from_crs(coords[:, 0], coords[:, 1], crs)
    swap = from_crs(coords[:, 1], coords[:, 0], crs)
    region = area_of_use(crs)
    given = (coords[:, 0], coords[:, 1])
    check = check_points(lon, lat, region, given=given, swapped=swap)
    home = check_points(lon, lat, UNITED_KINGDOM, given=given, swapped=swap).swapped
    home = home if home.all() else np.zeros_like(home)  # a whole polygon swapped, not a stray vertex
    for kind, mask, where in (("null_island", check.null_island, region), ("swapped", check.swapped, region),
                              ("swapped", home, UNITED_KINGDOM), ("outside", check.outside, region)):
        if mask.any():
            i = int(np.argmax(mask))
            reason = describe_point(kind, coords[i, 0], coords[i, 1], where, geographic=crs.is_geographic)
            raise IngestError([RowProblem(name, number, None, "geometry", None,
                                          f"a vertex, in {crs_label(crs)}, {reason}")])
    if crs.to_epsg() == 4326:
        return geometry
    return shapely.transform(geometry, lambda xy: np.column_stack(from_crs(xy[:, 0], xy[:, 1], crs)))


def _pick(properties: dict[str, Any], explicit: str | None, pattern: re.Pattern[str], what: str, name: str, number: int) -> str:
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
    declared = _declared_crs(collection, name)
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
        crs = _file_crs(declared, shapely.get_coordinates(geometry), name, number)
        geometry = _to_wgs84(geometry, crs, name, number)
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

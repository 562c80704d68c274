"""PSPO zone outlines: reading GeoJSON (imported or drawn) and converting between WGS84 and
British National Grid. shapely 2 and pyproj only (no GDAL).

Rules (each refusal names the feature and, for a coordinate system, the system):

- Accepted coordinate systems: WGS84 (EPSG:4326, or OGC CRS84) and British National Grid
  (EPSG:27700). A ``crs`` member naming any other system refuses the file by that system's name
  ("EPSG:3857 (WGS 84 / Pseudo-Mercator)"): re-project it first.
- Without a ``crs`` member the coordinates decide: degrees (longitude within ±180, latitude within
  ±90) are WGS84 (RFC 7946), metres within the grid British National Grid; anything else is
  refused.
- The file is JSON text in UTF-8 (RFC 8259 s.8.1; a byte-order mark is allowed), a GeoJSON
  object (FeatureCollection, Feature or geometry, RFC 7946) nested no deeper than
  :data:`MAX_DEPTH` (GeoJSON needs about ten levels; far deeper is not a zone file and is refused
  before it is parsed). Anything else is refused in plain words.
- Each ring of a polygon is closed: at least four positions, the last the same as the first
  (RFC 7946 s.3.1.6). An unclosed ring is refused, not closed by guesswork.
- Each feature must be a Polygon or MultiPolygon, valid (no self-crossing), inside Great Britain.
  A refused feature is reported by its number; the others are still read, so the user sees every
  problem at once and nothing is saved until there are none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from saferplaces.geo import (
    BNG,
    WGS84,
    CrsError,
    crs_label,
    in_great_britain,
    parse_crs,
    to_bng,
    to_wgs84,
)

__all__ = ["ParsedZone", "ZoneFileError", "ZoneProblem", "parse_geometry", "read_zones",
           "to_bng_geometry", "to_wgs84_geometry"]

_ACCEPTED = {4326: WGS84, 27700: BNG}
#: Deepest nesting of arrays and objects read (a MultiPolygon inside a FeatureCollection is 7).
MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_OPEN = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSE = np.frombuffer(b"]}", dtype=np.uint8)
_GEOJSON_TYPES = {"FeatureCollection", "Feature", "Polygon", "MultiPolygon", "Point",
                  "MultiPoint", "LineString", "MultiLineString", "GeometryCollection"}
_GRID = ((0.0, 700_000.0), (0.0, 1_300_000.0))


class ZoneFileError(ValueError):
    """The whole file is refused (not JSON, not GeoJSON, a coordinate system not accepted)."""


@dataclass(frozen=True)
class ZoneProblem:
    feature: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"Feature {self.feature}: {self.message}"


@dataclass(frozen=True)
class ParsedZone:
    name: str
    geometry: dict[str, Any]  # WGS84 GeoJSON
    bng: BaseGeometry
    source: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.bng.bounds
        return float(x0), float(y0), float(x1), float(y1)


def _declared_crs(data: dict[str, Any]) -> str | None:
    crs = data.get("crs")
    if crs is None:
        return None
    props = crs.get("properties", {}) if isinstance(crs, dict) else {}
    text = props.get("name") or props.get("code")
    if text is None:
        raise ZoneFileError("The file's `crs` member cannot be understood: give WGS84 "
                            "(EPSG:4326) or British National Grid (EPSG:27700)")
    try:
        parsed = parse_crs(str(text))
    except CrsError as exc:
        raise ZoneFileError(f"The file's coordinate system is not accepted: {exc}") from None
    code = parsed.to_epsg()
    if code not in _ACCEPTED:
        raise ZoneFileError(f"The file's coordinate system {crs_label(parsed)} is not accepted: "
                            "re-project it to WGS84 (EPSG:4326) or British National Grid "
                            "(EPSG:27700)")
    return _ACCEPTED[code]


def _coordinates(geometry: BaseGeometry) -> np.ndarray:
    coordinates: np.ndarray = shapely.get_coordinates(geometry)
    return coordinates


def _guess_crs(geometries: list[BaseGeometry]) -> str:
    points = np.vstack([_coordinates(g) for g in geometries]) if geometries else np.empty((0, 2))
    if points.size == 0:
        raise ZoneFileError("The file holds no polygons")
    x, y = points[:, 0], points[:, 1]
    if np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90):
        return WGS84
    if (np.all((x >= _GRID[0][0]) & (x <= _GRID[0][1]))
            and np.all((y >= _GRID[1][0]) & (y <= _GRID[1][1]))):
        return BNG
    raise ZoneFileError("The coordinates are neither degrees (WGS84) nor British National Grid "
                        "metres: name the file's coordinate system in a `crs` member, and "
                        "re-project it to WGS84 or British National Grid")


def to_bng_geometry(geometry: BaseGeometry) -> BaseGeometry:
    """A WGS84 (lon, lat) geometry in British National Grid metres."""
    return shapely.transform(geometry, lambda xy: np.column_stack(to_bng(xy[:, 0], xy[:, 1])))


def to_wgs84_geometry(geometry: BaseGeometry) -> BaseGeometry:
    """A British National Grid geometry in WGS84 (lon, lat)."""
    return shapely.transform(geometry, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1])))


def _rounded(geometry: BaseGeometry) -> dict[str, Any]:
    rounded: dict[str, Any] = json.loads(json.dumps(mapping(shapely.set_precision(geometry, 1e-6))))
    return rounded


def _check(geometry: BaseGeometry, crs: str) -> tuple[BaseGeometry, BaseGeometry]:
    """(WGS84, BNG) forms of one outline; ValueError saying what is wrong."""
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"a zone is an area: a Polygon or MultiPolygon, not a {geometry.geom_type}")
    if geometry.is_empty:
        raise ValueError("the outline is empty")
    if not geometry.is_valid:
        raise ValueError(f"the outline is not a valid area ({shapely.is_valid_reason(geometry)})")
    wgs = geometry if crs == WGS84 else to_wgs84_geometry(geometry)
    bng = geometry if crs == BNG else to_bng_geometry(geometry)
    points = _coordinates(wgs)
    if not np.all(in_great_britain(points[:, 0], points[:, 1])):
        raise ValueError("the outline is not inside Great Britain (are longitude and latitude, "
                         "or easting and northing, the right way round?)")
    if bng.area < 1.0:
        raise ValueError("the outline has no area")
    return wgs, bng


def _too_deep(text: str) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH (strings left out; no recursion)."""
    bare = np.frombuffer(_STRING.sub('""', text).encode("utf-8"), dtype=np.uint8)
    steps = (np.isin(bare, _OPEN).astype(np.int64) - np.isin(bare, _CLOSE).astype(np.int64))
    return bool(steps.size) and int(np.cumsum(steps).max()) > MAX_DEPTH


def _unclosed_ring(geometry: Any) -> str | None:
    """Why a Polygon's or MultiPolygon's rings are not closed (None when they are)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons if isinstance(polygons, list) else ():
        for ring in polygon if isinstance(polygon, list) else ():
            if not isinstance(ring, list):
                continue
            if len(ring) < 4:
                return (f"a ring has {len(ring)} positions; a closed ring has at least four, "
                        "the last the same as the first")
            if ring[0] != ring[-1]:
                return "a ring is not closed (its last position is not the same as its first)"
    return None


def parse_geometry(geometry: dict[str, Any], *, source: str = "drawn", name: str = "") -> ParsedZone:
    """One drawn outline (WGS84 GeoJSON geometry from the map); ValueError when refused."""
    unclosed = _unclosed_ring(geometry)
    if unclosed:
        raise ValueError(unclosed)
    try:
        parsed = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        raise ValueError("the outline is not a GeoJSON geometry") from None
    wgs, bng = _check(parsed, WGS84)
    return ParsedZone(name, _rounded(wgs), bng, source)


def read_zones(raw: bytes | str) -> tuple[list[ParsedZone], list[ZoneProblem]]:
    """The zones of a GeoJSON file (FeatureCollection, Feature or bare geometry) and the
    problems of the features refused. Raises ``ZoneFileError`` when the whole file is refused."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ZoneFileError("The file is not a GeoJSON text file: it is not in UTF-8. Export it "
                            "from your mapping software as GeoJSON") from None
    if _too_deep(text):
        raise ZoneFileError("The file is not GeoJSON: its lists are nested far deeper than a "
                            "zone file's")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ZoneFileError("The file is not GeoJSON: it is not readable JSON text. Export it "
                            "from your mapping software as GeoJSON") from None
    if not isinstance(data, dict) or data.get("type") not in _GEOJSON_TYPES:
        raise ZoneFileError("The file is not GeoJSON: it has no GeoJSON `type` (such as "
                            "FeatureCollection)")
    declared = _declared_crs(data)
    if data["type"] == "FeatureCollection":
        features = data.get("features") or []
    elif data["type"] == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": {}}]
    shapes: list[tuple[int, str, BaseGeometry]] = []
    problems: list[ZoneProblem] = []
    for number, feature in enumerate(features, start=1):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        if not isinstance(props, dict):
            props = {}
        given = props.get("name") or props.get("NAME") or props.get("Name")
        name = str(given) if isinstance(given, str | int | float) and given else f"Zone {number}"
        unclosed = _unclosed_ring(feature.get("geometry") if isinstance(feature, dict) else None)
        if unclosed:
            problems.append(ZoneProblem(number, unclosed))
            continue
        try:
            geometry = shape(feature["geometry"])
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            problems.append(ZoneProblem(number, "it has no readable geometry"))
            continue
        shapes.append((number, name[:200], geometry))
    if not shapes:
        if problems:
            return [], sorted(problems, key=lambda p: p.feature)
        raise ZoneFileError("The file holds no features")
    crs = declared or _guess_crs([g for _, _, g in shapes])
    zones: list[ParsedZone] = []
    for number, name, geometry in shapes:
        try:
            wgs, bng = _check(geometry, crs)
        except ValueError as exc:
            problems.append(ZoneProblem(number, str(exc)))
            continue
        zones.append(ParsedZone(name, _rounded(wgs), bng, crs))
    if not zones and not problems:
        raise ZoneFileError("The file holds no features")
    return zones, sorted(problems, key=lambda p: p.feature)

"""Coordinate systems: reading any EPSG code, checking points, and choosing a metric projection.

Storage and display use WGS84 (EPSG:4326). Metric analysis uses British National Grid
(EPSG:27700) inside Great Britain and, elsewhere, the UTM zone of the data's centroid
(``pyproj.database.query_utm_crs_info``), so distances are right wherever the data are.

The checks that catch coordinates which look right but are not (``check_points``):

- **0, 0** ("null island"): a placeholder for a missing location, never a place.
- **swapped**: a point outside the expected area that falls inside it once its two numbers are
  swapped (latitude written as longitude, or northing as easting).
- **outside**: a point outside the expected area (a ``Region``): the coordinate system's area of
  use, the United Kingdom, police.uk's coverage, or the partnership's loaded areas with a margin.

pyproj gives each CRS's area of use as a longitude/latitude box; British National Grid's box also
holds the island of Ireland, so ``GREAT_BRITAIN`` cuts out a coarse outline of Ireland.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info
from pyproj.exceptions import CRSError

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"
KM_PER_DEGREE = 111.32  # length of a degree of latitude (and of longitude at the equator)
PARTNERSHIP_MARGIN_KM = 100.0
MAX_EXTENT_KM = 300.0

__all__ = [
    "BNG", "WGS84", "CrsError", "GREAT_BRITAIN", "MAX_EXTENT_KM", "PARTNERSHIP_MARGIN_KM",
    "POLICE_UK_AREA", "PointCheck", "Region", "UNITED_KINGDOM", "area_of_use", "check_points",
    "crs_label", "degree_like", "describe_point", "extent_km", "from_crs", "in_bng_origin_sea",
    "in_great_britain", "look_like_degrees",
    "metric_crs", "parse_crs",
    "partnership_region", "project", "to_bng", "to_wgs84", "transformer",
]


class CrsError(ValueError):
    """A coordinate system that cannot be understood (not an EPSG code pyproj knows)."""


_EPSG = re.compile(r"^(?:EPSG:{1,2}|URN:OGC:DEF:CRS:EPSG:[0-9.]*:)?(\d{4,6})$")
_CRS84 = re.compile(r"^(?:URN:OGC:DEF:CRS:OGC:[0-9.]*:|OGC:)?CRS84$")


@lru_cache(maxsize=64)
def parse_crs(text: str | int) -> CRS:
    """The CRS of an EPSG code: ``4326``, ``EPSG:2157``, ``urn:ogc:def:crs:EPSG::3857``, or
    OGC's CRS84 (WGS84 longitude/latitude). Raises ``CrsError`` for anything else or a code
    pyproj does not know."""
    given = str(text).strip()
    upper = given.upper()
    if _CRS84.match(upper):
        return CRS.from_epsg(4326)
    match = _EPSG.match(upper)
    if not match:
        raise CrsError(f"{given!r} is not an EPSG code (give e.g. 4326, EPSG:27700 or "
                       "urn:ogc:def:crs:EPSG::3857)")
    try:
        return CRS.from_epsg(int(match.group(1)))
    except CRSError:
        raise CrsError(f"EPSG:{match.group(1)} is not a coordinate system pyproj knows") from None


def crs_label(crs: CRS | str) -> str:
    """``EPSG:27700 (OSGB36 / British National Grid)``."""
    crs = parse_crs(crs) if isinstance(crs, str) else crs
    code = crs.to_epsg()
    return f"EPSG:{code} ({crs.name})" if code else crs.name


def _code(crs: CRS | str) -> str:
    if isinstance(crs, str):
        return crs
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.to_wkt()


# The island of Ireland, coarsely: inside BNG's area-of-use box but not Great Britain. The
# outline keeps Kintyre, Galloway, Anglesey, Pembrokeshire, Scilly and Man on the GB side.
_IRELAND = shapely.Polygon([(-10.8, 51.2), (-6.2, 51.2), (-5.9, 52.2), (-5.9, 53.6), (-5.35, 54.2),
                            (-5.45, 54.8), (-5.95, 55.25), (-6.6, 55.5), (-10.8, 55.5)])
shapely.prepare(_IRELAND)


@dataclass(frozen=True)
class Region:
    """A longitude/latitude box (WGS84 degrees), less an optional excluded polygon. A box whose
    ``west`` is east of its ``east`` crosses the antimeridian (as some areas of use do)."""

    name: str
    west: float
    south: float
    east: float
    north: float
    exclude: shapely.Geometry | None = None

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each point is inside (NaN and infinite points are not)."""
        lon = np.asarray(lon, float)
        lat = np.asarray(lat, float)
        with np.errstate(invalid="ignore"):
            across = (lon >= self.west) | (lon <= self.east) if self.west > self.east else \
                (lon >= self.west) & (lon <= self.east)
            inside = across & (lat >= self.south) & (lat <= self.north)
        if self.exclude is not None and inside.any():
            where = np.flatnonzero(inside)
            inside[where] = ~shapely.contains_xy(self.exclude, lon[where], lat[where])
        return inside

    def buffered(self, km: float, name: str) -> Region:
        """The box widened by at least ``km`` on every side (longitude degrees reckoned at the
        edge furthest from the equator, where a km spans the most of them)."""
        widest = max(abs(self.south), abs(self.north))
        dlat = km / KM_PER_DEGREE
        dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(min(widest + dlat, 89.0))), 0.01))
        return Region(name, max(self.west - dlon, -180.0), max(self.south - dlat, -90.0),
                      min(self.east + dlon, 180.0), min(self.north + dlat, 90.0))


UNITED_KINGDOM = Region("the United Kingdom", -9.0, 49.7, 2.1, 61.0)
POLICE_UK_AREA = Region("England, Wales and Northern Ireland (police.uk's coverage)", -8.3, 49.8, 1.9, 55.9)


def area_of_use(crs: CRS | str) -> Region:
    """The CRS's area of use (pyproj), as a ``Region``; the whole world when none is recorded."""
    crs = parse_crs(crs) if isinstance(crs, str) else crs
    area = crs.area_of_use
    if area is None:
        return Region(f"the area of use of {crs_label(crs)}", -180.0, -90.0, 180.0, 90.0)
    west, south, east, north = area.bounds
    return Region(f"the area of use of {crs_label(crs)} ({area.name})", west, south, east, north)


def _great_britain() -> Region:
    box = area_of_use(BNG)
    return Region("Great Britain", box.west, box.south, box.east, box.north, exclude=_IRELAND)


GREAT_BRITAIN = _great_britain()


def partnership_region(bounds: tuple[float, float, float, float] | None, default: Region,
                       margin_km: float = PARTNERSHIP_MARGIN_KM) -> Region:
    """The partnership's area: the bounds (west, south, east, north) of its loaded areas widened
    by ``margin_km``, or ``default`` when no areas are loaded."""
    if bounds is None:
        return default
    box = Region("", *bounds)
    return box.buffered(margin_km, f"the partnership's area (its loaded areas and {margin_km:g} km around them)")


@lru_cache(maxsize=16)
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (degrees) to BNG easting/northing (metres); NaN stays NaN."""
    return project(lon, lat, BNG)


def to_wgs84(x: np.ndarray, y: np.ndarray, source: CRS | str = BNG) -> tuple[np.ndarray, np.ndarray]:
    """Projected x/y (metres; British National Grid unless ``source`` says otherwise) to WGS84
    lon/lat (degrees); NaN stays NaN."""
    return from_crs(x, y, source)


def from_crs(a: np.ndarray, b: np.ndarray, source: CRS | str) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in ``source`` (x then y; longitude then latitude) to WGS84 lon/lat. Points the
    transformation cannot reach come back infinite."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    if _code(source) == WGS84:
        return a.copy(), b.copy()
    lon, lat = transformer(_code(source), WGS84).transform(a, b)
    return _missing_stays_missing(a, b, lon, lat)


def project(lon: np.ndarray, lat: np.ndarray, target: CRS | str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat to ``target`` x/y (metres for a projected CRS); NaN stays NaN."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    x, y = transformer(WGS84, _code(target)).transform(lon, lat)
    return _missing_stays_missing(lon, lat, x, y)


def _missing_stays_missing(a: np.ndarray, b: np.ndarray, x: np.ndarray,
                           y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pyproj turns a missing (NaN) input into infinity; a point with no location must stay
    missing (NULL in the store), not become a point at infinity."""
    missing = np.isnan(a) | np.isnan(b)
    x = np.where(missing, np.nan, np.asarray(x, float))
    y = np.where(missing, np.nan, np.asarray(y, float))
    return x, y


def in_great_britain(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point is in Great Britain (British National Grid's area, less Ireland)."""
    return GREAT_BRITAIN.contains(lon, lat)


def metric_crs(lon: np.ndarray, lat: np.ndarray) -> CRS:
    """The projection for metric analysis of these points: British National Grid when every
    located point is in Great Britain, otherwise the WGS84 UTM zone of their centroid
    (``query_utm_crs_info``). Raises ``ValueError`` when no point is located."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    located = np.isfinite(lon) & np.isfinite(lat)
    if not located.any():
        raise ValueError("no located points to choose a projection for")
    lon, lat = lon[located], lat[located]
    if in_great_britain(lon, lat).all():
        return parse_crs(BNG)
    clon = _mean_longitude(lon)
    clat = float(np.mean(lat))
    found = query_utm_crs_info(datum_name="WGS 84",
                               area_of_interest=AreaOfInterest(clon, clat, clon, clat))
    zones = [z for z in found if z.name.endswith("N" if clat >= 0 else "S")] or found
    if not zones:  # only near the poles, where UTM is not defined
        raise ValueError(f"no UTM zone covers the points' centre ({clon:.4f}, {clat:.4f})")
    return CRS.from_epsg(int(zones[0].code))


def _mean_longitude(lon: np.ndarray) -> float:
    """Centre longitude, right across the antimeridian too (circular mean)."""
    radians = np.radians(lon)
    return float(np.degrees(np.arctan2(np.sin(radians).mean(), np.cos(radians).mean())))


def extent_km(lon: np.ndarray, lat: np.ndarray) -> float:
    """The widest span of the points in km: the larger of the north-south span and the east-west
    span along the parallel nearest the equator (degrees × 111.32 km, a few per cent exact)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.sum() < 2:
        return 0.0
    lon, lat = lon[ok], lat[ok]
    ns = float(lat.max() - lat.min()) * KM_PER_DEGREE
    spread = np.sort(np.mod(lon, 360.0))
    gaps = np.diff(np.concatenate([spread, [spread[0] + 360.0]]))
    width = 360.0 - float(gaps.max())  # the smallest arc holding every longitude
    nearest = float(np.min(np.abs(lat)))
    ew = width * KM_PER_DEGREE * math.cos(math.radians(nearest))
    return max(ns, ew)


@dataclass(frozen=True)
class PointCheck:
    """Which points are at 0, 0, look swapped, or lie outside the expected region (each point at
    most one of these; points without coordinates are none of them)."""

    null_island: NDArray[np.bool_]
    swapped: NDArray[np.bool_]
    outside: NDArray[np.bool_]

    @property
    def bad(self) -> NDArray[np.bool_]:
        return self.null_island | self.swapped | self.outside


def check_points(lon: np.ndarray, lat: np.ndarray, region: Region, *,
                 given: tuple[np.ndarray, np.ndarray] | None = None,
                 swapped: tuple[np.ndarray, np.ndarray] | None = None) -> PointCheck:
    """Check WGS84 points against ``region``.

    ``given`` are the numbers as written in the file (default: ``lon``, ``lat``): a point whose
    given numbers or whose lon/lat are both 0 is at "null island". ``swapped`` is where each point
    would be with its two given numbers exchanged, in WGS84 (default: ``lat``, ``lon``); a point
    outside the region whose swap is inside is named as swapped rather than merely outside.
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    a, b = (lon, lat) if given is None else (np.asarray(given[0], float), np.asarray(given[1], float))
    located = ~(np.isnan(a) | np.isnan(b))
    null = located & (((a == 0) & (b == 0)) | ((lon == 0) & (lat == 0)))
    inside = region.contains(lon, lat)
    swap_lon, swap_lat = (lat, lon) if swapped is None else swapped
    swaps = located & ~null & ~inside & region.contains(swap_lon, swap_lat)
    outside = located & ~null & ~inside & ~swaps
    return PointCheck(null, swaps, outside)


def look_like_degrees(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether numbers meant as metres (easting, northing) all look like longitude/latitude in
    degrees: every located pair has |a| <= 180 and |b| <= 90 (pairs at 0, 0 aside, which are
    placeholders). Read as metres such a set spans under ~360 m, so a projected CRS given it
    would analyse the wrong numbers silently. False when no pair is left to judge."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    located = np.isfinite(a) & np.isfinite(b) & ~((a == 0) & (b == 0))
    return bool(located.any()) and bool(np.all(degree_like(a, b)[located]))


def degree_like(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair: |a| <= 180 and |b| <= 90 and not 0, 0 (a placeholder, checked on its own):
    numbers meant as metres that look like longitude/latitude in degrees."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    with np.errstate(invalid="ignore"):
        like: NDArray[np.bool_] = (np.abs(a) <= 180.0) & (np.abs(b) <= 90.0) & ~((a == 0) & (b == 0))
    return like


DEGREES_AS_METRES = "look like longitude/latitude in degrees, not metres"

# British National Grid's false origin lies in the Celtic Sea south-west of the Isles of Scilly:
# eastings 0-70 km and northings 0-200 km (about 7.8-6.6 W, 49.8-51.6 N) are open sea, at least
# 10 km from Scilly (Bishop Rock is at easting 80.7 km) and 30 km from Ireland's south coast.
# Truncated or misplaced numbers (5995, 2255) land here, inside BNG's area of use.
BNG_ORIGIN_SEA = (0.0, 0.0, 70_000.0, 200_000.0)


def in_bng_origin_sea(easting: np.ndarray, northing: np.ndarray) -> np.ndarray:
    """Per point: British National Grid metres in the open sea around the grid's origin
    (``BNG_ORIGIN_SEA``), so not a place any UK partner records."""
    x0, y0, x1, y1 = BNG_ORIGIN_SEA
    e = np.asarray(easting, float)
    n = np.asarray(northing, float)
    with np.errstate(invalid="ignore"):
        sea: NDArray[np.bool_] = (e >= x0) & (e <= x1) & (n >= y0) & (n <= y1) & ~((e == 0) & (n == 0))
    return sea


def describe_point(kind: str, a: float, b: float, region: Region, *, geographic: bool = True) -> str:
    """The reason for a point found by ``check_points``, naming its numbers as given."""
    numbers = f"{a:.10g}, {b:.10g}"
    if kind == "null_island":
        return f"is at 0, 0 (a placeholder for a missing location, not a place): {numbers}"
    if kind == "swapped":
        pair = "latitude and longitude" if geographic else "easting and northing"
        return f"{pair} look swapped: {numbers} (swapped, the point is inside {region.name})"
    return f"is outside {region.name}: {numbers}"

"""An operation's place as shapes: the polygon drawn or imported for it, the store areas it
names, both in British National Grid metres for counting and buffers, WGS84 for the map.

A polygon is taken as GeoJSON (a geometry, a Feature or a FeatureCollection of polygons) and
checked by the PSPO zone reader, so operations and PSPO zones obey one set of rules: WGS84 or
British National Grid (EPSG:27700), named by the ``crs`` member or told by the coordinates; any
other named coordinate system refused by name; every polygon valid (not crossing itself) and
inside Great Britain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from saferplaces.apps.pspo.geometry import ZoneFileError, read_zones
from saferplaces.geo import to_bng

__all__ = ["GeometryError", "area_shape_bng", "parse_polygon", "to_bng_shape", "to_wgs84_json",
           "union_bng"]

class GeometryError(ValueError):
    """A polygon that cannot be used; the message says why, for the person who gave it."""


def _map(geometry: BaseGeometry, fn: Any) -> BaseGeometry:
    def convert(coords: np.ndarray) -> np.ndarray:
        a, b = fn(coords[:, 0], coords[:, 1])
        return np.column_stack([a, b])
    return shapely.transform(geometry, convert)


def to_bng_shape(geometry: BaseGeometry) -> BaseGeometry:
    """A WGS84 shape in BNG metres."""
    return _map(geometry, to_bng)


def parse_polygon(text: str | dict[str, Any]) -> dict[str, Any]:
    """The GeoJSON geometry (Polygon or MultiPolygon, WGS84) of what was given; raises
    :class:`GeometryError`.

    Read by the PSPO zone reader (``apps.pspo.geometry.read_zones``), so an operation's outline
    obeys the same rules as a PSPO zone's: WGS84 or British National Grid, each polygon valid
    (not crossing itself) and inside Great Britain; every refused polygon is named."""
    try:
        raw = text if isinstance(text, str) else json.dumps(text)
        zones, problems = read_zones(raw)
    except ZoneFileError as exc:
        raise GeometryError(f"{exc}.") from None
    except (TypeError, ValueError):  # not serialisable, or shapes shapely cannot read
        raise GeometryError("The polygon's geometry is malformed.") from None
    if problems:
        if len(zones) + len(problems) == 1:
            raise GeometryError(f"The polygon is refused: {problems[0].message}.")
        raise GeometryError("The polygon is refused: "
                            + "; ".join(f"polygon {p.feature}: {p.message}" for p in problems)
                            + ".")
    merged = shapely.union_all([shape(z.geometry) for z in zones])
    return to_wgs84_json(merged)


def to_wgs84_json(geometry: BaseGeometry) -> dict[str, Any]:
    """A WGS84 shape as a GeoJSON geometry, coordinates to about a metre."""
    rounded = shapely.set_precision(geometry, 1e-6)
    # through JSON, so it compares equal to what the database gives back (lists, not tuples)
    result: dict[str, Any] = json.loads(json.dumps(mapping(rounded)))
    return result


def area_shape_bng(geometry: dict[str, Any]) -> BaseGeometry:
    """A stored (WGS84 GeoJSON) geometry in BNG metres."""
    return shapely.make_valid(to_bng_shape(shape(geometry)))


def union_bng(geometries: Iterable[dict[str, Any]]) -> BaseGeometry | None:
    """The union of stored geometries in BNG metres; None when there are none."""
    shapes = [area_shape_bng(g) for g in geometries if g]
    return shapely.union_all(shapes) if shapes else None

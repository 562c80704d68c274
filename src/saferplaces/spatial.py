"""Which areas each incident falls in: shapely 2 STRtree, vectorised. No Django here.

Rule: an incident is in an area when its WGS84 point intersects the polygon (boundary included).
For LSOAs, a police.uk record's own ``LSOA code`` wins where that LSOA is loaded, because the
polygons are generalised and police.uk assigns the LSOA from the true location.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

__all__ = ["AreaIndex", "assign_points"]


@dataclass
class AreaIndex:
    ids: np.ndarray  # area ids
    kinds: np.ndarray  # area kind per area
    codes: np.ndarray  # area code per area
    geometries: np.ndarray  # shapely geometries, WGS84

    @classmethod
    def build(cls, ids: list[int], kinds: list[str], codes: list[str], geojson: list[dict]) -> AreaIndex:
        geometries = np.array([shapely.geometry.shape(g) for g in geojson], dtype=object)
        if len(geometries):
            shapely.prepare(geometries)
        return cls(np.asarray(ids, dtype=np.int64), np.asarray(kinds, dtype=object),
                   np.asarray(codes, dtype=object), geometries)

    def __len__(self) -> int:
        return len(self.ids)


def assign_points(index: AreaIndex, lon: np.ndarray, lat: np.ndarray,
                  lsoa_code: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point position, area id) for every point and every area it falls in."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if not len(index) or not len(lon):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    located = np.flatnonzero(~(np.isnan(lon) | np.isnan(lat)))
    points = shapely.points(lon[located], lat[located])
    tree = shapely.STRtree(index.geometries)
    point_pos, area_pos = tree.query(points, predicate="intersects")
    rows = located[point_pos]
    areas = area_pos
    is_lsoa = index.kinds == "lsoa"
    if lsoa_code is not None and is_lsoa.any():
        codes = np.asarray(lsoa_code, dtype=object)
        lsoa_positions = {code: pos for pos, code in enumerate(index.codes) if is_lsoa[pos]}
        by_code = np.array([lsoa_positions.get(c, -1) if c else -1 for c in codes], dtype=np.int64)
        has_code = by_code >= 0
        # drop geometric LSOA matches for rows whose own code names a loaded LSOA, then add the coded ones
        keep = ~(is_lsoa[areas] & has_code[rows])
        rows, areas = rows[keep], areas[keep]
        coded = np.flatnonzero(has_code)
        rows = np.concatenate([rows, coded])
        areas = np.concatenate([areas, by_code[coded]])
    order = np.lexsort((areas, rows))
    return rows[order].astype(np.int64), index.ids[areas[order]]

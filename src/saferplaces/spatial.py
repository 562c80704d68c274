"""Which areas each incident falls in: shapely 2 STRtree, vectorised. No Django here.

Rule: an incident is in an area when its WGS84 point intersects the polygon (boundary included).
For LSOAs, a police.uk record's own ``LSOA code`` wins where that LSOA is loaded, because the
polygons are generalised and police.uk assigns the LSOA from the true location.

police.uk snaps every location to one of a limited set of anonymous map points, so a month of a
force's data has many times fewer distinct points than rows: each distinct point is tested once
and its areas handed to every row at that point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
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


def _point_areas(index: AreaIndex, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point position, area position) for every located point and every area it is in,
    each distinct point tested once."""
    located = np.flatnonzero(~(np.isnan(lon) | np.isnan(lat)))
    if not located.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    codes, distinct = pd.factorize(lon[located] + 1j * lat[located])
    points = shapely.points(distinct.real, distinct.imag)
    point_pos, area_pos = shapely.STRtree(index.geometries).query(points, predicate="intersects")
    # rows of each distinct point, grouped: rows_by_point[starts[k]:starts[k] + counts[k]]
    rows_by_point = located[np.argsort(codes, kind="stable")]
    counts = np.bincount(codes, minlength=len(distinct))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    repeat = counts[point_pos]
    total = int(repeat.sum())
    within = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    rows = rows_by_point[np.repeat(starts[point_pos], repeat) + within]
    return rows.astype(np.int64), np.repeat(area_pos, repeat).astype(np.int64)


def assign_points(index: AreaIndex, lon: np.ndarray, lat: np.ndarray,
                  lsoa_code: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point position, area id) for every point and every area it falls in, ordered by
    point position then by the area's position in ``index``."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if not len(index) or not len(lon):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows, areas = _point_areas(index, lon, lat)
    is_lsoa = index.kinds == "lsoa"
    if lsoa_code is not None and is_lsoa.any():
        lsoa_positions = {code: pos for pos, code in enumerate(index.codes) if is_lsoa[pos]}
        code_of_row, distinct_codes = pd.factorize(pd.Series(lsoa_code, copy=False))
        positions = np.array([lsoa_positions.get(c, -1) if c else -1 for c in distinct_codes],
                             dtype=np.int64)
        by_code = np.where(code_of_row >= 0, positions[code_of_row] if len(positions) else -1, -1)
        has_code = by_code >= 0
        # drop geometric LSOA matches for rows whose own code names a loaded LSOA, then add the coded ones
        keep = ~(is_lsoa[areas] & has_code[rows])
        rows, areas = rows[keep], areas[keep]
        coded = np.flatnonzero(has_code)
        rows = np.concatenate([rows, coded])
        areas = np.concatenate([areas, by_code[coded]])
    order = np.argsort(rows * len(index) + areas, kind="stable")
    return rows[order].astype(np.int64), index.ids[areas[order]]

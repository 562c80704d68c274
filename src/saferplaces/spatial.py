"""Which areas each incident falls in: shapely 2 STRtree, vectorised. No Django here.

Rule: an incident is in an area when its WGS84 point intersects the polygon (boundary included),
but a point is never counted twice in one kind of area because it lies on an edge: of the areas of
one kind it touches, those it lies inside (not on the edge) win; a point only on edges goes to the
one with the lowest code (``_edges_to_one_area``). Areas of one kind drawn to overlap keep the
points inside both; areas of different kinds are independent.
For LSOAs, a police.uk record's own ``LSOA code`` wins where that LSOA is loaded, because the
polygons are generalised and police.uk assigns the LSOA from the true location.

police.uk snaps every location to one of a limited set of anonymous map points, so a month of a
force's data has many times fewer distinct points than rows: each distinct point is tested once
and its areas handed to every row at that point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

__all__ = ["AreaIndex", "assign_points"]


@dataclass
class AreaIndex:
    ids: NDArray[np.int64]  # area ids
    kinds: NDArray[np.object_]  # area kind per area
    codes: NDArray[np.object_]  # area code per area
    geometries: NDArray[np.object_]  # shapely geometries, WGS84

    @classmethod
    def build(
        cls, ids: list[int], kinds: list[str], codes: list[str], geojson: list[dict[str, Any]]
    ) -> AreaIndex:
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
    point_pos, area_pos = _edges_to_one_area(index, distinct.real, distinct.imag, point_pos, area_pos)
    # rows of each distinct point, grouped: rows_by_point[starts[k]:starts[k] + counts[k]]
    rows_by_point = located[np.argsort(codes, kind="stable")]
    counts = np.bincount(codes, minlength=len(distinct))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    repeat = counts[point_pos]
    total = int(repeat.sum())
    within = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    rows = rows_by_point[np.repeat(starts[point_pos], repeat) + within]
    return rows.astype(np.int64), np.repeat(area_pos, repeat).astype(np.int64)


def _edges_to_one_area(index: AreaIndex, lon: np.ndarray, lat: np.ndarray, point_pos: np.ndarray,
                       area_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the pairs (point position, area position) that would count a point twice in one kind
    of area because it lies on an edge: where a point touches several areas of one kind, only the
    areas it is strictly inside are kept (``shapely.contains_xy``, edges excluded); a point on
    edges only keeps the area with the lowest code. Pairs come back in their given order."""
    if not point_pos.size:
        return point_pos, area_pos
    kind_of_pair, kinds = pd.factorize(pd.Series(index.kinds[area_pos], copy=False))
    key = point_pos.astype(np.int64) * max(len(kinds), 1) + kind_of_pair
    shared = pd.Series(key, copy=False).duplicated(keep=False).to_numpy()
    if not shared.any():
        return point_pos, area_pos
    where = np.flatnonzero(shared)
    inside = np.zeros(len(key), bool)
    inside[where] = shapely.contains_xy(index.geometries[area_pos[where]], lon[point_pos[where]],
                                        lat[point_pos[where]])
    inside_any = pd.Series(inside, copy=False).groupby(key).transform("any").to_numpy()
    keep = ~shared | inside  # a touching point keeps the areas it is inside, if any
    on_edges_only = np.flatnonzero(shared & ~inside_any)
    if on_edges_only.size:
        codes = index.codes[area_pos[on_edges_only]].astype(str)
        order = on_edges_only[np.lexsort((codes, key[on_edges_only]))]
        first = np.concatenate([[True], key[order][1:] != key[order][:-1]])
        keep[order[first]] = True
    return point_pos[keep], area_pos[keep]


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

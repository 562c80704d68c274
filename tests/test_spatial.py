"""Area assignment: rows sharing a map point are tested once and get that point's areas."""

from __future__ import annotations

import numpy as np
import shapely

from saferplaces.spatial import AreaIndex, assign_points


def square(lon0: float, lat0: float, size: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size],
                                                [lon0, lat0 + size], [lon0, lat0]]]}


def one_per_kind_on_edges(shapes, kinds, codes, position, point) -> bool:
    """The point-by-point rule: in an area it intersects, unless it is only on that area's edge
    while inside another area of the kind, or on edges only and another touched area of the kind
    has a lower code."""
    if not shapes[position].intersects(point):
        return False
    same = [k for k in range(len(shapes)) if kinds[k] == kinds[position] and shapes[k].intersects(point)]
    inside = [k for k in same if shapes[k].contains(point)]
    if inside:
        return position in inside
    return codes[position] == min(codes[k] for k in same)


def test_rows_sharing_map_points_get_the_areas_a_point_by_point_check_gives():
    rng = np.random.default_rng(7)
    geometries = [square(0.0, 0.0, 0.5), square(0.25, 0.25, 0.5), square(0.5, 0.0, 0.5),  # overlapping
                  square(0.0, 0.0, 0.5), square(0.5, 0.5, 0.5)]
    kinds = ["ward", "ward", "lsoa", "lsoa", "custom"]
    codes = ["W1", "W2", "L1", "L2", "C1"]
    index = AreaIndex.build([11, 12, 13, 14, 15], kinds, codes, geometries)
    points = np.round(rng.uniform(-0.1, 1.1, (40, 2)), 3)
    points[0] = [0.5, 0.25]  # on shared edges
    pick = rng.integers(0, len(points), 2000)
    lon, lat = points[pick, 0].copy(), points[pick, 1].copy()
    lon[::97] = lat[::97] = np.nan  # no location
    lsoa_code = rng.choice(np.array(["", "L1", "L2", "E01999999"], dtype=object), len(lon))

    rows, area_ids = assign_points(index, lon, lat, lsoa_code)

    shapes = [shapely.geometry.shape(g) for g in geometries]
    expected = []
    for row in range(len(lon)):
        coded = lsoa_code[row] in ("L1", "L2")
        for position in range(len(shapes)):
            if kinds[position] == "lsoa" and coded:
                inside = codes[position] == lsoa_code[row]  # a loaded LSOA named by the row wins
            else:
                inside = not np.isnan(lon[row]) and one_per_kind_on_edges(shapes, kinds, codes, position,
                                                                          shapely.Point(lon[row], lat[row]))
            if inside:
                expected.append((row, 11 + position))
    assert list(zip(rows.tolist(), area_ids.tolist(), strict=True)) == expected
    assert len(expected) > 1000


def test_no_points_and_no_areas_give_no_pairs():
    index = AreaIndex.build([1], ["ward"], ["W"], [square(0, 0, 1)])
    for lon, lat in ([], []), ([np.nan], [np.nan]):
        rows, areas = assign_points(index, np.array(lon), np.array(lat))
        assert rows.size == areas.size == 0
    empty = AreaIndex.build([], [], [], [])
    assert assign_points(empty, np.array([0.5]), np.array([0.5]))[0].size == 0

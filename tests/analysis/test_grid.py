"""Grids in BNG metres: default cell size, stray points, cell counts, hexagons."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

from saferplaces.analysis.grid import (
    Grid,
    GridTooLargeError,
    count_points,
    default_cell_size,
    make_grid,
    robust_bounds,
)

# A town-sized window around Colchester, in BNG metres.
X0, Y0 = 595_000.0, 220_000.0


def uniform_points(n: int, width: float, height: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return X0 + rng.uniform(0, width, n), Y0 + rng.uniform(0, height, n)


def test_default_cell_size_is_short_side_over_50_rounded_down_to_100m():
    # short side 12,345 m -> 246.9 m -> 200 m (sfhotspot's set_cell_size)
    assert default_cell_size((0.0, 0.0, 20_000.0, 12_345.0)) == 200.0
    assert default_cell_size((0.0, 0.0, 9_999.0, 30_000.0)) == 100.0
    assert default_cell_size((0.0, 0.0, 50_000.0, 50_000.0)) == 1_000.0


def test_small_or_degenerate_area_gets_the_100m_minimum():
    assert default_cell_size((0.0, 0.0, 3_000.0, 4_000.0)) == 100.0  # 60 m would round to 0
    assert default_cell_size((5.0, 5.0, 5.0, 5.0)) == 100.0
    g = make_grid(np.array([X0, X0]), np.array([Y0, Y0]))
    assert g.cell_size == 100.0
    assert g.n_cells == 1
    assert count_points(g, [X0, X0], [Y0, Y0]).tolist() == [2]


def test_default_grid_over_a_town_uses_the_rule():
    x, y = uniform_points(4_000, 9_000, 6_000, seed=1)
    g = make_grid(x, y)
    assert g.cell_size == 100.0  # 6 km / 50 = 117 m -> 100 m
    x, y = uniform_points(4_000, 30_000, 16_000, seed=2)
    assert make_grid(x, y).cell_size == 300.0  # ~16 km / 50 = ~319 m -> 300 m


def test_uniform_points_are_all_kept_by_the_robust_bounds():
    x, y = uniform_points(10_000, 5_000, 4_000, seed=3)
    g = make_grid(x, y, cell_size=100)
    assert g.n_points == 10_000
    assert g.n_outside == 0
    assert count_points(g, x, y).sum() == 10_000


def test_stray_far_away_points_are_dropped_and_counted():
    x, y = uniform_points(5_000, 5_000, 5_000, seed=4)
    # three mis-geocoded records: a 0,0 default, one in Scotland, one with a typo in the easting
    x = np.concatenate([x, [0.0, 325_000.0, X0 + 2_500 + 90_000]])
    y = np.concatenate([y, [0.0, 673_000.0, Y0 + 2_500]])
    g = make_grid(x, y, cell_size=100)
    xmin, ymin, xmax, ymax = g.extent
    assert xmax - xmin <= 5_700 and ymax - ymin <= 5_700  # 5 km + 5% margins + snapping
    assert g.n_outside == 3
    assert count_points(g, x, y).sum() == 5_000
    assert (g.locate(x, y) < 0).sum() == 3


def test_robust_bounds_never_reach_beyond_the_data():
    x, y = uniform_points(1_000, 2_000, 1_000, seed=5)
    xmin, ymin, xmax, ymax = robust_bounds(x, y)
    assert (xmin, ymin, xmax, ymax) == (x.min(), y.min(), x.max(), y.max())


def test_grid_above_max_cells_is_refused_with_advice():
    x, y = uniform_points(100, 50_000, 50_000, seed=6)
    with pytest.raises(GridTooLargeError, match="max_cells=10,000.*larger cell_size"):
        make_grid(x, y, cell_size=100, max_cells=10_000)
    with pytest.raises(GridTooLargeError):
        make_grid(bounds=(0, 0, 1e6, 1e6), cell_size=10)


def test_square_counts_match_numpy_histogram2d():
    x, y = uniform_points(20_000, 4_321, 2_987, seed=7)
    g = make_grid(x, y, cell_size=150)
    xmin, ymin, _, _ = g.extent
    xe = xmin + 150 * np.arange(g.ncols + 1)
    ye = ymin + 150 * np.arange(g.nrows + 1)
    hist, _, _ = np.histogram2d(y, x, bins=[ye, xe])  # rows = northing, cols = easting
    assert np.array_equal(count_points(g, x, y), hist.astype(np.int64).ravel())


def test_square_grid_origin_is_snapped_to_the_cell_size():
    g = make_grid(bounds=(595_037.0, 220_081.0, 596_000.0, 221_000.0), cell_size=200)
    assert (g.x0, g.y0) == (595_000.0, 220_000.0)
    assert g.extent[2] >= 596_000.0 and g.extent[3] >= 221_000.0


def test_point_on_an_edge_belongs_to_the_cell_east_and_north_inside_the_grid():
    g = Grid(kind="square", x0=0.0, y0=0.0, cell_size=100.0, nrows=2, ncols=2)
    assert g.locate([100.0, 50.0, 100.0], [50.0, 100.0, 100.0]).tolist() == [1, 2, 3]
    assert g.locate([200.0, 200.0], [0.0, 200.0]).tolist() == [1, 3]  # the grid's own edges
    assert g.locate([-0.1, 200.5, np.nan], [50.0, 50.0, 50.0]).tolist() == [-1, -1, -1]


def test_a_5km_box_of_100m_cells_is_50_by_50_and_keeps_its_corner_points():
    g = make_grid(bounds=(X0, Y0, X0 + 5_000, Y0 + 5_000), cell_size=100)
    assert g.shape == (50, 50)
    assert g.locate([X0 + 5_000, X0], [Y0 + 5_000, Y0]).tolist() == [2_499, 0]
    assert g.locate([X0 + 5_000.01], [Y0]).tolist() == [-1]


def test_cell_centres_and_polygons_of_a_square_grid():
    g = Grid(kind="square", x0=1000.0, y0=2000.0, cell_size=100.0, nrows=2, ncols=3)
    cx, cy = g.centres
    assert cx.tolist() == [1050, 1150, 1250, 1050, 1150, 1250]
    assert cy.tolist() == [2050, 2050, 2050, 2150, 2150, 2150]
    poly = g.polygons([4])[0]
    assert poly.bounds == (1100.0, 2100.0, 1200.0, 2200.0)
    assert shapely.Polygon(g.vertices([4])[0]).exterior.is_ccw


def test_hex_points_go_to_the_nearest_cell_centre():
    x, y = uniform_points(30_000, 3_000, 2_000, seed=8)
    g = make_grid(x, y, cell_size=120, kind="hex")
    idx = g.locate(x, y)
    assert (idx >= 0).all()  # the hex grid covers its bounds
    cx, cy = g.centres
    _, nearest = cKDTree(np.column_stack([cx, cy])).query(np.column_stack([x, y]))
    assert np.array_equal(idx, nearest)


def test_hexagons_have_the_stated_size_and_six_neighbours_at_one_cell_size():
    g = make_grid(bounds=(X0, Y0, X0 + 2_000, Y0 + 2_000), cell_size=100, kind="hex")
    polys = g.polygons()
    assert np.allclose(shapely.area(polys), g.cell_area)
    assert math.isclose(g.cell_area, math.sqrt(3) / 2 * 100**2)
    cx, cy = g.centres
    assert shapely.contains_xy(polys, cx, cy).all()
    d, _ = cKDTree(np.column_stack([cx, cy])).query(np.column_stack([cx, cy]), k=7)
    interior = (g.rows_cols()[0] > 0) & (g.rows_cols()[0] < g.nrows - 1) \
        & (g.rows_cols()[1] > 0) & (g.rows_cols()[1] < g.ncols - 1)
    assert np.allclose(d[interior, 1:], 100.0)
    # neighbouring hexagons share an edge and do not overlap
    i = int(np.flatnonzero(interior)[0])
    j = int(np.flatnonzero(np.isclose(np.hypot(cx - cx[i], cy - cy[i]), 100.0))[0])
    assert shapely.intersection(polys[i], polys[j]).area < 1e-6
    assert math.isclose(shapely.intersection(polys[i], polys[j]).length, 100 / math.sqrt(3))


def test_weighted_counts_sum_the_weights_per_cell():
    g = Grid(kind="square", x0=0.0, y0=0.0, cell_size=10.0, nrows=1, ncols=2)
    got = count_points(g, [1.0, 2.0, 15.0, 99.0], [1.0, 1.0, 1.0, 1.0],
                       weights=[0.5, 2.0, 7.0, 100.0])
    assert got.tolist() == [2.5, 7.0]


def test_missing_coordinates_are_dropped_and_counted():
    x, y = uniform_points(500, 1_000, 1_000, seed=9)
    x[:7] = np.nan
    g = make_grid(x, y, cell_size=100)
    assert g.n_outside == 7
    assert count_points(g, x, y).sum() == 493


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="kind"):
        make_grid(bounds=(0, 0, 1, 1), kind="triangle")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cell_size"):
        make_grid(bounds=(0, 0, 1000, 1000), cell_size=0)
    with pytest.raises(ValueError, match="points"):
        make_grid()
    with pytest.raises(ValueError, match="finite"):
        make_grid(np.array([np.nan]), np.array([np.nan]))

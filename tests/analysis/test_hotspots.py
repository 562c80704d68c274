"""hotspots(): planted hotspots are recovered; GeoJSON and CSV carry the cells and parameters."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from saferplaces.analysis.hotspots import choose_p_value, hotspots
from saferplaces.geo import to_wgs84

X0, Y0 = 595_000.0, 220_000.0
BOUNDS = (X0, Y0, X0 + 4_999, Y0 + 4_999)


def planted_town(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """2,000 uniform incidents in 5 x 5 km plus 5 dense blobs (120 incidents, sd 80 m)."""
    rng = np.random.default_rng(seed)
    centres = np.column_stack([rng.uniform(500, 4_500, 5), rng.uniform(500, 4_500, 5)])
    x = [rng.uniform(0, 5_000, 2_000)] + [rng.normal(cx, 80, 120) for cx, _ in centres]
    y = [rng.uniform(0, 5_000, 2_000)] + [rng.normal(cy, 80, 120) for _, cy in centres]
    return np.concatenate(x) + X0, np.concatenate(y) + Y0, centres + (X0, Y0)


def distance_to_blobs(result, centres: np.ndarray) -> np.ndarray:
    cx, cy = result.grid.centres
    return np.min(np.hypot(cx[:, None] - centres[:, 0], cy[:, None] - centres[:, 1]), axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_hotspots_are_recovered_with_few_false_ones(seed):
    x, y, centres = planted_town(seed)
    got = hotspots(x, y, method="gistar", bounds=BOUNDS, seed=seed)
    assert got.grid.cell_size == 100.0
    d = distance_to_blobs(got, centres)
    planted = d <= 120  # the blob's core cells
    far = d > 350
    hot = got.hotspot == "hotspot"
    assert hot[planted].mean() >= 0.9
    assert hot[far].sum() <= 0.005 * far.sum()


def test_planted_hotspots_are_recovered_with_permutation_p_values_too():
    x, y, centres = planted_town(seed=3)
    got = hotspots(x, y, method="gistar", bounds=BOUNDS, permutations=99_999,
                   p_value="permutation", seed=3)
    assert got.parameters["gistar"]["p_source"] == "permutation"
    d = distance_to_blobs(got, centres)
    hot = got.hotspot == "hotspot"
    assert hot[d <= 120].mean() >= 0.9
    assert hot[d > 350].sum() == 0


def test_auto_p_values_fall_back_to_normal_when_permutations_cannot_reach_fdr():
    assert choose_p_value(2_500, 999, 0.05, "two-sided", "auto")[0] == "normal"
    assert choose_p_value(2_500, 99_999, 0.05, "two-sided", "auto")[0] == "permutation"
    assert choose_p_value(100, 999, 0.05, "two-sided", "auto")[0] == "permutation"
    with pytest.raises(ValueError, match="permutations > 0"):
        choose_p_value(100, 0, 0.05, "two-sided", "permutation")


def test_geojson_has_wgs84_cell_polygons_properties_and_parameters():
    x, y, _ = planted_town(seed=4)
    got = hotspots(x, y, method="gistar", bounds=BOUNDS, permutations=199, seed=4)
    gj = json.loads(json.dumps(got.to_geojson(), allow_nan=False))
    assert gj["type"] == "FeatureCollection"
    assert len(gj["features"]) == got.grid.n_cells
    params = gj["parameters"]
    assert params["cell_size_m"] == 100.0
    assert params["kde"]["kernel"] == "quartic" and params["kde"]["bandwidth_m"] >= 100
    assert params["gistar"]["permutations"] == 199 and params["gistar"]["seed"] == 4
    assert params["gistar"]["weights"]["distance_m"] == pytest.approx(100 * np.sqrt(2))
    assert any("Getis & Ord 1992" in ref for ref in params["references"])
    feature = gj["features"][1234]
    props = feature["properties"]
    assert set(props) >= {"count", "density", "gi_z", "p", "p_fdr", "hotspot"}
    assert props["count"] == int(got.counts[1234])
    assert props["gi_z"] == pytest.approx(got.z[1234])
    ring = np.array(feature["geometry"]["coordinates"][0])
    assert ring.shape == (5, 2) and (ring[0] == ring[-1]).all()
    assert shapely.Polygon(ring).exterior.is_ccw
    lon, lat = to_wgs84(*got.grid.centres)
    assert shapely.Polygon(ring).contains(shapely.Point(lon[1234], lat[1234]))
    assert ring[:, 0].min() > -1 and 51 < ring[:, 1].min() < 52  # Colchester


def test_geojson_without_empty_cells_keeps_counted_and_significant_cells():
    x, y, _ = planted_town(seed=5)
    got = hotspots(x, y, method="gistar", bounds=BOUNDS, permutations=99, seed=5)
    gj = got.to_geojson(include_empty=False)
    kept = [f["id"] for f in gj["features"]]
    expected = np.flatnonzero((got.counts > 0) | (got.hotspot != "not significant"))
    assert kept == expected.tolist()


def test_csv_has_centres_in_bng_and_wgs84_and_the_same_properties(tmp_path):
    x, y, _ = planted_town(seed=6)
    got = hotspots(x, y, method="gistar", bounds=BOUNDS, permutations=99, seed=6)
    path = got.write_csv(tmp_path / "cells.csv")
    frame = pd.read_csv(path)
    assert list(frame.columns[:7]) == ["cell", "row", "col", "x", "y", "lon", "lat"]
    assert len(frame) == got.grid.n_cells
    assert frame["count"].sum() == len(x)
    assert np.allclose(frame["gi_z"], got.z)
    assert set(frame["hotspot"]) <= {"hotspot", "coldspot", "not significant"}
    gj_path = got.write_geojson(tmp_path / "cells.geojson", include_empty=False)
    assert json.loads(gj_path.read_text())["parameters"]["method"] == "gistar"


def test_kde_method_gives_a_surface_and_no_labels():
    x, y, centres = planted_town(seed=7)
    got = hotspots(x, y, method="kde", kernel="gaussian", bandwidth=150, bounds=BOUNDS)
    assert got.z is None and got.hotspot is None
    peak = int(np.argmax(got.density_per_km2))
    assert distance_to_blobs(got, centres)[peak] < 150
    assert got.parameters["kde"]["bandwidth_m"] == 150
    props = got.to_geojson()["features"][0]["properties"]
    assert props["gi_z"] is None and props["hotspot"] is None
    assert got.to_dict()["summary"]["incidents_counted"] == len(x)


def test_hexagonal_grid_with_knn_weights():
    x, y, centres = planted_town(seed=8)
    got = hotspots(x, y, method="gistar", grid_type="hex", weights="knn", bounds=BOUNDS,
                   permutations=99, seed=8)
    assert got.parameters["gistar"]["weights"]["k"] == 6
    d = distance_to_blobs(got, centres)
    assert (got.hotspot[d <= 100] == "hotspot").mean() >= 0.9
    ring = got.to_geojson()["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 7


def test_stray_points_are_reported_not_gridded():
    x, y, _ = planted_town(seed=9)
    x = np.append(x, [0.0, 0.0])
    y = np.append(y, [0.0, 0.0])
    got = hotspots(x, y, method="gistar", permutations=99)
    assert got.parameters["n_outside"] == 2
    assert got.summary()["incidents_outside_grid"] == 2
    assert got.grid.n_cells < 10_000

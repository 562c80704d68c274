"""Coordinate systems: reading EPSG codes, choosing the projection for distances, checking points."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from saferplaces import geo
from saferplaces.analysis.hotspots import hotspots

COLCHESTER = (0.9012, 51.8931)


@pytest.mark.parametrize(("given", "code"), [
    ("4326", 4326), ("EPSG:2157", 2157), ("epsg:32633", 32633), (27700, 27700),
    ("urn:ogc:def:crs:EPSG::3857", 3857), ("urn:ogc:def:crs:EPSG:6.6:27700", 27700),
    ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326), ("CRS84", 4326),
])
def test_any_epsg_code_is_read_in_its_usual_spellings(given, code):
    assert geo.parse_crs(given).to_epsg() == code


@pytest.mark.parametrize(("given", "message"), [
    ("999999", "not a coordinate system pyproj knows"),
    ("EPSG:1", "not an EPSG code"),
    ("+proj=longlat", "not an EPSG code"),
    ("british grid", "not an EPSG code"),
])
def test_an_unknown_coordinate_system_is_refused_clearly(given, message):
    with pytest.raises(geo.CrsError, match=message):
        geo.parse_crs(given)


def test_british_national_grid_is_used_inside_great_britain():
    lon = np.array([0.90, -5.80, -4.50, -6.40, -3.19])  # Colchester, Kintyre, Man, Scilly, Edinburgh
    lat = np.array([51.89, 55.29, 54.20, 49.90, 55.95])
    assert geo.in_great_britain(lon, lat).all()
    assert geo.metric_crs(lon, lat).to_epsg() == 27700


@pytest.mark.parametrize(("lon", "lat", "zone"), [
    (-6.26, 53.35, 32629),  # Dublin: inside BNG's area-of-use box, but not Great Britain
    (-6.15, 55.22, 32629),  # Fair Head, Northern Ireland
    (2.35, 48.86, 32631),   # Paris
    (151.21, -33.87, 32756),  # Sydney: southern hemisphere
    (-74.01, 40.71, 32618),  # New York
])
def test_outside_great_britain_the_utm_zone_of_the_centroid_is_used(lon, lat, zone):
    points_lon = lon + np.array([-0.01, 0.0, 0.01])
    points_lat = lat + np.array([0.0, 0.01, -0.01])
    assert not geo.in_great_britain(points_lon, points_lat).any()
    assert geo.metric_crs(points_lon, points_lat).to_epsg() == zone


def test_points_either_side_of_the_antimeridian_get_a_zone_near_it():
    crs = geo.metric_crs(np.array([179.9, -179.9]), np.array([-17.0, -17.0]))
    assert crs.to_epsg() in (32701, 32760)


@pytest.mark.parametrize(("lon", "lat"), [(0.90, 51.89), (-6.26, 53.35), (151.21, -33.87), (-74.01, 40.71)])
def test_distances_in_the_chosen_projection_match_the_ellipsoid(lon, lat):
    """A 2 km separation measured in the chosen projection agrees with the geodesic to 0.1 %."""
    lons = np.array([lon, lon + 0.02])
    lats = np.array([lat, lat + 0.01])
    x, y = geo.project(lons, lats, geo.metric_crs(lons, lats))
    planar = float(np.hypot(x[1] - x[0], y[1] - y[0]))
    _, _, geodesic = Geod(ellps="WGS84").inv(lons[0], lats[0], lons[1], lats[1])
    assert planar == pytest.approx(geodesic, rel=1e-3)


def test_a_hotspot_grid_outside_britain_is_drawn_back_where_the_points_are():
    rng = np.random.default_rng(3)
    lon = 16.37 + rng.normal(0, 0.01, 300)  # Vienna
    lat = 48.21 + rng.normal(0, 0.01, 300)
    crs = geo.metric_crs(lon, lat)
    x, y = geo.project(lon, lat, crs)
    result = hotspots(x, y, method="kde", crs=f"EPSG:{crs.to_epsg()}")
    assert result.parameters["crs_analysis"] == "EPSG:32633"
    table = result.to_frame()
    assert table["lon"].between(16.2, 16.55).all() and table["lat"].between(48.1, 48.35).all()
    busiest = table.loc[table["density"].idxmax()]
    assert busiest["lon"] == pytest.approx(16.37, abs=0.02) and busiest["lat"] == pytest.approx(48.21, abs=0.02)


def test_null_island_swaps_and_strays_are_told_apart():
    lon = np.array([COLCHESTER[0], 0.0, COLCHESTER[1], 2.35, np.nan])
    lat = np.array([COLCHESTER[1], 0.0, COLCHESTER[0], 48.86, np.nan])
    check = geo.check_points(lon, lat, geo.UNITED_KINGDOM)
    assert check.null_island.tolist() == [False, True, False, False, False]
    assert check.swapped.tolist() == [False, False, True, False, False]
    assert check.outside.tolist() == [False, False, False, True, False]


def test_a_swap_is_named_with_the_numbers_as_given():
    reason = geo.describe_point("swapped", 51.8931, 0.9012, geo.UNITED_KINGDOM)
    assert reason.startswith("latitude and longitude look swapped: 51.8931, 0.9012")


def test_the_partnership_area_is_its_areas_widened_by_the_margin():
    region = geo.partnership_region((0.80, 51.80, 1.00, 51.95), geo.UNITED_KINGDOM)
    assert region.south == pytest.approx(51.80 - 100 / 111.32)
    # Southend (about 40 km) and London (about 70 km) are inside; Birmingham (about 190 km) is not
    inside = region.contains(np.array([0.71, -0.13, -1.90]), np.array([51.54, 51.51, 52.48]))
    assert inside.tolist() == [True, True, False]
    assert geo.partnership_region(None, geo.UNITED_KINGDOM) is geo.UNITED_KINGDOM  # no areas loaded


def test_extent_is_measured_in_kilometres_and_across_the_antimeridian():
    assert geo.extent_km(np.array([0.9, 0.9]), np.array([51.0, 52.0])) == pytest.approx(111.32)
    assert geo.extent_km(np.array([179.9, -179.9]), np.array([0.0, 0.0])) == pytest.approx(22.26, rel=1e-3)
    assert geo.extent_km(np.array([0.9, 51.9]), np.array([51.9, 0.9])) > geo.MAX_EXTENT_KM


def test_storage_helpers_keep_their_british_national_grid_meaning():
    x, y = geo.to_bng(np.array([COLCHESTER[0]]), np.array([COLCHESTER[1]]))
    assert 599_000 < x[0] < 601_000 and 225_000 < y[0] < 227_000
    lon, lat = geo.to_wgs84(x, y)
    assert lon[0] == pytest.approx(COLCHESTER[0], abs=1e-7) and lat[0] == pytest.approx(COLCHESTER[1], abs=1e-7)


def test_a_missing_point_stays_missing_through_every_projection():
    from saferplaces.geo import from_crs, project, to_bng

    lon = np.array([np.nan, 0.9012])
    lat = np.array([np.nan, 51.8931])
    for x, y in (to_bng(lon, lat), project(lon, lat, "EPSG:32631")):
        assert np.isnan(x[0]) and np.isnan(y[0])
        assert np.isfinite(x[1]) and np.isfinite(y[1])
    back = from_crs(np.array([np.nan, 600000.0]), np.array([np.nan, 226000.0]), "EPSG:27700")
    assert np.isnan(back[0][0]) and np.isfinite(back[0][1])

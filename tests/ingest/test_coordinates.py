"""Coordinates at ingest: null island, swapped latitude/longitude, points far from the partnership,
and boundary files in other coordinate systems (police.uk, partner CSVs, GeoJSON; SQLite and
PostgreSQL for the store's partnership area)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from saferplaces import geo
from saferplaces.ingest import mapped, policeuk
from saferplaces.ingest.boundaries import read_boundaries
from saferplaces.ingest.errors import IngestError
from tests.conftest import COLCHESTER_ROWS, DATA, write_police_csv

CRS_CASE = DATA / "cases" / "geojson-crs-member"
SWAP_CASE = DATA / "cases" / "swapped-and-null-island"
COLCHESTER_BOUNDS = (0.80, 51.80, 1.00, 51.95)


def police_rows(lon: str, lat: str) -> list[list[str]]:
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[4][4], rows[4][5] = lon, lat
    return rows


def parse_police(tmp_path: Path, rows: list[list[str]], **kwargs) -> policeuk.ParsedFile:
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    return policeuk.parse(path.read_bytes(), str(path), **kwargs)


def fires_mapping() -> mapped.Mapping:
    return mapped.load_mapping("fire-deliberate")


# -- the swapped-and-null-island case: deliberate fires ------------------------------------------

def test_fire_file_rejects_the_null_island_row_and_the_swapped_row_naming_their_coordinates():
    data = (SWAP_CASE / "fires.csv").read_bytes()
    with pytest.raises(IngestError) as caught:
        mapped.parse_mapped(data, "fires.csv", fires_mapping())
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(41, "longitude"), (42, "longitude")]
    assert "is at 0, 0" in problems[0].reason and "0, 0" in problems[0].describe()
    assert problems[1].reason.startswith("latitude and longitude look swapped: 51.8931, 0.9012")


def test_fire_file_with_skip_invalid_keeps_the_forty_good_rows():
    parsed = mapped.parse_mapped((SWAP_CASE / "fires.csv").read_bytes(), "fires.csv", fires_mapping(),
                                 skip_invalid=True)
    assert len(parsed.frame) == 40
    assert sorted(p.row for p in parsed.problems) == [41, 42]
    assert parsed.frame["lat"].between(51.8, 52.0).all() and parsed.frame["lon"].between(0.8, 1.0).all()


def test_a_partner_point_far_from_the_loaded_areas_is_rejected_naming_it():
    text = (SWAP_CASE / "fires.csv").read_text().splitlines()[:3]
    text.append("F7000,Deliberate fire,Refuse,2024-03-05T21:00:00,-1.8904,52.4862")  # Birmingham
    area = geo.partnership_region(COLCHESTER_BOUNDS, geo.UNITED_KINGDOM)
    with pytest.raises(IngestError) as caught:
        mapped.parse_mapped(("\n".join(text) + "\n").encode(), "fires.csv", fires_mapping(), area=area)
    [problem] = caught.value.problems
    assert problem.row == 3
    assert "is outside the partnership's area" in problem.reason and "-1.8904, 52.4862" in problem.reason
    # with no areas loaded the same point is in the United Kingdom and loads
    parsed = mapped.parse_mapped(("\n".join(text) + "\n").encode(), "fires.csv", fires_mapping())
    assert len(parsed.frame) == 3


def test_swapped_eastings_and_northings_are_named_once_areas_are_loaded():
    mapping = mapped.load_mapping("council-asb")
    lines = ["case_ref,reported_at,category,address,complainant_ref,description,easting,northing",
             "ASB-1,05/03/2024 21:00,Noise,High St,C1,loud,599500,225300",
             "ASB-2,05/03/2024 22:00,Noise,High St,C2,loud,225300,599500"]
    data = ("\n".join(lines) + "\n").encode()
    area = geo.partnership_region(COLCHESTER_BOUNDS, geo.UNITED_KINGDOM)
    with pytest.raises(IngestError) as caught:
        mapped.parse_mapped(data, "asb.csv", mapping, area=area)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "easting")
    assert problem.reason.startswith("easting and northing look swapped: 225300, 599500")


def test_a_mapping_may_name_any_epsg_code(tmp_path):
    shipped = (mapped.SHIPPED / "fire-deliberate.toml").read_text()
    toml = shipped.replace('system = "wgs84"\nlongitude = "longitude"\nlatitude = "latitude"',
                           'system = "EPSG:3857"\neasting = "longitude"\nnorthing = "latitude"')
    assert toml != shipped
    path = tmp_path / "fires-3857.toml"
    path.write_text(toml, encoding="utf-8")
    mapping = mapped.load_mapping(path)
    assert mapping.system == "EPSG:3857"
    x, y = geo.project(np.array([0.90189]), np.array([51.88686]), "EPSG:3857")
    text = ("incident_number,property_category,property_type,alarm_datetime,longitude,latitude\n"
            f"F1,Deliberate fire,Refuse,2024-01-10T21:00:00,{x[0]:.2f},{y[0]:.2f}\n")
    frame = mapped.parse_mapped(text.encode(), "f.csv", mapping).frame
    assert frame.loc[0, "lon"] == pytest.approx(0.90189, abs=1e-6)
    assert frame.loc[0, "lat"] == pytest.approx(51.88686, abs=1e-6)
    assert 599_000 < frame.loc[0, "x"] < 602_000  # the store's British National Grid columns


def test_a_mapping_with_an_unknown_coordinate_system_is_refused(tmp_path):
    shipped = (mapped.SHIPPED / "fire-deliberate.toml").read_text()
    path = tmp_path / "bad.toml"
    path.write_text(shipped.replace('system = "wgs84"', 'system = "EPSG:999999"'), encoding="utf-8")
    with pytest.raises(mapped.MappingError, match="EPSG:999999"):
        mapped.load_mapping(path)


# -- police.uk ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("lon", "lat", "reason"), [
    ("0", "0", "is at 0, 0"),
    ("0.000000", "0.000000", "is at 0, 0"),
    ("51.880000", "0.900000", "latitude and longitude look swapped: 51.88, 0.9"),
    ("-3.188000", "55.953000", "is outside England, Wales and Northern Ireland"),  # Edinburgh
    ("2.352000", "48.856000", "is outside England, Wales and Northern Ireland"),  # Paris
])
def test_a_police_uk_row_in_the_wrong_place_is_rejected_naming_its_coordinates(tmp_path, lon, lat, reason):
    with pytest.raises(IngestError) as caught:
        parse_police(tmp_path, police_rows(lon, lat))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (5, "Longitude")
    assert reason in problem.reason


def test_police_uk_rows_far_from_the_partnership_go_to_the_rejects_with_skip_invalid(tmp_path):
    area = geo.partnership_region(COLCHESTER_BOUNDS, geo.POLICE_UK_AREA)
    parsed = parse_police(tmp_path, police_rows("-1.890400", "52.486200"), area=area, skip_invalid=True)
    assert len(parsed.frame) == len(COLCHESTER_ROWS) - 1
    [problem] = parsed.problems
    assert "outside the partnership's area" in problem.reason and "-1.8904, 52.4862" in problem.reason


def test_a_whole_county_police_file_loads_around_one_districts_areas(tmp_path):
    area = geo.partnership_region(COLCHESTER_BOUNDS, geo.POLICE_UK_AREA)
    parsed = parse_police(tmp_path, police_rows("0.469000", "51.736000"), area=area)  # Chelmsford
    assert len(parsed.frame) == len(COLCHESTER_ROWS)


def test_the_real_west_yorkshire_month_has_no_coordinate_problems():
    data = (DATA / "police-uk" / "2016-07" / "2016-07-west-yorkshire-street.csv").read_bytes()
    assert not policeuk.parse(data, "wy.csv").problems


# -- boundaries: the geojson-crs-member case -----------------------------------------------------

def test_a_ward_declared_in_web_mercator_is_converted_over_central_colchester():
    [ward] = read_boundaries(CRS_CASE / "wards-3857.geojson")
    polygon = shapely.geometry.shape(ward.geometry)
    west, south, east, north = polygon.bounds
    assert 0.89 < west < east < 0.91 and 51.88 < south < north < 51.90
    assert polygon.contains(shapely.Point(0.900, 51.890))  # the ASB row of the street file


@pytest.mark.parametrize("name", ["EPSG:3857", "urn:ogc:def:crs:EPSG::3857", "epsg:3857"])
def test_every_spelling_of_the_crs_member_is_honoured(tmp_path, name):
    collection = json.loads((CRS_CASE / "wards-3857.geojson").read_text())
    collection["crs"] = {"type": "name", "properties": {"name": name}}
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps(collection))
    [ward] = read_boundaries(path)
    assert shapely.geometry.shape(ward.geometry).contains(shapely.Point(0.900, 51.890))


def test_an_old_style_epsg_crs_member_is_honoured(tmp_path):
    collection = json.loads((CRS_CASE / "wards-3857.geojson").read_text())
    collection["crs"] = {"type": "EPSG", "properties": {"code": 3857}}
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps(collection))
    [ward] = read_boundaries(path)
    assert shapely.geometry.shape(ward.geometry).contains(shapely.Point(0.900, 51.890))


@pytest.mark.parametrize(("crs", "message"), [
    ({"type": "name", "properties": {"name": "EPSG:99999"}}, "EPSG:99999 is not a coordinate system"),
    ({"type": "link", "properties": {"href": "http://example.org/crs", "type": "proj4"}}, "names no EPSG code"),
    ({"type": "name", "properties": {"name": "Local grid"}}, "'Local grid' is not an EPSG code"),
])
def test_a_crs_member_that_cannot_be_understood_refuses_the_file_naming_it(tmp_path, crs, message):
    collection = json.loads((CRS_CASE / "wards-3857.geojson").read_text())
    collection["crs"] = crs
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps(collection))
    with pytest.raises(IngestError) as caught:
        read_boundaries(path)
    assert message in str(caught.value) and "column 'crs'" in str(caught.value)


def test_a_wgs84_declared_file_holding_metres_is_refused(tmp_path):
    collection = json.loads((CRS_CASE / "wards-3857.geojson").read_text())
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps(collection))
    with pytest.raises(IngestError, match="declares EPSG:4326.*look like metres"):
        read_boundaries(path)


def test_undeclared_metres_that_are_not_british_national_grid_are_refused(tmp_path):
    collection = json.loads((CRS_CASE / "wards-3857.geojson").read_text())
    del collection["crs"]
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps(collection))
    with pytest.raises(IngestError, match="metres but not British National Grid.*crs member"):
        read_boundaries(path)


def test_a_bng_declared_file_holding_degrees_is_refused(tmp_path):
    ring = [[0.89, 51.88], [0.91, 51.88], [0.91, 51.90], [0.89, 51.90], [0.89, 51.88]]
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
        "features": [{"type": "Feature", "properties": {"code": "W1", "name": "W"},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    with pytest.raises(IngestError, match="look like longitude/latitude degrees"):
        read_boundaries(path)


def test_a_boundary_with_latitude_and_longitude_swapped_is_refused(tmp_path):
    ring = [[51.88, 0.89], [51.88, 0.91], [51.90, 0.91], [51.90, 0.89], [51.88, 0.89]]
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "W1", "name": "W"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    with pytest.raises(IngestError, match="latitude and longitude look swapped: 51.88, 0.89"):
        read_boundaries(path)


def test_an_irish_grid_boundary_is_converted_to_wgs84(tmp_path):
    x, y = geo.project(np.array([-6.27, -6.25, -6.25, -6.27, -6.27]),
                       np.array([53.34, 53.34, 53.36, 53.36, 53.34]), "EPSG:2157")
    path = tmp_path / "dublin.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2157"}},
        "features": [{"type": "Feature", "properties": {"code": "D1", "name": "Dublin"},
                      "geometry": {"type": "Polygon", "coordinates": [np.column_stack([x, y]).tolist()]}}]}))
    [area] = read_boundaries(path)
    assert shapely.geometry.shape(area.geometry).bounds == pytest.approx((-6.27, 53.34, -6.25, 53.36), abs=1e-6)


# -- the store passes the partnership's area (SQLite and PostgreSQL) ------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_store_rejects_partner_points_far_from_its_loaded_areas(tmp_path):
    from saferplaces.apps.incidents.models import Incident
    from saferplaces.apps.incidents.services import import_areas, ingest_mapped, partnership_area

    assert partnership_area(geo.UNITED_KINGDOM) is geo.UNITED_KINGDOM
    import_areas(CRS_CASE / "wards-3857.geojson", "ward")
    area = partnership_area(geo.UNITED_KINGDOM)
    assert area.contains(np.array([0.9, -1.89]), np.array([51.89, 52.49])).tolist() == [True, False]
    lines = (SWAP_CASE / "fires.csv").read_text().splitlines()[:41]
    lines.append("F7000,Deliberate fire,Refuse,2024-03-05T21:00:00,-1.8904,52.4862")
    path = tmp_path / "fires.csv"
    path.write_text("\n".join(lines) + "\n")
    report = ingest_mapped([path], fires_mapping())
    assert report.files[0].error is not None and Incident.objects.count() == 0
    assert "outside the partnership's area" in str(report.files[0].error)
    report = ingest_mapped([path], fires_mapping(), skip_invalid=True)
    assert report.total("rows_added") == 40 and Incident.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_the_case_ward_in_web_mercator_holds_the_asb_row(tmp_path):
    from saferplaces.apps.incidents.services import area_membership, import_areas, ingest_police_uk

    result = import_areas(CRS_CASE / "wards-3857.geojson", "ward")
    assert result.created == 1
    report = ingest_police_uk([CRS_CASE / "2024-01-essex-street.csv"])
    assert report.ok and report.total("rows_added") == 1
    membership = area_membership(["ward"])
    assert membership["area_code"].tolist() == ["E05000001"]

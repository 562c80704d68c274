"""Loading files into the store: idempotent, all-or-nothing, areas assigned (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from saferplaces.apps.incidents.models import Area, ImportBatch, Incident
from saferplaces.apps.incidents.services import (
    area_membership,
    import_areas,
    incident_frame,
    ingest_police_uk,
    store_status,
)
from saferplaces.ingest.errors import IngestError
from tests.conftest import COLCHESTER_ROWS, REAL_POLICE_UK, write_police_csv

pytestmark = pytest.mark.django_db(transaction=True)

COLCHESTER_LSOAS = Path(__file__).parents[3] / "src" / "saferplaces" / "data" / "colchester" / "lsoa-2011.geojson"


def square(lon0: float, lat0: float, size: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size],
                                                [lon0, lat0 + size], [lon0, lat0]]]}


def write_areas(path: Path, features: list[tuple[str, str, dict]], crs: str | None = None) -> Path:
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
        for code, name, geometry in features]}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def test_second_ingest_of_the_same_file_adds_nothing(small_police_file):
    first = ingest_police_uk([small_police_file])
    second = ingest_police_uk([small_police_file])
    assert first.total("rows_added") == len(COLCHESTER_ROWS)
    assert second.total("rows_added") == 0
    assert second.total("rows_present") == len(COLCHESTER_ROWS)
    assert Incident.objects.count() == len(COLCHESTER_ROWS)


def test_real_month_round_trip_counts_match_the_file():
    report = ingest_police_uk([REAL_POLICE_UK])
    assert report.ok and report.total("rows_added") == 27176
    status = store_status()
    assert status["incidents"]["total"] == 27176
    assert status["incidents"]["by_source"] == {"police-uk": 27176}
    assert status["incidents"]["by_category"]["Anti-social behaviour"] == 7429
    assert status["incidents"]["first_month"] == status["incidents"]["last_month"] == "2016-07"


def test_a_malformed_file_writes_nothing_even_beside_good_files(tmp_path, small_police_file):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[3][5] = "north"
    bad = write_police_csv(tmp_path / "2024-04" / "2024-03-essex-street.csv", rows)  # March rows: a March file
    report = ingest_police_uk([small_police_file, bad])
    assert not report.ok
    failed = next(f for f in report.files if f.error)
    assert "row 4" in str(failed.error) and "Latitude" in str(failed.error)
    assert Incident.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_skip_invalid_loads_the_good_rows_only(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[0][9] = ""
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    report = ingest_police_uk([path], skip_invalid=True)
    assert report.total("rows_added") == len(rows) - 1
    assert report.files[0].rows_rejected == 1


def test_incidents_are_assigned_to_areas_loaded_before_and_after(tmp_path, small_police_file):
    before = write_areas(tmp_path / "centre.geojson", [("TC", "Town centre", square(0.89, 51.88, 0.02))])
    import_areas(before, "town-centre")
    ingest_police_uk([small_police_file])
    after = write_areas(tmp_path / "east.geojson", [("E", "East", square(0.94, 51.84, 0.02))])
    import_areas(after, "custom")
    centre = Area.objects.get(kind="town-centre")
    east = Area.objects.get(kind="custom")
    assert centre.incidents.count() == 3  # the shoplifting and the two ASB rows at 0.901, 51.889
    assert east.incidents.count() == 1
    assert not Incident.objects.get(category="Burglary").areas.exists()  # no location, no area


def test_british_national_grid_boundaries_are_accepted(tmp_path, small_police_file):
    ingest_police_uk([small_police_file])
    bng = {"type": "Polygon", "coordinates": [[[599000, 224000], [602000, 224000], [602000, 227000],
                                               [599000, 227000], [599000, 224000]]]}
    path = write_areas(tmp_path / "w.geojson", [("W1", "Castle", bng)], crs="urn:ogc:def:crs:EPSG::27700")
    import_areas(path, "ward")
    assert Area.objects.get(kind="ward").incidents.count() == 3


def test_invalid_geometry_is_refused_and_nothing_written(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = write_areas(tmp_path / "bad.geojson", [("OK", "Fine", square(0.9, 51.8, 0.1)), ("B", "Bow", bowtie)])
    with pytest.raises(IngestError, match="feature|row 2|invalid polygon"):
        import_areas(path, "custom")
    assert Area.objects.count() == 0


def test_area_assignment_matches_shapely_point_in_polygon_for_every_incident():
    import_areas(COLCHESTER_LSOAS, "lsoa")
    import_areas(COLCHESTER_LSOAS, "custom", code_field="LSOA11CD", name_field="LSOA11NM")
    rng = np.random.default_rng(4)
    polygons = [shapely.geometry.shape(a.geometry) for a in Area.objects.filter(kind="custom").order_by("code")]
    lon0, lat0, lon1, lat1 = shapely.union_all(polygons).bounds
    rows = []
    for k in range(3000):
        lon, lat = rng.uniform(lon0, lon1), rng.uniform(lat0, lat1)
        rows.append([f"{k:064x}", "2024-05", "Essex Police", "Essex Police", f"{lon:.6f}", f"{lat:.6f}",
                     "On or near Somewhere", "", "", "Burglary", "", ""])
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_police_csv(Path(folder) / "2024-05-essex-street.csv", rows)
        ingest_police_uk([path])
    frame = incident_frame()
    areas = {a.code: shapely.geometry.shape(a.geometry) for a in Area.objects.filter(kind="custom")}
    custom = area_membership(["custom"])
    links = set(zip(custom["incident_id"], custom["area_code"], strict=True))
    expected = {
        (int(i), code)
        for i, lon, lat in frame[["id", "lon", "lat"]].itertuples(index=False)
        for code, polygon in areas.items()
        if polygon.intersects(shapely.Point(lon, lat))
    }
    assert links == expected and len(links) == len(custom)
    assert len(expected) > 1000
    assert len(area_membership(["lsoa"])) == len(expected)  # no LSOA codes in these rows: the polygons decide


def test_a_no_location_crime_has_no_grid_point_not_one_at_infinity(small_police_file):
    ingest_police_uk([small_police_file])
    nowhere = Incident.objects.get(source_ref="b" * 64)  # the 'No Location' burglary
    assert nowhere.lon is None and nowhere.lat is None
    assert nowhere.x is None and nowhere.y is None
    located = Incident.objects.exclude(pk=nowhere.pk)
    assert all(np.isfinite([i.x, i.y]).all() for i in located)


def test_migration_clears_infinite_grid_points_left_by_earlier_loads(small_police_file):
    from importlib import import_module

    from django.apps import apps as registry

    step = import_module("saferplaces.apps.incidents.migrations.0004_no_location_no_grid_point")

    ingest_police_uk([small_police_file])
    Incident.objects.filter(lon__isnull=True).update(x=float("inf"), y=float("inf"))
    step.clear_infinite_grid_points(registry, None)
    assert not Incident.objects.filter(lon__isnull=True, x__isnull=False).exists()
    assert Incident.objects.filter(x__isnull=False).count() == len(COLCHESTER_ROWS) - 1

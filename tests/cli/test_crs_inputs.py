"""Coordinate systems on the command line, run as a user runs them: ``--crs`` takes any EPSG code,
bad points in ``--input`` files are refused naming them, the projection used is named, and the
case files (``swapped-and-null-island``, ``geojson-crs-member``) give their right answers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from saferplaces import geo
from tests.conftest import DATA
from tests.process import saferplaces

SWAP_CASE = DATA / "cases" / "swapped-and-null-island"
CRS_CASE = DATA / "cases" / "geojson-crs-member"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, on its own SQLite store in ``tmp_path``."""
    return saferplaces(*args, home=tmp_path)


def points_file(tmp_path: Path, name: str, a: np.ndarray, b: np.ndarray, header: str = "x,y",
                dates: bool = False) -> Path:
    lines = [header + (",date" if dates else "")]
    for i, (p, q) in enumerate(zip(a, b, strict=True)):
        lines.append(f"{p:.6f},{q:.6f}" + (f",2024-03-{1 + i % 28:02d}" if dates else ""))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cluster(lon: float, lat: float, n: int = 80, spread: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return lon + rng.normal(0, spread, n), lat + rng.normal(0, spread, n)


# -- the swapped-and-null-island case -----------------------------------------------------------

def test_hotspots_refuse_the_swapped_points_file_naming_the_swap(tmp_path):
    result = run(tmp_path, "hotspots", "--input", str(SWAP_CASE / "points-swapped.csv"),
                 "--x-col", "longitude", "--y-col", "latitude", "--crs", "4326")
    assert result.returncode != 0
    assert "latitude and longitude look swapped: 51.89032, 0.90346" in result.stderr
    assert "row 1 (line 2)" in result.stderr


def test_hotspots_on_the_good_points_file_use_british_national_grid_and_say_so(tmp_path):
    out = tmp_path / "cells.geojson"
    result = run(tmp_path, "hotspots", "--input", str(SWAP_CASE / "points-ok.csv"), "--x-col", "longitude",
                 "--y-col", "latitude", "--crs", "EPSG:4326", "--method", "kde", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Projection for distances and cells: EPSG:27700 (OSGB36 / British National Grid)" in result.stdout
    cells = json.loads(out.read_text())
    assert cells["parameters"]["crs_analysis"] == "EPSG:27700"
    corners = np.array([c for f in cells["features"] for c in f["geometry"]["coordinates"][0]])
    assert corners[:, 0].min() > 0.8 and corners[:, 0].max() < 1.0  # Colchester, not two continents
    assert corners[:, 1].min() > 51.8 and corners[:, 1].max() < 52.0


def test_ingesting_the_fire_file_rejects_two_rows_and_loads_nothing(tmp_path):
    shutil.copy(SWAP_CASE / "fires.csv", tmp_path / "fires.csv")
    result = run(tmp_path, "ingest", "csv", "--mapping", "fire-deliberate", "fires.csv")
    assert result.returncode != 0
    assert "row 41 (line 42), column 'longitude': is at 0, 0" in result.stderr
    assert "row 42 (line 43), column 'longitude': latitude and longitude look swapped: 51.8931, 0.9012" \
        in result.stderr
    status = json.loads(run(tmp_path, "status", "--json").stdout)
    assert status["incidents"]["total"] == 0


def test_ingesting_the_fire_file_with_skip_invalid_loads_forty_and_writes_the_rejects(tmp_path):
    shutil.copy(SWAP_CASE / "fires.csv", tmp_path / "fires.csv")
    run(tmp_path, "ingest", "csv", "--mapping", "fire-deliberate", "--skip-invalid", "fires.csv")
    status = json.loads(run(tmp_path, "status", "--json").stdout)
    assert status["incidents"]["total"] == 40
    [rejects] = tmp_path.glob("*rejects*.csv")
    text = rejects.read_text()
    assert "is at 0, 0" in text and "latitude and longitude look swapped: 51.8931, 0.9012" in text


# -- the geojson-crs-member case ------------------------------------------------------------------

def test_a_ward_in_web_mercator_is_imported_over_colchester_and_holds_the_asb_row(tmp_path):
    for name in ("wards-3857.geojson", "2024-01-essex-street.csv"):
        shutil.copy(CRS_CASE / name, tmp_path / name)
    imported = run(tmp_path, "areas", "import", "wards-3857.geojson", "--kind", "ward")
    assert imported.returncode == 0, imported.stderr
    assert run(tmp_path, "ingest", "police-uk", "2024-01-essex-street.csv").returncode == 0
    status = json.loads(run(tmp_path, "status", "--json").stdout)
    assert status["areas"]["ward"] == {"areas": 1, "incident_links": 1}


def test_areas_import_refuses_a_crs_it_cannot_understand_naming_it(tmp_path):
    collection = json.loads((CRS_CASE / "wards-3857.geojson").read_text())
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::123456"}}
    (tmp_path / "w.geojson").write_text(json.dumps(collection))
    result = run(tmp_path, "areas", "import", "w.geojson", "--kind", "ward")
    assert result.returncode != 0
    assert "EPSG:123456 is not a coordinate system pyproj knows" in result.stderr


# -- --crs takes any EPSG code -------------------------------------------------------------------

def test_an_unknown_crs_is_refused_clearly(tmp_path):
    result = run(tmp_path, "hotspots", "--input", str(SWAP_CASE / "points-ok.csv"), "--x-col", "longitude",
                 "--y-col", "latitude", "--crs", "EPSG:999999")
    assert result.returncode == 2
    assert "--crs" in result.stderr and "EPSG:999999 is not a coordinate system pyproj knows" in result.stderr


def test_irish_grid_points_are_analysed_in_their_utm_zone(tmp_path):
    lon, lat = cluster(-6.26, 53.35)
    x, y = geo.project(lon, lat, "EPSG:2157")
    path = points_file(tmp_path, "dublin.csv", x, y)
    out = tmp_path / "cells.csv"
    result = run(tmp_path, "hotspots", "--input", str(path), "--crs", "EPSG:2157", "--method", "kde",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "EPSG:32629 (WGS 84 / UTM zone 29N)" in result.stdout
    cells = np.genfromtxt(out, delimiter=",", names=True)
    assert abs(np.median(cells["lon"]) + 6.26) < 0.05 and abs(np.median(cells["lat"]) - 53.35) < 0.05


def test_utm_points_abroad_keep_their_place_in_the_output(tmp_path):
    lon, lat = cluster(16.37, 48.21)  # Vienna, in UTM zone 33N
    x, y = geo.project(lon, lat, "EPSG:32633")
    path = points_file(tmp_path, "vienna.csv", x, y)
    out = tmp_path / "cells.geojson"
    result = run(tmp_path, "hotspots", "--input", str(path), "--crs", "32633", "--method", "kde",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    corners = np.array([c for f in json.loads(out.read_text())["features"] for c in f["geometry"]["coordinates"][0]])
    assert corners[:, 0].min() > 16.2 and corners[:, 0].max() < 16.55
    assert corners[:, 1].min() > 48.1 and corners[:, 1].max() < 48.35


def test_a_point_at_null_island_is_refused_naming_its_row(tmp_path):
    lon, lat = cluster(0.90, 51.89, n=30)
    lon[11], lat[11] = 0.0, 0.0
    path = points_file(tmp_path, "p.csv", lon, lat, header="lon,lat")
    result = run(tmp_path, "hotspots", "--input", str(path), "--x-col", "lon", "--y-col", "lat", "--crs", "4326")
    assert result.returncode != 0
    assert "row 12 (line 13), column 'lon': is at 0, 0" in result.stderr


def test_bng_numbers_outside_the_grid_are_refused(tmp_path):
    path = points_file(tmp_path, "p.csv", np.array([599_500.0, 5_995_000.0]), np.array([225_300.0, 225_300.0]))
    result = run(tmp_path, "hotspots", "--input", str(path))
    assert result.returncode != 0
    assert "row 2 (line 3)" in result.stderr and "outside the area of use of EPSG:27700" in result.stderr


def test_points_spanning_more_than_a_partnership_are_refused_not_gridded(tmp_path):
    lon, lat = cluster(0.90, 51.89, n=40)
    lon[5], lat[5] = -3.19, 55.95  # one stray point in Edinburgh, about 500 km away
    path = points_file(tmp_path, "p.csv", lon, lat, header="lon,lat")
    result = run(tmp_path, "hotspots", "--input", str(path), "--x-col", "lon", "--y-col", "lat", "--crs", "4326")
    assert result.returncode != 0
    assert "more than one partnership's area (300 km at most)" in result.stderr
    assert "row 6 at -3.19000, 55.95000" in result.stderr


def test_near_repeat_refuses_swapped_points_and_names_its_projection_otherwise(tmp_path):
    lon, lat = cluster(0.90, 51.89, n=40)
    swapped = points_file(tmp_path, "swapped.csv", lat, lon, header="lon,lat", dates=True)
    result = run(tmp_path, "near-repeat", "--input", str(swapped), "--x-col", "lon", "--y-col", "lat",
                 "--crs", "4326", "--iterations", "9")
    assert result.returncode != 0 and "latitude and longitude look swapped" in result.stderr
    good = points_file(tmp_path, "good.csv", lon, lat, header="lon,lat", dates=True)
    out = tmp_path / "nr.json"
    result = run(tmp_path, "near-repeat", "--input", str(good), "--x-col", "lon", "--y-col", "lat",
                 "--crs", "4326", "--iterations", "9", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "distances in EPSG:27700 (OSGB36 / British National Grid)" in result.stdout
    assert json.loads(out.read_text())["parameters"]["crs_analysis"] == "EPSG:27700"


@pytest.mark.parametrize("command", ["hotspots", "near-repeat"])
def test_help_says_crs_takes_an_epsg_code(tmp_path, command):
    assert "EPSG code" in run(tmp_path, command, "--help").stdout


def test_store_hotspots_for_northern_ireland_use_a_utm_zone_not_the_british_grid(tmp_path):
    from tests.conftest import write_police_csv

    lon, lat = cluster(-5.93, 54.60, n=60)  # Belfast
    rows = [["", "2024-03", "Police Service of Northern Ireland", "Police Service of Northern Ireland",
             f"{a:.6f}", f"{b:.6f}", "On or near Main Street", "", "", "Anti-social behaviour", "", ""]
            for a, b in zip(lon, lat, strict=True)]
    path = write_police_csv(tmp_path / "2024-03-northern-ireland-street.csv", rows)
    assert run(tmp_path, "ingest", "police-uk", str(path)).returncode == 0
    out = tmp_path / "cells.geojson"
    result = run(tmp_path, "hotspots", "--method", "kde", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "EPSG:32630 (WGS 84 / UTM zone 30N)" in result.stdout
    cells = json.loads(out.read_text())
    assert cells["parameters"]["crs_analysis"] == "EPSG:32630"
    corners = np.array([c for f in cells["features"] for c in f["geometry"]["coordinates"][0]])
    assert abs(np.median(corners[:, 0]) + 5.93) < 0.05 and abs(np.median(corners[:, 1]) - 54.60) < 0.05

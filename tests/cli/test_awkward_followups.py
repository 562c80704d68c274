"""Follow-ups to awkward real-world inputs on the command line: mistakes that used to give wrong
numbers (or a misleading message) are refused, naming the mistake and the fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from saferplaces.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def colchester_degrees_file(tmp_path: Path, dates: bool = False) -> Path:
    rng = np.random.default_rng(3)
    lon, lat = 0.90 + rng.normal(0, 0.01, 60), 51.89 + rng.normal(0, 0.01, 60)
    lines = ["longitude,latitude" + (",date" if dates else "")]
    lines += [f"{a:.6f},{b:.6f}" + (f",2024-03-{1 + i % 28:02d}" if dates else "")
              for i, (a, b) in enumerate(zip(lon, lat, strict=True))]
    path = tmp_path / "burglaries.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_near_repeat_refuses_longitude_latitude_read_as_british_national_grid_metres(tmp_path):
    path = colchester_degrees_file(tmp_path, dates=True)
    code, output = run("near-repeat", "--input", str(path), "--x-col", "longitude", "--y-col", "latitude",
                       "--iterations", "9")
    assert code != 0
    assert "these look like longitude/latitude in degrees; give --crs 4326" in output


def test_hotspots_name_degrees_given_as_metres_not_a_default_location(tmp_path):
    path = colchester_degrees_file(tmp_path)
    code, output = run("hotspots", "--input", str(path), "--x-col", "longitude", "--y-col", "latitude",
                       "--crs", "27700")
    assert code != 0
    assert "these look like longitude/latitude in degrees; give --crs 4326" in output
    assert "default location" not in output


def test_the_same_degrees_with_crs_4326_still_run(tmp_path):
    path = colchester_degrees_file(tmp_path)
    code, output = run("hotspots", "--input", str(path), "--x-col", "longitude", "--y-col", "latitude",
                       "--crs", "4326", "--method", "kde")
    assert code == 0, output
    assert "British National Grid" in output


def test_hotspots_refuse_an_excel_workbook_and_a_mac_file_given_as_input(tmp_path):
    workbook = tmp_path / "points.xlsx.csv"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml")
    code, output = run("hotspots", "--input", str(workbook))
    assert code != 0 and "an Excel workbook or zip archive, not a CSV file" in output
    mac = tmp_path / "points.csv"
    mac.write_bytes("x,y,place\r599500,225300,Caf\u00e9\r".encode("mac_roman"))
    code, output = run("hotspots", "--input", str(mac))
    assert code != 0 and "not valid UTF-8 text" in output and "CR only" in output
    assert "Traceback" not in output


# -- sources and categories the store does not hold ----------------------------------------------

@pytest.fixture
def police_store(small_police_file):
    code, output = run("ingest", "police-uk", str(small_police_file))
    assert code == 0, output


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", [
    ["trends"], ["hotspots"], ["near-repeat"],
    ["evaluate", "--treatment", "T", "--control", "C", "--before", "2024-01..2024-02", "--after", "2024-03..2024-04"]])
def test_a_source_the_store_does_not_hold_is_refused_naming_the_ones_it_holds(police_store, command):
    code, output = run(*command, "--source", "nosuch")
    assert code != 0
    assert "no source 'nosuch' in the store (it holds: police-uk)" in output


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", [["trends"], ["hotspots"]])
def test_a_category_in_other_capitals_is_refused_with_the_held_spelling(police_store, command):
    code, output = run(*command, "--category", "shoplifting")
    assert code != 0
    assert "no category 'shoplifting' in source police-uk (did you mean 'Shoplifting'?)" in output


@pytest.mark.django_db(transaction=True)
def test_evaluate_refuses_a_misspelt_category_before_counting_zeros(police_store):
    code, output = run("evaluate", "--treatment", "T", "--control", "C", "--before", "2024-01..2024-02",
                       "--after", "2024-03..2024-04", "--category", "Shopliftng")
    assert code != 0
    assert "no category 'Shopliftng' in the store (did you mean 'Shoplifting'?)" in output


# -- rejects files -------------------------------------------------------------------------------

ASB_LINES = ["case_ref,reported_at,category,address,complainant_ref,description,easting,northing",
             "ASB-1,05/03/2024 21:00,Noise,High St,C1,loud music,599500,225300",
             "ASB-2,31/02/2024 22:00,Noise,\"Flat 2, Church St\",C2,shouting,599600,225400",
             "ASB-3,06/03/2024 20:00,Youth ASB,Castle Park,C3,gathering,599700,225500"]


@pytest.mark.django_db(transaction=True)
def test_a_folder_loaded_again_skips_its_rejects_file_and_the_rejects_can_be_fixed_and_reloaded(tmp_path):
    import csv

    folder = tmp_path / "asb"
    folder.mkdir()
    (folder / "asb-log.csv").write_text("\n".join(ASB_LINES) + "\n", encoding="utf-8")
    code, output = run("ingest", "csv", "--mapping", "council-asb", "--skip-invalid", str(folder))
    assert code != 0 and "asb-log-rejects.csv" in output
    rejects = folder / "asb-log-rejects.csv"
    with open(rejects, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    # the six problem columns first, then the rejected row's own fields as written
    assert rows[0] == ["file", "row", "line", "column", "value", "reason", *ASB_LINES[0].split(",")]
    assert rows[1][:5] == [str(folder / "asb-log.csv"), "2", "3", "reported_at", "31/02/2024 22:00"]
    assert rows[1][6:] == ["ASB-2", "31/02/2024 22:00", "Noise", "Flat 2, Church St", "C2", "shouting",
                           "599600", "225400"]
    # the folder again: the rejects file is not read as a partner file
    code, output = run("ingest", "csv", "--mapping", "council-asb", "--skip-invalid", str(folder))
    assert "│ asb-log-rejects.csv" not in output and "│ total " in output
    assert not (folder / "asb-log-rejects-rejects.csv").exists()
    # fixed and reloaded: the row's fields, less the problem columns, are a partner file again
    fixed = tmp_path / "fixed.csv"
    with open(fixed, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0][6:])
        writer.writerow([*rows[1][6:7], "29/02/2024 22:00", *rows[1][8:]])
    code, output = run("ingest", "csv", "--mapping", "council-asb", str(fixed))
    assert code == 0, output
    from saferplaces.apps.incidents.models import Incident

    assert Incident.objects.filter(source="council-asb").count() == 3


@pytest.mark.django_db(transaction=True)
def test_ingest_police_uk_of_a_folder_skips_its_rejects_files(tmp_path):
    from tests.conftest import COLCHESTER_ROWS, write_police_csv

    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[1][1] = "2024/03"
    write_police_csv(tmp_path / "2024-03" / "2024-03-essex-street.csv", rows)
    code, _ = run("ingest", "police-uk", "--skip-invalid", str(tmp_path / "2024-03"))
    assert code != 0 and (tmp_path / "2024-03" / "2024-03-essex-street-rejects.csv").exists()
    code, output = run("ingest", "police-uk", "--skip-invalid", str(tmp_path / "2024-03"))
    assert "│ 2024-03-essex-street-rejects.csv" not in output and "│ total " in output
    assert not (tmp_path / "2024-03" / "2024-03-essex-street-rejects-rejects.csv").exists()

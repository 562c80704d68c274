"""The saferplaces command as a user runs it: exit codes, messages, files written."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from saferplaces.apps.incidents.models import Incident
from saferplaces.cli import main
from tests.conftest import COLCHESTER_ROWS, write_police_csv

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_ingest_prints_read_added_present_and_rejected(small_police_file):
    code, output = run("ingest", "police-uk", str(small_police_file))
    assert code == 0
    assert "read" in output and "added" in output and "already present" in output and "rejected" in output
    code, output = run("ingest", "police-uk", str(small_police_file))
    assert code == 0
    assert Incident.objects.count() == len(COLCHESTER_ROWS)


def test_bad_file_exits_non_zero_names_row_and_column_and_writes_nothing(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[4][4] = "east"
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    code, output = run("ingest", "police-uk", str(path))
    assert code != 0
    assert "row 5 (line 6)" in output and "Longitude" in output
    assert Incident.objects.count() == 0


def test_skip_invalid_writes_the_rejects_beside_the_file(tmp_path):
    rows = [list(r) for r in COLCHESTER_ROWS]
    rows[1][1] = "2024/03"
    path = write_police_csv(tmp_path / "2024-03-essex-street.csv", rows)
    code, _ = run("ingest", "police-uk", "--skip-invalid", str(path))
    assert code != 0  # a rejection is never silent
    rejects = tmp_path / "2024-03-essex-street-rejects.csv"
    with open(rejects, newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["row"], r["column"]) for r in written] == [("2", "Month")]
    assert Incident.objects.count() == len(rows) - 1


def test_status_json_has_documented_keys(small_police_file):
    run("ingest", "police-uk", str(small_police_file))
    code, output = run("status", "--json")
    data = json.loads(output)
    assert code == 0
    assert data["incidents"]["total"] == len(COLCHESTER_ROWS)
    assert data["incidents"]["by_source"] == {"police-uk": len(COLCHESTER_ROWS)}
    assert data["incidents"]["first_month"] == "2024-03"


def test_unknown_mapping_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "csv", "--mapping", "nope", str(path)])
    assert result.exit_code != 0
    assert "no such mapping file" in result.output and "council-asb" in result.output


def test_mapped_partner_file_with_a_bad_date_names_it(tmp_path):
    path = tmp_path / "asb.csv"
    path.write_text(
        "case_ref,reported_at,address,easting,northing,category,complainant_ref,description\n"
        "A1,01/02/2025 10:00,1 High St,599500,225200,Noise nuisance,C1,loud music\n"
        "A2,31/02/2025 10:00,2 High St,599600,225300,Noise nuisance,C2,loud music\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "csv", "--mapping", "council-asb", str(path)])
    assert result.exit_code != 0
    assert "row 2 (line 3)" in result.output and "reported_at" in result.output
    assert Incident.objects.count() == 0


def test_demo_from_a_clean_directory_loads_and_is_idempotent(tmp_path):
    town = tmp_path / "town"
    code, output = run("demo", "--dir", str(town), "--no-serve")
    assert code == 0, output
    assert (town / "ground_truth.json").exists() and (town / "police-uk" / "SYNTHETIC-DATA.txt").exists()
    first = Incident.objects.count()
    assert first > 60_000  # three years of a Colchester-sized town, all sources
    code, output = run("demo", "--dir", str(town), "--no-serve")
    assert code == 0
    assert Incident.objects.count() == first
    assert "0 incidents added" in output
    assert json.loads(run("status", "--json")[1])["synthetic"] is True


def test_an_added_analyst_may_start_assessments_and_a_viewer_may_not():
    from django.contrib.auth import get_user_model

    from saferplaces.apps.agencies.access import has_capability

    assert run("agency", "add", "Essex Police", "--kind", "police")[0] == 0
    assert run("users", "add", "alice", "--agency", "Essex Police", "--role", "analyst",
               "--password", "correct-horse-battery")[0] == 0
    assert run("users", "add", "bob", "--agency", "Essex Police", "--role", "viewer",
               "--password", "battery-staple-horse")[0] == 0
    users = get_user_model().objects
    assert has_capability(users.get(username="alice"), "assessments.run")
    assert not has_capability(users.get(username="bob"), "assessments.run")
    assert users.get(username="bob").check_password("battery-staple-horse")
    code, output = run("users", "list")
    assert code == 0 and "alice" in output and "analyst" in output and "bob" in output

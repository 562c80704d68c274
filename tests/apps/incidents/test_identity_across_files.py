"""A record seen again in a later file: the later version is kept in place (its id stays), a
republished police.uk month replaces the earlier download as a unit, and re-runs add nothing
(service tests on SQLite and PostgreSQL; command tests in a subprocess on SQLite)."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from saferplaces.apps.incidents import identity, store
from saferplaces.apps.incidents.models import Area, ImportBatch, Incident, MapPoint
from saferplaces.apps.incidents.services import import_areas, ingest_mapped, ingest_police_uk
from saferplaces.ingest.mapped import load_mapping
from saferplaces.ingest.policeuk import COLUMNS
from tests.conftest import write_police_csv
from tests.process import saferplaces

pytestmark = pytest.mark.django_db(transaction=True)

CASES = Path(__file__).parents[2] / "data" / "cases"
SAME_REF = CASES / "same-reference-later-file"
REPUBLISHED = CASES / "republished-month"
CRIME_X = "6e2edc2cb48023f1fbb983ce031143a7b12f89284c71fafcfd1f1dd1f0757769"
OLD_LSOA, NEW_LSOA = "E01021960", "E01034455"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, on its own SQLite store in ``tmp_path``."""
    return saferplaces(*args, home=tmp_path)


def totals(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The printed total row: read, added, updated, already present, rejected."""
    line = next(line for line in result.stdout.splitlines() if line.strip("│ ").startswith("total"))
    return [cell.strip() for cell in line.split("│")[2:7]]


def status(tmp_path: Path) -> dict:
    return json.loads(run(tmp_path, "status", "--json").stdout)


def rows_of(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def square(code: str, lon0: float = 0.85, lat0: float = 51.85, size: float = 0.1) -> dict:
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size], [lon0, lat0]]
    return {"type": "Feature", "properties": {"code": code, "name": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def import_two_lsoas(tmp_path: Path) -> None:
    """The LSOA before and after police.uk re-coded it, over the same ground (the recorded code wins)."""
    path = tmp_path / "lsoas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [square(OLD_LSOA), square(NEW_LSOA)]}))
    import_areas(path, "lsoa")


def lsoa_counts() -> dict[str, int]:
    return {area.code: area.incidents.count() for area in Area.objects.filter(kind="lsoa")}


# --- the handed cases, as a user runs them -----------------------------------------------------


def test_same_crime_id_in_a_later_month_keeps_the_later_version_and_loads_the_new_crime(tmp_path):
    first = run(tmp_path, "ingest", "police-uk", str(SAME_REF / "a"))
    assert first.returncode == 0, first.stderr
    later = run(tmp_path, "ingest", "police-uk", str(SAME_REF / "b"))
    assert later.returncode == 0, later.stderr
    assert "updated" in later.stdout and "IntegrityError" not in later.stderr
    assert totals(later) == ["2", "1", "1", "0", "0"]  # read, added, updated, already present, rejected
    assert status(tmp_path)["incidents"]["by_source"] == {"police-uk": 2}
    stored = sqlite3.connect(tmp_path / "store.sqlite3").execute(
        "SELECT id, month, outcome FROM incidents_incident WHERE source_ref = ?", [CRIME_X]).fetchall()
    assert stored == [(1, "2024-03-01", "Investigation complete; no suspect identified")]  # same id, later version


def test_council_case_whose_time_moved_across_the_month_keeps_the_later_time(tmp_path):
    for name in ("asb-jan-export.csv", "asb-feb-export.csv"):
        result = run(tmp_path, "ingest", "csv", "--mapping", "council-asb", str(SAME_REF / name))
        assert result.returncode == 0, result.stderr
    assert status(tmp_path)["incidents"]["by_source"] == {"council-asb": 3}
    rows = sqlite3.connect(tmp_path / "store.sqlite3").execute(
        "SELECT id, source_ref, month, occurred FROM incidents_incident ORDER BY id").fetchall()
    assert rows[0] == (1, "ASB-0001", "2024-02-01", "2024-02-01 00:10:00")  # 00:10 GMT: February, kept id 1
    assert [r[1] for r in rows] == ["ASB-0001", "ASB-0002", "ASB-0003"]


def test_republished_month_replaces_the_earlier_download_and_says_so(tmp_path):
    assert run(tmp_path, "ingest", "police-uk", str(REPUBLISHED / "v1")).returncode == 0
    later = run(tmp_path, "ingest", "police-uk", str(REPUBLISHED / "v2"))
    assert later.returncode == 0, later.stderr
    assert ("Essex Police 2023-06: replaced the download loaded on" in later.stdout
            and "): 20 crimes updated, 30 ASB rows updated." in later.stdout)
    counts = status(tmp_path)["incidents"]
    assert counts["total"] == 50
    assert counts["by_category"] == {"Anti-social behaviour": 30, "Burglary": 20}


def test_republished_month_loaded_again_is_already_present_and_the_earlier_one_is_left_out(tmp_path):
    for folder in ("v1", "v2"):
        assert run(tmp_path, "ingest", "police-uk", str(REPUBLISHED / folder)).returncode == 0
    again = run(tmp_path, "ingest", "police-uk", str(REPUBLISHED / "v2"))
    assert totals(again) == ["50", "0", "0", "50", "0"]
    assert "loaded before" not in again.stdout  # nothing to say: the same file, nothing changed
    earlier = run(tmp_path, "ingest", "police-uk", str(REPUBLISHED / "v1"))
    assert "a later download is already loaded" in earlier.stdout and "left out" in earlier.stdout
    assert status(tmp_path)["incidents"]["total"] == 50


def test_a_crime_id_on_rows_that_differ_is_refused_naming_the_rows(tmp_path):
    rows = rows_of(SAME_REF / "b" / "2024-03-essex-street.csv")
    rows.append(list(rows[0]))
    rows[-1][9] = "Robbery"
    path = write_police_csv(tmp_path / "data" / "2024-03-essex-street.csv", rows)
    result = run(tmp_path, "ingest", "police-uk", str(path))
    assert result.returncode == 1
    assert "row 1 (line 2), column 'Crime ID': is also on row(s) 3 with different values" in result.stderr
    assert "first difference: 'Crime type'" in result.stderr
    assert status(tmp_path)["incidents"]["total"] == 0
    skipped = run(tmp_path, "ingest", "police-uk", "--skip-invalid", str(path))
    assert skipped.returncode == 1 and status(tmp_path)["incidents"]["total"] == 1  # both rows set aside


def test_a_crime_id_on_identical_rows_is_stored_once_and_counted_as_already_present(tmp_path):
    rows = rows_of(SAME_REF / "b" / "2024-03-essex-street.csv")
    path = write_police_csv(tmp_path / "data" / "2024-03-essex-street.csv", rows + [list(rows[1])])
    result = run(tmp_path, "ingest", "police-uk", str(path))
    assert result.returncode == 0, result.stderr
    assert totals(result) == ["3", "2", "0", "1", "0"]
    assert "1 row(s) repeat an earlier row with the same Crime ID in every column" in result.stdout
    assert status(tmp_path)["incidents"]["total"] == 2


# --- the rules behind them, through the services (both databases) ------------------------------


def test_republished_month_moves_incidents_to_the_recoded_lsoa_and_keeps_their_ids(tmp_path):
    import_two_lsoas(tmp_path)
    ingest_police_uk([REPUBLISHED / "v1"])
    ids = sorted(Incident.objects.values_list("id", flat=True))
    assert lsoa_counts() == {OLD_LSOA: 50, NEW_LSOA: 0}
    report = ingest_police_uk([REPUBLISHED / "v2"])
    assert (report.total("rows_added"), report.total("rows_updated"), report.total("rows_present")) == (0, 50, 0)
    assert sorted(Incident.objects.values_list("id", flat=True)) == ids
    assert lsoa_counts() == {OLD_LSOA: 0, NEW_LSOA: 50}
    assert set(Incident.objects.values_list("lsoa_name", flat=True)) == {"Colchester 009F"}
    assert not MapPoint.objects.filter(lsoa_code=OLD_LSOA).exists()  # the old map points went with them
    [unit] = report.files[0].units
    assert (unit.with_reference_updated, unit.without_reference_updated, unit.removed) == (20, 30, 0)


def test_a_content_identical_download_of_a_loaded_month_is_matched(tmp_path):
    ingest_police_uk([REPUBLISHED / "v1"])
    copy = tmp_path / "again" / "2023-06-essex-street.csv"
    copy.parent.mkdir()
    copy.write_bytes((REPUBLISHED / "v1" / "2023-06-essex-street.csv").read_bytes().replace(b"\n", b"\r\n"))
    report = ingest_police_uk([copy])
    assert (report.total("rows_added"), report.total("rows_updated"), report.total("rows_present")) == (0, 0, 50)
    assert report.files[0].notices == [
        "Essex Police 2023-06: matched the download loaded on "
        f"{pd.Timestamp(ImportBatch.objects.earliest('pk').started_at).tz_convert('Europe/London'):%Y-%m-%d %H:%M} "
        f"({ImportBatch.objects.earliest('pk').path}): the same 50 records, nothing changed."]


def month_rows(month: str, crimes: list[str], asb: int, outcome: str = "Under investigation") -> list[list[str]]:
    rows = [[crime, month, "Essex Police", "Essex Police", f"{0.90 + k / 1000:.6f}", "51.889000",
             "On or near Example Street", OLD_LSOA, "Colchester 009A", "Burglary", outcome, ""]
            for k, crime in enumerate(crimes)]
    rows += [["", month, "Essex Police", "Essex Police", f"{0.90 + k / 1000:.6f}", "51.890000",
              "On or near Example Street", OLD_LSOA, "Colchester 009A", "Anti-social behaviour", "", ""]
             for k in range(asb)]
    return rows


def test_a_later_download_that_no_longer_has_a_record_removes_it_and_says_so(tmp_path):
    ingest_police_uk([write_police_csv(tmp_path / "v1" / "2024-02-essex-street.csv",
                                       month_rows("2024-02", ["a" * 64, "b" * 64], asb=3))])
    kept = Incident.objects.get(source_ref="a" * 64).id
    later = month_rows("2024-02", ["a" * 64, "c" * 64], asb=2, outcome="Charged")
    report = ingest_police_uk([write_police_csv(tmp_path / "v2" / "2024-02-essex-street.csv", later)])
    outcome = report.files[0]
    assert (outcome.rows_added, outcome.rows_updated, outcome.rows_present, outcome.rows_removed) == (1, 1, 2, 2)
    assert "): 1 crimes updated, 1 added, 2 removed (no longer published), 2 unchanged." in outcome.notices[0]
    assert set(Incident.objects.exclude(category="Anti-social behaviour").values_list("source_ref", flat=True)) == {
        "a" * 64, "c" * 64}
    assert Incident.objects.get(source_ref="a" * 64).id == kept
    assert Incident.objects.filter(category="Anti-social behaviour").count() == 2
    batch = ImportBatch.objects.latest("pk")
    assert (batch.rows_added, batch.rows_updated, batch.rows_present, batch.rows_removed) == (1, 1, 2, 2)
    # the earlier download loaded again brings nothing back
    again = ingest_police_uk([tmp_path / "v1" / "2024-02-essex-street.csv"])
    assert again.total("rows_added") == 0 and Incident.objects.count() == 4
    assert "a later download is already loaded" in again.files[0].notices[0]


def test_a_removed_incident_id_is_never_given_to_another(tmp_path):
    ingest_police_uk([write_police_csv(tmp_path / "v1" / "2024-02-essex-street.csv",
                                       month_rows("2024-02", ["a" * 64, "b" * 64], asb=0))])
    removed = Incident.objects.get(source_ref="b" * 64).id
    ingest_police_uk([write_police_csv(tmp_path / "v2" / "2024-02-essex-street.csv",
                                       month_rows("2024-02", ["a" * 64], asb=0))])
    assert not Incident.objects.filter(id=removed).exists()
    ingest_police_uk([write_police_csv(tmp_path / "2024-03-essex-street.csv", month_rows("2024-03", ["d" * 64], 0))])
    assert Incident.objects.get(source_ref="d" * 64).id > removed


def test_a_crime_that_moved_month_within_one_load_keeps_its_id_and_is_not_removed(tmp_path):
    ingest_police_uk([write_police_csv(tmp_path / "v1" / "2024-01-essex-street.csv",
                                       month_rows("2024-01", ["a" * 64, "b" * 64], asb=0))])
    moved = Incident.objects.get(source_ref="b" * 64).id
    january = write_police_csv(tmp_path / "v2" / "2024-01-essex-street.csv", month_rows("2024-01", ["a" * 64], 0))
    march = write_police_csv(tmp_path / "v2" / "2024-03-essex-street.csv", month_rows("2024-03", ["b" * 64], 0))
    report = ingest_police_uk([january, march])
    assert report.total("rows_removed") == 0 and report.total("rows_updated") == 1
    assert Incident.objects.get(source_ref="b" * 64).id == moved
    assert str(Incident.objects.get(id=moved).month) == "2024-03-01"


def test_a_file_loaded_again_after_a_later_one_keeps_the_later_versions(tmp_path):
    first = SAME_REF / "a" / "2024-01-essex-street.csv"
    later = SAME_REF / "b" / "2024-03-essex-street.csv"
    ingest_police_uk([first, later])
    again = ingest_police_uk([first, later])
    assert (again.total("rows_added"), again.total("rows_updated"), again.total("rows_present")) == (0, 0, 3)
    assert str(Incident.objects.get(source_ref=CRIME_X).month) == "2024-03-01"
    assert "has a later version of them" in again.files[0].notices[0]


def test_partner_records_missing_from_a_later_export_are_kept(tmp_path):
    mapping = load_mapping("council-asb")
    ingest_mapped([SAME_REF / "asb-jan-export.csv"], mapping)
    report = ingest_mapped([SAME_REF / "asb-feb-export.csv"], mapping)  # ASB-0002 is not in it
    assert (report.total("rows_added"), report.total("rows_updated"), report.total("rows_removed")) == (1, 1, 0)
    assert report.files[0].units == [] and Incident.objects.count() == 3
    again = ingest_mapped([SAME_REF / "asb-jan-export.csv", SAME_REF / "asb-feb-export.csv"], mapping)
    assert (again.total("rows_added"), again.total("rows_updated"), again.total("rows_present")) == (0, 0, 4)
    occurred = Incident.objects.get(source_ref="ASB-0001").occurred
    assert pd.Timestamp(occurred).tz_convert("UTC") == pd.Timestamp("2024-02-01 00:10", tz="UTC")


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_a_failed_load_leaves_the_earlier_versions_as_they_were(monkeypatch, bulk):
    ingest_police_uk([REPUBLISHED / "v1"])
    before = sorted(Incident.objects.values_list("id", "lsoa_code", "batch_id"))
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1 if bulk else 10**9)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "remove_incidents", broken)
    monkeypatch.setattr(store, "drop_unused_points", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_police_uk([REPUBLISHED / "v2", SAME_REF / "b"])
    assert sorted(Incident.objects.values_list("id", "lsoa_code", "batch_id")) == before
    assert ImportBatch.objects.count() == 1
    assert len(store.secondary_indexes(store.INCIDENT_TABLE)) == 3


def test_a_first_load_of_a_source_reads_nothing_back(tmp_path):
    ingest_mapped([SAME_REF / "asb-jan-export.csv"], load_mapping("council-asb"))  # another source is stored
    with CaptureQueriesContext(connection) as queries:
        report = ingest_police_uk([REPUBLISHED / "v1"])
    assert report.total("rows_added") == 50
    reads = [q["sql"] for q in queries.captured_queries if "FROM incidents_incident WHERE source" in q["sql"]]
    assert len(reads) == 1 and "LIMIT 1" in reads[0]  # is any of the source stored? no: a plain bulk insert


def test_an_incident_keeps_its_id_when_a_later_file_loads_in_bulk(monkeypatch, tmp_path):
    rows = month_rows("2024-02", [f"{k:064x}" for k in range(1, 40)], asb=10)
    ingest_police_uk([write_police_csv(tmp_path / "v1" / "2024-02-essex-street.csv", rows)])
    ids = dict(Incident.objects.values_list("source_ref", "id"))
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1)
    rows = [[*r[:10], "Charged" if r[0] else "", r[11]] for r in rows]
    more = month_rows("2024-02", [f"{k:064x}" for k in range(100, 160)], asb=0)
    report = ingest_police_uk([write_police_csv(tmp_path / "v2" / "2024-02-essex-street.csv", rows + more)])
    assert (report.total("rows_added"), report.total("rows_updated"), report.total("rows_present")) == (60, 39, 10)
    assert all(Incident.objects.get(source_ref=ref).id == i for ref, i in ids.items())
    assert set(Incident.objects.filter(source_ref__in=list(ids)[:39]).values_list("outcome", flat=True)) == {"Charged"}
    assert len(store.secondary_indexes(store.INCIDENT_TABLE)) == 3


def test_import_records_from_before_the_updated_count_read_as_none_updated():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("incidents", "0002_map_points")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO incidents_importbatch (source, path, sha256, rows_read, rows_added, "
                           "rows_present, rows_rejected, synthetic, started_at) VALUES ('police-uk', 'f.csv', "
                           "'x', 5, 5, 0, 0, %s, '2024-01-01 00:00:00')", [False])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # every app: apps built on incidents were unapplied too
    batch = ImportBatch.objects.get()
    assert (batch.rows_added, batch.rows_updated, batch.rows_removed) == (5, 0, 0)


# --- the decision itself, without a database ---------------------------------------------------


def stored_like(frame: pd.DataFrame, ids: list[int], batch: int) -> pd.DataFrame:
    stored = frame.copy()
    stored.insert(0, "unit", 0)  # every row read as part of the file's one unit
    stored.insert(0, "point_id", -1)
    stored.insert(0, "batch_id", batch)
    stored.insert(0, "id", ids)
    stored["month"] = stored["month"].astype("datetime64[s]")
    stored["occurred"] = stored["occurred"].astype("datetime64[s]")
    return stored


@pytest.mark.django_db(transaction=False)
def test_asb_rows_of_a_republished_month_pair_with_the_stored_ones_on_what_stays_the_same():
    from saferplaces.apps.incidents.services import POLICE_UK_REPUBLISHING
    from saferplaces.ingest import policeuk

    v1 = policeuk.parse((REPUBLISHED / "v1" / "2023-06-essex-street.csv").read_bytes(), "v1").frame
    v2 = policeuk.parse((REPUBLISHED / "v2" / "2023-06-essex-street.csv").read_bytes(), "v2").frame
    assert not set(v1["source_ref"]) & set(v2["source_ref"][v2["category"] == "Anti-social behaviour"])
    stored = stored_like(v1, list(range(101, 151)), batch=1)
    order = identity.FileOrder(2, {1: 1}, {1: "v1"})
    decided = identity.plan(v2, stored, order, POLICE_UK_REPUBLISHING)
    assert len(decided.update) == 50 and len(decided.insert) == 0 and not decided.remove
    # each ASB row updates the stored row at its own point
    asb = np.flatnonzero((v2["category"] == "Anti-social behaviour").to_numpy())
    by_id = stored.set_index("id")
    updated = dict(zip(decided.update.tolist(), decided.update_ids.tolist(), strict=True))
    assert all(by_id.loc[updated[r], "lon"] == v2["lon"].iat[r] for r in asb)
    # the same file against the stored later download: left out as a whole
    older = identity.plan(v1, stored_like(v2, list(range(101, 151)), batch=2),
                          identity.FileOrder(1, {2: 2}, {2: "v2"}), POLICE_UK_REPUBLISHING)
    assert (len(older.update), len(older.insert), older.present) == (0, 0, 50)
    assert older.units[0].later == ["v2"]


@pytest.mark.django_db(transaction=False)
def test_identical_asb_rows_pair_in_file_order():
    rows = pd.DataFrame([["", "2024-01", "Essex Police", "Essex Police", "0.9", "51.9", "On or near X", code,
                          "", "Anti-social behaviour", "", ""] for code in (OLD_LSOA, OLD_LSOA, OLD_LSOA)],
                        columns=list(COLUMNS))
    from saferplaces.apps.incidents.services import POLICE_UK_REPUBLISHING
    from saferplaces.ingest import policeuk

    old = policeuk.parse(rows.to_csv(index=False).encode(), "old").frame
    rows["LSOA code"] = NEW_LSOA
    new = policeuk.parse(rows.iloc[:2].to_csv(index=False).encode(), "new").frame
    decided = identity.plan(new, stored_like(old, [7, 8, 9], batch=1), identity.FileOrder(2, {1: 1}),
                            POLICE_UK_REPUBLISHING)
    assert decided.update_ids.tolist() == [7, 8] and list(decided.remove) == [9]

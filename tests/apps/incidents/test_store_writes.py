"""Bulk writes (SQLite multi-row inserts, PostgreSQL binary COPY) store exactly what they are
given; bulk mode rebuilds the same indexes and stays all-or-nothing; map points are shared
(both databases)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.db import connection, transaction

from saferplaces.apps.incidents import store, store_sqlite
from saferplaces.apps.incidents.models import Area, ImportBatch, Incident, MapPoint
from saferplaces.apps.incidents.services import import_areas, ingest_police_uk
from saferplaces.ingest import policeuk
from saferplaces.ingest.columns import complete
from tests.conftest import REAL_POLICE_UK, write_police_csv

# ids restart at 1 in each test: the store never reuses an id, even of a removed incident
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

COLCHESTER_LSOAS = Path(__file__).parents[3] / "src" / "saferplaces" / "data" / "colchester" / "lsoa-2011.geojson"


def stored(columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM incidents_incident ORDER BY id")
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def incident_links(kind: str | None = None) -> list[tuple[int, int]]:
    """(incident id, area id) for every incident and area it falls in, in order."""
    where = "" if kind is None else "WHERE a.kind = %s"
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.id, l.area_id FROM incidents_incident i "
                       "JOIN incidents_mappointarea l ON l.point_id = i.point_id "
                       f"JOIN incidents_area a ON a.id = l.area_id {where} ORDER BY 1, 2",
                       [] if kind is None else [kind])
        return [(int(i), int(a)) for i, a in cursor.fetchall()]


def awkward_frame() -> pd.DataFrame:
    """Rows a partner file could bring: quotes, backslashes, tabs, line breaks, non-ASCII text,
    flags, times with seconds, missing coordinates; two columns hold one value throughout."""
    n = 7
    return complete(pd.DataFrame({
        "source": "council-asb",
        "source_ref": [f"ref-{k}" for k in range(n)],
        "category": ["Noise", "Rowdy 'n' loud", "Back\\slash", "Tab\there", "Line\nbreak", "Café ☂", "X"],
        "precision": "minute",
        "location": ["", "O'Brien's Yard", "", "", "", "", ""],
        "reported_by": "St John's \"Watch\"",  # the same in every row: an SQL literal on SQLite
        "victim_ref": ["v1", "", "", "v1", "", "", ""],
        "lat": [51.889, np.nan, 51.85, 51.9, np.nan, 51.8, -0.0],
        "lon": [0.901, np.nan, 0.95, 0.91, np.nan, 0.88, 1e-300],
        "x": [600000.5, np.nan, 1.0, 2.0, np.nan, 3.25, 4.0],
        "y": [225000.25, np.nan, 5.0, 6.0, np.nan, 7.5, 8.0],
        "month": pd.to_datetime(["2024-03-01"] * 6 + ["1999-12-01"]).astype("datetime64[us]"),
        "occurred": pd.to_datetime(["2024-03-05 21:17:09", "2024-03-06 00:00:00", "2024-03-07 12:00:59",
                                    "2024-03-08 01:02:03", "2024-03-09 23:59:59", "2024-03-10 10:10:10",
                                    "1999-12-31 23:59:58"]).astype("datetime64[us]"),
        "domestic": [True, False, False, True, False, False, False],
        "weapon": False,
    }))


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_every_value_is_stored_exactly(monkeypatch, bulk):
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    frame = awkward_frame()
    with transaction.atomic():
        store.lock_store()
        result = store.write_incidents(frame, batch_id=None, areas=store.load_area_index())
    assert (result.added, result.present, result.links) == (len(frame), 0, 0)
    text = ["source", "source_ref", "category", "precision", "location", "reported_by", "victim_ref"]
    back = stored(["id", *text, "lat", "lon", "x", "y", "month", "occurred", "domestic", "weapon",
                   "batch_id"])
    assert back["id"].tolist() == list(range(1, len(frame) + 1))
    for column in text:
        assert back[column].tolist() == frame[column].tolist(), column
    for column in ("lat", "lon", "x", "y"):
        values = back[column].astype(float).to_numpy()
        assert np.array_equal(values, frame[column].to_numpy(), equal_nan=True), column
    assert [str(m) for m in back["month"]] == [str(m.date()) for m in frame["month"]]
    occurred = pd.to_datetime(back["occurred"], utc=True).dt.tz_localize(None)
    assert occurred.tolist() == frame["occurred"].tolist()
    assert back["domestic"].astype(bool).tolist() == frame["domestic"].tolist()
    assert not back["weapon"].astype(bool).any() and back["batch_id"].isna().all()


def test_bulk_load_rebuilds_the_indexes_it_dropped_and_stores_the_same(monkeypatch, tmp_path):
    import_areas(COLCHESTER_LSOAS, "lsoa")
    before = store.secondary_indexes(store.INCIDENT_TABLE)
    assert len(before) == 3  # month, grid point and the unique source reference
    rng = np.random.default_rng(3)
    rows = [[f"{k:064x}" if k % 3 else "", "2024-05", "Essex Police", "Essex Police",
             f"{rng.uniform(0.85, 0.95):.4f}", f"{rng.uniform(51.85, 51.92):.4f}", "On or near Somewhere",
             "", "", "Burglary" if k % 3 else "Anti-social behaviour", "", ""] for k in range(600)]
    path = write_police_csv(tmp_path / "2024-05-essex-street.csv", rows)
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1)
    report = ingest_police_uk([path])
    assert report.ok and report.total("rows_added") == 600
    assert store.secondary_indexes(store.INCIDENT_TABLE) == before
    frame = policeuk.parse(path.read_bytes(), str(path)).frame
    assert stored(["source_ref"])["source_ref"].tolist() == frame["source_ref"].tolist()
    expected = store.assign_points(store.load_area_index(), frame["lon"].to_numpy(), frame["lat"].to_numpy(),
                                   frame["lsoa_code"])
    links = incident_links()
    assert links == list(zip((expected[0] + 1).tolist(), expected[1].tolist(), strict=True))
    assert len(links) > 300
    again = ingest_police_uk([path])
    assert again.total("rows_added") == 0 and again.total("rows_present") == 600


def test_a_failure_in_a_bulk_load_leaves_the_store_and_its_indexes_as_they_were(monkeypatch):
    before = store.secondary_indexes(store.INCIDENT_TABLE)
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("area assignment failed")

    monkeypatch.setattr(store, "assign_points", broken)
    with pytest.raises(RuntimeError, match="area assignment failed"):
        ingest_police_uk([REAL_POLICE_UK])
    assert Incident.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert store.secondary_indexes(store.INCIDENT_TABLE) == before


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_a_stored_identity_seen_again_in_another_month_is_updated_not_a_clash(monkeypatch, tmp_path, bulk):
    rows = [["a" * 64, "2024-03", "Essex Police", "Essex Police", "0.9", "51.9", "On or near X", "", "",
             "Burglary", "", ""],
            ["b" * 64, "2024-03", "Essex Police", "Essex Police", "", "", "No Location", "", "",
             "Shoplifting", "", ""]]
    ingest_police_uk([write_police_csv(tmp_path / "2024-03" / "2024-03-essex-street.csv", rows)])
    ids = list(Incident.objects.order_by("id").values_list("id", flat=True))
    rows[0][1] = rows[1][1] = "2024-04"  # the same Crime IDs republished in another month
    rows.append(["c" * 64, "2024-04", "Essex Police", "Essex Police", "0.91", "51.9", "On or near Y", "", "",
                 "Burglary", "", ""])
    later = write_police_csv(tmp_path / "2024-04" / "2024-04-essex-street.csv", rows)
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    report = ingest_police_uk([later])
    assert (report.total("rows_added"), report.total("rows_updated"), report.total("rows_present")) == (1, 2, 0)
    assert list(Incident.objects.filter(id__in=ids).values_list("month", flat=True).distinct()) == [
        pd.Timestamp("2024-04-01").date()]
    assert Incident.objects.count() == 3 and ImportBatch.objects.count() == 2
    assert len(store.secondary_indexes(store.INCIDENT_TABLE)) == 3


def police_rows(month: str, points: list[tuple[str, str, str]], first: int = 0) -> list[list[str]]:
    """A Burglary row per (longitude, latitude, LSOA code)."""
    return [[f"{first + k:064x}", month, "Essex Police", "Essex Police", lon, lat, "On or near X", code, "",
             "Burglary", "", ""] for k, (lon, lat, code) in enumerate(points)]


def test_incidents_at_one_map_point_share_it_and_its_areas(tmp_path):
    import_areas(COLCHESTER_LSOAS, "lsoa")
    at_point = ("0.901000", "51.889000", "")
    rows = police_rows("2024-05", [at_point] * 40 + [("0.950000", "51.850000", "")] * 2)
    ingest_police_uk([write_police_csv(tmp_path / "2024-05-essex-street.csv", rows)])
    assert MapPoint.objects.count() == 2
    assert Incident.objects.values("point").distinct().count() == 2
    links = incident_links("lsoa")
    assert len(links) == 42 and len({a for _, a in links}) == 2  # each point in one LSOA
    later = police_rows("2024-06", [at_point] * 3, first=100)
    ingest_police_uk([write_police_csv(tmp_path / "2024-06-essex-street.csv", later)])
    assert MapPoint.objects.count() == 2  # the point is known: stored once
    assert len(incident_links("lsoa")) == 45


def test_a_record_without_coordinates_is_in_the_lsoa_its_code_names(tmp_path):
    import_areas(COLCHESTER_LSOAS, "lsoa")
    lsoa = Area.objects.filter(kind="lsoa").order_by("code").first()
    rows = police_rows("2024-05", [("", "", lsoa.code), ("", "", lsoa.code), ("", "", "")])
    ingest_police_uk([write_police_csv(tmp_path / "2024-05-essex-street.csv", rows)])
    assert list(MapPoint.objects.values_list("lon", "lat", "lsoa_code")) == [(None, None, lsoa.code)]
    assert lsoa.incidents.count() == 2
    assert Incident.objects.filter(point__isnull=True).count() == 1  # neither point nor code


def test_relinking_a_kind_gives_the_links_the_ingest_made(tmp_path):
    import_areas(COLCHESTER_LSOAS, "lsoa")
    ingest_police_uk([REAL_POLICE_UK])  # West Yorkshire: no Colchester links
    rows = police_rows("2024-05", [(f"{0.85 + k / 5000:.4f}", "51.89", "") for k in range(500)])
    ingest_police_uk([write_police_csv(tmp_path / "2024-05-essex-street.csv", rows)])
    at_ingest = incident_links("lsoa")
    assert len(at_ingest) > 100
    assert store.link_kind("lsoa") == len(at_ingest)
    assert incident_links("lsoa") == at_ingest


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_bulk_load_keeps_its_indexes_while_someone_reads_the_store(monkeypatch, tmp_path):
    import psycopg

    settings = connection.settings_dict
    reader = psycopg.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                             host=settings["HOST"], port=settings["PORT"])
    try:
        reader.execute("SELECT count(*) FROM incidents_incident").fetchone()  # holds its lock until rollback
        monkeypatch.setattr(store, "BULK_MIN_ROWS", 1)
        dropped = []
        monkeypatch.setattr(store, "_execute_raw", lambda statements: dropped.extend(statements))
        report = ingest_police_uk([REAL_POLICE_UK])
    finally:
        reader.rollback()
        reader.close()
    assert report.total("rows_added") == 27176
    assert dropped == []  # no index was dropped: the store was busy


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_page_cache_is_back_to_its_setting_after_a_large_load(monkeypatch):
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
    seen = []
    insert = store_sqlite.insert_incidents

    def spy(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            seen.append(cursor.fetchone()[0])
        return insert(*args, **kwargs)

    monkeypatch.setattr(store_sqlite, "insert_incidents", spy)
    assert ingest_police_uk([REAL_POLICE_UK]).total("rows_added") == 27176
    assert seen == [-store_sqlite.LOAD_CACHE_KIB]  # larger during the load
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before

"""The synthetic demo town: file formats, volumes, labelling, and recovery of planted patterns.

Two towns are generated once per module: a small one (scale 0.2, 24 months) for formats and
bookkeeping, and the full-size default (scale 1, 36 months) for volumes and for checking that
independent implementations (esda Gi*, pointpats Knox, scipy's exact tests) recover what
``ground_truth.json`` says was planted.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats
from scipy.spatial import cKDTree
from shapely.geometry import Point, shape

from saferplaces.analysis.frame import HATE_STRANDS as FRAME_HATE_STRANDS
from saferplaces.analysis.frame import POLICE_UK_CRIME_TYPES
from saferplaces.demo import (
    GROUND_TRUTH_KEYS,
    GenerationSummary,
    generate_town,
    load_geography,
    to_bng,
    to_wgs84,
)

POLICE_UK_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                    "LSOA code,LSOA name,Crime type,Last outcome category,Context")
CRIME_TYPES = set(POLICE_UK_CRIME_TYPES)
# Outcome categories police.uk publishes (https://data.police.uk/docs/method/outcomes-at-location/).
POLICE_UK_OUTCOMES = {
    "Under investigation", "Status update unavailable", "Court result unavailable",
    "Awaiting court outcome", "Further investigation is not in the public interest",
    "Investigation complete; no suspect identified", "Unable to prosecute suspect",
    "Local resolution", "Offender given a caution", "Offender given a drugs possession warning",
    "Offender given penalty notice", "Action to be taken by another organisation",
    "Formal action is not in the public interest", "Suspect charged as part of another case",
    "Offender sent to prison", "Offender given suspended prison sentence",
    "Offender given community sentence", "Offender fined", "Offender given conditional discharge",
    "Offender given absolute discharge", "Offender ordered to pay compensation",
    "Offender otherwise dealt with", "Defendant found not guilty", "Court case unable to proceed",
    "Offender deprived of property",
}
HATE_STRANDS = {"", *FRAME_HATE_STRANDS}
COUNCIL_CATEGORIES = {"Noise nuisance", "Neighbour dispute", "Street drinking",
                      "Aggressive begging", "Fly-tipping", "Drug dealing", "Youth nuisance",
                      "Vehicle nuisance"}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("small-town")
    return out, generate_town(out, seed=7, months=24, scale=0.2)


@pytest.fixture(scope="module")
def small(small_run) -> Path:
    return small_run[0]


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("full-town")
    started = time.perf_counter()
    generate_town(out, seed=1)
    return out, time.perf_counter() - started


@pytest.fixture(scope="module")
def full_rows(full) -> pd.DataFrame:
    return police_uk(full[0])


def police_uk(folder: Path) -> pd.DataFrame:
    files = sorted((folder / "police-uk").glob("*/*-essex-street.csv"))
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files],
                     ignore_index=True)


def partner(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "partner" / name, dtype=str, keep_default_na=False)


def truth(folder: Path) -> dict:
    return json.loads((folder / "ground_truth.json").read_text())


def _wgs84(easting: pd.Series, northing: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    return to_wgs84(easting.astype(float).to_numpy(), northing.astype(float).to_numpy())


def inside_borough(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    boundary = load_geography().boundary.buffer(1e-5)  # about a metre of rounding slack
    return shapely.contains_xy(boundary, lon, lat)


# --- determinism -------------------------------------------------------------------------------

def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    args = {"months": 13, "scale": 0.05, "end_month": "2024-06"}
    first = generate_town(tmp_path / "a", seed=11, **args)
    second = generate_town(tmp_path / "b", seed=11, **args)
    generate_town(tmp_path / "c", seed=12, **args)
    a, b, c = (_tree_bytes(tmp_path / k) for k in "abc")
    assert a == b
    assert first.files == second.files
    assert a["partner/local-incidents.csv"] != c["partner/local-incidents.csv"]
    assert a.keys() == c.keys()


def test_summary_lists_every_file_with_its_row_count(small_run):
    small, summary = small_run
    for f in summary.files:
        lines = (small / f.path).read_text().splitlines()
        if f.path.endswith(".geojson"):
            assert len(json.loads(lines[0])["features"]) == f.rows
        else:
            assert len(lines) - 1 == f.rows
    assert summary.police_uk_rows == truth(small)["counts"]["police-uk"]["rows"]
    assert summary.to_dict()["files"][0]["path"] == "police-uk/2024-01/2024-01-essex-street.csv"


def test_progress_reports_every_police_uk_month(tmp_path):
    calls: list[tuple[str, int, int]] = []
    generate_town(tmp_path, seed=3, months=3, scale=0.05,
                  progress=lambda s, d, t: calls.append((s, d, t)))
    months = [c for c in calls if c[0] == "police.uk"]
    assert months == [("police.uk", 1, 3), ("police.uk", 2, 3), ("police.uk", 3, 3)]
    assert calls[-1] == ("ground truth", 1, 1)


# --- police.uk format ---------------------------------------------------------------------------

def test_police_uk_files_copy_the_real_street_level_format(small):
    files = sorted((small / "police-uk").glob("*/*.csv"))
    assert [f.parent.name for f in files] == [str(m) for m in pd.period_range(
        "2024-01", "2025-12", freq="M")]
    for f in files:
        assert f.name == f"{f.parent.name}-essex-street.csv"
        raw = f.read_bytes()
        assert raw.startswith(POLICE_UK_HEADER.encode() + b"\r\n")
        assert b'"' not in raw
        lines = raw.split(b"\r\n")
        assert lines[-1] == b""
        assert all(line.count(b",") == 11 for line in lines[:-1])
        assert b"\n" not in raw.replace(b"\r\n", b"")


def test_police_uk_rows_look_like_police_uk(small):
    rows = police_uk(small)
    assert set(rows["Crime type"]) == CRIME_TYPES
    assert (rows["Reported by"] == "Essex Police").all()
    assert (rows["Falls within"] == "Essex Police").all()
    assert (rows["Context"] == "").all()
    asb = rows["Crime type"] == "Anti-social behaviour"
    assert (rows.loc[asb, "Crime ID"] == "").all()
    assert (rows.loc[asb, "Last outcome category"] == "").all()
    assert rows.loc[~asb, "Crime ID"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert rows.loc[~asb, "Crime ID"].is_unique
    assert set(rows.loc[~asb, "Last outcome category"]) <= POLICE_UK_OUTCOMES
    located = rows["Location"] != "No Location"
    assert rows.loc[located, "Location"].str.startswith("On or near ").all()
    assert (rows.loc[~located, ["Longitude", "Latitude", "LSOA code", "LSOA name"]] == "").all(
        axis=None)
    coords = rows.loc[located, ["Longitude", "Latitude"]]
    assert coords.apply(lambda c: c.str.fullmatch(r"-?\d+\.\d{6}")).all(axis=None)


def test_police_uk_points_are_inside_colchester_and_in_their_lsoa(small):
    rows = police_uk(small)
    rows = rows[rows["Location"] != "No Location"]
    lon = rows["Longitude"].astype(float).to_numpy()
    lat = rows["Latitude"].astype(float).to_numpy()
    assert inside_borough(lon, lat).all()
    geo = load_geography()
    names = {a.code: a.name for a in geo.lsoas}
    assert set(rows["LSOA code"]) <= set(names)
    assert (rows["LSOA name"] == rows["LSOA code"].map(names)).all()
    polygons = {a.code: a.geometry_bng for a in geo.lsoas}
    x, y = to_bng(lon, lat)
    distance = np.array([polygons[c].distance(Point(px, py))
                         for c, px, py in zip(rows["LSOA code"], x, y, strict=True)])
    assert distance.max() < 1.0


def test_locations_are_snapped_to_a_few_thousand_map_points(small):
    rows = police_uk(small)
    rows = rows[rows["Location"] != "No Location"]
    points = rows[["Longitude", "Latitude"]].drop_duplicates()
    assert 1000 < len(points) <= 3100
    assert len(rows) > 3 * len(points)  # many incidents share a point, as on police.uk


# --- local records ------------------------------------------------------------------------------

def test_local_records_are_the_police_uk_crimes_one_for_one(small):
    rows = police_uk(small)
    crimes = rows[rows["Crime type"] != "Anti-social behaviour"].set_index("Crime ID")
    local = partner(small, "local-incidents.csv").set_index("police_crime_id")
    assert local.index.is_unique
    assert set(local.index) == set(crimes.index)
    crimes = crimes.loc[local.index]
    assert (local["police_uk_type"] == crimes["Crime type"]).all()
    assert (local["offence_date"].str[:7] == crimes["Month"]).all()


def test_police_uk_point_is_the_nearest_map_point_to_the_exact_location(small):
    rows = police_uk(small)
    rows = rows[(rows["Crime type"] != "Anti-social behaviour")
                & (rows["Location"] != "No Location")].set_index("Crime ID")
    local = partner(small, "local-incidents.csv").set_index("police_crime_id").loc[rows.index]
    px, py = to_bng(rows["Longitude"].astype(float).to_numpy(),
                    rows["Latitude"].astype(float).to_numpy())
    ex = local["easting"].astype(float).to_numpy()
    ey = local["northing"].astype(float).to_numpy()
    every_point = np.unique(np.column_stack([px, py]).round(1), axis=0)
    nearest, _ = cKDTree(every_point).query(np.column_stack([ex, ey]))
    reported = np.hypot(px - ex, py - ey)
    assert (reported <= nearest + 1.0).all()
    assert (reported > 0.5).mean() > 0.9  # exact locations are not the map points


def test_local_records_format(small):
    local = partner(small, "local-incidents.csv")
    assert list(local.columns) == [
        "local_ref", "police_crime_id", "offence_date", "easting", "northing",
        "offence_category", "police_uk_type", "hate_strand", "domestic", "alcohol", "drugs",
        "weapon", "victim_ref", "synthetic"]
    assert local["local_ref"].str.fullmatch(r"42/\d{6}/\d{2}").all()
    assert local["local_ref"].is_unique
    dates = pd.to_datetime(local["offence_date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2024-01-01")
    assert dates.max() <= pd.Timestamp("2025-12-31")
    assert set(local["hate_strand"]) <= HATE_STRANDS
    for flag in ("domestic", "alcohol", "drugs", "weapon"):
        assert set(local[flag]) == {"Y", "N"}
    assert (local["offence_category"] != "").all()
    assert local.loc[local["offence_category"] == "Domestic abuse", "domestic"].eq("Y").all()
    assert local.loc[local["police_uk_type"] == "Drugs", "drugs"].eq("Y").all()
    assert local["victim_ref"].str.fullmatch(r"(V\d{6}|B\d{5})?").all()
    lon, lat = _wgs84(local["easting"], local["northing"])
    assert inside_borough(lon, lat).all()


# --- partner files -------------------------------------------------------------------------------

def test_council_asb_log_format(small):
    log = partner(small, "council-asb.csv")
    assert list(log.columns) == ["case_ref", "reported_at", "address", "easting", "northing",
                                 "category", "complainant_ref", "description", "synthetic"]
    assert log["reported_at"].str.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}").all()
    when = pd.to_datetime(log["reported_at"], format="%d/%m/%Y %H:%M")
    assert when.is_monotonic_increasing
    assert log["case_ref"].is_unique
    assert set(log["category"]) == COUNCIL_CATEGORIES
    assert log["easting"].str.fullmatch(r"\d{6}").all()
    assert log["complainant_ref"].str.fullmatch(r"(C\d{6})?").all()
    assert (log["address"] != "").all()
    assert (log["description"] != "").all()
    lon, lat = _wgs84(log["easting"], log["northing"])
    assert inside_borough(lon, lat).all()


def test_fire_deliberate_format(small):
    fires = partner(small, "fire-deliberate.csv")
    assert list(fires.columns) == ["incident_number", "alarm_datetime", "latitude", "longitude",
                                   "property_category", "property_type", "synthetic"]
    assert fires["alarm_datetime"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    assert fires[["latitude", "longitude"]].apply(
        lambda c: c.str.fullmatch(r"\d+\.\d{6}")).all(axis=None)
    assert fires["incident_number"].is_unique
    assert fires["property_category"].str.startswith("Deliberate ").all()
    assert {"Deliberate secondary fire - refuse", "Deliberate vehicle fire",
            "Deliberate primary fire - dwelling"} <= set(fires["property_category"])
    assert inside_borough(fires["longitude"].astype(float).to_numpy(),
                          fires["latitude"].astype(float).to_numpy()).all()


# --- labelling -----------------------------------------------------------------------------------

def test_every_folder_and_row_is_labelled_synthetic(small):
    folders = [small, *(p for p in small.rglob("*") if p.is_dir())]
    assert len(folders) == 1 + 1 + 24 + 1 + 1  # root, police-uk, months, partner, areas
    for folder in folders:
        notice = (folder / "SYNTHETIC-DATA.txt").read_text()
        assert notice.startswith("SYNTHETIC DATA")
    for name in ("local-incidents.csv", "council-asb.csv", "fire-deliberate.csv"):
        assert (partner(small, name)["synthetic"] == "true").all()
    for name in ("town-centre", "pspo"):
        drawn = json.loads((small / "areas" / f"{name}.geojson").read_text())
        assert drawn["synthetic"] is True
        assert all(f["properties"]["synthetic"] is True for f in drawn["features"])
    for name in ("lsoas", "neighbourhoods"):
        real = json.loads((small / "areas" / f"{name}.geojson").read_text())
        assert real["synthetic"] is False
        assert "Open Government Licence" in real["source"]
    assert truth(small)["synthetic"] is True


# --- areas ---------------------------------------------------------------------------------------

def test_area_files(small):
    lsoas = json.loads((small / "areas" / "lsoas.geojson").read_text())["features"]
    assert len(lsoas) == 105
    assert {"LSOA11CD", "LSOA11NM", "population"} <= set(lsoas[0]["properties"])
    hoods = json.loads((small / "areas" / "neighbourhoods.geojson").read_text())["features"]
    assert len(hoods) == 20
    assert sum(f["properties"]["population"] for f in hoods) == sum(
        f["properties"]["population"] for f in lsoas)
    centre = shape(json.loads((small / "areas" / "town-centre.geojson").read_text())
                   ["features"][0]["geometry"])
    pspo = shape(json.loads((small / "areas" / "pspo.geojson").read_text())
                 ["features"][0]["geometry"])
    assert centre.contains(Point(0.900, 51.889))
    assert pspo.contains(centre)
    assert load_geography().boundary.contains(pspo)


# --- ground truth --------------------------------------------------------------------------------

def test_ground_truth_has_every_documented_key(small):
    t = truth(small)
    assert set(t) == set(GROUND_TRUTH_KEYS)
    required = {"seed", "period", "scale", "hotspots", "rising_trend", "seasonality",
                "near_repeat", "repeat_victims", "repeat_locations", "repeat_complainants",
                "county_line", "pspo", "operation", "counts"}
    assert required <= set(t)
    assert (t["seed"], t["scale"]) == (7, 0.2)
    assert t["period"] == {"start": "2024-01", "end": "2025-12", "first_day": "2024-01-01",
                           "last_day": "2025-12-31", "months": 24}
    for h in t["hotspots"]:
        assert {"lon", "lat", "x", "y", "radius_m", "categories", "neighbourhood_code"} <= set(h)
        assert 150 <= h["radius_m"] <= 300
    assert 4 <= len(t["hotspots"]) <= 6
    assert len({h["neighbourhood_code"] for h in t["hotspots"]}) >= 4


def test_ground_truth_counts_match_the_files(small):
    t = truth(small)
    rows = police_uk(small)
    assert t["counts"]["police-uk"]["rows"] == len(rows)
    assert t["counts"]["police-uk"]["by_crime_type"] == rows["Crime type"].value_counts(
    ).sort_index().to_dict()
    assert t["counts"]["police-uk"]["no_location"] == (rows["Location"] == "No Location").sum()
    for name in ("local-incidents.csv", "council-asb.csv", "fire-deliberate.csv"):
        assert t["counts"][f"partner/{name}"] == len(partner(small, name))


def test_repeat_victims_are_every_person_victimised_twice_or_more(small):
    t = truth(small)
    local = partner(small, "local-incidents.csv")
    people = local[local["victim_ref"].str.startswith("V")]["victim_ref"].value_counts()
    repeats = people[people >= 2]
    listed = {v["victim_ref"]: v["count"] for v in t["repeat_victims"]}
    assert listed == repeats.to_dict()
    assert {v["kind"] for v in t["repeat_victims"]} == {"domestic", "burglary", "hate",
                                                        "county-line cuckooing"}


def test_repeat_complainants_and_locations_match_the_files(small):
    t = truth(small)
    log = partner(small, "council-asb.csv")
    counts = log[log["complainant_ref"] != ""]["complainant_ref"].value_counts()
    listed = {c["complainant_ref"]: c["count"] for c in t["repeat_complainants"]}
    assert listed == counts[counts >= 2].to_dict()
    assert max(listed.values()) >= 5
    assert {c["kind"] for c in t["repeat_complainants"]} == {"repeat complainant",
                                                             "county-line neighbour"}
    local = partner(small, "local-incidents.csv")
    for spot in t["repeat_locations"]:
        here = local[(local["easting"] == str(spot["easting"]))
                     & (local["northing"] == str(spot["northing"]))]
        assert len(here) == spot["count"] >= 3
        against_business = here["police_uk_type"].isin(["Shoplifting", "Other theft"])
        assert (here.loc[against_business, "victim_ref"] == spot["business_ref"]).all()
        assert set(here["police_uk_type"]) == set(spot["categories"])


def test_county_line_is_fake_and_linked_to_real_records(small):
    line = truth(small)["county_line"]
    assert all(re.fullmatch(r"07700 900\d{3}", n) for n in line["deal_lines"])
    local = partner(small, "local-incidents.csv").set_index("local_ref")
    log = partner(small, "council-asb.csv").set_index("case_ref")
    nodes = set(line["deal_lines"]) | {n["ref"] for n in line["nominals"]}
    for address in line["cuckooed_addresses"]:
        nodes.add(address["ref"])
        nodes.update(address["resident_victim_refs"])
        mine = local.loc[address["local_refs"]]
        assert (mine["drugs"] == "Y").all()
        assert "Trafficking of drugs" in set(mine["offence_category"])
        assert (log.loc[address["council_case_refs"], "category"] == "Drug dealing").all()
        assert address["cuckooed_from"] <= address["cuckooed_to"]
    assert all(link["from"] in nodes and link["to"] in nodes for link in line["links"])


# --- volumes and planted patterns at full size -----------------------------------------------------

def test_full_size_town_has_realistic_volumes_and_is_quick(full, full_rows):
    folder, seconds = full
    rows = full_rows
    per_year = len(rows) / 3
    assert 15_000 <= per_year <= 25_000
    share = rows["Crime type"].value_counts(normalize=True)
    assert 0.25 <= share["Anti-social behaviour"] <= 0.35
    assert list(share.index[:2]) == ["Violence and sexual offences", "Anti-social behaviour"]
    assert seconds < 30  # a few seconds on a quiet machine; generous for shared CI runners


def test_planted_rising_category_is_flagged_by_an_exact_poisson_test(full, full_rows):
    folder, _ = full
    t = truth(folder)
    rows = full_rows
    end = pd.Period(t["period"]["end"], freq="M")
    last = (rows["Month"] > str(end - 12)).to_numpy()
    previous = ((rows["Month"] <= str(end - 12)) & (rows["Month"] > str(end - 24))).to_numpy()
    flagged = []
    for category in sorted(CRIME_TYPES):
        is_cat = (rows["Crime type"] == category).to_numpy()
        a, b = int((is_cat & last).sum()), int((is_cat & previous).sum())
        # Conditional on the total, last-12 count is Binomial(n, 1/2) under equal Poisson rates.
        if stats.binomtest(a, a + b, 0.5, alternative="greater").pvalue < 0.001:
            flagged.append(category)
    assert flagged == [t["rising_trend"]["category"]]
    assert t["rising_trend"]["last_12_months"] / t["rising_trend"]["previous_12_months"] > 1.15


def test_without_planted_trend_nothing_rises(tmp_path):
    generate_town(tmp_path, seed=5, months=24, scale=0.5, plant_trend=False)
    assert truth(tmp_path)["rising_trend"] is None
    rows = police_uk(tmp_path)
    last = (rows["Month"] >= "2025-01").to_numpy()
    shop = (rows["Crime type"] == "Shoplifting").to_numpy()
    a, b = int((shop & last).sum()), int((shop & ~last).sum())
    assert stats.binomtest(a, a + b, 0.5).pvalue > 0.01


def test_seasonal_categories_peak_in_summer(full, full_rows):
    folder, _ = full
    rows = full_rows
    calendar = rows["Month"].str[5:7].astype(int)
    summer, winter = calendar.isin([6, 7, 8]), calendar.isin([12, 1, 2])
    for category in truth(folder)["seasonality"]["categories"]:
        c = rows["Crime type"] == category
        assert (c & summer).sum() / (c & winter).sum() > 1.3
    c = rows["Crime type"] == "Other theft"  # not seasonal
    assert 0.85 < (c & summer).sum() / (c & winter).sum() < 1.15


def test_planted_hotspots_are_found_by_gi_star_on_200m_cells(full, full_rows):
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    folder, _ = full
    t = truth(folder)
    rows = full_rows
    rows = rows[(rows["Location"] != "No Location") & (rows["Month"] >= "2025-01")]
    x, y = to_bng(rows["Longitude"].astype(float).to_numpy(),
                  rows["Latitude"].astype(float).to_numpy())
    # 200 m cells over the built-up area (14 km square around the town centre).
    cell, x0, y0, nx, ny = 200.0, 592_000.0, 218_000.0, 70, 70
    ix, iy = ((x - x0) // cell).astype(int), ((y - y0) // cell).astype(int)
    keep = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    counts = np.bincount(iy[keep] * nx + ix[keep], minlength=nx * ny).astype(float)
    w = libpysal.weights.lat2W(ny, nx, rook=False)
    z = esda.G_Local(counts, w, transform="B", star=True, permutations=0).Zs.reshape(ny, nx)
    for h in t["hotspots"]:
        cx, cy = int((h["x"] - x0) // cell), int((h["y"] - y0) // cell)
        assert z[cy - 1:cy + 2, cx - 1:cx + 2].max() > 3.29, h["id"]  # p < 0.001
        # A distinct peak: hotter than the cells 600-1,000 m around it.
        ring = np.zeros_like(z, dtype=bool)
        ring[cy - 5:cy + 6, cx - 5:cx + 6] = True
        ring[cy - 2:cy + 3, cx - 2:cx + 3] = False
        assert z[cy - 1:cy + 2, cx - 1:cx + 2].max() > np.median(z[ring]) + 2, h["id"]


def test_top_neighbourhoods_by_harm_weighted_rate_include_planted_hotspots(full, full_rows):
    folder, _ = full
    t = truth(folder)
    rows = full_rows
    rows = rows[(rows["LSOA code"] != "") & (rows["Month"] >= "2025-01")]
    lsoas = json.loads((folder / "areas" / "lsoas.geojson").read_text())["features"]
    msoa = {f["properties"]["LSOA11CD"]: f["properties"]["MSOA11CD"] for f in lsoas}
    hoods = json.loads((folder / "areas" / "neighbourhoods.geojson").read_text())["features"]
    population = pd.Series({f["properties"]["MSOA11CD"]: f["properties"]["population"]
                            for f in hoods})
    # Illustrative severity weights (days of custody, in the spirit of the Cambridge Crime Harm
    # Index); only the ranking matters here.
    weights = {"Violence and sexual offences": 150, "Robbery": 365, "Burglary": 60,
               "Possession of weapons": 100, "Drugs": 20, "Public order": 10,
               "Criminal damage and arson": 10, "Shoplifting": 3, "Vehicle crime": 10,
               "Other theft": 5, "Theft from the person": 20, "Bicycle theft": 5,
               "Other crime": 30, "Anti-social behaviour": 0}
    harm = rows["Crime type"].map(weights).groupby(rows["LSOA code"].map(msoa)).sum()
    top5 = set((harm / population).sort_values(ascending=False).index[:5])
    hotspot_hoods = {h["neighbourhood_code"] for h in t["hotspots"]}
    assert len(top5 & hotspot_hoods) >= 3


def test_planted_near_repeat_burglary_is_found_by_the_knox_test(full):
    spacetime = pytest.importorskip("pointpats.spacetime")
    folder, _ = full
    nr = truth(folder)["near_repeat"]
    local = partner(folder, "local-incidents.csv")
    burglary = local[(local["police_uk_type"] == "Burglary")
                     & (local["offence_date"] >= "2025-01-01")]
    xy = burglary[["easting", "northing"]].astype(float).to_numpy()
    days = ((pd.to_datetime(burglary["offence_date"]) - pd.Timestamp("2025-01-01")).dt.days
            .to_numpy().astype(float).reshape(-1, 1))
    knox = spacetime.Knox(xy, days, delta=nr["spatial_range_m"], tau=nr["temporal_range_days"],
                          permutations=0)
    assert knox.p_poisson < 1e-6
    assert knox.observed[0, 0] > 1.3 * knox.expected[0, 0]
    assert 0.2 < nr["offspring"] / (nr["offspring"] + nr["first_generation"]) < 0.4


def test_operation_effect_is_recoverable_against_its_control(full, full_rows):
    folder, _ = full
    op = truth(folder)["operation"]
    rows = full_rows
    rows = rows[rows["LSOA code"] != ""]
    lsoas = json.loads((folder / "areas" / "lsoas.geojson").read_text())["features"]
    msoa = {f["properties"]["LSOA11CD"]: f["properties"]["MSOA11CD"] for f in lsoas}
    hood = rows["LSOA code"].map(msoa)
    target = rows["Crime type"].isin(op["categories"])
    during = (rows["Month"] >= op["start"][:7]) & (rows["Month"] <= op["end"][:7])
    before = ((rows["Month"] >= op["suggested_before_period"]["start"][:7])
              & (rows["Month"] <= op["suggested_before_period"]["end"][:7]))
    n = {(area, when): int((target & (hood == code) & mask).sum())
         for area, code in (("t", op["neighbourhood_code"]),
                            ("c", op["control_neighbourhood_code"]))
         for when, mask in (("during", during), ("before", before))}
    # Ratio of rate ratios, log scale, with its Poisson standard error.
    log_rr = (np.log(n["t", "during"] / n["t", "before"])
              - np.log(n["c", "during"] / n["c", "before"]))
    se = np.sqrt(sum(1 / v for v in n.values()))
    true_log_rr = np.log(1 - op["effect_pct_reduction"] / 100)
    assert log_rr / se < -2
    assert abs(log_rr - true_log_rr) < 1.96 * se
    assert op["events_removed"] > 0


def test_pspo_planted_effect_on_council_reports(full):
    folder, _ = full
    pspo = truth(folder)["pspo"]
    zone = shape(json.loads((folder / "areas" / "pspo.geojson").read_text())
                 ["features"][0]["geometry"])
    log = partner(folder, "council-asb.csv")
    lon, lat = _wgs84(log["easting"], log["northing"])
    inside = shapely.contains_xy(zone, lon, lat)
    when = pd.to_datetime(log["reported_at"], format="%d/%m/%Y %H:%M")
    made = pd.Timestamp(pspo["made"])
    target = log["category"].isin(pspo["planted_effect"]["categories"]).to_numpy() & inside
    start = pd.Period(truth(folder)["period"]["start"], freq="M")
    before_months = (made.to_period("M") - start).n
    after_months = truth(folder)["period"]["months"] - before_months
    before = int((target & (when < made).to_numpy()).sum())
    after = int((target & (when >= made).to_numpy()).sum())
    rate_ratio = (after / after_months) / (before / before_months)
    se = np.sqrt(1 / before + 1 / after)
    expected = 1 - pspo["planted_effect"]["pct_reduction"] / 100
    assert abs(np.log(rate_ratio) - np.log(expected)) < 1.96 * se
    assert np.log(rate_ratio) / se < -2
    assert pspo["made"] < pspo["expires"]
    assert pspo["prohibitions"]

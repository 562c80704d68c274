"""The crime-types-2013 case as a user runs it: three years of police.uk files whose crime types
change in May 2013. ``trends`` must not report a renamed or split type as rising or falling by
100 % or more, and must say which types it counted together."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.process import ok

CASE = Path(__file__).parents[1] / "data" / "cases" / "crime-types-2013" / "data"
COMBINED_ORDER = "Public order and possession of weapons (combined)"
WARDS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": code, "name": code},
     "geometry": {"type": "Polygon", "coordinates": [[[x0, 51.8], [x1, 51.8], [x1, 51.95],
                                                       [x0, 51.95], [x0, 51.8]]]}}
    for code, x0, x1 in (("W1", 0.80, 0.89), ("W2", 0.89, 0.99))]}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("crime-types-2013")
    ok("ingest", "police-uk", str(CASE), home=home)
    return home


def trends_json(home: Path, *args: str) -> tuple[dict, str]:
    printed = ok("trends", *args, "--out", str(home / "trends.json"), home=home)
    return json.loads((home / "trends.json").read_text(encoding="utf-8")), printed


def test_no_type_is_reported_rising_or_falling_by_100_percent_because_it_was_renamed_or_split(home):
    data, printed = trends_json(home, "--to", "2014-04")
    rows = {r["category"]: r for r in data["table"]}
    assert set(rows) == {"Violence and sexual offences", COMBINED_ORDER}
    for row in rows.values():
        assert row["pct_change"] is not None and abs(row["pct_change"]) < 100
        assert row["direction"] == "stable"
        assert abs(row["trend_pct_per_year"]) < 100
    assert rows["Violence and sexual offences"]["prev12"] == 730  # "Violent crime", May 2012-Apr 2013
    assert rows[COMBINED_ORDER]["last12"] == 453  # Public order + Possession of weapons
    assert "Violent crime" not in printed.split("Classification change")[0]


def test_the_output_names_the_rename_and_the_split_it_harmonised(home):
    data, printed = trends_json(home, "--to", "2014-04")
    assert ("Classification change: 'Violent crime' is counted as 'Violence and sexual offences'"
            in printed)
    assert f"'{COMBINED_ORDER}' counts 'Possession of weapons', 'Public disorder and weapons', " \
           "'Public order' together" in " ".join(printed.split())
    info = data["classification"]
    assert info["relabelled"] == {
        "Violent crime": "Violence and sexual offences",
        "Public disorder and weapons": COMBINED_ORDER, "Public order": COMBINED_ORDER,
        "Possession of weapons": COMBINED_ORDER}
    assert info["series_breaks"] == [] and len(info["combined"]) == 2
    assert "police.uk" in info["source"]
    rows = {r["category"]: r for r in data["table"]}
    assert "May 2013" in rows[COMBINED_ORDER]["classification"]


def test_the_csv_output_carries_the_classification_note_on_each_row(home):
    ok("trends", "--to", "2014-04", "--out", str(home / "trends.csv"), home=home)
    with (home / "trends.csv").open(encoding="utf-8") as fh:
        rows = {r["category"]: r for r in csv.DictReader(fh)}
    assert "renamed 'Violent crime'" in rows["Violence and sexual offences"]["classification"]
    assert "split 'Public disorder and weapons'" in rows[COMBINED_ORDER]["classification"]


def test_asking_for_one_new_type_compares_its_whole_combined_series(home):
    data, _ = trends_json(home, "--to", "2014-04", "--category", "Possession of weapons")
    [row] = data["table"]
    assert row["category"] == COMBINED_ORDER and row["prev12"] == 499 and row["last12"] == 453


def test_months_after_the_change_only_keep_the_current_types(home):
    data, printed = trends_json(home, "--from", "2013-05", "--to", "2014-05")
    assert {r["category"] for r in data["table"]} == {
        "Violence and sexual offences", "Public order", "Possession of weapons"}
    assert data["classification"]["combined"] == [] and "Classification change" not in printed


def test_trends_by_ward_harmonise_each_ward(home):
    (home / "wards.geojson").write_text(json.dumps(WARDS), encoding="utf-8")
    ok("areas", "import", str(home / "wards.geojson"), "--kind", "ward", "--code-field", "code",
       "--name-field", "name", home=home)
    data, _ = trends_json(home, "--to", "2014-04", "--by", "ward")
    categories = {r["category"] for r in data["table"]}
    assert categories == {"Violence and sexual offences", COMBINED_ORDER}
    assert {r["area_code"] for r in data["table"]} == {"W1", "W2"}
    assert all(abs(r["pct_change"]) < 100 for r in data["table"])


def test_evaluate_across_may_2013_counts_violent_crime_as_violence_and_sexual_offences(home):
    (home / "wards.geojson").write_text(json.dumps(WARDS), encoding="utf-8")
    ok("areas", "import", str(home / "wards.geojson"), "--kind", "ward", "--code-field", "code",
       "--name-field", "name", home=home)
    printed = ok("evaluate", "--kind", "ward", "--treatment", "W1", "--control", "W2",
                 "--before", "2012-05..2013-04", "--after", "2013-05..2014-04",
                 "--category", "Violence and sexual offences", "--out", str(home / "eval.json"),
                 home=home)
    assert "'Violent crime' is counted as 'Violence and sexual offences'" in printed
    data = json.loads((home / "eval.json").read_text(encoding="utf-8"))
    counts = {r["category"]: r for r in data["counts"]}
    # the before period holds the "Violent crime" rows (May 2012 to April 2013), not zero
    assert counts["Violence and sexual offences"] == {
        "category": "Violence and sexual offences", "treatment_before": 99,
        "treatment_after": 124, "control_before": 631, "control_after": 602}
    assert any("renamed 'Violent crime'" in n for n in data["notes"])

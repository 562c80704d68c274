"""police.uk crime types renamed or split inside a series: harmonised, or the break named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from saferplaces.analysis.classification import (
    harmonise_categories,
    load_scheme,
    related_categories,
)
from saferplaces.analysis.trends import trend_table

COMBINED_ORDER = "Public order and possession of weapons (combined)"


def incidents(monthly: dict[str, tuple[str, str, int]], source: str = "police-uk") -> pd.DataFrame:
    """One row per incident: ``{category: (first month, last month, per month)}``."""
    rows = []
    for category, (first, last, n) in monthly.items():
        for month in pd.date_range(f"{first}-01", f"{last}-01", freq="MS"):
            rows += [(source, category, month)] * n
    df = pd.DataFrame(rows, columns=["source", "category", "month"])
    df.insert(0, "id", np.arange(len(df)))
    return df


# the crime-types-2013 case in miniature: old types to April 2013, new ones from May 2013
MAY_2013 = {
    "Violent crime": ("2011-06", "2013-04", 60),
    "Violence and sexual offences": ("2013-05", "2014-05", 60),
    "Public disorder and weapons": ("2011-06", "2013-04", 40),
    "Public order": ("2013-05", "2014-05", 30),
    "Possession of weapons": ("2013-05", "2014-05", 10),
    "Burglary": ("2011-06", "2014-05", 25),
}


def test_the_police_uk_mapping_holds_the_2013_rename_and_splits_with_its_source():
    scheme = load_scheme("police-uk")
    assert "police.uk" in scheme.source
    by_old = {c.old: c for c in scheme.changes}
    rename = by_old[("Violent crime",)]
    assert (rename.kind, rename.new, f"{rename.month:%Y-%m}") == (
        "rename", ("Violence and sexual offences",), "2013-05")
    split = by_old[("Public disorder and weapons",)]
    assert split.kind == "split" and set(split.new) == {"Public order", "Possession of weapons"}
    assert split.label == COMBINED_ORDER
    assert {c.action for c in scheme.changes} == {"combine", "break"}


def test_a_renamed_type_is_counted_under_its_current_name():
    df = incidents(MAY_2013)
    h = harmonise_categories(df["category"], df["month"], first="2012-05", last="2014-04")
    assert h.label("Violent crime") == "Violence and sexual offences"
    assert h.label("Violence and sexual offences") == "Violence and sexual offences"
    assert "'Violent crime' is counted as 'Violence and sexual offences'" in " ".join(h.notes())


def test_a_split_type_and_its_successors_are_one_combined_series():
    df = incidents(MAY_2013)
    h = harmonise_categories(df["category"], df["month"], first="2012-05", last="2014-04")
    for c in ("Public disorder and weapons", "Public order", "Possession of weapons"):
        assert h.label(c) == COMBINED_ORDER
    assert h.label("Burglary") == "Burglary"
    assert not h.breaks
    [combined] = [c for c in h.to_dict()["combined"] if c["series"] == COMBINED_ORDER]
    assert combined["categories"] == ["Possession of weapons", "Public disorder and weapons",
                                      "Public order"]
    assert "split 'Public disorder and weapons'" in h.series_note(COMBINED_ORDER)


def test_other_theft_is_combined_with_the_types_split_out_of_it_in_2013():
    df = incidents({"Other theft": ("2012-01", "2014-04", 30),
                    "Bicycle theft": ("2013-05", "2014-04", 8),
                    "Theft from the person": ("2013-05", "2014-04", 5)})
    h = harmonise_categories(df["category"], df["month"])
    label = "Other theft, bicycle theft and theft from the person (combined)"
    assert {h.label(c) for c in ("Other theft", "Bicycle theft", "Theft from the person")} == {label}


def test_months_compared_all_after_the_change_are_left_as_recorded():
    df = incidents(MAY_2013)
    h = harmonise_categories(df["category"], df["month"], first="2013-05", last="2014-05")
    assert not h.applied and h.notes() == []
    assert h.label("Public order") == "Public order"


def test_data_already_using_a_type_before_its_documented_start_are_left_alone():
    # "Public disorder and weapons" from June 2011, before the September 2011 split police.uk made
    df = incidents({"Public disorder and weapons": ("2011-06", "2012-12", 40),
                    "Burglary": ("2011-06", "2012-12", 25)})
    h = harmonise_categories(df["category"], df["month"])
    assert not h.applied


def test_the_september_2011_split_of_other_crime_is_a_named_series_break():
    df = incidents({"Other crime": ("2011-01", "2011-08", 90),
                    "Drugs": ("2011-09", "2012-12", 20),
                    "Shoplifting": ("2011-09", "2012-12", 30),
                    "Burglary": ("2011-01", "2012-12", 25)})
    h = harmonise_categories(df["category"], df["month"])
    assert not h.labels
    assert h.breaks["Drugs"] == pd.Timestamp("2011-09-01")
    assert h.breaks["Other crime"] == pd.Timestamp("2011-09-01")
    assert "Burglary" not in h.breaks
    [note] = h.notes()
    assert note.startswith("Series break in September 2011") and "'Drugs'" in note


def test_new_types_whose_old_type_is_missing_start_again_rather_than_rise_from_nothing():
    # the old "Public disorder and weapons" rows were left out: nothing to combine with
    df = incidents({k: v for k, v in MAY_2013.items() if k != "Public disorder and weapons"})
    h = harmonise_categories(df["category"], df["month"], first="2012-05", last="2014-04")
    assert h.label("Public order") == "Public order"
    assert h.breaks["Public order"] == pd.Timestamp("2013-05-01")
    assert "no 'Public disorder and weapons' before then" in " ".join(h.notes())


def test_a_type_asked_for_brings_in_the_types_it_was_renamed_or_split_from():
    assert set(related_categories(["Possession of weapons"])) == {
        "Possession of weapons", "Public disorder and weapons", "Public order"}
    assert set(related_categories(["Violence and sexual offences"])) == {
        "Violence and sexual offences", "Violent crime"}
    assert related_categories(["Burglary"]) == ["Burglary"]


def test_a_mapping_file_without_a_label_for_a_combined_split_is_refused(tmp_path):
    path = tmp_path / "scheme.toml"
    path.write_text('[[changes]]\nmonth = "2013-05"\nold = ["A"]\nnew = ["B", "C"]\n'
                    'harmonise = "combine"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs a label"):
        load_scheme(path)
    with pytest.raises(FileNotFoundError):
        load_scheme("no-such-scheme")


# ----------------------------------------------------------------------------------------------
# the trend table
# ----------------------------------------------------------------------------------------------
def test_no_type_rises_or_falls_by_100_percent_because_it_was_renamed_or_split():
    result = trend_table(incidents(MAY_2013), end="2014-04")
    table = result.table
    assert set(table.index) == {"Violence and sexual offences", COMBINED_ORDER, "Burglary"}
    assert (table["pct_change"].abs() < 100).all()
    assert (table["direction"] == "stable").all()
    assert table.loc["Violence and sexual offences", ["last12", "prev12"]].tolist() == [720, 720]
    assert table.loc[COMBINED_ORDER, ["last12", "prev12"]].tolist() == [480, 480]
    assert "split 'Public disorder and weapons'" in table.loc[COMBINED_ORDER, "classification"]
    assert table.loc["Burglary", "classification"] == ""
    info = result.to_dict()["classification"]
    assert info["relabelled"]["Violent crime"] == "Violence and sexual offences"
    assert len(info["notes"]) == 2 and "classification" in result.methods


def test_counting_types_as_recorded_shows_the_false_changes_the_harmonising_prevents():
    table = trend_table(incidents(MAY_2013), end="2014-04", classification=None).table
    assert table.loc["Violent crime", "pct_change"] == -100
    assert "classification" not in table.columns


def test_a_series_break_gives_no_comparison_across_it_and_says_so():
    df = incidents({"Other crime": ("2010-08", "2011-08", 90),
                    "Drugs": ("2011-09", "2013-08", 20),
                    "Burglary": ("2010-08", "2013-08", 25)})
    df = pd.concat([df, incidents({"Other crime": ("2011-09", "2013-08", 40)})], ignore_index=True)
    df["id"] = np.arange(len(df))
    table = trend_table(df, end="2012-08").table
    for series in ("Drugs", "Other crime"):
        row = table.loc[series]
        assert row["direction"] == "series break" and np.isnan(row["pct_change"])
        assert row["trend_note"].startswith("trend from 2011-09 only")
        assert "Series break in September 2011" in row["classification"]
    assert table.loc["Burglary", "direction"] == "stable"
    # two years after the break the comparison is made again
    later = trend_table(df, end="2013-08").table
    assert later.loc["Drugs", "direction"] == "stable" and later.loc["Drugs", "prev12"] == 240


def test_only_police_uk_rows_are_harmonised():
    df = pd.concat([incidents(MAY_2013),
                    incidents({"Violent crime": ("2011-06", "2014-05", 5)}, source="local")],
                   ignore_index=True)
    df["id"] = np.arange(len(df))
    h_table = trend_table(df[df["source"] == "local"], end="2014-04").table
    assert list(h_table.index) == ["Violent crime"]
    both = trend_table(df, end="2014-04").table
    # 720 police.uk crimes a year plus 60 local ones, which keep their own name
    assert both.loc["Violence and sexual offences", "last12"] == 720
    assert both.loc["Violent crime", "last12"] == 60


def test_asking_for_one_new_type_compares_the_combined_series_it_belongs_to():
    df = incidents(MAY_2013)
    table = trend_table(df, end="2014-04", categories=["Possession of weapons"]).table
    assert list(table.index) == [COMBINED_ORDER]
    assert table.loc[COMBINED_ORDER, "prev12"] == 480


def test_by_area_rows_are_harmonised_too():
    df = incidents(MAY_2013)
    membership = pd.DataFrame({"incident_id": df["id"], "area_kind": "ward",
                               "area_code": np.where(df["id"] % 2 == 0, "W1", "W2")})
    table = trend_table(df, by=["area_code", "category"], membership=membership,
                        area_kind="ward", end="2014-04").table
    assert set(table.index.get_level_values("category")) == {
        "Violence and sexual offences", COMBINED_ORDER, "Burglary"}
    assert (table["pct_change"].abs() < 100).all()


# ----------------------------------------------------------------------------------------------
# the strategic assessment compares the same periods by category
# ----------------------------------------------------------------------------------------------
def test_the_assessment_compares_renamed_and_split_types_as_one_series():
    import dataclasses

    from saferplaces.strategic import Period, load_config, run_assessment
    from tests.strategic.smalltown import build

    base = build()
    shift = pd.DateOffset(months=-139)  # 2023-01..2025-12 becomes 2011-06..2014-05
    town = base.incidents.copy()
    town["month"] = (town["month"] + shift).astype("datetime64[ns]")
    town["occurred"] = (town["occurred"] + shift).astype("datetime64[ns]")
    extra = incidents(MAY_2013)
    extra = extra[extra["category"] != "Burglary"].reset_index(drop=True)
    burglary = town[(town["source"] == "police-uk") & (town["category"] == "Burglary")]
    sample = burglary.sample(len(extra), replace=True, random_state=1).reset_index(drop=True)
    for column in ("x", "y", "lon", "lat", "lsoa_code", "location", "victim_ref", "precision"):
        extra[column] = sample[column]
    for flag in [c for c in town.columns if town[c].dtype == bool]:
        extra[flag] = False
    extra["occurred"] = extra["month"]
    extra["id"] = np.arange(len(extra)) + int(town["id"].max()) + 1
    inputs = dataclasses.replace(base, incidents=pd.concat([town, extra], ignore_index=True),
                                 period=Period("2013-06", "2014-05"))
    result = run_assessment(inputs, load_config())
    data = result.to_dict()

    ids = {c.id: c for c in result.candidates}
    assert "police-uk:violent-crime" not in ids and "police-uk:public-order" not in ids
    violence = ids["police-uk:violence-and-sexual-offences"].measures
    combined = next(c for c in result.candidates if c.name == COMBINED_ORDER).measures
    for m in (violence, combined):
        assert m["previous"] == m["count"] and m["direction"] == "stable"
    rows = {r["category"]: r for r in data["current_picture"]["categories"]}
    assert "Violent crime" not in rows and rows[COMBINED_ORDER]["pct_change"] == 0
    warnings = " ".join(result.warnings)
    assert "'Violent crime' is counted as 'Violence and sexual offences'" in warnings
    # the violent-crime theme names "Possession of weapons", now inside the combined series
    assert f"a selection of 'Possession of weapons' counts the whole series '{COMBINED_ORDER}'" \
        in warnings


# ----------------------------------------------------------------------------------------------
# evaluate compares a before and an after period
# ----------------------------------------------------------------------------------------------
def evaluation_inputs(monthly: dict[str, tuple[str, str, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = incidents(monthly)
    df["occurred"], df["precision"] = df["month"], "month"
    membership = pd.DataFrame({"incident_id": df["id"], "area_kind": "ward",
                               "area_code": np.where(df["id"] % 3 == 0, "T", "C")})
    return df, membership


def test_evaluate_counts_a_renamed_type_in_both_periods():
    from saferplaces.analysis.evaluation import evaluate_intervention

    df, membership = evaluation_inputs(MAY_2013)
    result = evaluate_intervention(
        df, membership, treatment="T", control="C", before=("2012-05-01", "2013-04-30"),
        after=("2013-05-01", "2014-04-30"), categories=["Violence and sexual offences"])
    counts = result.counts.loc["Violence and sexual offences"]
    assert counts["treatment_before"] == counts["treatment_after"] == 240
    assert any("'Violent crime' is counted as" in n for n in result.notes)
    assert not any("Public order" in n for n in result.notes)


def test_evaluate_refuses_periods_across_a_series_break_for_a_type_asked_for():
    from saferplaces.analysis.evaluation import evaluate_intervention

    df, membership = evaluation_inputs({"Other crime": ("2010-09", "2012-08", 90),
                                        "Drugs": ("2011-09", "2012-08", 20)})
    with pytest.raises(ValueError, match="Series break in September 2011.*one side of the change"):
        evaluate_intervention(df, membership, treatment="T", control="C",
                              before=("2011-03-01", "2011-08-31"),
                              after=("2011-09-01", "2012-02-29"), categories=["Drugs"])

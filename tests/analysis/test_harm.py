"""Harm weight tables and harm-weighted counts."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from saferplaces.analysis.frame import POLICE_UK_CRIME_TYPES
from saferplaces.analysis.harm import (
    HARM_DATA_DIR,
    HarmWeights,
    available_weights,
    harm_weighted_counts,
    load_weights,
)

LOCAL_CATEGORIES = (
    "Deliberate fire", "Noise nuisance", "Neighbour dispute", "Street drinking",
    "Aggressive begging", "Fly-tipping", "Drug dealing", "Domestic abuse", "Hate crime",
    "Burglary dwelling",
)


@pytest.mark.parametrize("name", available_weights())
def test_shipped_table_weights_every_police_uk_type_and_the_local_categories(name):
    weights = load_weights(name)
    missing = [c for c in POLICE_UK_CRIME_TYPES + LOCAL_CATEGORIES
               if weights.weight_of(c) is None]
    assert missing == []


@pytest.mark.parametrize("name", available_weights())
def test_shipped_table_states_source_year_citation_and_that_it_is_indicative(name):
    weights = load_weights(name)
    assert weights.source and weights.citation and re.fullmatch(r"\d{4}", weights.year)
    assert weights.status == "indicative"
    assert "INDICATIVE" in weights.notes["caveat"]
    assert "volume-weighted mean" in weights.notes["mapping"]
    table = pd.read_csv(HARM_DATA_DIR / f"{name.replace('-', '_')}.csv")
    assert table["basis"].str.len().min() > 10  # every row says how it was derived
    assert set(table["kind"]) == {"police-uk", "local"}


@pytest.mark.parametrize("name", available_weights())
def test_shipped_weights_rank_offences_as_both_indices_do(name):
    w = load_weights(name)
    assert w.weight_of("Robbery") > w.weight_of("Burglary") > w.weight_of("Shoplifting")
    assert w.weight_of("Violence and sexual offences") > w.weight_of("Public order")
    assert w.weight_of("Drug dealing") > w.weight_of("Drugs")
    assert w.weight_of("Anti-social behaviour") <= w.weight_of("Criminal damage and arson")


def test_user_supplied_csv_with_comments_and_sidecar_is_accepted(tmp_path):
    path = tmp_path / "force_weights.csv"
    path.write_text("# our force's own weights\ncategory,weight\nBurglary, 40\nRobbery,400\n")
    (tmp_path / "force_weights.toml").write_text(
        'name = "force"\nsource = "Force analysts"\nyear = "2025"\nunit = "days"\n')
    weights = load_weights(path)
    assert weights.name == "force" and weights.year == "2025"
    assert weights.weights == {"Burglary": 40.0, "Robbery": 400.0}
    bare = tmp_path / "bare.csv"
    bare.write_text("category,weight\nDrugs,3\n")
    assert load_weights(str(bare)).status == "user-supplied"


@pytest.mark.parametrize("text", ["category,score\nDrugs,3\n", "category,weight\nDrugs,lots\n",
                                  "category,weight\nDrugs,3\ndrugs ,4\n",
                                  "category,weight\nDrugs,-1\n"])
def test_malformed_user_csv_is_refused(tmp_path, text):
    path = tmp_path / "w.csv"
    path.write_text(text)
    with pytest.raises(ValueError):
        load_weights(path)


def test_unknown_table_name_is_refused():
    with pytest.raises(FileNotFoundError, match="ons-css"):
        load_weights("no-such-index")


def incidents() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [1, 2, 3, 4, 5, 6],
        "category": ["Burglary", "burglary ", "Robbery", "Dog fouling", "Noise nuisance",
                     "Dog fouling"],
        "ward": ["A", "A", "B", "B", "A", "A"],
    })


def test_harm_weighted_counts_hand_worked():
    weights = {"Burglary": 10, "Robbery": 100, "Noise nuisance": 1}
    result = harm_weighted_counts(incidents(), weights, by="ward")
    # Ward A: two burglaries (10 each) + noise (1) = 21, one dog fouling unweighted.
    assert result.table.loc["A", "harm"] == 21
    assert result.table.loc["A", "incidents"] == 4
    assert result.table.loc["A", "unweighted_incidents"] == 1
    assert result.table.loc["B", "harm"] == 100
    assert result.total_harm == 121 and result.total_incidents == 6
    assert list(result.table.index) == ["B", "A"]  # most harm first


def test_unweighted_categories_are_reported_not_dropped():
    result = harm_weighted_counts(incidents(), "cchi")
    assert result.unweighted_incidents == 2
    assert result.unweighted.loc["Dog fouling", "incidents"] == 2
    assert result.unweighted_share == pytest.approx(2 / 6)
    assert pd.isna(result.table.loc["Dog fouling", "weight"])
    assert result.table.loc["Dog fouling", "unweighted_incidents"] == 2
    data = json.loads(json.dumps(result.to_dict()))
    assert data["unweighted"] == [{"category": "Dog fouling", "incidents": 2}]


def test_categories_match_ignoring_case_and_spacing():
    result = harm_weighted_counts(incidents(), {"BURGLARY": 5.0}, by=None)
    assert result.table.loc["all", "harm"] == 10.0


def test_harm_by_area_counts_an_incident_in_each_of_its_areas_but_totals_once():
    membership = pd.DataFrame({"incident_id": [1, 1, 3], "area_kind": ["ward", "ward", "ward"],
                               "area_code": ["W1", "W2", "W2"]})
    weights = HarmWeights(name="t", weights={"Burglary": 10, "Robbery": 100})
    result = harm_weighted_counts(incidents(), weights, by="area_code", membership=membership)
    assert result.table.loc["W1", "harm"] == 10
    assert result.table.loc["W2", "harm"] == 110
    assert result.total_harm == 120  # incidents 1, 2 (burglary) and 3 (robbery), once each
    assert result.unweighted_incidents == 3

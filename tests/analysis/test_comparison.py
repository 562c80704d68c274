"""Comparison areas chosen by similarity before the operation, overridable and explained."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import seuclidean

from saferplaces.analysis.comparison import choose_comparison_areas

PRE = ("2024-01", "2024-12")
MONTHS = pd.period_range("2024-01", "2024-12", freq="M")


def area(level: float, trend: float = 0.0) -> np.ndarray:
    """Monthly counts around ``level`` changing by ``trend`` (a share of the level) a month."""
    t = np.arange(12) - 5.5
    return np.round(level * (1 + trend * t)).astype(int)


POPULATION = {"T": 8000, "twin": 8100, "near": 7000, "big": 20000, "rising": 8000,
              "tiny": 2000, "quiet": 8000}


def counts() -> pd.DataFrame:
    rows = {"T": area(40), "twin": area(41), "near": area(36, 0.005), "big": area(120),
            "rising": area(40, 0.06), "tiny": area(8, -0.02), "quiet": np.zeros(12, int)}
    return pd.DataFrame(rows, index=MONTHS).T


def test_the_most_similar_areas_are_chosen_and_each_choice_is_explained():
    choice = choose_comparison_areas(counts(), POPULATION, "T", pre=PRE, k=2)
    assert choice.codes == ("twin", "near")
    assert [a.rank for a in choice.chosen] == [1, 2]
    twin = choice.chosen[0]
    assert twin.reason.startswith("chosen as the 1st most similar of 5")
    assert "population 8,100 (treated 8,000)" in twin.reason
    assert "41.0 incidents a month before (treated 40.0)" in twin.reason
    assert [a.code for a in choice.candidates][-1] in {"big", "tiny"}
    assert not choice.candidates[-1].chosen and "not chosen" in choice.candidates[-1].reason
    assert choice.features == ("population", "level", "trend")


def test_an_area_rising_before_the_operation_is_unlike_a_flat_one():
    choice = choose_comparison_areas(counts(), POPULATION, "T", pre=PRE, k=5)
    rising = next(a for a in choice.candidates if a.code == "rising")
    twin = next(a for a in choice.candidates if a.code == "twin")
    assert rising.trend == pytest.approx(0.06, abs=0.002)
    assert rising.distance > twin.distance


def test_distance_is_the_standardised_euclidean_distance():
    choice = choose_comparison_areas(counts(), POPULATION, "T", pre=PRE, k=5)
    table = counts().drop(index="quiet")
    t = np.arange(12) - 5.5
    level = table.mean(axis=1)
    features = pd.DataFrame({
        "population": np.log([POPULATION[a] for a in table.index]),
        "level": np.log(level),
        "trend": (table.to_numpy() @ t / (t @ t)) / level,
    }, index=table.index)
    variances = features.var(ddof=1).to_numpy()
    for candidate in choice.candidates:
        expected = seuclidean(features.loc["T"], features.loc[candidate.code], variances)
        assert candidate.distance == pytest.approx(expected)


def test_excluded_and_fixed_areas_override_the_choice():
    choice = choose_comparison_areas(counts(), POPULATION, "T", pre=PRE, k=2,
                                     exclude=["twin"], fixed=["big"])
    assert choice.codes == ("big", "near")
    big = choice.chosen[0]
    assert big.fixed and big.reason.startswith("chosen by the user;")
    assert "twin" not in [a.code for a in choice.candidates]
    assert choice.excluded["twin"].startswith("excluded by the user")
    exact = choose_comparison_areas(counts(), POPULATION, "T", pre=PRE, k=1, fixed=["tiny"])
    assert exact.codes == ("tiny",)


def test_areas_that_cannot_be_compared_are_listed_with_the_reason():
    population = {k: v for k, v in POPULATION.items() if k != "near"}
    choice = choose_comparison_areas(counts(), population, "T", pre=PRE, k=10)
    assert choice.excluded["quiet"].startswith("no incidents of the target categories")
    assert choice.excluded["near"] == "no population given"
    assert any("only 4 areas could be compared" in n for n in choice.notes)


def test_without_the_treated_population_population_is_left_out():
    choice = choose_comparison_areas(counts(), None, "T", pre=PRE, k=2)
    assert choice.features == ("level", "trend")
    assert any("population left out" in n for n in choice.notes)
    assert "population" not in choice.chosen[0].reason


def test_counts_by_category_as_a_series_or_wide_give_the_same_choice():
    wide = counts()
    long = wide.stack().rename("all")
    long.index = long.index.set_levels([str(m) for m in long.index.levels[1]], level=1)
    split = pd.DataFrame({"ASB": long // 2, "Damage": long - long // 2})
    choices = [choose_comparison_areas(c, POPULATION, "T", pre=PRE, k=3)
               for c in (wide, long, split)]
    assert choices[0].codes == choices[1].codes == choices[2].codes


def test_missing_months_count_as_zero_with_a_note():
    long = counts().stack().rename("all")
    long = long[long.index.get_level_values(1) != MONTHS[4]]
    choice = choose_comparison_areas(long, POPULATION, "T", pre=PRE, k=2)
    assert any("2024-05" in n and "counted as zero" in n for n in choice.notes)


def test_choice_is_plain_json():
    choice = choose_comparison_areas(counts(), POPULATION, "T", pre=PRE, k=2)
    data = json.loads(json.dumps(choice.to_dict()))
    assert [a["code"] for a in data["chosen"]] == ["twin", "near"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"treated": "nowhere"}, "not in the counts"),
    ({"treated": "quiet"}, "no incidents of the target categories"),
    ({"k": 0}, "at least 1"),
    ({"pre": ("2024-01", "2024-02")}, "at least 3 months"),
    ({"pre": ("2024-06", "2024-01")}, "ends"),
    ({"fixed": ["T"]}, "its own comparison"),
    ({"fixed": ["twin"], "exclude": ["twin"]}, "both fixed and excluded"),
    ({"fixed": ["atlantis"]}, "not in the counts"),
    ({"fixed": ["twin", "twin"]}, "twice"),
])
def test_bad_input_is_refused_with_a_clear_message(kwargs, message):
    args = {"treated": "T", "pre": PRE, "k": 2, **kwargs}
    treated = args.pop("treated")
    with pytest.raises(ValueError, match=message):
        choose_comparison_areas(counts(), POPULATION, treated, **args)


def test_a_negative_population_is_refused():
    with pytest.raises(ValueError, match="positive number"):
        choose_comparison_areas(counts(), {**POPULATION, "twin": -5}, "T", pre=PRE)

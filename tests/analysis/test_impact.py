"""An operation's impact: every test on the same counts, in numbers and in plain English."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats import rates as sm_rates

from saferplaces.analysis.comparison import choose_comparison_areas
from saferplaces.analysis.evaluation import wdd, wdq
from saferplaces.analysis.impact import operation_impact
from saferplaces.analysis.stats import poisson_etest

PRE, POST = ("2024-01", "2024-12"), ("2025-01", "2025-06")
MONTHS = pd.period_range("2024-01", "2025-06", freq="M")
COMPARISON = ["C1", "C2", "C3", "C4"]
HARM = {"ASB": 5.0, "Damage": 42.0}


def counts(cut: float = 0.4, seed: int = 5) -> pd.DataFrame:
    """ASB, damage and other incidents per area and month: T treated (cut by ``cut`` in the
    post-period), B its buffer, C1-C4 comparison areas, D1-D6 more untreated areas."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS))
    season = 1 + 0.2 * np.cos(2 * np.pi * (t - 6) / 12)
    levels = {"T": 30, "B": 25, "C1": 28, "C2": 33, "C3": 26, "C4": 31, "D1": 18, "D2": 45,
              "D3": 22, "D4": 38, "D5": 29, "D6": 35}
    frames = []
    for code, level in levels.items():
        lam = level * season * np.where((t >= 12) & (code == "T"), 1 - cut, 1)
        frames.append(pd.DataFrame({
            "area": code, "month": [str(m) for m in MONTHS],
            "ASB": rng.poisson(0.7 * lam), "Damage": rng.poisson(0.25 * lam),
            "Other": rng.poisson(0.05 * lam)}))
    return pd.concat(frames).set_index(["area", "month"])


POPULATION = {"T": 9000, "B": 8000, "C1": 8800, "C2": 9500, "C3": 8500, "C4": 9100,
              "D1": 5000, "D2": 14000, "D3": 6000, "D4": 12000, "D5": 9000, "D6": 11000}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return counts()


@pytest.fixture(scope="module")
def result(data):
    return operation_impact(data, "T", pre=PRE, post=POST, buffer="B", comparison=COMPARISON,
                            harm=HARM, seed=7, names={"T": "Castle ward"},
                            operation_name="Operation Wren")


def totals(data: pd.DataFrame, area: str, months: tuple[str, str],
           categories: list[str] | None = None) -> float:
    rows = data.loc[area]
    rows = rows[(rows.index >= months[0]) & (rows.index <= months[1])]
    return float(rows[categories or list(rows.columns)].to_numpy().sum())


def test_wdd_compares_with_the_average_of_the_comparison_areas(data, result):
    # 12 months before, 6 during: before-period counts scaled by 6/12
    def change(area, cats=None):
        return totals(data, area, POST, cats) - totals(data, area, PRE, cats) / 2

    def variance(area, cats=None):
        return totals(data, area, POST, cats) + totals(data, area, PRE, cats) / 4

    k = len(COMPARISON)
    control = sum(change(c) for c in COMPARISON) / k
    control_var = sum(variance(c) for c in COMPARISON) / k**2
    assert result.wdd.local == pytest.approx(change("T") - control)
    assert result.wdd.displacement == pytest.approx(change("B") - control)
    assert result.wdd.total_se**2 == pytest.approx(variance("T") + variance("B") + 4 * control_var)
    assert result.wdd.local < 0 and result.wdd.p_value < 0.05


def test_with_one_comparison_area_it_is_evaluations_wdd():
    # the same months before and after, so no scaling: the published example's totals
    rows = {"T": [69, 69, 69, 40, 35, 35], "C": [100, 104, 104, 106, 106, 106],
            "B": [60, 59, 59, 52, 52, 53], "X": [50, 52, 51, 50, 49, 48], "Y": [70, 71, 72, 73, 70, 71]}
    table = pd.DataFrame(rows, index=pd.period_range("2024-01", "2024-06", freq="M")).T
    ours = operation_impact(table, "T", pre=("2024-01", "2024-03"), post=("2024-04", "2024-06"),
                            buffer="B", comparison=["C"], harm=None, seed=1).wdd
    theirs = wdd(207, 110, 308, 318, 178, 157)
    assert (ours.total, ours.total_se, ours.p_value) == pytest.approx(
        (theirs.total, theirs.total_se, theirs.p_value))


def test_harm_weighted_wdd_weights_each_category_and_lists_the_unweighted(data, result):
    def change(area, cat):
        return totals(data, area, POST, [cat]) - totals(data, area, PRE, [cat]) / 2

    expected = sum(w * (change("T", c) + change("B", c)
                        - 2 * sum(change(a, c) for a in COMPARISON) / len(COMPARISON))
                   for c, w in HARM.items())
    assert result.harm_wdd.total == pytest.approx(expected)
    assert result.unweighted_categories == ("Other",)
    assert any("no weight for Other" in text for text in result.limitations)


def test_wdq_is_evaluations_wdq_on_the_pooled_counts(data, result):
    pooled = {when: sum(totals(data, c, span) for c in COMPARISON)
              for when, span in (("pre", PRE), ("post", POST))}
    theirs = wdq(totals(data, "T", PRE), totals(data, "T", POST), pooled["pre"], pooled["post"],
                 totals(data, "B", PRE), totals(data, "B", POST), n_boot=2000, seed=7)
    assert result.wdq.to_dict() == theirs.to_dict()


def test_etests_are_after_against_before_per_month_and_agree_with_statsmodels(data, result):
    after, before = int(totals(data, "T", POST)), int(totals(data, "T", PRE))
    ours = result.etests["treated"]
    assert ours == poisson_etest(after, before, exposure1=6, exposure2=12)
    theirs = sm_rates.test_poisson_2indep(after, 6, before, 12, method="etest-wald")
    assert ours.p_value == pytest.approx(theirs.pvalue, abs=1e-6)
    assert set(result.etests) == {"treated", "comparison", "buffer"}


def test_synthetic_control_is_built_from_untreated_areas_outside_the_buffer(result):
    sc = result.synthetic
    assert "T" not in sc.donors and "B" not in sc.donors
    assert set(sc.donors) == {"C1", "C2", "C3", "C4", "D1", "D2", "D3", "D4", "D5", "D6"}
    assert sc.interval_pct[0] < -40 < sc.interval_pct[1]
    assert list(result.series.columns) == ["treated", "comparison", "buffer", "synthetic"]
    assert result.series.loc["2025-01", "synthetic"] == pytest.approx(sc.synthetic["2025-01"])


def test_sentences_say_what_changed_which_test_and_its_result(result):
    text = " ".join(result.sentences)
    assert result.headline.startswith("During Operation Wren (January 2025 to June 2025), "
                                      "incidents of ASB, damage and other in Castle ward were down")
    for name in ("Weighted Displacement Difference test (Wheeler & Ratcliffe 2018)",
                 "Weighted Displacement Quotient (Bowers & Johnson 2003)",
                 "E-test of two Poisson rates, Krishnamoorthy & Thomson 2004",
                 "Synthetic control (Abadie, Diamond & Hainmueller 2010)",
                 "Weighted by harm"):
        assert name in text
    assert f"p = {result.wdd.p_value:.3f}" in text or "p < 0.001" in text
    assert "In the 4 comparison areas (C1, C2, C3 and C4)" in text
    assert "unlikely to be chance alone" in text
    assert result.conclusion == ("Both the comparison-area test and the synthetic control point "
                                 "to a real fall.")
    assert any("10 untreated areas" in text and "cannot give a p-value below 0.091" in text
               for text in result.limitations)


def test_without_a_buffer_or_categories_the_missing_tests_are_limitations(data):
    wide = data.sum(axis=1)
    result = operation_impact(wide, "T", pre=PRE, post=POST, population=POPULATION, seed=1)
    assert result.wdq is None and result.harm_wdd is None
    assert result.comparison.k == 5 and "B" in result.comparison.codes
    assert any("crime moving next door is not measured" in t for t in result.limitations)
    assert any("not split by category" in t for t in result.limitations)
    assert "buffer" not in result.etests


def test_comparison_areas_are_chosen_by_similarity_away_from_the_buffer(data):
    result = operation_impact(data, "T", pre=PRE, post=POST, buffer="B", population=POPULATION,
                              exclude=["D2"], k=3, seed=1)
    expected = choose_comparison_areas(data, POPULATION, "T", pre=PRE, k=3, exclude=["B", "D2"])
    assert result.comparison.codes == expected.codes
    assert "D2" not in result.synthetic.donors


def test_several_treated_areas_are_counted_as_one(data):
    result = operation_impact(data, ["T", "D1"], pre=PRE, post=POST, buffer="B",
                              comparison=COMPARISON, harm=None, seed=1)
    before = totals(data, "T", PRE) + totals(data, "D1", PRE)
    row = result.table[(result.table["group"] == "treated") & (result.table["category"] == "All")]
    assert row["before"].item() == before
    assert result.treated == ("T", "D1") and result.treated_name == "T and D1"
    assert result.synthetic.treated == "T + D1"


def test_harm_weights_fitting_no_category_are_a_limitation_not_a_test(data):
    result = operation_impact(data, "T", pre=PRE, post=POST, comparison=COMPARISON,
                              harm={"Burglary": 3.0}, seed=1)
    assert result.harm_wdd is None
    assert any("have no weight for any of these categories" in t for t in result.limitations)


def test_result_is_plain_json(result):
    data = json.loads(json.dumps(result.to_dict()))
    assert data["wdd"]["total"] == pytest.approx(result.wdd.total)
    assert data["series"][0]["month"] == "2024-01"
    assert data["post_months_list"][0] == "2025-01"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"buffer": "T"}, "both treated and buffer"),
    ({"comparison": ["B"], "buffer": "B"}, "both buffer and comparison"),
    ({"comparison": ["T"]}, "both treated and comparison"),
    ({"buffer": "nowhere"}, "buffer areas not in the counts: nowhere"),
    ({"treated": "atlantis"}, "treated areas not in the counts"),
    ({"alpha": 0.7}, "alpha"),
    ({"n_boot": 0}, "n_boot"),
    ({"donors": ["B", "C1"], "buffer": "B"}, "not donors"),
    ({"post": ("2024-12", "2025-06")}, "must end before"),
])
def test_bad_input_is_refused_with_a_clear_message(data, kwargs, message):
    args = {"treated": "T", "pre": PRE, "post": POST, "comparison": COMPARISON, **kwargs}
    treated = args.pop("treated")
    with pytest.raises(ValueError, match=message):
        operation_impact(data, treated, **args)


def test_a_comparison_chosen_for_another_area_is_refused(data):
    choice = choose_comparison_areas(data, POPULATION, "D1", pre=PRE, k=2)
    with pytest.raises(ValueError, match="chosen for D1"):
        operation_impact(data, "T", pre=PRE, post=POST, comparison=choice)


def test_limitations_particular_to_the_result_come_before_the_general_ones(data):
    # the treated area swings month to month as no mix of the others does: a poor fit
    swung = data.copy()
    months = swung.loc["T"].index
    swing = np.where(np.arange(len(months)) % 2 == 0, 1.8, 0.2)
    swung.loc["T"] = np.rint(swung.loc["T"].to_numpy() * swing[:, None]).astype(int)
    result = operation_impact(swung, "T", pre=("2024-07", "2024-12"), post=POST,
                              comparison=COMPARISON, harm=HARM, seed=7)
    limits = result.limitations
    assert limits[0].startswith("The synthetic control follows the treated area less closely")
    assert any(t.startswith("Only 6 months before the operation") for t in limits[:4])
    assert limits[-2].startswith("The comparison areas and the synthetic control are matched")
    assert limits[-1].startswith("These are recorded incidents")

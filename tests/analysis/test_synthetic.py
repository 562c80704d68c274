"""Synthetic control: the weights, the effect and the placebo-in-space inference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import nnls

from saferplaces.analysis.synthetic import fit_weights, synthetic_control

PRE, POST = ("2023-01", "2024-12"), ("2025-01", "2025-06")
MONTHS = pd.period_range("2023-01", "2025-06", freq="M")


def wide(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=MONTHS).T


def town(seed: int = 3, donors: int = 12, effect: float = 0.0) -> pd.DataFrame:
    """Donor areas with their own level, trend and season; the treated area ``T`` expects a
    mix of three of them (0.5, 0.3, 0.2), its post-period expectation cut by ``effect``;
    every count Poisson around its expectation."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS))
    season = 1 + 0.25 * np.cos(2 * np.pi * (t - 6) / 12)
    expected = {f"D{j:02d}": rng.uniform(15, 60) * season * (1 + rng.uniform(-0.01, 0.01)) ** t
                for j in range(donors)}
    mix = 0.5 * expected["D00"] + 0.3 * expected["D01"] + 0.2 * expected["D02"]
    expected["T"] = np.where(t >= 24, mix * (1 - effect), mix)
    return wide({area: rng.poisson(lam) for area, lam in expected.items()})


@pytest.mark.parametrize("fit", ["ratio", "demeaned", "levels"])
def test_an_area_that_is_exactly_a_mix_of_donors_is_reproduced_with_no_effect(fit):
    # a worked case: donors of different shapes, the treated area 0.5/0.3/0.2 of the first three
    t = np.arange(len(MONTHS))
    rows = {"D0": 10 * (20 + t), "D1": 10 * (30 + (t % 12)), "D2": 10 * (40 - t // 2),
            "D3": 10 * (25 + 5 * (t % 3)), "D4": 10 * np.full(len(t), 33)}
    mix = np.array([0.5, 0.3, 0.2, 0, 0])
    rows["T"] = 0.5 * rows["D0"] + 0.3 * rows["D1"] + 0.2 * rows["D2"]
    donors = ["D0", "D1", "D2", "D3", "D4"]
    result = synthetic_control(wide(rows), "T", donors, pre=PRE, post=POST, fit=fit)
    if fit == "ratio":
        # on series indexed to their pre-period means the same mix weighs each donor by its
        # share of the treated area's level: c_j m_j / m_T
        level = {a: float(np.mean(rows[a][:24])) for a in rows}
        mix = mix * np.array([level[d] for d in donors]) / level["T"]
    assert [result.weights[d] for d in donors] == pytest.approx(mix, abs=1e-6)
    assert result.pre_rmspe == pytest.approx(0, abs=1e-6)
    assert result.effect == pytest.approx(0, abs=1e-4)
    assert result.synthetic.to_numpy() == pytest.approx(rows["T"])


def test_a_planted_cut_is_measured_as_observed_minus_synthetic():
    counts = town(effect=0.3)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST)
    weights = np.array(list(result.weights.values()))
    assert weights.min() >= 0 and weights.sum() == pytest.approx(1)
    observed = counts.loc["T"].iloc[24:].sum()
    assert result.observed_post == observed
    assert result.effect == pytest.approx(observed - result.synthetic.iloc[24:].sum())
    assert result.effect_pct == pytest.approx(-30, abs=8)
    assert result.interval_pct[0] < -30 < result.interval_pct[1]
    assert result.interval[1] < 0


@pytest.mark.parametrize("seed", range(4))
def test_with_no_cut_the_interval_holds_no_change_and_the_p_value_is_large(seed):
    counts = town(seed=seed)
    result = synthetic_control(counts, "T", [c for c in counts.index if c != "T"],
                               pre=PRE, post=POST)
    assert result.interval[0] < 0 < result.interval[1]
    assert result.p_value > 0.05


@pytest.mark.parametrize("seed", range(8))
def test_weights_agree_with_nnls_on_the_augmented_system(seed):
    rng = np.random.default_rng(seed)
    x = rng.poisson(rng.uniform(5, 80, size=7), size=(24, 7)).astype(float)
    y = rng.poisson(rng.uniform(5, 80), size=24).astype(float)
    ours = fit_weights(y, x)
    # Independent oracle: non-negative least squares with the sum-to-one constraint as a
    # heavily weighted extra row (exact as the weight grows).
    big = 1e4 * np.abs(y).mean()
    theirs, _ = nnls(np.vstack([x, big * np.ones(7)]), np.append(y, big), maxiter=10_000)
    def loss(w):
        return float(np.sum((y - x @ w) ** 2))
    assert ours.min() >= 0 and ours.sum() == pytest.approx(1, abs=1e-12)
    assert loss(ours) <= loss(theirs / theirs.sum()) + 1e-6 * loss(ours)
    assert ours == pytest.approx(theirs, abs=1e-4)


def test_treated_area_outside_every_donor_is_matched_by_the_nearest_one():
    # larger than every donor: the best convex mix is all weight on the largest
    y = np.full(12, 100.0)
    x = np.column_stack([np.full(12, 20.0), np.full(12, 50.0), np.full(12, 80.0)])
    assert fit_weights(y, x) == pytest.approx([0, 0, 1], abs=1e-9)


def test_placebo_p_value_is_the_rank_of_the_treated_rmspe_ratio():
    counts = town(effect=0.1)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST)
    # each donor refitted from the others, the treated area left out, by a separate call
    ratios = []
    for area in donors:
        run = synthetic_control(counts, area, [d for d in donors if d != area],
                                pre=PRE, post=POST, placebo=False)
        ratios.append(run.rmspe_ratio)
    assert [p.ratio for p in result.placebos] == pytest.approx(ratios)
    at_least = sum(r >= result.rmspe_ratio for r in ratios)
    assert result.p_value == pytest.approx((at_least + 1) / (len(donors) + 1))
    assert result.rank == at_least + 1


def test_interval_inverts_the_studentised_placebo_gaps():
    counts = town(effect=0.2)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST)
    used = sorted(p.effect / p.pre_rmspe for p in result.placebos if p.in_interval)
    n = len(used)
    assert n == result.interval_placebos >= 2
    lower = max(1, math.floor((n + 1) * 0.05 / 2))
    upper = n + 1 - lower
    assert result.interval == pytest.approx((result.effect - result.pre_rmspe * used[upper - 1],
                                             result.effect - result.pre_rmspe * used[lower - 1]))
    assert result.interval_coverage == pytest.approx((upper - lower) / (n + 1))
    # with 12 placebos the interval spans them all and covers 11/13, said in a note
    assert result.interval_coverage < 0.95
    assert any("covers 85%" in note for note in result.notes)


def test_placebos_fitting_far_worse_than_the_treated_area_stay_out_of_the_interval():
    counts = town()
    # an area whose months swing as no other's do: no mix of the others follows it
    swing = 1 + 0.8 * (-1) ** np.arange(len(MONTHS))
    counts.loc["ODD"] = np.rint(counts.loc["D00"].to_numpy() * swing).astype(int)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST)
    odd = next(p for p in result.placebos if p.area == "ODD")
    assert not odd.in_interval
    assert result.n_placebos == len(donors) and result.interval_placebos < len(donors)
    assert any("ODD" in note for note in result.notes)


def test_three_donors_give_a_p_value_that_cannot_fall_below_a_quarter():
    counts = town().loc[["T", "D00", "D01", "D02"]]
    result = synthetic_control(counts, "T", ["D00", "D01", "D02"], pre=PRE, post=POST)
    assert result.n_placebos == 3
    assert result.p_value >= 0.25 == result.p_value_floor


def test_result_is_plain_json():
    import json

    counts = town()
    result = synthetic_control(counts, "T", [c for c in counts.index if c != "T"],
                               pre=PRE, post=POST)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["observed"]["2025-01"] == result.observed["2025-01"]
    assert sum(data["weights"].values()) == pytest.approx(1)


@pytest.mark.parametrize(("call", "message"), [
    (lambda c: synthetic_control(c, "T", ["T", "D00"], pre=PRE, post=POST), "its own donors"),
    (lambda c: synthetic_control(c, "T", ["D00"], pre=PRE, post=POST), "at least 2 donor"),
    (lambda c: synthetic_control(c, "T", ["D00", "NOPE"], pre=PRE, post=POST), "NOPE"),
    (lambda c: synthetic_control(c, "T", ["D00", "D01"], pre=("2023-01", "2025-01"), post=POST),
     "must end before"),
    (lambda c: synthetic_control(c, "T", ["D00", "D01"], pre=("2023-01", "2023-01"), post=POST),
     "at least 2 months"),
    (lambda c: synthetic_control(c, "T", ["D00", "D01"], pre=PRE, post=POST, alpha=0.9), "alpha"),
    (lambda c: synthetic_control(c, "T", ["D00", "D01"], pre=("2024-13", "2024-12"), post=POST),
     "not a month"),
])
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call(town())


def test_negative_or_fractional_counts_are_refused():
    counts = town().astype(float)
    counts.loc["D00", MONTHS[3]] = -1
    with pytest.raises(ValueError, match="whole, non-negative"):
        synthetic_control(counts, "T", ["D00", "D01"], pre=PRE, post=POST)
    counts.loc["D00", MONTHS[3]] = 2.5
    with pytest.raises(ValueError, match="whole, non-negative"):
        synthetic_control(counts, "T", ["D00", "D01"], pre=PRE, post=POST)


def busy_town(seed: int, effect: float = 0.0) -> pd.DataFrame:
    """Twelve quiet donors (15-22 incidents a month, with seasons and trends) and a treated area
    ``T`` four times a mix of three of them — about three times the busiest donor — cut by
    ``effect`` in the post-period."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS))
    season = 1 + 0.3 * np.cos(2 * np.pi * (t - 6) / 12)
    expected = {f"D{j:02d}": rng.uniform(15, 22) * season * (1 + rng.uniform(-0.015, 0.015)) ** t
                for j in range(12)}
    mix = 4 * (0.5 * expected["D00"] + 0.3 * expected["D01"] + 0.2 * expected["D02"])
    expected["T"] = np.where(t >= 24, mix * (1 - effect), mix)
    return wide({area: rng.poisson(lam) for area, lam in expected.items()})


@pytest.mark.parametrize("seed", range(3))
def test_an_area_three_times_busier_than_every_donor_has_its_cut_recovered(seed):
    counts = busy_town(seed, effect=0.4)
    donors = [c for c in counts.index if c != "T"]
    pre_mean = counts.iloc[:, :24].mean(axis=1)
    assert pre_mean["T"] > 2.5 * pre_mean[donors].max()
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST)
    assert result.fit == "ratio" and "Ferman & Pinto 2021" in result.method
    # followed about as closely as Poisson noise allows (a variance of the mean count)
    assert result.pre_rmspe < 1.5 * math.sqrt(pre_mean["T"])
    assert result.effect_pct == pytest.approx(-40, abs=8)
    assert result.interval_pct[0] < -40 < result.interval_pct[1]
    assert result.interval[1] < 0
    # the convex mix of raw counts cannot reach it: the busiest donor alone, far off
    old = synthetic_control(counts, "T", donors, pre=PRE, post=POST, fit="levels")
    assert max(old.weights.values()) == pytest.approx(1)
    assert old.pre_rmspe > 5 * result.pre_rmspe
    assert not old.interval_pct[0] < -40 < old.interval_pct[1] or old.interval[1] > 0


@pytest.mark.parametrize("seed", range(3))
def test_an_area_three_times_busier_with_no_cut_shows_nothing(seed):
    counts = busy_town(seed)
    result = synthetic_control(counts, "T", [c for c in counts.index if c != "T"],
                               pre=PRE, post=POST)
    assert result.interval[0] < 0 < result.interval[1]
    assert result.p_value > 0.05


@pytest.mark.parametrize("fit", ["ratio", "demeaned"])
def test_each_placebo_is_fitted_the_same_way_as_the_treated_area(fit):
    counts = busy_town(0, effect=0.4)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST, fit=fit)
    for placebo in result.placebos[:3]:
        alone = synthetic_control(counts, placebo.area, [d for d in donors if d != placebo.area],
                                  pre=PRE, post=POST, placebo=False, fit=fit)
        assert placebo.pre_rmspe == pytest.approx(alone.pre_rmspe)
        assert placebo.effect == pytest.approx(alone.effect)


@pytest.mark.parametrize("seed", range(4))
def test_ratio_weights_agree_with_nnls_on_the_indexed_series(seed):
    counts = busy_town(seed)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST, placebo=False)
    pre = counts.iloc[:, :24].to_numpy(dtype=float)
    indexed = pre / pre.mean(axis=1, keepdims=True)
    y, x = indexed[list(counts.index).index("T")], indexed[[list(counts.index).index(d)
                                                             for d in donors]].T
    big = 1e4
    theirs, _ = nnls(np.vstack([x, big * np.ones(len(donors))]), np.append(y, big),
                     maxiter=10_000)
    assert [result.weights[d] for d in donors] == pytest.approx(theirs / theirs.sum(), abs=1e-4)


def test_a_donor_without_incidents_before_cannot_be_indexed_and_is_left_out():
    counts = town()
    counts.loc["NONE"] = np.where(np.arange(len(MONTHS)) >= 24, 3, 0)
    donors = [c for c in counts.index if c != "T"]
    result = synthetic_control(counts, "T", donors, pre=PRE, post=POST)
    assert "NONE" not in result.weights
    assert any("NONE" in note for note in result.notes)
    kept = synthetic_control(counts, "T", donors, pre=PRE, post=POST, fit="demeaned")
    assert "NONE" in kept.weights


def test_an_unknown_fit_is_refused():
    with pytest.raises(ValueError, match="fit must be one of ratio, demeaned, levels"):
        synthetic_control(town(), "T", ["D00", "D01"], pre=PRE, post=POST, fit="logs")

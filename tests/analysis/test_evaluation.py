"""WDD, WDQ and the intervention evaluation built from the incident table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from saferplaces.analysis.evaluation import evaluate_intervention, interpret_wdq, wdd, wdq
from saferplaces.analysis.stats import poisson_etest


def test_wdd_reproduces_wheeler_and_ratcliffe_published_example():
    # Treated 207 -> 110, control 308 -> 318, buffer 178 -> 157, buffer control 150 -> 140.
    r = wdd(207, 110, 308, 318, 178, 157, 150, 140)
    assert r.local == -107 and r.displacement == -11
    assert r.total == -118
    assert r.total_se == pytest.approx(np.sqrt(1568))
    assert round(r.z, 2) == -2.98
    assert (round(r.ci_low), round(r.ci_high)) == (-196, -40)
    assert not r.control_reused_for_displacement


def test_wdd_hand_worked_without_displacement():
    r = wdd(20, 10, 20, 20)
    assert r.total == -10 and r.total_se == pytest.approx(np.sqrt(70))
    assert r.p_value == pytest.approx(2 * stats.norm.sf(10 / np.sqrt(70)))
    assert r.displacement == 0 and r.displacement_se == 0


def test_pooled_areas_sum_their_differences_and_variances():
    pooled = wdd([207, 50], [110, 40], [308, 60, 30], [318, 55, 35])
    # Control arrays may have a different length from treated ones when unweighted.
    assert pooled.total == (110 - 207) + (40 - 50) - ((318 - 308) + (55 - 60) + (35 - 30))
    assert pooled.total_se**2 == pytest.approx(207 + 110 + 50 + 40 + 308 + 318 + 60 + 55 + 30 + 35)


def test_harm_weighted_wdd_weights_each_crime_type():
    # Two crime types with harm weights 1 and 10.
    r = wdd([20, 5], [10, 2], [20, 5], [20, 5], weights=[1.0, 10.0])
    assert r.total == pytest.approx(1 * (-10 - 0) + 10 * (-3 - 0))
    assert r.total_se**2 == pytest.approx(1 * (20 + 10 + 20 + 20) + 100 * (5 + 2 + 5 + 5))
    with pytest.raises(ValueError, match="one entry per weight"):
        wdd([20, 5], [10, 2], [20], [20], weights=[1.0, 10.0])


def test_time_weights_compare_rates_when_periods_differ():
    # Two years before, one year after: counts per year.
    r = wdd(40, 10, 40, 20, time_weights=(2.0, 1.0))
    assert r.total == pytest.approx((10 - 20) - (20 - 20))
    assert r.total_se**2 == pytest.approx(40 / 4 + 10 + 40 / 4 + 20)


def test_buffer_without_its_own_control_reuses_the_treated_control():
    r = wdd(100, 70, 100, 110, 50, 52)
    assert r.control_reused_for_displacement
    assert r.total == pytest.approx((70 - 100) + (52 - 50) - 2 * (110 - 100))
    assert r.total_se**2 == pytest.approx(100 + 70 + 50 + 52 + 4 * (100 + 110))


def test_wdq_and_net_effect_hand_worked():
    r = wdq(100, 60, 200, 210, 80, 70, n_boot=500, seed=1)
    assert r.success_measure == pytest.approx(60 / 210 - 100 / 200)
    assert r.buffer_measure == pytest.approx(70 / 210 - 80 / 200)
    assert r.wdq == pytest.approx((70 / 210 - 80 / 200) / (60 / 210 - 100 / 200))
    assert r.net_effect == pytest.approx((100 * 1.05 - 60) + (80 * 1.05 - 70))  # 59 prevented
    assert r.interpretation == "diffusion of benefit"
    assert r.ci_low < r.wdq < r.ci_high
    assert r.net_effect_ci_low < 59 < r.net_effect_ci_high


def test_wdq_bootstrap_is_repeatable_with_a_seed_and_varies_without_one():
    a = wdq(100, 60, 200, 210, 80, 70, n_boot=300, seed=42)
    b = wdq(100, 60, 200, 210, 80, 70, n_boot=300, seed=np.random.default_rng(42))
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    c = wdq(100, 60, 200, 210, 80, 70, n_boot=300, seed=43)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)


def test_wdq_net_effect_interval_covers_the_truth_in_most_simulations():
    # Truth: treated mean 100 -> 70, buffer 80 -> 80, control 200 -> 200: 30 prevented.
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(60):
        rb, ra, cb, ca, db, da = rng.poisson([100, 70, 200, 200, 80, 80])
        r = wdq(rb, ra, cb, ca, db, da, n_boot=400, seed=rng)
        hits += r.net_effect_ci_low <= 30 <= r.net_effect_ci_high
    assert hits >= 51  # nominal 95% of 60 is 57; allow for simulation noise


@pytest.mark.parametrize(("sm", "q", "reading"), [
    (0.1, 0.5, "not interpretable"),
    (-0.2, 1.5, "diffusion of benefit greater"),
    (-0.2, 0.5, "diffusion of benefit"),
    (-0.2, 0.0, "no displacement or diffusion"),
    (-0.2, -0.5, "smaller than the direct benefit"),
    (-0.2, -1.5, "greater than the direct benefit"),
])
def test_wdq_reading_follows_bowers_and_johnson(sm, q, reading):
    assert reading in interpret_wdq(sm, q)


def test_wdq_with_an_empty_control_is_undefined_not_an_error():
    r = wdq(10, 5, 0, 4, 3, 3, n_boot=50, seed=0)
    assert np.isnan(r.wdq) and "undefined" in r.interpretation


def operation_log() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deterministic incidents: area, category, count before (Jan-Jun) and after (Jul-Dec)."""
    plan = [("T", "Burglary", 40, 20), ("T", "Robbery", 4, 2), ("T", "Dog fouling", 6, 6),
            ("C", "Burglary", 50, 50), ("C", "Robbery", 5, 5), ("B", "Burglary", 30, 24),
            ("X", "Burglary", 99, 1)]
    rows, membership = [], []
    next_id = 0
    for area, category, n_before, n_after in plan:
        for start, n in (("2024-01-01", n_before), ("2024-07-01", n_after)):
            for k in range(n):
                day = pd.Timestamp(start) + pd.Timedelta(days=k % 180)
                rows.append((next_id, category, day))
                membership.append((next_id, "custom", area))
                next_id += 1
    df = pd.DataFrame(rows, columns=["id", "category", "occurred"])
    mem = pd.DataFrame(membership, columns=["incident_id", "area_kind", "area_code"])
    return df, mem


def test_evaluate_intervention_builds_counts_and_runs_the_tests():
    df, mem = operation_log()
    result = evaluate_intervention(df, mem, treatment="T", control="C", buffer="B",
                                   before=("2024-01-01", "2024-06-28"),
                                   after=("2024-07-01", "2024-12-27"),
                                   harm={"Burglary": 10, "Robbery": 100}, seed=7, n_boot=200)
    counts = result.counts
    assert counts.loc["All", ["treatment_before", "treatment_after"]].tolist() == [50, 28]
    assert counts.loc["Burglary", ["buffer_before", "buffer_after"]].tolist() == [30, 24]
    assert result.before_days == result.after_days == 180
    expected = wdd(50, 28, 55, 55, 30, 24)
    assert result.wdd.total == pytest.approx(expected.total)
    assert result.wdd.total_se == pytest.approx(expected.total_se)
    harm = wdd([40, 4], [20, 2], [50, 5], [50, 5], [30, 0], [24, 0], weights=[10, 100])
    assert result.harm_wdd.total == pytest.approx(harm.total)
    assert result.unweighted_categories == ("Dog fouling",)
    assert any("Dog fouling" in note for note in result.notes)
    assert result.wdq.wdq == pytest.approx(wdq(50, 28, 55, 55, 30, 24, n_boot=10).wdq)
    assert result.etests["treatment"].p_value == pytest.approx(
        poisson_etest(28, 50, exposure1=180.0, exposure2=180.0).p_value)
    json.dumps(result.to_dict())


def test_evaluate_intervention_filters_categories_and_scales_unequal_periods():
    df, mem = operation_log()
    result = evaluate_intervention(df, mem, treatment=["T"], control=["C"],
                                   categories=["burglary"],
                                   before=("2024-01-01", "2024-06-28"),
                                   after=("2024-07-01", "2024-09-28"))   # 90 days after
    assert list(result.counts.index) == ["Burglary", "All"]
    assert result.wdd.time_weights == (1.0, 0.5)
    assert result.wdq is None and result.harm_wdd is None


def test_evaluate_intervention_refuses_overlapping_areas_or_periods():
    df, mem = operation_log()
    with pytest.raises(ValueError, match="both"):
        evaluate_intervention(df, mem, treatment="T", control=["C", "T"],
                              before=("2024-01-01", "2024-06-28"),
                              after=("2024-07-01", "2024-12-27"))
    with pytest.raises(ValueError, match="overlap"):
        evaluate_intervention(df, mem, treatment="T", control="C",
                              before=("2024-01-01", "2024-07-15"),
                              after=("2024-07-01", "2024-12-27"))

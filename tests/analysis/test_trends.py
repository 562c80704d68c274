"""Monthly counts, 12-vs-12 comparisons and the seasonal trend test."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from saferplaces.analysis.stats import poisson_ctest
from saferplaces.analysis.trends import (
    monthly_counts,
    poisson_trend,
    trend_table,
    trend_table_from_counts,
)

MONTHS = pd.date_range("2022-01-01", periods=36, freq="MS")


def incidents_from_rates(rates: dict[str, np.ndarray], seed: int) -> pd.DataFrame:
    """One row per incident, Poisson counts per month for each category."""
    rng = np.random.default_rng(seed)
    rows = []
    for category, lam in rates.items():
        for month, n in zip(MONTHS, rng.poisson(lam), strict=True):
            rows += [(category, month)] * int(n)
    df = pd.DataFrame(rows, columns=["category", "month"])
    df.insert(0, "id", np.arange(len(df)))
    return df


def count_frame(values: np.ndarray, months: pd.DatetimeIndex = MONTHS) -> pd.DataFrame:
    index = pd.Index([f"category {i}" for i in range(values.shape[0])], name="category")
    return pd.DataFrame(values, index=index, columns=months)


def test_monthly_counts_fill_months_without_incidents_with_zero():
    df = pd.DataFrame({
        "id": [1, 2, 3],
        "category": ["Burglary", "Burglary", "Robbery"],
        "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
    })
    counts = monthly_counts(df)
    assert list(counts.columns) == list(pd.date_range("2024-01-01", "2024-03-01", freq="MS"))
    assert counts.loc["Burglary"].tolist() == [1, 0, 1]
    assert counts.loc["Robbery"].tolist() == [0, 0, 1]
    assert monthly_counts(df, by=None).loc["all"].tolist() == [1, 0, 2]


def test_monthly_counts_by_area_use_the_membership_table():
    df = pd.DataFrame({"id": [1, 2, 3], "category": ["Drugs"] * 3,
                       "month": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"])})
    membership = pd.DataFrame({
        "incident_id": [1, 2, 3, 1],
        "area_kind": ["ward", "ward", "ward", "pspo"],
        "area_code": ["W1", "W2", "W2", "Z1"],
    })
    counts = monthly_counts(df, by=["category", "area_code"], membership=membership,
                            area_kind="ward")
    assert counts.loc[("Drugs", "W1")].tolist() == [1, 0]
    assert counts.loc[("Drugs", "W2")].tolist() == [1, 1]
    with pytest.raises(ValueError, match="membership"):
        monthly_counts(df, by="area_code")


def test_planted_rising_category_is_flagged():
    flat = np.full(36, 30.0)
    rising = np.where(np.arange(36) >= 24, 45.0, 30.0)
    rates = {f"Flat {i}": flat for i in range(5)} | {"Drugs": rising}
    result = trend_table(incidents_from_rates(rates, seed=11))
    table = result.table
    assert table.loc["Drugs", "direction"] == "rising"
    assert table.loc["Drugs", "p_adj"] < 0.001
    assert table.loc["Drugs", "trend_slope"] > 0
    assert table.loc["Drugs", "trend_p_adj"] < 0.05
    assert (table.drop(index="Drugs")["direction"] == "stable").all()


def test_planted_falling_category_is_flagged_falling():
    falling = np.where(np.arange(36) >= 24, 18.0, 30.0)
    result = trend_table(incidents_from_rates({"Burglary": falling, "Flat": np.full(36, 30.0)},
                                              seed=5))
    assert result.table.loc["Burglary", "direction"] == "falling"
    assert result.table.loc["Burglary", "pct_change"] < -25


def test_flat_series_false_positive_rate_is_near_nominal_and_below_it_after_bh():
    rng = np.random.default_rng(2024)
    n = 500
    table = trend_table_from_counts(count_frame(rng.poisson(20, size=(n, 36)))).table
    # Binomial(500, 0.05) has sd ~0.01; the exact test is slightly conservative.
    assert 0.025 <= (table["p_value"] < 0.05).mean() <= 0.07
    assert 0.025 <= (table["trend_p"] < 0.05).mean() <= 0.07
    # Under the global null, BH rejects anything at all with probability <= alpha.
    assert (table["direction"] != "stable").mean() <= 0.01
    assert (table["trend_p_adj"] < 0.05).mean() <= 0.01


def test_window_and_same_months_last_year_sums_hand_worked():
    values = np.zeros((1, 36), dtype=int)
    values[0, :12] = 1          # 2022: 12 in all
    values[0, 12:24] = 2        # 2023: 24
    values[0, 24:33] = 3        # 2024 Jan-Sep: 27
    values[0, 33:] = 10         # 2024 Oct-Dec: 30
    row = trend_table_from_counts(count_frame(values)).table.iloc[0]
    assert (row["last12"], row["prev12"], row["change"]) == (57, 24, 33)
    assert row["pct_change"] == pytest.approx(137.5)
    assert (row["recent"], row["recent_last_year"]) == (30, 6)   # Oct-Dec 2024 vs 2023
    assert row["p_value"] == pytest.approx(poisson_ctest(57, 24).p_value)


def test_end_month_moves_the_windows():
    values = np.arange(36)[None, :]
    row = trend_table_from_counts(count_frame(values), end="2023-12-01").table.iloc[0]
    assert row["last12"] == sum(range(12, 24))
    assert row["prev12"] == sum(range(12))


def test_windows_reaching_before_the_data_are_missing_not_zero():
    months = pd.date_range("2023-07-01", periods=18, freq="MS")
    row = trend_table_from_counts(count_frame(np.full((1, 18), 10), months)).table.iloc[0]
    assert row["last12"] == 120
    assert np.isnan(row["prev12"]) and np.isnan(row["p_value"])
    assert row["direction"] == "insufficient data"


def test_sparse_category_gets_a_note_instead_of_a_trend():
    values = np.zeros((1, 36), dtype=int)
    values[0, [3, 20]] = 1
    row = trend_table_from_counts(count_frame(values)).table.iloc[0]
    assert np.isnan(row["trend_slope"])
    assert "fewer than 10" in row["trend_note"]


def test_poisson_trend_matches_statsmodels_glm():
    rng = np.random.default_rng(3)
    t = np.arange(36)
    season = 2 * np.pi * (MONTHS.month - 1) / 12
    y = rng.poisson(25 * np.exp(0.01 * t + 0.3 * np.sin(season)))
    x = np.column_stack([np.ones(36), t, np.sin(season), np.cos(season)])
    plain = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    ours = poisson_trend(y, MONTHS, overdispersion=False)
    assert ours.slope == pytest.approx(plain.params[1], rel=1e-6)
    assert ours.se == pytest.approx(plain.bse[1], rel=1e-6)
    assert ours.p_value == pytest.approx(plain.pvalues[1], rel=1e-5)


def test_quasi_poisson_scale_matches_statsmodels_on_overdispersed_counts():
    rng = np.random.default_rng(4)
    y = rng.negative_binomial(5, 5 / (5 + 30), size=36)  # mean 30, variance 210
    x = np.column_stack([np.ones(36), np.arange(36),
                         np.sin(2 * np.pi * (MONTHS.month - 1) / 12),
                         np.cos(2 * np.pi * (MONTHS.month - 1) / 12)])
    quasi = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")
    ours = poisson_trend(y, MONTHS)
    assert ours.dispersion == pytest.approx(quasi.scale, rel=1e-6) and ours.dispersion > 1
    assert ours.se == pytest.approx(quasi.bse[1], rel=1e-6)


def test_month_of_year_model_recovers_planted_slope_in_a_seasonal_series():
    rng = np.random.default_rng(8)
    lam = 40 * np.exp(0.02 * np.arange(36) + 0.5 * np.cos(2 * np.pi * (MONTHS.month - 1) / 12))
    y = rng.poisson(lam)
    for seasonal in ("harmonic", "month"):
        fit = poisson_trend(y, MONTHS, seasonal=seasonal)
        assert abs(fit.slope - 0.02) < 2.5 * fit.se
        assert fit.p_value < 0.001
        assert fit.pct_per_year == pytest.approx(100 * np.expm1(12 * fit.slope))


def test_trend_result_carries_parameters_and_serialises():
    result = trend_table(incidents_from_rates({"Robbery": np.full(36, 5.0)}, seed=1),
                         recent_months=1, seasonal="month", alpha=0.01)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["recent_months"] == 1 and data["seasonal"] == "month" and data["alpha"] == 0.01
    assert data["end"] == "2024-12" and data["by"] == ["category"]
    assert data["table"][0]["category"] == "Robbery"
    assert "Przyborowski" in data["methods"]["change"]


def test_bad_parameters_are_refused():
    counts = count_frame(np.ones((1, 36), dtype=int))
    with pytest.raises(ValueError):
        trend_table_from_counts(counts, recent_months=13)
    with pytest.raises(ValueError, match="outside"):
        trend_table_from_counts(counts, end="2030-01-01")
    with pytest.raises(ValueError):
        poisson_trend(np.ones(36) * 5, MONTHS, seasonal="weekly")  # type: ignore[arg-type]

"""Hotspots over time: the classification rules, the period split, and planted patterns."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from saferplaces.analysis.hotspot_classify import (
    classify_cells,
    hotspot_classify,
    recent_periods,
    split_periods,
)

X0, Y0 = 595_000.0, 220_000.0
MONTHS = pd.date_range("2024-01-01", "2024-12-01", freq="MS")


def flags(*rows: str) -> np.ndarray:
    """Periods x cells booleans from strings, one string per cell: 'H' = flagged."""
    return np.array([[c == "H" for c in row] for row in rows]).T


def test_rules_on_hand_worked_five_period_histories():
    # T = 5, recent = last max(1, floor(0.2 * 5)) = 1 period
    hot = flags("HHHHH", "HHHH.", ".HHHH", "....H", "...HH", "HH...", "H...H", "..H..", ".....")
    got = classify_cells(hot).tolist()
    assert got == [
        "persistent hotspot",    # 5/5
        "persistent hotspot",    # 4/5 = 0.8 reaches persistent_prop
        "persistent hotspot",
        "emerging hotspot",      # only the last period
        "intermittent hotspot",  # hot in an older period too, so not emerging
        "former hotspot",        # hot before, not in the last period
        "intermittent hotspot",  # older and recent, 2/5
        "former hotspot",
        "no pattern",
    ]


def test_recent_periods_follow_recent_prop():
    assert recent_periods(4, 0.2) == 1
    assert recent_periods(10, 0.2) == 2
    assert recent_periods(12, 0.25) == 3
    assert recent_periods(2, 0.9) == 1  # at least one older period
    hot = flags("........HH", "........H.", ".........H", "H.........")
    assert classify_cells(hot).tolist() == [
        "emerging hotspot", "emerging hotspot", "emerging hotspot", "former hotspot"]


def test_cold_classes_and_mixed_cells():
    hot = flags("HHHHH", ".....", "H....")
    cold = flags(".....", "....H", "...CC".replace("C", "H"))
    got = classify_cells(hot, cold).tolist()
    assert got == ["persistent hotspot", "emerging coldspot", "mixed hot/coldspot"]


def test_bad_rule_parameters_are_refused():
    with pytest.raises(ValueError, match="at least 2 periods"):
        classify_cells(flags("H"))
    with pytest.raises(ValueError, match="persistent_prop"):
        classify_cells(flags("HH"), persistent_prop=1.5)


def test_monthly_records_split_into_whole_quarters():
    times = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-01", "2024-04-01", "2024-12-01"]))
    split = split_periods(times, 4)
    assert split.unit == "month"
    assert split.index.tolist() == [0, 0, 1, 3]
    assert split.labels == ("2024-01 to 2024-03", "2024-04 to 2024-06", "2024-07 to 2024-09",
                            "2024-10 to 2024-12")
    assert split.edges[-1] == pd.Timestamp("2025-01-01")


def test_months_that_do_not_divide_evenly_are_refused_with_the_choices():
    times = pd.to_datetime(["2024-01-01", "2024-12-01"])
    with pytest.raises(ValueError, match=r"12 months cannot be split into 5.*\[1, 2, 3, 4, 6, 12\]"):
        split_periods(times, 5)


def test_explicit_start_and_end_leave_out_incidents_outside():
    times = pd.to_datetime(["2023-12-01", "2024-01-01", "2024-06-01", "2024-07-01"])
    split = split_periods(times, 2, start="2024-01-01", end="2024-07-01")
    assert split.index.tolist() == [-1, 0, 1, -1]


def test_timestamped_records_split_into_equal_lengths_of_time():
    times = pd.to_datetime(["2024-01-01 08:00", "2024-01-02 12:00", "2024-01-03 09:30",
                            "2024-01-05 23:00", None])
    split = split_periods(times, 2)
    assert split.unit == "time"
    assert split.index.tolist() == [0, 0, 0, 1, -1]
    days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"])
    by_day = split_periods(days, 2)  # day precision: the last day counts in full
    assert by_day.index.tolist() == [0, 0, 1, 1]
    assert by_day.edges[-1] == pd.Timestamp("2024-01-05")


def planted_year(seed: int) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex, dict]:
    """A year of monthly incidents: uniform background plus four blobs with known histories."""
    rng = np.random.default_rng(seed)
    n_bg = 2_400
    xs = [rng.uniform(0, 5_000, n_bg)]
    ys = [rng.uniform(0, 5_000, n_bg)]
    ts = [rng.choice(MONTHS, n_bg)]
    blobs = {  # centre, quarters in which it is active
        "persistent": ((1_050, 1_050), [0, 1, 2, 3]),
        "emerging": ((3_950, 1_050), [3]),
        "former": ((1_050, 3_950), [0, 1]),
        "intermittent": ((3_950, 3_950), [0, 3]),
    }
    for (cx, cy), quarters in blobs.values():
        for q in quarters:
            xs.append(rng.normal(cx, 70, 60))
            ys.append(rng.normal(cy, 70, 60))
            ts.append(rng.choice(MONTHS[3 * q: 3 * q + 3], 60))
    x = np.concatenate(xs) + X0
    y = np.concatenate(ys) + Y0
    return x, y, pd.DatetimeIndex(np.concatenate(ts)), blobs


def test_planted_histories_are_classified():
    x, y, t, blobs = planted_year(seed=1)
    got = hotspot_classify(x, y, t, n_periods=4, bounds=(X0, Y0, X0 + 4_999, Y0 + 4_999),
                           cell_size=100, seed=2)
    assert got.periods.unit == "month" and got.periods.n_periods == 4
    for name, ((cx, cy), _) in blobs.items():
        cell = got.grid.locate([X0 + cx], [Y0 + cy])[0]
        assert got.category[cell] == f"{name} hotspot", name
    far = np.ones(got.grid.n_cells, dtype=bool)
    gx, gy = got.grid.centres
    for (cx, cy), _ in blobs.values():
        far &= np.hypot(gx - X0 - cx, gy - Y0 - cy) > 400
    assert (got.category[far] != "no pattern").mean() < 0.01


def test_classification_output_carries_pattern_and_parameters():
    x, y, t, blobs = planted_year(seed=3)
    got = hotspot_classify(x, y, t, n_periods=4, cell_size=100, seed=4)
    cell = got.grid.locate([X0 + 3_950], [Y0 + 1_050])[0]
    assert got.pattern()[cell] == "...H"
    frame = got.to_frame(include_empty=False)
    assert {"hotspot_class", "pattern", "count_4", "gi_z_4", "lon", "lat"} <= set(frame.columns)
    gj = json.loads(json.dumps(got.to_geojson(include_empty=False)))
    assert gj["parameters"]["periods"]["labels"][3] == "2024-10 to 2024-12"
    assert gj["parameters"]["recent_periods"] == 1
    assert "persistent" in gj["parameters"]["rules"]
    assert sum(got.summary().values()) == got.grid.n_cells


def test_a_period_without_incidents_counts_as_not_hot():
    rng = np.random.default_rng(5)
    x = X0 + rng.uniform(0, 2_000, 600)
    y = Y0 + rng.uniform(0, 2_000, 600)
    t = rng.choice(MONTHS[:6], 600)  # nothing after June
    got = hotspot_classify(x, y, t, n_periods=4, start="2024-01-01", end="2025-01-01",
                           cell_size=100, permutations=99)
    assert got.parameters["degenerate_periods"] == ["2024-07 to 2024-09", "2024-10 to 2024-12"]
    assert not got.hot[2:].any()
    assert np.isnan(got.z[3]).all()

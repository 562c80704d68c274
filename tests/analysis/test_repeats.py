"""Repeat victimisation and repeat locations, checked by hand on a small local log."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from saferplaces.analysis.repeats import repeat_victimisation


def local_log() -> pd.DataFrame:
    """Seven incidents: V1 three times (gaps 4 and 36 days), V2 twice (one month-precision
    record), V3 once, and one incident without a reference."""
    return pd.DataFrame({
        "id": [1, 2, 3, 4, 5, 6, 7],
        "occurred": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-10", "2024-03-01",
                                    "2024-03-01", "2024-06-01", "2024-04-01"]),
        "precision": ["day", "day", "minute", "day", "month", "day", "day"],
        "victim_ref": ["V1", "V1", " V1 ", "V2", "V2", "V3", ""],
        "location": ["1 High St", "1 High St", "1 High St", "2 Low Rd", "2 Low Rd", "9 Mill",
                     "1 High St"],
        "category": ["Noise nuisance", "Noise nuisance", "Neighbour dispute", "Burglary",
                     "Burglary", "Robbery", "Drugs"],
    })


def test_repeat_rates_hand_worked():
    r = repeat_victimisation(local_log())
    assert (r.n_incidents, r.n_incidents_without_ref) == (6, 1)
    assert (r.n_victims, r.n_repeat_victims) == (3, 2)
    assert r.repeat_victim_rate == pytest.approx(2 / 3)
    assert r.n_repeat_incidents == 3                  # V1's 2nd and 3rd, V2's 2nd
    assert r.repeat_incident_rate == pytest.approx(3 / 6)
    assert r.incidents_per_victim == pytest.approx(2.0)


def test_time_to_repeat_hand_worked_and_month_precision_gaps_left_out():
    r = repeat_victimisation(local_log())
    assert r.gaps["days"].tolist() == [4.0, 36.0]
    assert r.gaps[["from_id", "to_id"]].values.tolist() == [[1, 2], [2, 3]]
    assert r.n_gaps_excluded == 1                     # V2's pair involves a month-only record
    assert r.within == {7: 0.5, 28: 0.5, 365: 1.0}
    assert r.median_gap_days == 20.0
    dist = r.gap_distribution.set_index("days_to_repeat")["gaps"]
    assert dist["2-7 days"] == 1 and dist["29-91 days"] == 1 and dist.sum() == 2


def test_top_repeat_victims_table_is_ready_for_case_work():
    top = repeat_victimisation(local_log()).top_victims
    assert top["victim_ref"].tolist() == ["V1", "V2"]
    first = top.iloc[0]
    assert first["incidents"] == 3 and first["incident_ids"] == [1, 2, 3]
    assert first["categories"] == "Neighbour dispute, Noise nuisance"
    assert first["min_gap_days"] == 4.0
    assert first["first"] == pd.Timestamp("2024-01-01")


def test_repeat_locations_include_incidents_without_a_victim_reference():
    loc = repeat_victimisation(local_log()).repeat_locations
    assert loc["location"].tolist() == ["1 High St", "2 Low Rd"]
    high_st = loc.iloc[0]
    assert high_st["incidents"] == 4 and high_st["victims"] == 1
    assert sorted(high_st["incident_ids"]) == [1, 2, 3, 7]


def test_period_limits_are_inclusive_dates():
    r = repeat_victimisation(local_log(), start="2024-01-05", end="2024-03-01")
    # In the period: incidents 2, 3 (V1), 4, 5 (V2).
    assert (r.n_incidents, r.n_victims, r.n_repeat_victims) == (4, 2, 2)
    assert r.gaps["days"].tolist() == [36.0]


def test_no_victim_references_gives_missing_rates():
    df = local_log().assign(victim_ref="")
    r = repeat_victimisation(df)
    assert r.n_victims == 0 and r.n_incidents_without_ref == 7
    assert r.repeat_victim_rate != r.repeat_victim_rate  # NaN
    assert r.top_victims.empty


def test_result_serialises_with_its_parameters():
    data = json.loads(json.dumps(repeat_victimisation(local_log(), windows=(1, 30)).to_dict()))
    assert data["windows"] == [1, 30] and data["ref_column"] == "victim_ref"
    assert data["top_victims"][0]["incident_ids"] == [1, 2, 3]
    assert data["within"] == {"1": 0.0, "30": 0.5}

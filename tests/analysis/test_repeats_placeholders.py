"""Repeat victimisation never counts a placeholder reference (UNKNOWN, N/A, 0...) as a person or
a place, whatever the data's route in (an ``--input`` file, a notebook, a store loaded before
placeholders were recognised)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from saferplaces.analysis.repeats import repeat_victimisation

CASE = Path(__file__).parents[1] / "data" / "cases" / "placeholder-references"


def burglaries(refs: list[str], locations: list[str] | None = None) -> pd.DataFrame:
    n = len(refs)
    return pd.DataFrame({
        "id": range(1, n + 1),
        "occurred": pd.date_range("2024-01-01", periods=n, freq="3D"),
        "precision": "day",
        "victim_ref": refs,
        "location": locations or [f"{k} High Street" for k in range(n)],
        "category": "Burglary dwelling",
    })


def test_case_file_read_as_it_stands_has_no_repeat_victims():
    raw = pd.read_csv(CASE / "local.csv", dtype=str, keep_default_na=False)
    frame = raw.rename(columns={"offence_date": "occurred", "local_ref": "id"})
    r = repeat_victimisation(frame)
    assert r.repeat_victim_rate == 0.0 and r.repeat_incident_rate == 0.0
    assert (r.n_incidents, r.n_victims, r.n_repeat_victims) == (169, 169, 0)
    assert r.n_placeholder_refs == 119 and r.n_incidents_without_ref == 119
    assert r.top_victims.empty and r.gaps.empty


def test_placeholders_are_left_out_of_both_rates_and_counted():
    r = repeat_victimisation(burglaries(["V1", "UNKNOWN", "unknown", "N/A", "0", "0", "V1", "V2",
                                         "", "NOT KNOWN"]))
    assert (r.n_incidents, r.n_victims, r.n_repeat_victims) == (3, 2, 1)
    assert r.repeat_victim_rate == pytest.approx(1 / 2)
    assert r.repeat_incident_rate == pytest.approx(1 / 3)
    assert r.n_placeholder_refs == 6
    assert r.n_incidents_without_ref == 7  # the six placeholders and the blank
    assert r.top_victims["victim_ref"].tolist() == ["V1"]


def test_caller_can_name_more_placeholders():
    df = burglaries(["XX", "XX", "V1", "V2"])
    assert repeat_victimisation(df).n_repeat_victims == 1
    r = repeat_victimisation(df, placeholders=["XX"])
    assert (r.n_repeat_victims, r.n_placeholder_refs, r.n_victims) == (0, 2, 2)


def test_placeholder_location_is_not_a_repeat_location():
    df = burglaries(["V1", "V2", "V3", "V4", "V5"],
                    ["UNKNOWN", "N/A", "unknown", "9 Mill Lane", "9 Mill Lane"])
    r = repeat_victimisation(df)
    assert r.repeat_locations["location"].tolist() == ["9 Mill Lane"]
    assert r.n_placeholder_locations == 3


def test_placeholder_reference_does_not_count_as_a_victim_at_a_repeat_location():
    df = burglaries(["V1", "UNKNOWN", "N/A"], ["9 Mill Lane"] * 3)
    [place] = repeat_victimisation(df).repeat_locations.to_dict(orient="records")
    assert (place["incidents"], place["victims"]) == (3, 1)


def test_counts_of_placeholders_are_in_the_serialised_result():
    data = json.loads(json.dumps(repeat_victimisation(burglaries(["V1", "0", "-"])).to_dict()))
    assert data["n_placeholder_refs"] == 2 and data["n_placeholder_locations"] == 0
    assert data["repeat_victim_rate"] == 0.0

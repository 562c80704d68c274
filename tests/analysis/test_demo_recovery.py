"""The analytics recover what the synthetic demo town planted (its ground_truth.json)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from saferplaces.analysis.hotspots import hotspots
from saferplaces.analysis.nearrepeat import near_repeat
from saferplaces.analysis.trends import trend_table
from saferplaces.demo import generate_town
from saferplaces.ingest import policeuk
from saferplaces.ingest.mapped import load_mapping, parse_mapped


def _police_uk(folder: Path) -> pd.DataFrame:
    frames = [policeuk.parse(p.read_bytes(), str(p)).frame for p in sorted((folder / "police-uk").rglob("*.csv"))]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> tuple[pd.DataFrame, dict, Path]:
    folder = tmp_path_factory.mktemp("town")
    generate_town(folder, seed=11)
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    return _police_uk(folder), truth, folder


def test_planted_rising_category_is_flagged_and_nothing_else_rises_strongly(town):
    incidents, truth, _ = town
    table = trend_table(incidents, by="category").table
    rising = truth["rising_trend"]["category"]
    assert table.loc[rising, "direction"] == "rising"
    assert table.loc[rising, "p_adj"] < 0.001
    others = table.drop(index=rising)
    assert not ((others["direction"] == "rising") & (others["p_adj"] < 0.001)).any()


def test_with_the_trend_planted_off_the_category_is_not_flagged(tmp_path):
    generate_town(tmp_path, seed=11, plant_trend=False)
    truth = json.loads((tmp_path / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["rising_trend"] is None
    table = trend_table(_police_uk(tmp_path), by="category").table
    assert not (table.loc["Shoplifting", "direction"] == "rising" and table.loc["Shoplifting", "p_adj"] < 0.05)


def test_planted_hotspots_are_found_at_the_planted_cells(town):
    incidents, truth, _ = town
    found = planted = 0
    for spot in truth["hotspots"]:
        chosen = incidents[incidents["category"].isin(spot["categories"])].dropna(subset=["x", "y"])
        result = hotspots(chosen["x"].to_numpy(), chosen["y"].to_numpy(), method="gistar", cell_size=200,
                          permutations=99, seed=1)
        cx, cy = result.grid.centres
        inside = np.hypot(cx - spot["x"], cy - spot["y"]) <= spot["radius_m"]
        planted += int(inside.sum())
        found += int((result.hotspot[inside] == "hotspot").sum())
    assert planted >= len(truth["hotspots"])
    assert found / planted >= 0.9


def test_hotspots_away_from_planted_places_and_the_centre_are_few(town):
    incidents, truth, _ = town
    spot = next(s for s in truth["hotspots"] if "Burglary" in s["categories"])
    chosen = incidents[incidents["category"] == "Burglary"].dropna(subset=["x", "y"])
    result = hotspots(chosen["x"].to_numpy(), chosen["y"].to_numpy(), method="gistar", cell_size=200,
                      permutations=99, seed=1)
    cx, cy = result.grid.centres
    is_hot = result.hotspot == "hotspot"
    hx, hy = cx[is_hot], cy[is_hot]
    near_planted = np.hypot(hx - spot["x"], hy - spot["y"]) <= spot["radius_m"] + 600
    centre = truth["town_centre"]
    near_centre = np.hypot(hx - centre["x"], hy - centre["y"]) <= 1500
    elsewhere = ~(near_planted | near_centre)
    assert near_planted.any()
    assert elsewhere.mean() <= 0.25


def test_near_repeat_burglary_range_is_detected_in_near_bands_only(town):
    _, truth, folder = town
    local = parse_mapped((folder / "partner" / "local-incidents.csv").read_bytes(), "local",
                         load_mapping("local-incidents")).frame
    burglary = local[local["category"].str.startswith("Burglary")]
    planted = truth["near_repeat"]
    result = near_repeat(burglary["x"].to_numpy(), burglary["y"].to_numpy(), burglary["occurred"].to_numpy(),
                         distance_bands=[0, 100, 200, 400, 800, 1600], time_bands=[0, 7, 14, 28, 56],
                         iterations=99, seed=2, same_location=False)
    table = result.to_frame()
    near = table[(table["distance_hi"] <= planted["spatial_range_m"])
                 & (table["time_hi"] <= planted["temporal_range_days"])]
    assert (near["knox_ratio"] > 1.2).all()
    assert (near["p_value"] < 0.05).all()
    far = table[(table["distance_lo"] >= 800) & table["distance_hi"].notna() & table["time_hi"].notna()]
    assert (far["p_value"] < 0.05).mean() <= 0.25

"""The demo town's planted operation is recovered, and an untreated neighbourhood shows nothing.

The town (seed 1, as ``saferplaces demo`` makes it) removes 40% of anti-social behaviour and
criminal damage in one neighbourhood for six months (ground_truth.json, key "operation").
Counts are the police.uk rows of those categories per neighbourhood and month; the buffer is
the neighbourhoods touching the treated one; the pre-period is every month before the
operation (26 months), as the synthetic control needs a long run to fit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import shape

from saferplaces.analysis.impact import OperationImpact, operation_impact
from saferplaces.demo import generate_town

PRE_START = "2023-01"


@dataclass(frozen=True)
class Town:
    counts: pd.DataFrame
    population: pd.Series
    names: dict[str, str]
    neighbours: dict[str, list[str]]
    operation: dict


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Town:
    folder = tmp_path_factory.mktemp("impact-town")
    generate_town(folder, seed=1)
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    op = truth["operation"]
    assert truth["period"]["start"] == PRE_START
    lsoas = json.loads((folder / "areas" / "lsoas.geojson").read_text())["features"]
    msoa = {f["properties"]["LSOA11CD"]: f["properties"]["MSOA11CD"] for f in lsoas}
    hoods = json.loads((folder / "areas" / "neighbourhoods.geojson").read_text())["features"]
    shapes = {f["properties"]["MSOA11CD"]: shape(f["geometry"]) for f in hoods}
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False,
                                  usecols=["Month", "LSOA code", "Crime type"])
                      for p in sorted(Path(folder, "police-uk").rglob("*.csv"))])
    rows = rows[rows["Crime type"].isin(op["categories"]) & (rows["LSOA code"] != "")]
    counts = (rows.assign(area=rows["LSOA code"].map(msoa))
              .groupby(["area", "Month", "Crime type"]).size().unstack(fill_value=0))
    return Town(
        counts=counts,
        population=pd.Series({f["properties"]["MSOA11CD"]: f["properties"]["population"]
                              for f in hoods}),
        names={f["properties"]["MSOA11CD"]: f["properties"]["MSOA11NM"] for f in hoods},
        neighbours={code: sorted(o for o, g in shapes.items()
                                 if o != code and g.buffer(1e-6).intersects(geom))
                    for code, geom in shapes.items()},
        operation=op,
    )


def _window(op: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    first = pd.Period(op["start"][:7], freq="M")
    return (PRE_START, str(first - 1)), (op["start"][:7], op["end"][:7])


@pytest.fixture(scope="module")
def treated_result(town: Town) -> OperationImpact:
    op = town.operation
    pre, post = _window(op)
    code = op["neighbourhood_code"]
    return operation_impact(town.counts, code, pre=pre, post=post,
                            buffer=town.neighbours[code], population=town.population,
                            names=town.names, operation_name=op["name"], seed=1)


def test_planted_operation_effect_lies_in_the_synthetic_control_interval(town, treated_result):
    sc = treated_result.synthetic
    true_pct = -town.operation["effect_pct_reduction"]
    assert sc.interval_pct[0] < true_pct < sc.interval_pct[1]
    # the realised effect: the events the generator removed from the treated neighbourhood
    assert sc.interval[0] < -town.operation["events_removed"] < sc.interval[1]
    assert sc.interval[1] < 0
    # no placebo area changed as much for its fit: the smallest p-value 17 placebos allow
    assert sc.rank == 1 and sc.p_value == pytest.approx(1 / 18)


def test_planted_operation_is_found_by_the_comparison_area_tests(treated_result):
    result = treated_result
    assert result.wdd.local < 0 and result.wdd.p_value < 0.05
    assert result.harm_wdd is not None and result.harm_wdd.p_value < 0.05
    assert result.wdq is not None and result.wdq.net_effect > 0
    assert "real fall" in result.conclusion
    assert "down 40%" in result.headline


def test_untreated_neighbourhood_as_a_placebo_shows_no_significant_effect(town):
    op = town.operation
    pre, post = _window(op)
    treated = op["neighbourhood_code"]
    placebo = op["control_neighbourhood_code"]
    # the real operation's area and buffer may not serve as comparisons for the placebo
    result = operation_impact(town.counts, placebo, pre=pre, post=post,
                              buffer=town.neighbours[placebo],
                              exclude=[treated, *town.neighbours[treated]],
                              population=town.population, names=town.names, seed=1)
    assert result.wdd.p_value > 0.05
    assert result.wdd.ci_low < 0 < result.wdd.ci_high
    assert result.harm_wdd.p_value > 0.05
    sc = result.synthetic
    assert sc.p_value > 0.05
    assert sc.interval[0] < 0 < sc.interval[1]
    assert "Neither" in result.conclusion


def test_planted_operation_is_recovered_when_every_busier_area_is_left_out(town):
    # As on the operations page once areas treated by other operations and Street Weeks are
    # left out: the treated neighbourhood is busier than every donor left (more than twice).
    op = town.operation
    pre, post = _window(op)
    code = op["neighbourhood_code"]
    months = [c for c in town.counts.index.get_level_values(1).unique() if pre[0] <= c <= pre[1]]
    level = (town.counts[town.counts.index.get_level_values(1).isin(months)].sum(axis=1)
             .groupby(level=0).sum() / len(months))
    busier = [a for a in level.index if a != code and level[a] >= 0.9 * level[code]]
    assert busier  # the demo town has busier neighbourhoods to leave out
    result = operation_impact(town.counts, code, pre=pre, post=post,
                              buffer=town.neighbours[code], exclude=busier,
                              population=town.population, names=town.names, seed=1)
    sc = result.synthetic
    donors_level = level[list(sc.donors)]
    assert level[code] > 2 * donors_level.max()
    true_pct = -op["effect_pct_reduction"]
    assert sc.interval_pct[0] < true_pct < sc.interval_pct[1]
    assert sc.interval[1] < 0
    assert sc.pre_rmspe < 1.5 * level[code] ** 0.5
    assert not any("follows the treated area less closely" in t for t in result.limitations)

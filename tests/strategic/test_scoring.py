"""Scoring: scales, the risk score and the 4x4 grid worked by hand; sensitivity; helper tests."""

from __future__ import annotations

import numpy as np
import pytest

from saferplaces.analysis.concentration import top_share
from saferplaces.analysis.stats import poisson_ctest
from saferplaces.strategic.config import DIMENSIONS, Scale, config_from_dict, load_config
from saferplaces.strategic.inputs import EnteredScore
from saferplaces.strategic.measures import ctest_equal, even_top_share
from saferplaces.strategic.scoring import (
    grid_axes,
    rank,
    risk_score,
    score_dimensions,
    sensitivity,
    trend_score,
)
from tests.strategic.builders import candidate_measures


def test_scale_scores_at_and_above_each_cut() -> None:
    scale = Scale("rate", (0.5, 2.0, 5.0, 10.0))
    assert [scale.score(v) for v in (0.0, 0.49, 0.5, 1.99, 2.0, 9.99, 10.0, 500.0)] == [
        1, 1, 2, 2, 3, 4, 5, 5]
    assert scale.score(None) is None
    assert scale.score(float("nan")) is None


def test_trend_score_reads_direction_then_size_of_rise() -> None:
    cuts = (10.0, 20.0)
    assert trend_score("falling", -30.0, cuts) == 1
    assert trend_score("stable", 35.0, cuts) == 2
    assert trend_score("insufficient data", None, cuts) == 2
    assert trend_score("rising", 5.0, cuts) == 3
    assert trend_score("rising", 10.0, cuts) == 4
    assert trend_score("rising", 27.6, cuts) == 5
    assert trend_score("rising", None, cuts) == 5  # a rise from nothing


def test_risk_score_runs_from_0_to_100_and_weights_by_hand() -> None:
    weights = {d: 1.0 for d in DIMENSIONS}
    assert risk_score({d: 1.0 for d in DIMENSIONS}, weights) == 0.0
    assert risk_score({d: 5.0 for d in DIMENSIONS}, weights) == 100.0
    weights = {d: 0.0 for d in DIMENSIONS} | {"harm": 3.0, "volume": 1.0}
    scores = {d: 1.0 for d in DIMENSIONS} | {"harm": 5.0, "volume": 3.0}
    # 100 * (3 * 4/4 + 1 * 2/4) / 4 = 87.5
    assert risk_score(scores, weights) == pytest.approx(87.5)


def test_grid_places_impact_and_likelihood_on_four_bands() -> None:
    config = config_from_dict({"assessment": {"scheme": "grid4x4"},
                               "scoring": {"weights": {d: 1.0 for d in DIMENSIONS}}})
    # impact: harm, vulnerability, concern, capacity; likelihood: volume, trend, repeat, conc.
    scores = {"harm": 5, "vulnerability": 5, "concern": 4, "capacity": 4,
              "volume": 2, "trend": 2, "repeat": 1, "concentration": 3}
    g = grid_axes(scores, config)
    assert g.impact_mean == pytest.approx(4.5)
    assert g.likelihood_mean == pytest.approx(2.0)
    assert (g.impact, g.likelihood, g.grid_score) == (4, 2, 8)
    assert g.band == "high"  # 8 is at or above the cut 6, below 12


def test_entered_scores_are_used_and_capacity_counts_as_a_gap() -> None:
    config = load_config()
    measures = candidate_measures(rate=12.0, harm_rate=None, direction="rising",
                                  pct_change=25.0, concentration=0.95, repeat_rate=0.4,
                                  vulnerability_share=0.0)
    s = score_dimensions(measures, {"concern": EnteredScore(5, "survey"),
                                    "capacity": EnteredScore(4, "audit")}, config)
    assert s["volume"].score == 5 and s["trend"].score == 5 and s["repeat"].score == 5
    assert s["harm"].score == config.section("scoring")["no_data_score"]
    assert not s["harm"].measured
    assert s["concern"].score == 5 and "survey" in s["concern"].basis
    assert s["capacity"].score == 2  # 6 - 4
    default = score_dimensions(measures, {}, config)
    assert default["concern"].score == 3 and not default["concern"].measured


def _toy_scores() -> dict[str, dict[str, float]]:
    base = {d: 1.0 for d in DIMENSIONS}
    return {
        "harmful": base | {"harm": 5.0, "volume": 2.0},
        "frequent": base | {"harm": 2.0, "volume": 5.0, "trend": 2.0},
        "minor": base | {"volume": 2.0},
    }


def test_ranking_orders_by_risk_score() -> None:
    config = config_from_dict({"scoring": {"weights": {d: 1.0 for d in DIMENSIONS}}})
    ranking = rank(_toy_scores(), config)
    assert ranking.order == ("frequent", "harmful", "minor")


def test_sensitivity_with_no_change_keeps_every_rank() -> None:
    config = load_config()
    scores = _toy_scores()
    result = sensitivity(scores, config, weight_change=0.0, top_n=2)
    base = rank(scores, config)
    assert all(result.ranges[k] == (base.rank_of(k), base.rank_of(k)) for k in scores)
    assert all(m["candidates_moved"] == 0 for m in result.moves)
    assert result.stable_top


def test_sensitivity_reports_a_swap_when_a_weight_moves() -> None:
    # equal weights: frequent 100*(4+1)/32 = 15.6... vs harmful 100*(4+1)/32: make them tie
    # closely so that +20% on harm lifts "harmful" above "frequent".
    base = {d: 1.0 for d in DIMENSIONS}
    scores = {"harmful": base | {"harm": 5.0}, "frequent": base | {"volume": 5.0}}
    config = config_from_dict({"scoring": {"weights": {d: 1.0 for d in DIMENSIONS}
                                           | {"harm": 1.0, "volume": 1.1}}})
    result = sensitivity(scores, config, weight_change=0.2, top_n=1)
    assert rank(scores, config).order == ("frequent", "harmful")
    assert result.ranges["harmful"] == (1, 2)
    assert not result.stable_top
    moved = {(m["dimension"], m["change"]) for m in result.moves if m["candidates_moved"]}
    assert ("harm", 0.2) in moved and ("volume", -0.2) in moved


def test_vectorised_ctest_matches_the_library_test() -> None:
    rng = np.random.default_rng(3)
    a = np.concatenate([[0, 0, 5, 7, 1000], rng.integers(0, 400, 200)])
    b = np.concatenate([[0, 3, 5, 8, 1100], rng.integers(0, 400, 200)])
    expected = [poisson_ctest(int(x), int(y)).p_value for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(ctest_equal(a, b), expected, rtol=1e-9, atol=1e-15)


def test_even_share_is_the_floor_of_the_top_share() -> None:
    # 10 incidents over 100 cells: the top 5 cells hold at least 5 of them
    assert even_top_share(10, 100, 0.05) == pytest.approx(0.5)
    # 250 over 100: 50 cells with 3, 50 with 2; the top 5 hold 15
    assert even_top_share(250, 100, 0.05) == pytest.approx(15 / 250)
    spread = np.array([3] * 50 + [2] * 50)
    assert top_share(spread, 0.05) == pytest.approx(even_top_share(250, 100, 0.05))


# -- scores that discriminate (percentile method) and ties stated ---------------------------------
def test_percentile_scores_run_from_one_to_five_and_share_ranks_on_ties() -> None:
    from saferplaces.strategic.scoring import percentile_scores

    found = percentile_scores({"a": 10.0, "b": 50.0, "c": 50.0, "d": 90.0, "e": None})
    assert found["a"] == (1.0, 4) and found["d"] == (5.0, 4)
    assert found["b"] == found["c"] == (3.0, 4)
    assert "e" not in found
    assert percentile_scores({"a": 3.0}) == {}


def test_candidates_beyond_every_top_cut_no_longer_tie_on_the_demo(demo_result) -> None:
    top = [c.risk_score for c in demo_result.candidates[:4]]
    assert len({round(s, 1) for s in top}) == 4, top


def test_a_tie_as_shown_is_stated_with_how_it_was_broken() -> None:
    from saferplaces.strategic.report import shown_ties

    candidates = [{"id": "x", "name": "Violence", "rank": 1, "risk_score": 64.71},
                  {"id": "y", "name": "Shoplifting", "rank": 2, "risk_score": 64.68},
                  {"id": "z", "name": "Burglary", "rank": 3, "risk_score": 50.0},
                  {"id": "w", "name": "Drugs", "rank": 4, "risk_score": 40.0},
                  {"id": "v", "name": "Arson", "rank": 5, "risk_score": 40.0}]
    assert shown_ties(candidates, 2) == [{"score": "64.7", "names": ["Violence", "Shoplifting"],
                                          "broken_by": "the score before rounding"}]
    exact = [dict(c, risk_score=64.7) if c["id"] in "xy" else c for c in candidates]
    assert shown_ties(exact, 2)[0]["broken_by"].startswith("the harm score, then the volume")
    assert shown_ties(candidates, 4)[-1]["names"] == ["Drugs", "Arson"]

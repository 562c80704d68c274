"""The engine on a small hand-built town whose every pattern is known (see ``smalltown``)."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

from saferplaces.analysis.stats import poisson_ctest
from saferplaces.strategic import (
    AssessmentResult,
    Entered,
    Period,
    Target,
    deep_dive,
    load_config,
    render_deep_dive_html,
    render_html,
    run_assessment,
)
from saferplaces.strategic.config import SelectorSettings, ThemeSettings, config_from_dict
from tests.strategic.smalltown import build


@pytest.fixture(scope="module")
def small() -> AssessmentResult:
    return run_assessment(build(), load_config())


def test_categories_themes_and_detail_duplicates(small: AssessmentResult) -> None:
    ids = {c.id for c in small.candidates}
    assert {"police-uk:shoplifting", "police-uk:burglary", "local:burglary-dwelling",
            "local:domestic-abuse", "council-asb:noise-nuisance",
            "theme:anti-social-behaviour", "theme:acquisitive-crime"} <= ids
    # themes that select nothing in these data are left out, with a warning
    assert "theme:deliberate-fires" not in ids
    assert any("Deliberate fires" in w for w in small.warnings)


def test_planted_rise_is_significant_and_scored_highest(small: AssessmentResult) -> None:
    shop = small.candidate("police-uk:shoplifting")
    m = shop.measures
    assert (m.count, m.previous) == (480, 240)
    assert m.p_value == pytest.approx(poisson_ctest(480, 240).p_value)
    assert m.direction == "rising"
    assert shop.scores["trend"].score == 5
    burglary = small.candidate("police-uk:burglary")
    assert burglary.measures.direction == "stable"
    assert burglary.scores["trend"].score == 2


def test_rates_per_thousand_residents_by_neighbourhood(small: AssessmentResult) -> None:
    shop = small.candidate("police-uk:shoplifting")
    top = shop.areas[0]
    assert (top.code, top.count, top.rank) == ("N3", 480, 1)
    assert top.rate == pytest.approx(1000 * 480 / 2000)
    assert small.population == 20000
    assert shop.measures.rate == pytest.approx(1000 * 480 / 20000)
    assert all(a.count == 0 and a.rank is None for a in shop.areas[1:])


def test_repeat_victims_come_from_the_detail_records(small: AssessmentResult) -> None:
    burglary = small.candidate("police-uk:burglary")
    rep = burglary.measures.repeat
    # V-REPEAT has 12 burglaries in the year; all other refs are (almost surely) single
    assert rep.repeat_victims >= 1
    assert rep.referenced_incidents == burglary.measures.count
    assert rep.repeat_incident_rate == pytest.approx(
        (rep.referenced_incidents - rep.victims) / rep.referenced_incidents)
    assert rep.sources == ("local",)


def test_covered_candidates_are_not_separate_priorities(small: AssessmentResult) -> None:
    assert "theme:acquisitive-crime" in small.priorities
    shop = small.candidate("police-uk:shoplifting")
    assert shop.covered_by == "theme:acquisitive-crime"
    assert "police-uk:shoplifting" not in small.priorities
    # local burglary records are the acquisitive theme's detail records: covered too
    assert small.candidate("local:burglary-dwelling").covered_by is not None
    assert list(small.priorities) == sorted(small.priorities,
                                            key=lambda k: small.candidate(k).rank)


def test_entered_scores_lift_a_candidate_and_unknown_ids_warn() -> None:
    inputs = build()
    base = run_assessment(inputs, load_config())
    entered = Entered(concern={"council-asb:noise-nuisance": {"score": 5, "source": "survey"},
                               "nope:unknown": {"score": 5, "source": "survey"}},
                      capacity={"council-asb:noise-nuisance": {"score": 1, "source": "audit"}})
    lifted = run_assessment(dataclasses.replace(inputs, entered=entered), load_config())
    before = base.candidate("council-asb:noise-nuisance")
    after = lifted.candidate("council-asb:noise-nuisance")
    assert after.scores["concern"].score == 5 and after.scores["capacity"].score == 5
    # concern 3 -> 5 and capacity gap 3 -> 5, weights 0.75 and 0.5 of 7.25
    assert after.risk_score - before.risk_score == pytest.approx(
        100 * (0.75 * 2 / 4 + 0.5 * 2 / 4) / 7.25)
    assert after.rank <= before.rank
    assert any("nope:unknown" in w for w in lifted.warnings)


def test_grid_scheme_ranks_by_impact_times_likelihood() -> None:
    result = run_assessment(build(), config_from_dict({"assessment": {
        "scheme": "grid4x4"}}))
    values = [c.grid.grid_score for c in result.candidates]
    assert values == sorted(values, reverse=True)
    assert result.scheme == "grid4x4"


def test_previous_run_gives_progress_against_targets(small: AssessmentResult) -> None:
    inputs = build(rising=False)
    previous = small.to_dict()
    previous["entered"]["targets"] = Entered(targets=(
        Target("police-uk:shoplifting", "incidents", -10.0),)).to_dict()["targets"]
    previous["priorities"] = ["police-uk:shoplifting", "theme:acquisitive-crime"]
    result = run_assessment(dataclasses.replace(inputs, previous=previous), load_config())
    item = next(i for i in result.progress.items if i.id == "police-uk:shoplifting")
    assert (item.previous_count, item.count) == (480, 240)
    assert item.pct_change == pytest.approx(-50.0)
    target = item.targets[0]
    assert target.target == pytest.approx(432.0) and target.met is True


def test_json_is_plain_and_round_trips(small: AssessmentResult) -> None:
    text = json.dumps(small.to_dict())
    data = json.loads(text)
    assert data["priorities"] == list(small.priorities)
    assert len(data["candidates"]) == len(small.candidates)
    assert "NaN" not in text and "Infinity" not in text


def test_html_renders_from_stored_json(small: AssessmentResult) -> None:
    html = render_html(json.loads(json.dumps(small.to_dict())))
    assert "Acquisitive crime" in html
    assert not re.search(r'<img[^>]+src="(?!data:)', html)


def test_targets_for_unknown_candidates_warn() -> None:
    inputs = build()
    entered = Entered(targets=(Target("nope:unknown"),))
    result = run_assessment(dataclasses.replace(inputs, entered=entered), load_config())
    assert any("nope:unknown" in w for w in result.warnings)


def test_sensitive_small_counts_are_withheld_in_public_but_shown_in_full() -> None:
    # Only the hate crime theme as a candidate: it becomes the priority and its small counts
    # by neighbourhood are listed (min_area_incidents 1, all areas shown).
    config = config_from_dict({
        "candidates": {"police_uk_categories": False, "other_categories": False},
        "themes": [ThemeSettings(
            id="hate-crime", name="Hate crime", breakdown="hate_strand", sensitive=True,
            select=[SelectorSettings(source="local", flags_any=["hate_race"])],
        ).model_dump(exclude_unset=True)],
        "assessment": {"min_area_incidents": 1, "top_areas": 10, "priorities": 1},
    })
    result = run_assessment(build(), config)
    assert result.priorities == ("theme:hate-crime",)
    full_counts = [a.count for a in result.candidate("theme:hate-crime").areas]
    assert any(0 < n < 10 for n in full_counts), "the check below must be able to fail"

    def area_cells(html: str) -> list[str]:
        table = re.search(r'<table class="areas" data-candidate="theme:hate-crime">(.*?)</table>',
                          html, re.S).group(1)
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
        cells = []
        for row in rows:
            tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            cells += [tds[1].strip(), tds[2].strip()]
        return cells

    def small_numbers(cells: list[str]) -> list[str]:
        return [c for c in cells if c.replace(",", "").isdigit() and 0 < int(c) < 10]

    assert small_numbers(area_cells(render_html(result)))
    public_cells = area_cells(render_html(result, public=True))
    assert not small_numbers(public_cells)
    assert any("fewer than 10" in c for c in public_cells)
    data = result.to_dict(public=True)
    cand = next(c for c in data["candidates"] if c["id"] == "theme:hate-crime")
    for row in cand["areas"]:
        for key in ("count", "previous"):
            assert row[key] is None or row[key] == 0 or row[key] >= 10
        if row.get("suppressed"):
            assert row["pct_change"] is None and row["p_adj"] is None
    strands = cand["measures"]["breakdown"]
    assert all(r["count"] is None or r["count"] == 0 or r["count"] >= 10 for r in strands)
    assert np.isfinite(cand["risk_score"])


def test_public_deep_dive_withholds_small_counts_of_a_sensitive_topic() -> None:
    inputs = dataclasses.replace(build(), period=Period("2025-10", "2025-12"))
    topic = "local:racially-or-religiously-aggravated-public-order"
    result = deep_dive(inputs, load_config(), topic)
    assert result.topic.sensitive
    full = result.to_dict()
    assert any(0 < a["count"] < 10 for a in full["areas"]), "the check must be able to fail"
    public = result.to_dict(public=True)
    for a in public["areas"]:
        assert a["count"] is None or a["count"] == 0 or a["count"] >= 10
    assert public["finding"] == result.finding_plain
    html = render_deep_dive_html(result, public=True)
    assert "fewer than 10" in html and "SYNTHETIC DATA" in html

"""Case work into the scores (``[[casework_feeds]]``): the partnership's repeat-ASB cases and
Case Review applications raise the ASB theme's repeat score by the band their rate per 1,000
incidents reaches; case work never lowers a score; only the band reaches the report."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from saferplaces.strategic import AssessmentResult, load_config, render_html, run_assessment
from saferplaces.strategic.casework_scores import apply_casework_feeds, band_words
from saferplaces.strategic.inputs import Casework, CaseworkRow
from saferplaces.strategic.scoring import DimensionScore
from tests.strategic.smalltown import build

ASB = "theme:anti-social-behaviour"
FEED = {"theme": "anti-social-behaviour", "dimension": "repeat",
        "figures": ["repeat_asb_cases", "case_review_applications"],
        "measure": "cases per 1,000 ASB incidents", "cuts": [1, 2.5, 5, 10]}


def _rows(repeat_cases: int, applications: int) -> Casework:
    return Casework((
        CaseworkRow("Repeat anti-social behaviour", "Repeat ASB cases opened", repeat_cases,
                    "repeat_asb_cases"),
        CaseworkRow("ASB Case Review", "Applications", applications, "case_review_applications"),
    ))


def _scores(score: float, measured: bool = True) -> dict[str, dict[str, DimensionScore]]:
    return {ASB: {"repeat": DimensionScore("repeat", score, 0.1 if measured else None, measured,
                                           "repeat incident rate")}}


def test_rate_per_thousand_incidents_sets_the_band() -> None:
    scores = _scores(1.0)
    # 4 + 2 = 6 case-work figures over 1,200 incidents = 5 per 1,000: the fourth band
    assert apply_casework_feeds(scores, {ASB: 1200}, _rows(4, 2), [FEED]) == []
    fed = scores[ASB]["repeat"]
    assert fed.score == 4.0 and fed.measured
    assert "at least 5 and under 10 (scores 4), used" in fed.basis
    assert fed.value == 0.1, "the incident measure's value is kept for the report"


def test_casework_never_lowers_an_incident_based_score() -> None:
    scores = _scores(5.0)
    apply_casework_feeds(scores, {ASB: 1200}, _rows(0, 1), [FEED])
    assert scores[ASB]["repeat"].score == 5.0
    assert scores[ASB]["repeat"].basis.endswith("under 1 (scores 1), not higher")


def test_an_unmeasured_repeat_dimension_becomes_measured_by_casework() -> None:
    scores = _scores(3.0, measured=False)
    apply_casework_feeds(scores, {ASB: 100}, _rows(1, 0), [FEED])
    fed = scores[ASB]["repeat"]
    assert fed.measured and fed.score == 5.0
    assert "not measured from incidents" in fed.basis


def test_a_theme_without_incidents_is_not_fed() -> None:
    scores = _scores(2.0)
    assert apply_casework_feeds(scores, {ASB: 0}, _rows(9, 9), [FEED]) == []
    assert scores[ASB]["repeat"].score == 2.0


def test_a_feed_for_a_theme_not_in_the_run_is_a_warning() -> None:
    other = dict(FEED, theme="no-such-theme")
    warnings = apply_casework_feeds(_scores(2.0), {ASB: 10}, _rows(1, 1), [other])
    assert warnings == ["case-work feed for theme 'no-such-theme': no such theme in this run"]


def test_without_case_records_nothing_is_fed_or_warned() -> None:
    scores = _scores(2.0)
    assert apply_casework_feeds(scores, {ASB: 10}, None, [FEED]) == []
    assert scores[ASB]["repeat"].score == 2.0


@pytest.mark.parametrize(("score", "words"), [
    (1, "under 1"), (2, "at least 1 and under 2.5"), (4, "at least 5 and under 10"),
    (5, "at least 10")])
def test_band_words(score: int, words: str) -> None:
    assert band_words((1, 2.5, 5, 10), score) == words


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    base = build()
    without = run_assessment(base, load_config())
    count = next(c.measures.count for c in without.candidates if c.id == ASB)
    # enough repeat-ASB cases to reach the top band whatever the small town's ASB count
    heavy = _rows(count // 50 + 1, 1)
    return {"without": without, "count": count,
            "with": run_assessment(dataclasses.replace(base, casework=heavy), load_config())}


def test_repeat_asb_cases_raise_the_asb_theme_repeat_score_in_a_run(runs: dict[str, Any]) -> None:
    without: AssessmentResult = runs["without"]
    fed: AssessmentResult = runs["with"]
    before = next(c for c in without.candidates if c.id == ASB)
    after = next(c for c in fed.candidates if c.id == ASB)
    assert before.scores["repeat"].score < 5, "the test must be able to fail"
    assert after.scores["repeat"].score == 5.0
    assert after.risk_score > before.risk_score
    others = {c.id: c.risk_score for c in without.candidates if c.id != ASB}
    assert {c.id: c.risk_score for c in fed.candidates if c.id != ASB} == others


def test_the_panel_report_names_the_band_not_the_counts(runs: dict[str, Any]) -> None:
    html = render_html(runs["with"])
    assert "case work: repeat-ASB cases opened and ASB Case Review applications per 1,000 ASB " \
           "incidents at least 10 (scores 5), used" in html

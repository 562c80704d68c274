"""The ASB Case Review figures the partnership publishes each year, from review records whose
stages must come in order."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.case_review_figures import CaseReviewRecord, figures
from saferplaces.casework.law import overlay, shipped

D = datetime.date


def reviewed(ref, applied, meeting, recommendations=("install CCTV",), channel="online"):
    return CaseReviewRecord(reference=ref, applied_on=applied, channel=channel,
                            acknowledged_on=applied, threshold_decided_on=applied,
                            threshold_met=True, meeting_on=meeting,
                            recommendations=recommendations)


RECORDS = [
    reviewed("CR-1", D(2025, 12, 20), D(2026, 1, 12)),
    reviewed("CR-2", D(2026, 2, 3), D(2026, 2, 20), recommendations=(), channel="telephone"),
    reviewed("CR-3", D(2026, 3, 3), D(2026, 3, 25), channel="letter"),
    CaseReviewRecord(reference="CR-4", applied_on=D(2026, 5, 1), channel="in person",
                     threshold_decided_on=D(2026, 5, 8), threshold_met=False),
    CaseReviewRecord(reference="CR-5", applied_on=D(2026, 12, 30), channel="online"),
]


def test_annual_figures_count_each_step_in_the_year_it_happened():
    year = figures(RECORDS, 2026)
    assert (year.label, year.first_day, year.last_day) == ("2026", D(2026, 1, 1), D(2026, 12, 31))
    assert (year.applications, year.threshold_not_met, year.reviews_carried_out,
            year.reviews_with_recommendations) == (4, 1, 3, 2)
    assert year.applications_by_channel == (("online", 1), ("telephone", 1), ("letter", 1),
                                            ("in person", 1))
    before = figures(RECORDS, 2025)
    assert (before.applications, before.reviews_carried_out) == (1, 0)


def test_a_partnership_may_publish_by_april_to_march_years(tmp_path: Path):
    path = tmp_path / "local.toml"
    path.write_text('[[rules."case_review.figures_year_starts_month".values]]\n'
                    'from = 2020-01-01\nvalue = 4\nsource = "partnership publication plan"\n',
                    encoding="utf-8")
    year = figures(RECORDS, 2025, rules=overlay(shipped(), path))
    assert (year.label, year.first_day, year.last_day) == (
        "2025-26", D(2025, 4, 1), D(2026, 3, 31))
    assert (year.applications, year.reviews_carried_out) == (3, 3)


def test_a_review_meeting_needs_the_threshold_decided_as_met():
    with pytest.raises(ValueError, match="CR-9: a review meeting is held only once the threshold"):
        CaseReviewRecord(reference="CR-9", applied_on=D(2026, 1, 1), channel="online",
                         threshold_decided_on=D(2026, 1, 5), threshold_met=False,
                         meeting_on=D(2026, 1, 20))


def test_stages_dated_before_the_application_are_refused():
    with pytest.raises(ValueError, match="the acknowledgement is dated before the application"):
        CaseReviewRecord(reference="CR-10", applied_on=D(2026, 1, 10), channel="letter",
                         acknowledged_on=D(2026, 1, 9))


def test_recommendations_come_from_a_meeting():
    with pytest.raises(ValueError, match="recommendations come from a review meeting"):
        CaseReviewRecord(reference="CR-11", applied_on=D(2026, 1, 10), channel="email",
                         recommendations=("more patrols",))


def test_recommendations_are_dated_on_or_after_the_meeting():
    with pytest.raises(ValueError, match="the recommendations are dated before the review"):
        CaseReviewRecord(reference="CR-12", applied_on=D(2026, 1, 10), channel="letter",
                         threshold_decided_on=D(2026, 1, 20), threshold_met=True,
                         meeting_on=D(2026, 2, 3), recommendations=("more patrols",),
                         recommendations_on=D(2026, 2, 2))


def test_an_escalation_follows_the_outcome():
    stages = dict(reference="CR-13", applied_on=D(2026, 1, 10), channel="telephone",
                  threshold_decided_on=D(2026, 1, 20), threshold_met=False)
    with pytest.raises(ValueError, match="an escalation follows the outcome"):
        CaseReviewRecord(**stages, escalated_on=D(2026, 2, 1))
    with pytest.raises(ValueError, match="the outcome is dated before an earlier stage"):
        CaseReviewRecord(**stages, outcome="threshold not met", outcome_on=D(2026, 1, 19))
    done = CaseReviewRecord(**stages, outcome="threshold not met", outcome_on=D(2026, 1, 21),
                            escalated_on=D(2026, 2, 1))
    assert done.escalated_on == D(2026, 2, 1)


def test_the_threshold_decision_comes_after_the_acknowledgement():
    with pytest.raises(ValueError, match="threshold decision is dated before the acknowledgement"):
        CaseReviewRecord(reference="CR-14", applied_on=D(2026, 1, 10), channel="in person",
                         acknowledged_on=D(2026, 1, 15), threshold_decided_on=D(2026, 1, 12),
                         threshold_met=True)

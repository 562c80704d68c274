"""The ASB Case Review figures, for the whole partnership and in aggregate only (no name, no
reference): the annual published figures of s.104(10) (:func:`annual`, by the engine's
:func:`saferplaces.casework.case_review_figures.figures`) and the counts the strategic
assessment reads (:func:`figures`). Every Case Review recorded counts, whichever agency
recorded it: the figures are the partnership's."""

from __future__ import annotations

import datetime

from saferplaces.apps.casereview.models import CaseReview
from saferplaces.apps.casereview.services import engine_record
from saferplaces.apps.cases.law import rules
from saferplaces.casework.case_review_figures import CaseReviewRecord, Figures
from saferplaces.casework.case_review_figures import figures as engine_figures

__all__ = ["annual", "figures", "records"]


def records() -> list[CaseReviewRecord]:
    """Every Case Review as the engine's record."""
    return [engine_record(review) for review in CaseReview.objects.order_by("pk")]


def annual(year: int) -> Figures:
    """The published figures for the year starting in ``year`` (rule
    ``case_review.figures_year_starts_month`` sets the first month)."""
    return engine_figures(records(), year, rules=rules())


def figures(period_start: datetime.date, period_end: datetime.date) -> dict[str, int]:
    """Counts for the period (both days included), each step counted when it happened:
    applications, threshold not met, reviews carried out (meetings held), reviews with
    recommendations, escalations."""

    def within(day: datetime.date | None) -> bool:
        return day is not None and period_start <= day <= period_end

    every = records()
    held = [r for r in every if within(r.meeting_on)]
    return {
        "case_review_applications": sum(1 for r in every if within(r.applied_on)),
        "case_review_threshold_not_met": sum(1 for r in every if within(r.threshold_decided_on)
                                             and r.threshold_met is False),
        "case_reviews_carried_out": len(held),
        "case_reviews_with_recommendations": sum(1 for r in held if r.recommendations),
        "case_review_escalations": sum(1 for r in every if within(r.escalated_on)),
    }

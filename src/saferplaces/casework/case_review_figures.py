"""ASB Case Review records and the figures the partnership must publish each year.

The relevant bodies publish, at least every 12 months, the number of applications for ASB
Case Reviews, the number of times the threshold was not met, the number of reviews carried out
and the number of reviews that led to recommendations (Anti-social Behaviour, Crime and
Policing Act 2014 s.104(10), subsection to verify; the DESIGN notes' table).

A :class:`CaseReviewRecord` holds one application through its stages: the application and its
channel (applications by telephone, letter or in person count the same as online ones; the
statutory guidance asks that no one be shut out for lack of the internet), acknowledgement,
threshold decision, review meeting, recommendations, outcome and escalation (for example to
the Police and Crime Commissioner). Stages must come in order; a record out of order is refused
with a message naming the stage: every stage is dated on or after the application; the
threshold decision on or after the acknowledgement; the meeting (only when the threshold is
met) on or after the decision; recommendations on or after the meeting; the outcome, which
follows a threshold decision, on or after the last earlier stage; an escalation (the
applicant asking for the review to be looked at again, statutory guidance) only after an
outcome and on or after it.

Method of :func:`figures`: each figure counts the step in the year the step happened (an
application made in December and reviewed in January is an application of the first year and
a review of the second), the usual way activity is published. The year starts in the month of
rule ``case_review.figures_year_starts_month`` (January by default; 4 for April to March).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from saferplaces.casework.case_review import Key
from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.months import add_months

__all__ = ["CHANNELS", "CaseReviewRecord", "Figures", "figures"]

Channel = Literal["online", "email", "telephone", "letter", "in person", "through someone else"]
CHANNELS: tuple[Channel, ...] = ("online", "email", "telephone", "letter", "in person",
                                 "through someone else")


@dataclass(frozen=True, kw_only=True)
class CaseReviewRecord:
    """One application for an ASB Case Review and what became of it."""

    reference: str
    applied_on: datetime.date
    channel: Channel
    acknowledged_on: datetime.date | None = None
    threshold_decided_on: datetime.date | None = None
    threshold_met: bool | None = None
    meeting_on: datetime.date | None = None
    recommendations: tuple[str, ...] = ()
    recommendations_on: datetime.date | None = None
    outcome: str = ""
    outcome_on: datetime.date | None = None
    escalated_on: datetime.date | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"{self.reference}: the channel must be one of {', '.join(CHANNELS)}")
        for stage, day in (("acknowledgement", self.acknowledged_on),
                           ("threshold decision", self.threshold_decided_on),
                           ("escalation", self.escalated_on)):
            if day is not None and day < self.applied_on:
                raise ValueError(f"{self.reference}: the {stage} is dated before the application")
        if (self.threshold_decided_on is None) != (self.threshold_met is None):
            raise ValueError(f"{self.reference}: a threshold decision needs both its date and "
                             "whether the threshold was met")
        if self.meeting_on is not None:
            if not self.threshold_met or self.threshold_decided_on is None:
                raise ValueError(f"{self.reference}: a review meeting is held only once the "
                                 "threshold is decided to be met")
            if self.meeting_on < self.threshold_decided_on:
                raise ValueError(f"{self.reference}: the review meeting is dated before the "
                                 "threshold decision")
        if self.recommendations and self.meeting_on is None:
            raise ValueError(f"{self.reference}: recommendations come from a review meeting, "
                             "and none is recorded")
        self._check_later_stages()

    def _check_later_stages(self) -> None:
        """The order of the stages after the meeting (see the module's docstring)."""
        if (self.acknowledged_on is not None and self.threshold_decided_on is not None
                and self.threshold_decided_on < self.acknowledged_on):
            raise ValueError(f"{self.reference}: the threshold decision is dated before the "
                             "acknowledgement")
        if self.recommendations_on is not None:
            if not self.recommendations:
                raise ValueError(f"{self.reference}: a date of recommendations needs the "
                                 "recommendations")
            if self.meeting_on is None or self.recommendations_on < self.meeting_on:
                raise ValueError(f"{self.reference}: the recommendations are dated before the "
                                 "review meeting")
        if self.outcome_on is not None:
            if self.threshold_decided_on is None:
                raise ValueError(f"{self.reference}: an outcome follows a threshold decision, "
                                 "and none is recorded")
            before = [d for d in (self.threshold_decided_on, self.meeting_on,
                                  self.recommendations_on) if d is not None]
            if self.outcome_on < max(before):
                raise ValueError(f"{self.reference}: the outcome is dated before an earlier "
                                 "stage")
        if self.escalated_on is not None and (self.outcome_on is None
                                              or self.escalated_on < self.outcome_on):
            raise ValueError(f"{self.reference}: an escalation follows the outcome, and is "
                             "dated on or after it")


@dataclass(frozen=True)
class Figures:
    """The published figures for one year (``first_day`` to ``last_day`` inclusive)."""

    label: str
    first_day: datetime.date
    last_day: datetime.date
    applications: int
    threshold_not_met: int
    reviews_carried_out: int
    reviews_with_recommendations: int
    applications_by_channel: tuple[tuple[str, int], ...]


def figures(records: list[CaseReviewRecord], year: int, *,
            rules: Rules | None = None) -> Figures:
    """The annual figures for the year starting in ``year`` (see the module's method)."""
    rules = rules if rules is not None else shipped()
    month = int(rules.on(Key.YEAR_START, datetime.date(year, 1, 1)))
    first = datetime.date(year, month, 1)
    last = add_months(first, 12) - datetime.timedelta(days=1)

    def within(day: datetime.date | None) -> bool:
        return day is not None and first <= day <= last

    applied = [r for r in records if within(r.applied_on)]
    reviewed = [r for r in records if within(r.meeting_on)]
    channels = Counter(r.channel for r in applied)
    return Figures(
        label=str(year) if month == 1 else f"{year}-{(year + 1) % 100:02d}",
        first_day=first,
        last_day=last,
        applications=len(applied),
        threshold_not_met=sum(1 for r in records
                              if within(r.threshold_decided_on) and r.threshold_met is False),
        reviews_carried_out=len(reviewed),
        reviews_with_recommendations=sum(1 for r in reviewed if r.recommendations),
        applications_by_channel=tuple((c, channels[c]) for c in CHANNELS if channels[c]),
    )

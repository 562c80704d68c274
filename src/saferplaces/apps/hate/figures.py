"""Hate figures by strand, for the strategic assessment and the figures page: aggregate counts
only (no names, no references), through the engine's rule (:func:`saferplaces.casework.hate.
figures`): a case with two strands counts once in each strand and once in the total, so the
strand counts may add up to more than the total.

Counted: every hate case in the partnership whose hate details were recorded between
``period_start`` and ``period_end`` (both days included), whoever owns it.

Shown on the figures page and API (:func:`disclosed`, :func:`whole_months_problem`) only for
whole months, with small counts withheld as in the public report: a count for one day would
tell any reader when each hate case was recorded and on which strands.
"""

from __future__ import annotations

import datetime
from typing import Any

from saferplaces.apps.hate.models import HateDetails
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.casework.hate import HateRecord
from saferplaces.casework.hate import figures as count
from saferplaces.strategic.disclosure import public_rows

__all__ = ["disclosed", "figures", "month_end", "whole_months_problem"]


def figures(period_start: datetime.date, period_end: datetime.date) -> dict[str, int]:
    """``{"hate_total", "hate_crimes", "hate_non_crime", "hate_strand_<key>" for each strand}``."""
    rows = (HateDetails.objects.filter(recorded_on__gte=period_start, recorded_on__lte=period_end)
            .values_list("recorded_on", "kind", "strands", "perceived_by"))
    # each record was checked when saved: checking again would refuse NCHIs recorded before
    # the partnership switched them off
    result = count(HateRecord.model_construct(recorded_on=day, kind=kind, strands=tuple(strands),
                                              perceived_by=by)
                   for day, kind, strands, by in rows)
    return {"hate_total": result.total, "hate_crimes": result.crimes,
            "hate_non_crime": result.non_crime,
            **{f"hate_strand_{key}": n for key, n in result.by_strand.items()}}


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def whole_months_problem(start: datetime.date, end: datetime.date) -> str | None:
    """Why ``start``..``end`` is not a period the figures are shown for, or None: a period of
    whole calendar months (a whole year is twelve), from the first day of a month to the last
    day of a month. A day or a week would date each hate case and its strands."""
    if start.day != 1:
        return "The period must start on the first day of a month."
    if (end + datetime.timedelta(days=1)).day != 1:
        return "The period must end on the last day of a month."
    if end < start:
        return "The last day must be on or after the first day."
    return None


def disclosed(counts: dict[str, int]) -> tuple[dict[str, int | None], int]:
    """The counts as any reader may see them, and the threshold: counts from 1 to
    ``suppress_below - 1`` withheld (None) by the public report's rule
    (:func:`saferplaces.strategic.disclosure.public_rows`, ``[public] suppress_below``)."""
    threshold = suppress_below()
    row: dict[str, Any] = dict(counts)
    public_rows([row], list(counts), threshold)
    row.pop("suppressed", None)
    return row, threshold

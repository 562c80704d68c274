"""The before and after periods of an evaluation: date spans, month-only data, whole months.

A period is a :data:`DateSpan`, a pair of local dates (first and last day, inclusive). Rows of
``precision`` "month" (police.uk) carry only their month, so a period that starts or ends
part-way through a month holding such rows cannot count them on either side of the cut:
:func:`settle_periods` raises :class:`MonthOnlyDataError` then, or widens both periods to
whole months when asked (and notes it). Periods that overlap raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from saferplaces.periods import month_label

__all__ = ["DateSpan", "MonthOnlyDataError", "date_span", "settle_periods"]

#: A period of whole local days: its first and last day (inclusive), both at midnight.
DateSpan = tuple[pd.Timestamp, pd.Timestamp]


def date_span(p: tuple[Any, Any], name: str) -> DateSpan:
    """``p`` as a :data:`DateSpan` of normalised timestamps; ``ValueError`` naming ``name``
    when it ends before it starts."""
    start, end = pd.Timestamp(p[0]).normalize(), pd.Timestamp(p[1]).normalize()
    if end < start:
        raise ValueError(f"{name} period ends before it starts")
    return start, end


def _month_name(month: pd.Period) -> str:
    """A pandas month in words, e.g. ``"June 2024"``."""
    return month_label(str(month))


def _cut_months(period: DateSpan) -> list[pd.Period]:
    """The months a period holds only part of: its first month unless it starts on the 1st,
    its last month unless it ends on the month's last day."""
    start, end = period
    cut = []
    if start.day != 1:
        cut.append(start.to_period("M"))
    if end != end + pd.offsets.MonthEnd(0) and end.to_period("M") not in cut:
        cut.append(end.to_period("M"))
    return cut


def _whole_months(period: DateSpan) -> DateSpan:
    """``period`` widened to the 1st of its first month and the last day of its last month."""
    start, end = period
    return start.to_period("M").to_timestamp(), (end + pd.offsets.MonthEnd(0)).normalize()


def _show(period: DateSpan) -> str:
    """``"2024-04-15 to 2024-06-30"``."""
    return f"{period[0].date()} to {period[1].date()}"


class MonthOnlyDataError(ValueError):
    """A period starts or ends part-way through a month for which some incidents carry only
    their month (police.uk): those incidents cannot be put on either side of the cut."""

    def __init__(self, sources: Sequence[str], cuts: dict[str, list[pd.Period]],
                 periods: dict[str, DateSpan]) -> None:
        self.sources, self.cuts, self.periods = tuple(sources), cuts, periods
        widened = {name: _whole_months(p) for name, p in periods.items()}
        cut_text = "; ".join(
            f"the {name} period ({_show(periods[name])}) cuts {' and '.join(map(_month_name, months))}"
            for name, months in cuts.items())
        whole = ", ".join(f"{name} {w[0]:%Y-%m}..{w[1]:%Y-%m}" for name, w in widened.items())
        (b0, b1), (a0, a1) = widened["before"], widened["after"]
        #: whether widening both periods to whole months would leave them apart
        self.can_widen = bool(b1 < a0 or a1 < b0)
        if self.can_widen:
            advice = f"Use whole-month periods instead, e.g. {whole}"
        else:
            advice = ("Widened to whole months they would overlap, so choose whole-month periods "
                      "that share no month")
        super().__init__(
            f"{' and '.join(self.sources)} data carry only the month of each incident, so they "
            f"cannot be counted in periods that start or end part-way through a month: {cut_text}. "
            f"{advice}, or count only sources with exact dates.")


def _month_only_in_cut_months(data: pd.DataFrame, cuts: dict[str, list[pd.Period]]) -> list[str]:
    """Sources of month-precision rows whose month is one of the ``cuts``."""
    if "precision" not in data.columns or not cuts:
        return []
    month_only = data[data["precision"].astype(str) == "month"]
    if month_only.empty:
        return []
    months = pd.to_datetime(month_only["month"] if "month" in month_only.columns
                            else month_only["_when"]).dt.to_period("M")
    cut = {m for ms in cuts.values() for m in ms}
    hit = month_only[months.isin(cut).to_numpy()]
    if hit.empty:
        return []
    return sorted(hit["source"].astype(str).unique()) if "source" in hit.columns else ["month-only"]


def settle_periods(data: pd.DataFrame, periods: dict[str, DateSpan], whole_months: bool,
                   notes: list[str]) -> dict[str, DateSpan]:
    """The periods to count in: as given, or widened to whole months (noted) when asked.

    Raises :class:`MonthOnlyDataError` when a period cuts a month holding month-only rows and
    widening was not asked for; ``ValueError`` when the periods (widened or not) overlap.
    """
    _check_apart(periods, "")
    cuts = {name: months for name, p in periods.items() if (months := _cut_months(p))}
    if cuts and whole_months:
        widened = {name: _whole_months(p) for name, p in periods.items()}
        changes = [f"{name} {_show(periods[name])} became {_show(widened[name])}" for name in cuts]
        notes.append(f"periods widened to whole months as asked: {'; '.join(changes)}")
        _check_apart(widened, " once widened to whole months")
        return widened
    if cuts and (sources := _month_only_in_cut_months(data, cuts)):
        raise MonthOnlyDataError(sources, cuts, periods)
    return periods


def _check_apart(periods: dict[str, DateSpan], how: str) -> None:
    """``ValueError`` naming the shared months when the before and after periods overlap."""
    (b0, b1), (a0, a1) = periods["before"], periods["after"]
    if not (b1 < a0 or a1 < b0):
        shared = [_month_name(m) for m in pd.period_range(max(b0, a0), min(b1, a1), freq="M")]
        held = " and ".join(shared) if len(shared) <= 2 else f"{shared[0]} to {shared[-1]}"
        raise ValueError(f"the before and after periods overlap{how} (both hold {held})")

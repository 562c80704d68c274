"""Monitoring the year's priorities month by month against their targets.

For each priority (a candidate id) and its target (``Target``: measure, intended change and
baseline), over the monitoring period ``inputs.period``:

- the monthly value (incidents, or harm-weighted incidents) and the same month a year before;
- the monthly target: the same month a year before × (1 + change), so the target keeps the
  season's shape (a summer peak is not read as failure);
- year to date: actual against target, "on track" when the actual is at or below the target
  for a reduction (at or above for an increase), and the exact conditional Poisson test
  (Przyborowski & Wilenski 1940) of the year-to-date count against the same months a year
  before, so that a change is not claimed before it is more than chance;
- for ``measure = "repeat_rate"``: the year-to-date repeat incident rate (Farrell & Pease 1993)
  against the baseline × (1 + change).

Months after the last month of data of the priority's sources are "not yet reported", not zero.
When the target has an explicit ``baseline`` (a yearly total), the monthly targets spread it over
the months in proportion to the year before.

Targets apply to the period they were set for: with ``target_from`` (the first month after the
assessment that set them), months before it are shown but not judged (no monthly target, not in
the year to date), and a priority with no reported month in the target period is "before the
target period", never "off track" for the assessment year itself. ``compared`` says in words
which months the year to date compares with which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from saferplaces.analysis.stats import poisson_ctest
from saferplaces.periods import month_at, month_label, month_number
from saferplaces.strategic.candidates import build_candidates
from saferplaces.strategic.config import AssessmentConfig
from saferplaces.strategic.context import prepare
from saferplaces.strategic.inputs import AssessmentInputs, Period, Target
from saferplaces.strategic.measures import repeat_measure
from saferplaces.strategic.records import Record

__all__ = ["MonitoringResult", "PriorityMonitor", "monitoring"]


@dataclass(frozen=True)
class PriorityMonitor(Record):
    """One priority's measure month by month against its target.

    ``measure`` is "incidents" (counts), "harm" (harm units) or "repeat_rate" (0–1, year to
    date only: the monthly tuples are then empty); ``change_pct`` is the target's change in
    percent. ``actual`` (None for months not yet reported), ``last_year`` and ``target`` hold
    one value per month of ``months``; ``reported_months`` is a count; the ``ytd_*`` values are
    sums over the reported months (None when none); ``status`` is "on track", "off track",
    "not yet reported" or "cannot tell"; ``p_value`` is the exact conditional Poisson test of
    the year-to-date count against the same months a year before (incidents only).
    """

    id: str
    name: str
    measure: str
    change_pct: float
    months: tuple[str, ...]
    actual: tuple[float | None, ...]
    last_year: tuple[float, ...]
    target: tuple[float | None, ...]
    reported_months: int
    ytd_actual: float | None
    ytd_target: float | None
    ytd_last_year: float | None
    status: str
    p_value: float | None
    note: str = ""
    compared: str = ""



@dataclass(frozen=True)
class MonitoringResult:
    """Every monitored priority, with the monitoring period."""

    period: Period
    priorities: tuple[PriorityMonitor, ...]
    warnings: tuple[str, ...] = ()
    target_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period.to_dict(),
                "priorities": [p.to_dict() for p in self.priorities],
                "warnings": list(self.warnings), "target_from": self.target_from}


def _status(actual: float, target: float, change: float) -> str:
    ok = actual <= target if change <= 0 else actual >= target
    return "on track" if ok else "off track"


def _compared(judged: Sequence[int]) -> str:
    if not judged:
        return ""
    first, last = month_at(judged[0]), month_at(judged[-1])
    before = month_at(judged[0] - 12), month_at(judged[-1] - 12)
    if first == last:
        return f"{month_label(first)} against {month_label(before[0])}"
    return (f"{month_label(first)} to {month_label(last)} against "
            f"{month_label(before[0])} to {month_label(before[1])}")


def monitoring(inputs: AssessmentInputs, config: AssessmentConfig, priorities: Sequence[str],
               targets: Sequence[Target | Mapping[str, Any]] = (), *,
               target_from: str | None = None) -> MonitoringResult:
    """Each priority's measure month by month against its target (see the module docstring).

    A priority with no target is monitored against "no change" (``change_pct = 0``).
    ``target_from`` ("YYYY-MM"): the first month the targets apply to; earlier months are not
    judged. Raises ``ValueError`` for a malformed month.
    """
    start = month_number(target_from) if target_from is not None else None
    ctx = prepare(inputs, config)
    candidates = {c.id: c for c in build_candidates(ctx.source, ctx.category,
                                                    np.ones(ctx.n, bool), config)}
    by_candidate: dict[str, Target] = {}
    for t in targets:
        target = t if isinstance(t, Target) else Target(**dict(t))
        by_candidate[target.candidate] = target
    warnings: list[str] = []
    months = list(range(ctx.cur[0], ctx.cur[1] + 1))
    labels = tuple(month_at(m) for m in months)
    out = []
    for key in priorities:
        cand = candidates.get(key)
        if cand is None:
            warnings.append(f"priority {key!r} is not a candidate in these data")
            continue
        target = by_candidate.get(key, Target(candidate=key, change_pct=0.0,
                                              note="no target entered: no change"))
        volume = ctx.mask(cand.selectors)
        last_data = min(int(ctx.month[ctx.source == s.source].max())
                        for s in cand.selectors if (ctx.source == s.source).any())
        reported = [m for m in months if m <= last_data]
        judged = [m for m in reported if start is None or m >= start]
        factor = 1.0 + target.change_pct / 100.0
        if reported and not judged:
            out.append(PriorityMonitor(
                id=key, name=cand.name, measure=target.measure, change_pct=target.change_pct,
                months=labels, actual=(), last_year=(), target=(),
                reported_months=len(reported), ytd_actual=None, ytd_target=None,
                ytd_last_year=None, status="before the target period", p_value=None,
                note=(f"{target.note + '. ' if target.note else ''}The target applies from "
                      f"{month_label(target_from or '')}; these months come before it.")))
            continue
        in_target = (ctx.month >= start) if start is not None else True
        if target.measure == "repeat_rate":
            detail = ctx.mask(cand.detail_selectors)
            rate_now = repeat_measure(ctx, detail, within=ctx.in_year & in_target & (
                ctx.month <= last_data)).repeat_incident_rate
            base = target.baseline
            if base is None:
                base = repeat_measure(ctx, detail, within=ctx.in_prev & (
                    ctx.month <= last_data - 12) & ((ctx.month >= start - 12)
                                                    if start is not None else True)
                                      ).repeat_incident_rate
            goal = None if base is None else base * factor
            status = ("cannot tell" if goal is None or rate_now is None
                      else _status(rate_now, goal, target.change_pct))
            out.append(PriorityMonitor(
                id=key, name=cand.name, measure="repeat_rate", change_pct=target.change_pct,
                months=labels, actual=(), last_year=(), target=(),
                reported_months=len(reported), ytd_actual=rate_now, ytd_target=goal,
                ytd_last_year=base, status=status, p_value=None, note=target.note,
                compared=_compared(judged)))
            continue
        weights = np.nan_to_num(ctx.harm_weight) if target.measure == "harm" else np.ones(ctx.n)
        actual = []
        last_year = []
        for m in months:
            this = volume & (ctx.month == m)
            before = volume & (ctx.month == m - 12)
            last_year.append(float(weights[before].sum()))
            actual.append(float(weights[this].sum()) if m <= last_data else None)
        ly = np.asarray(last_year)
        if target.baseline is not None:
            share = ly / ly.sum() if ly.sum() > 0 else np.full(ly.size, 1.0 / ly.size)
            monthly_target = target.baseline * factor * share
        else:
            monthly_target = ly * factor
        n_rep = len(reported)
        ytd_actual: float | None = None
        ytd_target: float | None = None
        ytd_last: float | None = None
        p_value = None
        status = "not yet reported"
        use = np.array([m in judged for m in months])
        if judged:
            ytd_actual = float(sum(a for a, u in zip(actual, use, strict=True)
                                   if u and a is not None))
            ytd_target = float(monthly_target[use].sum())
            ytd_last = float(ly[use].sum())
            if target.measure == "incidents":
                p_value = poisson_ctest(int(ytd_actual), int(ytd_last)).p_value
            status = _status(ytd_actual, ytd_target, target.change_pct)
        out.append(PriorityMonitor(
            id=key, name=cand.name, measure=target.measure, change_pct=target.change_pct,
            months=labels, actual=tuple(actual), last_year=tuple(last_year),
            target=tuple(float(v) if start is None or m >= start else None
                         for v, m in zip(monthly_target, months, strict=True)),
            reported_months=n_rep, ytd_actual=ytd_actual, ytd_target=ytd_target,
            ytd_last_year=ytd_last, status=status, p_value=p_value, note=target.note,
            compared=_compared(judged)))
    return MonitoringResult(period=inputs.period, priorities=tuple(out),
                            warnings=tuple(warnings), target_from=target_from)

"""What the Assessments pages show, shaped for their templates: a stored result (read through
the ``results`` models) as rows and words, the run lists, monitoring and Street Week tables,
and the date and run labels.

No access checks here: views fetch what the user may see through ``access`` and hand it in.
Figures are formatted the way the reports format them (``strategic.findings``): changes as
``+24%``, p-values as ``p=0.012``; a missing figure is ``–``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db.models import F, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.assessments.models import (
    AssessmentRun,
    EnteredScore,
    RunKind,
    StreetWeek,
    Target,
    TargetMeasure,
)
from saferplaces.apps.assessments.results import (
    AnnualResult,
    AreaRow,
    CandidateResult,
    Comparison,
    DeepDiveResult,
    Hotspots,
    Period,
)
from saferplaces.apps.assessments.services import REPORT_FORMATS
from saferplaces.periods import month_label, period_label
from saferplaces.strategic.findings import fmt_p, fmt_pct
from saferplaces.strategic.monitor import PriorityMonitor
from saferplaces.strategic.streetweek import StreetWeekArea

__all__ = [
    "CandidateChoices",
    "annual_evidence",
    "candidate_choices",
    "compare",
    "day_label",
    "days_label",
    "deep_dive_evidence",
    "deep_dive_rows",
    "downloads",
    "held_rows",
    "left_out",
    "listed_runs",
    "monitor_row",
    "number",
    "priority_evidence",
    "ranked_rows",
    "run_label",
    "score_rows",
    "user_label",
]

Row = dict[str, Any]

#: Candidates read from each listed run to name its priorities (priorities are top-ranked, so
#: they sit near the top; one further down is shown by its id).
NAMED_CANDIDATES = 20
#: Monitoring: the colour of each status tag, and the words for "no target entered".
STATUS_COLOURS = {"on track": "green", "off track": "red", "before the target period": "blue"}
NO_CHANGE = "no change on the same months a year before"


# --- labels -----------------------------------------------------------------------------------


def user_label(user: AbstractUser | None) -> str:
    """A user's full name, else their user name."""
    if user is None:
        return "Not recorded"
    name: str = user.get_full_name() or user.get_username()
    return name


def run_label(run: AssessmentRun) -> str:
    """A run as a choice: its period, number and when it finished."""
    label = f"{period_label(run.first_month, run.last_month)} (run {run.pk}"
    if run.finished_at:
        finished = timezone.localtime(run.finished_at)
        label += f", finished {finished.day} {finished:%b %Y}"
    return label + ")"


def day_label(day: datetime.date) -> str:
    """``2 June 2025``."""
    return f"{day.day} {day:%B %Y}"


def days_label(start: datetime.date, end: datetime.date) -> str:
    """``2 to 8 June 2025``, ``30 June to 6 July 2025``, ``29 December 2025 to 4 January
    2026``."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {day_label(end)}" if start != end else day_label(end)
    if start.year == end.year:
        return f"{start.day} {start:%B} to {day_label(end)}"
    return f"{day_label(start)} to {day_label(end)}"


def number(value: float | None, digits: int = 0) -> str:
    """``1,234.5`` with ``digits`` decimals; ``–`` for None."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _share(fraction: float) -> str:
    return number(100 * fraction) + "%"


# --- runs -------------------------------------------------------------------------------------


def listed_runs(runs: QuerySet[AssessmentRun], limit: int) -> tuple[list[Row], int]:
    """The first ``limit`` runs with their priorities' names, in one query that leaves the
    (large) results in the database, and how many runs there are."""
    runs = runs.defer("result", "config_toml")
    names: dict[str, Any] = {f"c{i}_id": KT(f"result__candidates__{i}__id")
                             for i in range(NAMED_CANDIDATES)}
    names |= {f"c{i}_name": KT(f"result__candidates__{i}__name") for i in range(NAMED_CANDIDATES)}
    rows = []
    for run in runs.annotate(priority_ids=F("result__priorities"), topic_name=KT("result__topic__name"),
                             **names)[:limit]:
        known = {getattr(run, f"c{i}_id"): getattr(run, f"c{i}_name")
                 for i in range(NAMED_CANDIDATES)}
        rows.append({"run": run, "period": period_label(run.first_month, run.last_month),
                     "priorities": [known.get(key) or key for key in (run.priority_ids or [])],
                     "topic": run.topic_name or run.topic,
                     "started_by": user_label(run.created_by)})
    return rows, runs.count()


def deep_dive_rows(runs: QuerySet[AssessmentRun], names: dict[str, str], limit: int
                   ) -> tuple[list[Row], int]:
    """The first ``limit`` deep dives, each topic named by its result or, before it finishes,
    by ``names`` (the latest assessment's candidate names), and how many there are."""
    runs = runs.defer("result", "config_toml").annotate(topic_name=KT("result__topic__name"))
    rows = [{"run": run, "topic": run.topic_name or names.get(run.topic, run.topic),
             "period": period_label(run.first_month, run.last_month),
             "started_by": user_label(run.created_by)} for run in runs[:limit]]
    return rows, runs.count()


def downloads(run: AssessmentRun) -> list[Row]:
    """The run's report files, panel and public version, with their sizes in bytes; a
    strategic assessment's Word version (made when downloaded: no size) beside them."""
    files = {(r.public, r.format): r.size
             for r in run.reports.defer("content").annotate(size=Length("content"))}
    versions = []
    for public, version, label in ((False, "report", "Panel version (restricted)"),
                                   (True, "public", "Public version")):
        links = [{"format": fmt, "size": files[(public, fmt)],
                  "url": reverse("assessments:report",
                                 kwargs={"pk": run.pk, "version": version, "fmt": fmt})}
                 for fmt in REPORT_FORMATS if (public, fmt) in files]
        if run.kind == RunKind.ANNUAL and (public, "json") in files:  # made when asked for
            links.append({"format": "docx", "size": None,
                          "url": reverse("assessments:report",
                                         kwargs={"pk": run.pk, "version": version, "fmt": "docx"})})
        if links:
            versions.append({"label": label, "public": public, "links": links})
    return versions


def _hotspots(hs: Hotspots | None) -> Row | None:
    if hs is None:
        return None
    return {"hot_cells": hs.hot_cells, "new_hot_cells": hs.new_hot_cells,
            "share": _share(hs.hot_share) if hs.hot_share is not None else "–"}


def _rank_range(c: CandidateResult) -> str:
    best, worst = c.rank_range.best, c.rank_range.worst
    return str(best) if best == worst else f"{best} to {worst}"


def _area_rows(areas: Iterable[AreaRow], *, p_adj: bool = False) -> list[Row]:
    rows = []
    for a in areas:
        row: Row = {"name": a.name, "count": a.count, "previous": a.previous,
                    "rate": number(a.rate, 1), "change": fmt_pct(a.pct_change)}
        if p_adj:
            row["p_adj"] = fmt_p(a.p_adj)
        rows.append(row)
    return rows


def _priority_row(position: int, c: CandidateResult, *, top_n: int, grid_scheme: bool,
                  covers: list[str]) -> Row:
    m = c.measures
    trend = (f"{fmt_pct(m.trend_pct_per_year)} a year, adjusted {fmt_p(m.trend_p_adj)}"
             if m.trend_pct_per_year is not None else (m.trend_note or "–"))
    test = m.test if m.test is not None else "exact Poisson test"
    return {
        "number": position, "id": c.id, "name": c.name, "kind_label": c.kind_label,
        "rank": c.rank, "rank_range": _rank_range(c),
        "risk_score": number(c.risk_score, 1),
        # the 4×4 grid's band only means something when the run ranked by it
        "band": (c.grid.band if c.grid else None) if grid_scheme else None,
        "finding": c.finding, "direction": m.direction,
        "count": m.count, "previous": m.previous,
        "change": fmt_pct(m.pct_change),
        "rate": number(m.rate, 2),
        "harm_rate": number(m.harm_rate, 1),
        "test": f"{test}: {fmt_p(m.p_value)}, adjusted {fmt_p(m.p_adj)}",
        "trend": trend,
        "hotspots": _hotspots(c.hotspots),
        "areas": _area_rows([a for a in c.areas if a.rank is not None][:top_n]),
        "covers": covers,
    }


def priority_evidence(result: AnnualResult) -> list[Row]:
    """The key evidence of each priority, in priority order, formatted for the run page."""
    by_id = result.by_id()
    covers: dict[str, list[str]] = {}
    for c in result.candidates:
        if c.covered_by:
            covers.setdefault(c.covered_by, []).append(c.name)
    top_n = result.parameters.assessment.top_areas
    grid_scheme = result.scheme == "grid4x4"
    return [_priority_row(n, by_id[key], top_n=top_n, grid_scheme=grid_scheme,
                          covers=covers.get(key, []))
            for n, key in enumerate(result.priorities, start=1)]


def annual_evidence(result: AnnualResult, others: Iterable[AssessmentRun]) -> Row:
    """A strategic assessment on its run page; ``others`` are the runs it can be compared with."""
    comparison = result.comparison
    return {
        "priorities": priority_evidence(result), "candidates": len(result.candidates),
        "comparison": (period_label(comparison.first_month, comparison.last_month)
                       if comparison else ""),
        "weight_change": round(100 * result.sensitivity.weight_change),
        "other_runs": [(other.pk, run_label(other)) for other in others],
    }


# --- deep dives -------------------------------------------------------------------------------


def _quarter_number(quarter: str) -> tuple[int, int]:
    year, q = quarter.split(" Q")
    return int(year), int(q)


def quarter_label(quarter: str) -> str:
    """``"2025 Q4"`` as ``"October to December 2025"``."""
    year, q = _quarter_number(quarter)
    first, last = 3 * q - 2, 3 * q
    return f"{datetime.date(year, first, 1):%B} to {datetime.date(year, last, 1):%B} {year}"


def _examined_quarters(first_month: str, last_month: str) -> set[str]:
    first_year, first = int(first_month[:4]), int(first_month[5:7])
    last_year, last = int(last_month[:4]), int(last_month[5:7])
    return {f"{i // 12} Q{i % 12 // 3 + 1}"
            for i in range(first_year * 12 + first - 1, last_year * 12 + last)}


def quarters(result: DeepDiveResult) -> list[Row]:
    """The deep dive's quarterly series, latest first, each with the same quarter a year before
    and whether it holds months of the period examined."""
    examined = _examined_quarters(result.period.first_month, result.period.last_month)
    by_quarter = {q.quarter: q for q in result.quarterly}
    rows = []
    for q in reversed(result.quarterly):
        year, n = _quarter_number(q.quarter)
        before = by_quarter.get(f"{year - 1} Q{n}")
        comparable = q.complete and before is not None and before.complete
        last_year = before.count if before is not None and comparable else None
        rows.append({"label": quarter_label(q.quarter), "count": q.count,
                     "complete": q.complete, "months": q.months,
                     "examined": q.quarter in examined,
                     "last_year": last_year,
                     "change": (fmt_pct(100.0 * (q.count - last_year) / last_year)
                                if last_year else "–")})
    return rows


def deep_dive_evidence(result: DeepDiveResult) -> Row:
    """A deep dive's result formatted for the run page."""
    m = result.measures

    def compared(other_period: Period, name: str, other: Comparison) -> Row:
        return {"name": name, "period": period_label(other_period.first_month, other_period.last_month),
                "count": other.count, "change": fmt_pct(other.pct_change),
                "p": fmt_p(other.p_value)}

    repeat = m.repeat
    repeat_rate = repeat.repeat_incident_rate if repeat else None
    ranked = sorted((a for a in result.areas if a.rank is not None), key=lambda a: a.rank or 0)
    return {
        "topic": result.topic.name, "kind_label": result.topic.kind_label,
        "finding": result.finding, "direction": m.direction,
        "count": m.count, "test": m.test if m.test is not None else "",
        "comparisons": [compared(result.same_period_last_year, "Same months a year before",
                                 m.same_period_last_year),
                        compared(result.period_before, "Period before", m.period_before)],
        "rate": number(m.rate, 2), "harm_rate": number(m.harm_rate, 1),
        "repeat_rate": _share(repeat_rate) if repeat_rate is not None else None,
        "repeat_referenced": repeat.referenced_incidents if repeat else None,
        "hotspots": _hotspots(result.hotspots),
        "quarters": quarters(result),
        "areas": _area_rows(ranked[:result.parameters.top_areas], p_adj=True),
        "categories": [{**r.model_dump(), "change": fmt_pct(r.pct_change)}
                       for r in result.composition.categories],
        "flags": [{**r.model_dump(), "change": fmt_pct(r.pct_change)}
                  for r in result.composition.flags],
    }


# --- comparing runs ---------------------------------------------------------------------------


def _compare_row(key: str, ca: CandidateResult | None, cb: CandidateResult | None,
                 a: AnnualResult, b: AnnualResult) -> Row:
    either = cb or ca
    assert either is not None  # every key comes from one of the two runs
    row: Row = {
        "id": key, "name": either.name,
        "rank_a": ca.rank if ca else None, "rank_b": cb.rank if cb else None,
        "score_a": number(ca.risk_score, 1) if ca else "–",
        "score_b": number(cb.risk_score, 1) if cb else "–",
        "priority_a": key in a.priorities, "priority_b": key in b.priorities,
    }
    if ca and cb:
        moved = ca.rank - cb.rank
        row["move"] = "up" if moved > 0 else "down" if moved < 0 else "same"
        row["places"] = abs(moved)
        change = cb.risk_score - ca.risk_score
        row["score_change"] = "0.0" if abs(change) < 0.05 else f"{change:+.1f}"
    else:
        row["move"] = "new" if cb else "dropped"
        row["places"] = None
        row["score_change"] = "–"
    return row


def compare(a: AnnualResult, b: AnnualResult) -> Row:
    """Two results' rankings side by side: each candidate's rank and risk score in both, how
    it moved, and which priorities are new or dropped. ``a`` is the earlier run."""
    in_a, in_b = a.by_id(), b.by_id()
    order = [c.id for c in b.candidates] + [c.id for c in a.candidates if c.id not in in_b]
    rows = [_compare_row(key, in_a.get(key), in_b.get(key), a, b) for key in order]
    names = {r["id"]: r["name"] for r in rows}
    return {
        "rows": rows,
        "priorities_a": [names[k] for k in a.priorities],
        "priorities_b": [names[k] for k in b.priorities],
        "new_priorities": [names[k] for k in b.priorities if k not in a.priorities],
        "dropped_priorities": [names[k] for k in a.priorities if k not in b.priorities],
    }


# --- partners' entries ------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateChoices:
    """From a finished assessment: every candidate and the priorities as (id, label) choices
    in rank order, and every candidate's name by id."""

    every: list[tuple[str, str]] = field(default_factory=list)
    priorities: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def candidate_choices(result: AnnualResult | None) -> CandidateChoices:
    """The choices for partners' entries (empty when no assessment has finished)."""
    if result is None:
        return CandidateChoices()
    names = {c.id: c.name for c in result.candidates}
    priority_number = {key: n for n, key in enumerate(result.priorities, start=1)}
    every = [(c.id, c.name + (f" (priority {priority_number[c.id]})" if c.id in priority_number else ""))
             for c in result.candidates]
    return CandidateChoices(every, [(key, names[key]) for key in result.priorities], names)


def score_rows(scores: Sequence[EnteredScore], choices: CandidateChoices, listed: int
               ) -> tuple[list[Row], list[Row]]:
    """The current score per candidate (with each dimension's latest entry), in rank order,
    and the first ``listed`` entries of the history; ``scores`` are newest first."""
    names = choices.names
    current: dict[str, Row] = {}
    for score in scores:  # newest first: the first per candidate and dimension is current
        row = current.setdefault(score.candidate, {"id": score.candidate,
                                                   "name": names.get(score.candidate, score.candidate)})
        row.setdefault(score.dimension, score)
    rank = {key: i for i, (key, _) in enumerate(choices.every)}
    ordered = sorted(current.values(), key=lambda r: (rank.get(r["id"], len(rank)), r["id"]))
    history = [{"score": s, "name": names.get(s.candidate, s.candidate),
                "by": user_label(s.entered_by)} for s in scores[:listed]]
    return ordered, history


# --- monitoring the priorities ----------------------------------------------------------------


def _figure(value: float | None, measure: str) -> str:
    """Incidents and targets with a decimal only when they have one; harm rounded."""
    if value is None:
        return "Not yet reported"
    if measure == "harm":
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")


def _target_words(p: PriorityMonitor, target: Target | None) -> str:
    if target is None:
        return f"No target entered: monitored against {NO_CHANGE}"
    if p.change_pct == 0:
        words = NO_CHANGE.capitalize()
    else:
        size = f"{abs(p.change_pct):g}%"
        words = f"A {size} {'fall' if p.change_pct < 0 else 'rise'}"
        words += (" on the same months a year before" if target.baseline is None
                  else f" on a baseline of {target.baseline:,.6g} a year")
    return words + (f" ({target.note})" if target.note else "")


def monitor_row(position: int, p: PriorityMonitor, target: Target | None) -> Row:
    """One monitored priority formatted for the monitoring page."""
    rate = p.measure == TargetMeasure.REPEAT_RATE

    def shown(value: float | None) -> str:
        if rate:
            return "Not known" if value is None else number(100 * value, 1) + "%"
        return _figure(value, p.measure)

    change = ""
    if not rate and p.ytd_actual is not None and p.ytd_last_year:
        change = fmt_pct(100.0 * (p.ytd_actual - p.ytd_last_year) / p.ytd_last_year)
    return {
        "number": position, "id": p.id, "name": p.name, "rate": rate,
        "measure": dict(TargetMeasure.choices).get(p.measure, p.measure),
        "target": _target_words(p, target), "has_target": target is not None,
        "status": p.status.capitalize(), "colour": STATUS_COLOURS.get(p.status, "grey"),
        "reported": p.reported_months, "months_total": len(p.months),
        "ytd_actual": shown(p.ytd_actual), "ytd_target": shown(p.ytd_target),
        "ytd_last_year": shown(p.ytd_last_year), "change": change,
        "test": fmt_p(p.p_value) if p.p_value is not None else "",
        "compared": p.compared, "note": p.note,
        "months": [{"label": month_label(m), "actual": _figure(a, p.measure),
                    "last_year": _figure(ly, p.measure),
                    "target": "Before the target period" if t is None and a is not None
                    else _figure(t, p.measure)}
                   for m, a, ly, t in zip(p.months, p.actual, p.last_year, p.target, strict=True)]
        if p.actual else [],  # a repeat rate is measured for the year to date only
    }


# --- Street Weeks -----------------------------------------------------------------------------


def ranked_rows(areas: Iterable[StreetWeekArea], top: int) -> list[Row]:
    """Areas ranked for the next Street Week; ``top`` marks the first ``top``."""
    return [{"rank": a.rank, "name": a.name, "code": a.code, "score": number(a.score),
             "reasons": list(a.reasons), "top": a.rank is not None and a.rank <= top}
            for a in areas]


def left_out(excluded: Iterable[StreetWeekArea], weeks: Iterable[StreetWeek]) -> list[Row]:
    """The areas left out of the ranking, each with its latest Street Week (``weeks`` latest
    first) or, when it has none, as left out by request."""
    latest: dict[str, StreetWeek] = {}
    for week in weeks:
        latest.setdefault(week.area_code, week)
    return [{"name": a.name, "code": a.code,
             "held": days_label(latest[a.code].start, latest[a.code].end)
             if a.code in latest else "Left out by request"} for a in excluded]


def held_rows(weeks: Iterable[StreetWeek]) -> list[Row]:
    """Street Weeks recorded, with their days and length in days."""
    return [{"week": w, "days": days_label(w.start, w.end), "length": (w.end - w.start).days + 1}
            for w in weeks]

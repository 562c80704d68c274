"""Deep dive: one priority topic over any period — the quarterly model.

Between annual assessments a partnership looks at one priority each quarter. ``deep_dive``
takes the same inputs with ``period`` set to the months to examine (a quarter, usually) and a
candidate id (``"theme:anti-social-behaviour"``, ``"police-uk:shoplifting"``...), and compares
the period with the same months a year before (the seasonally fair comparison) and with the
period immediately before, both by the exact conditional Poisson test (Przyborowski &
Wilenski 1940). It adds the quarterly series over the history, the make-up of the topic by
category, flag and hate strand, rates and changes by small area (BH-adjusted across areas),
Getis–Ord Gi* hot cells (Getis & Ord 1992; Ord & Getis 1995) against the same months a year
before, harm (crime harm index) and repeat victimisation (Farrell & Pease 1993).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from saferplaces.analysis.frame import FLAG_COLUMNS
from saferplaces.analysis.jsonable import json_value
from saferplaces.analysis.stats import poisson_ctest
from saferplaces.periods import month_at
from saferplaces.strategic.candidates import Candidate, build_candidates
from saferplaces.strategic.config import AssessmentConfig
from saferplaces.strategic.context import prepare
from saferplaces.strategic.disclosure import public_deep_dive
from saferplaces.strategic.engine import area_outlines
from saferplaces.strategic.findings import finding, finding_plain, hot_areas_by_rate
from saferplaces.strategic.inputs import AssessmentInputs, Period
from saferplaces.strategic.measures import (
    AreaRow,
    HotspotEvidence,
    RepeatMeasure,
    VulnerabilityMeasure,
    area_table,
    breakdown,
    concentration_measure,
    harm_measure,
    hotspot_evidence,
    monthly_matrix,
    repeat_evidence,
    repeat_measure,
    vulnerability_measure,
)
from saferplaces.strategic.records import Record
from saferplaces.strategic.results import AreaOutline

__all__ = [
    "Composition",
    "CompositionRow",
    "DeepDiveMeasures",
    "DeepDiveParameters",
    "DeepDiveResult",
    "PeriodComparison",
    "QuarterCount",
    "deep_dive",
]


@dataclass(frozen=True)
class PeriodComparison(Record):
    """The period against another: that period's ``count``, the change (percent; None when it
    had none) and the exact conditional Poisson test's two-sided p-value (not adjusted)."""

    count: int
    pct_change: float | None
    p_value: float


@dataclass(frozen=True)
class DeepDiveMeasures(Record):
    """The topic's measures over the period (``to_dict()`` is stored).

    ``count`` and ``previous`` (incidents in the period and in the same months a year before),
    ``pct_change`` (percent), ``p_value`` = ``p_adj`` (one test: not adjusted), ``direction``,
    ``rate`` (per 1,000 residents), both comparisons, ``test`` (words); harm (harm units and per
    1,000 residents), concentration shares (0–1), repeats and vulnerability as in
    :class:`~saferplaces.strategic.measures.CandidateMeasures` (``repeat_rate`` 0–1).
    """

    count: int
    previous: int
    pct_change: float | None
    p_value: float
    p_adj: float
    direction: str
    rate: float | None
    same_period_last_year: PeriodComparison
    period_before: PeriodComparison
    test: str
    harm: float
    harm_rate: float | None
    unweighted_incidents: int
    unweighted_categories: tuple[str, ...]
    top_share: float | None
    top_fraction: float
    concentration: float | None
    repeat: RepeatMeasure
    repeat_rate: float | None
    vulnerability: VulnerabilityMeasure
    vulnerability_share: float | None


@dataclass(frozen=True)
class QuarterCount(Record):
    """Incidents in one calendar quarter (``"2025 Q4"``) over its ``months`` of history."""

    quarter: str
    count: int
    months: int
    complete: bool


@dataclass(frozen=True)
class CompositionRow(Record):
    """Incidents of one group in the period (``count``) and the same months a year before
    (``last_year``), with the change in percent (None when ``last_year`` is 0)."""

    group: str
    count: int
    last_year: int
    pct_change: float | None


@dataclass(frozen=True)
class Composition(Record):
    """The topic's make-up by category, by flag and by hate strand."""

    categories: tuple[CompositionRow, ...]
    flags: tuple[CompositionRow, ...]
    hate_strands: tuple[CompositionRow, ...]


@dataclass(frozen=True)
class DeepDiveParameters(Record):
    """The settings the deep dive used (``public`` and ``hotspots``: config sections)."""

    months: int
    alpha: float
    public: dict[str, Any]
    top_areas: int
    harm_weights: str
    hotspots: dict[str, Any]


@dataclass(frozen=True, eq=False)
class DeepDiveResult:
    """One topic over one period, with comparisons, make-up, places and repeats."""

    topic: Candidate
    period: Period
    same_period_last_year: Period
    period_before: Period
    synthetic: bool
    measures: DeepDiveMeasures
    months: tuple[str, ...]
    monthly: tuple[int, ...]
    quarterly: tuple[QuarterCount, ...]
    composition: Composition
    areas: tuple[AreaRow, ...]
    hotspots: HotspotEvidence | None
    finding: str
    finding_plain: str
    area_kind: str | None
    area_outlines: tuple[AreaOutline, ...]
    grid: dict[str, Any]
    parameters: DeepDiveParameters

    def to_dict(self, *, public: bool = False) -> dict[str, Any]:
        data = {
            "kind": "saferplaces deep dive", "topic": self.topic.to_dict(),
            "period": self.period.to_dict(),
            "same_period_last_year": self.same_period_last_year.to_dict(),
            "period_before": self.period_before.to_dict(), "synthetic": self.synthetic,
            "measures": json_value(self.measures.to_dict()), "months": list(self.months),
            "monthly": list(self.monthly),
            "quarterly": json_value([q.to_dict() for q in self.quarterly]),
            "composition": json_value(self.composition.to_dict()),
            "areas": [a.to_dict() for a in self.areas],
            "hotspots": self.hotspots.to_dict() if self.hotspots else None,
            "finding": self.finding, "finding_plain": self.finding_plain,
            "area_kind": self.area_kind,
            "area_outlines": [a.to_dict() for a in self.area_outlines],
            "grid": self.grid, "parameters": self.parameters.to_dict(),
        }
        if public:
            data = public_deep_dive(data, sensitive=self.topic.sensitive)
        return data


def _test(a: int, b: int) -> PeriodComparison:
    t = poisson_ctest(a, b)
    return PeriodComparison(count=b, pct_change=100.0 * (a - b) / b if b else None,
                            p_value=t.p_value)


def _row(group: str, a: int, b: int) -> CompositionRow:
    return CompositionRow(group=group, count=a, last_year=b,
                          pct_change=100.0 * (a - b) / b if b else None)


def deep_dive(inputs: AssessmentInputs, config: AssessmentConfig, topic: str) -> DeepDiveResult:
    """Deep dive into candidate ``topic`` over ``inputs.period`` (see the module docstring)."""
    ctx = prepare(inputs, config)
    candidates = {c.id: c for c in build_candidates(ctx.source, ctx.category,
                                                    np.ones(ctx.n, bool), config)}
    if topic not in candidates:
        raise KeyError(f"no candidate {topic!r}; known: {sorted(candidates)}")
    cand = candidates[topic]
    n = inputs.period.n_months
    last_year = (ctx.month >= ctx.cur[0] - 12) & (ctx.month <= ctx.cur[1] - 12)
    period_before = ctx.in_prev
    volume = ctx.mask(cand.selectors)
    detail = ctx.mask(cand.detail_selectors)
    count = int((volume & ctx.in_year).sum())
    ly = int((volume & last_year).sum())
    before = int((volume & period_before).sum())
    vs_last_year = _test(count, ly)
    vs_before = _test(count, before)
    alpha = config.alpha
    p = vs_last_year.p_value
    direction = ("rising" if p <= alpha and count > ly else
                 "falling" if p <= alpha and count < ly else "stable")
    harm = harm_measure(ctx, volume)
    conc = concentration_measure(ctx, volume)
    rep = dataclasses.replace(repeat_measure(ctx, detail),
                              evidence=repeat_evidence(ctx, detail))
    vul = vulnerability_measure(ctx, volume, detail)
    m = DeepDiveMeasures(
        count=count, previous=ly, pct_change=vs_last_year.pct_change, p_value=p, p_adj=p,
        direction=direction, rate=1000.0 * count / ctx.population if ctx.population else None,
        same_period_last_year=vs_last_year, period_before=vs_before,
        test="exact conditional Poisson test (C-test), two-sided, against the same months "
             "a year before (and, separately, the period before); not adjusted",
        harm=harm.harm, harm_rate=harm.harm_rate,
        unweighted_incidents=harm.unweighted_incidents,
        unweighted_categories=harm.unweighted_categories,
        top_share=conc.top_share, top_fraction=conc.fraction, concentration=conc.adjusted,
        repeat=rep, repeat_rate=rep.repeat_incident_rate, vulnerability=vul,
        vulnerability_share=vul.share)

    # compare places and hot cells with the same months a year before
    yearly = dataclasses.replace(ctx, in_prev=last_year)
    areas = tuple(area_table(yearly, volume))
    evidence = hotspot_evidence(yearly, volume)

    matrix = monthly_matrix(ctx, {"topic": volume})
    months = tuple(month_at(ctx.hist_start + i) for i in range(matrix.shape[1]))
    monthly = tuple(int(v) for v in matrix.loc["topic"].tolist())
    quarters: dict[str, list[int]] = {}
    for label, value in zip(months, monthly, strict=True):
        q = f"{label[:4]} Q{(int(label[5:7]) - 1) // 3 + 1}"
        quarters.setdefault(q, []).append(value)
    quarterly = tuple(QuarterCount(quarter=q, count=sum(v), months=len(v),
                                   complete=len(v) == 3) for q, v in quarters.items())

    both = (volume | detail)
    categories = []
    cats = sorted(set(ctx.category[volume & (ctx.in_year | last_year)].tolist()))
    for c in cats:
        sel = volume & (ctx.category == c)
        categories.append(_row(c, int((sel & ctx.in_year).sum()), int((sel & last_year).sum())))
    flags = []
    for f in FLAG_COLUMNS:
        sel = both & ctx.flags[f]
        a, b = int((sel & ctx.in_year).sum()), int((sel & last_year).sum())
        if a or b:
            flags.append(_row(f.replace("_", " "), a, b))
    strands = breakdown(yearly, both, "hate_strand")
    composition = Composition(
        categories=tuple(categories), flags=tuple(flags),
        hate_strands=tuple(_row(s.group, s.count, s.previous) for s in strands
                           if s.count or s.previous))

    names = dict(zip(ctx.area_codes, ctx.area_names, strict=True))
    ranked = [a for a in areas if a.rank is not None]
    hot_areas = hot_areas_by_rate(evidence.areas, ranked, names) if evidence else []
    words = f"in {inputs.period.label()}"
    comparison = "the same months a year before"
    text = finding(cand.name, m, hot_cells=evidence.hot_cells if evidence else None,
                   hot_share=evidence.hot_share if evidence else None, hot_areas=hot_areas,
                   top_area=ranked[0] if ranked else None, period_words=words,
                   comparison=comparison, test_words="exact Poisson test,")
    plain = finding_plain(cand.name, m, hot_cells=evidence.hot_cells if evidence else None,
                          top_area_name=ranked[0].name if ranked else None, when=words,
                          comparison=comparison)
    p_first = Period(month_at(ctx.cur[0] - 12), month_at(ctx.cur[1] - 12))
    return DeepDiveResult(
        topic=cand, period=inputs.period, same_period_last_year=p_first,
        period_before=Period(month_at(ctx.prev[0]), month_at(ctx.prev[1])),
        synthetic=inputs.synthetic, measures=m, months=months, monthly=monthly,
        quarterly=quarterly, composition=composition, areas=areas, hotspots=evidence,
        finding=text, finding_plain=plain, area_kind=ctx.area_kind,
        area_outlines=tuple(area_outlines(ctx)),
        grid={k: v for k, v in ctx.grid.to_dict().items()
              if k in ("kind", "x0", "y0", "cell_size", "nrows", "ncols", "crs")},
        parameters=DeepDiveParameters(
            months=n, alpha=alpha, public=dict(config.section("public")),
            top_areas=int(config.section("assessment")["top_areas"]),
            harm_weights=ctx.harm_table.name, hotspots=dict(config.section("hotspots"))),
    )


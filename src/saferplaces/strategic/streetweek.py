"""Where should the next Street Week go? A ranked list of wards/neighbourhoods with reasons.

A Street Week puts a week of joint partnership activity into one small area. The candidates are
the small areas (the first of ``assessment.small_area_kinds`` present); four measures are taken
over the assessment period (``inputs.period``):

- **harm-weighted rate**: harm of ``street_week.source`` incidents per 1,000 residents (crime
  harm index; Sherman, Neyroud & Neyroud 2016);
- **trend**: percentage change on the period before, counted only when significant (exact
  conditional Poisson test, Przyborowski & Wilenski 1940, Benjamini–Hochberg across areas);
  non-significant changes count as no change;
- **repeat ASB**: repeat reports (reports beyond each complainant's first) in
  ``street_week.asb_source`` per 1,000 residents (Farrell & Pease 1993);
- **hotspots**: Getis–Ord Gi* hot cells (Getis & Ord 1992; Ord & Getis 1995; BH-FDR across
  cells) of all ``street_week.source`` incidents whose centre lies in the area.

Each measure becomes a percentile rank among the areas (ties share their mean rank), and the
score is the weighted mean of the percentile ranks × 100 (``[street_week.weights]``). Areas
treated recently (``exclude_recent``) are listed apart and not ranked. The reasons name every
measure on which an area is in the top fifth, with its value and its place among the areas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from saferplaces.analysis.stats import benjamini_hochberg
from saferplaces.strategic.config import AssessmentConfig, Selector
from saferplaces.strategic.context import prepare
from saferplaces.strategic.inputs import AssessmentInputs, Period
from saferplaces.strategic.measures import ctest_equal, hotspot_evidence
from saferplaces.strategic.records import Record

__all__ = ["StreetWeekArea", "StreetWeekParameters", "StreetWeekResult", "street_weeks"]

MEASURES: tuple[str, ...] = ("harm_rate", "trend", "repeat_asb", "hotspots")
_WORDS = {
    "harm_rate": "harm-weighted rate",
    "trend": "rise on the year before",
    "repeat_asb": "repeat anti-social behaviour",
    "hotspots": "Gi* hot cells",
}


@dataclass(frozen=True)
class StreetWeekArea:
    """One small area: ``score`` (0–100; NaN when excluded) and ``rank`` (None when excluded).

    ``values`` by measure: ``harm_rate`` (harm units per 1,000 residents), ``trend`` (percent
    change, 0 unless significant), ``repeat_asb`` (repeat reports per 1,000 residents),
    ``hotspots`` (count of Gi* hot cells); None where not measurable. ``percentiles``: each
    measure's percentile rank among the ranked areas (0–1; empty when excluded).
    """

    code: str
    name: str
    score: float
    rank: int | None
    values: dict[str, float | None]
    percentiles: dict[str, float]
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "score": self.score, "rank": self.rank,
                "values": dict(self.values), "percentiles": dict(self.percentiles),
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class StreetWeekParameters(Record):
    """What the ranking used: the sources, how many areas to propose (``top``), the
    significance level, the areas left out, the Gi* parameters (None without a map)."""

    source: str
    asb_source: str
    top: int
    alpha: float
    exclude_recent: tuple[str, ...]
    hotspots: dict[str, Any] | None
    method: str


@dataclass(frozen=True)
class StreetWeekResult:
    """Ranked areas (best first), the excluded ones, and the parameters used."""

    area_kind: str
    period: Period
    ranked: tuple[StreetWeekArea, ...]
    excluded: tuple[StreetWeekArea, ...]
    weights: dict[str, float]
    parameters: StreetWeekParameters
    warnings: tuple[str, ...] = ()

    def top(self, n: int | None = None) -> list[StreetWeekArea]:
        k = self.parameters.top if n is None else n
        return list(self.ranked[:k])

    def to_dict(self) -> dict[str, Any]:
        return {"area_kind": self.area_kind, "period": self.period.to_dict(),
                "ranked": [a.to_dict() for a in self.ranked],
                "excluded": [a.to_dict() for a in self.excluded],
                "weights": dict(self.weights), "parameters": self.parameters.to_dict(),
                "warnings": list(self.warnings)}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _above_zero(value: float | None) -> bool:
    return value is not None and value > 0


def _reason(measure: str, value: float, place: int, n: int, extra: str = "") -> str:
    if measure == "harm_rate":
        text = f"harm-weighted rate {value:,.0f} per 1,000 residents"
    elif measure == "trend":
        text = f"incidents up {value:.0f}% on the year before{extra}"
    elif measure == "repeat_asb":
        text = f"{value:.1f} repeat anti-social behaviour reports per 1,000 residents"
    else:
        text = f"{value:.0f} Gi* hot cell{'s' if value != 1 else ''}"
    return f"{text} ({_ordinal(place)} of {n})"


def street_weeks(inputs: AssessmentInputs, config: AssessmentConfig,
                 exclude_recent: Sequence[str] = ()) -> StreetWeekResult:
    """Rank small areas for the next Street Week (method in the module docstring)."""
    ctx = prepare(inputs, config)
    if ctx.area_kind is None:
        raise ValueError("street weeks need ward or neighbourhood areas "
                         f"(one of {config.section('assessment')['small_area_kinds']})")
    settings = config.section("street_week")
    weights = {k: float(v) for k, v in settings["weights"].items()}
    if sum(weights.values()) <= 0:
        raise ValueError("street_week.weights must have at least one weight above 0")
    k = len(ctx.area_codes)
    pops = ctx.area_population
    inside = ctx.incident_area >= 0
    source = ctx.mask((Selector(source=settings["source"]),))
    asb = ctx.mask((Selector(source=settings["asb_source"]),))
    warnings = list(ctx.warnings)
    if not source.any():
        warnings.append(f"no incidents from {settings['source']!r}: harm, trend and hotspots "
                        "are all zero")
    if not asb.any():
        warnings.append(f"no incidents from {settings['asb_source']!r}: no repeat ASB measure")

    year = source & ctx.in_year & inside
    harm = np.bincount(ctx.incident_area[year], weights=np.nan_to_num(ctx.harm_weight[year]),
                       minlength=k)
    cur = np.bincount(ctx.incident_area[year], minlength=k)
    prev = np.bincount(ctx.incident_area[source & ctx.in_prev & inside], minlength=k)
    p_adj = benjamini_hochberg(ctest_equal(cur, prev))
    with np.errstate(divide="ignore", invalid="ignore"):
        harm_rate = np.where(pops > 0, 1000.0 * harm / pops, np.nan)
        pct = np.where(prev > 0, 100.0 * (cur - prev) / np.maximum(prev, 1), np.nan)
    significant = p_adj <= config.alpha
    trend = np.where(significant & np.isfinite(pct), pct, 0.0)

    # repeat ASB: reports beyond each complainant's first, placed in the area of each report
    sel = asb & ctx.in_year & ctx.has_ref & inside
    codes = ctx.ref_code[sel]
    areas_of = ctx.incident_area[sel]
    order = np.argsort(codes, kind="stable")
    first = np.ones(codes.size, dtype=bool)
    first[order[1:]] = codes[order[1:]] != codes[order[:-1]]
    repeats = np.bincount(areas_of[~first], minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        repeat_rate = np.where(pops > 0, 1000.0 * repeats / pops, np.nan)

    evidence = hotspot_evidence(ctx, source)
    hot_cells = np.zeros(k)
    if evidence is not None:
        for a in ctx.cell_area[evidence.hot]:
            if a >= 0:
                hot_cells[a] += 1

    values = {"harm_rate": harm_rate, "trend": trend, "repeat_asb": repeat_rate,
              "hotspots": hot_cells}
    excluded_codes = set(exclude_recent)
    unknown = sorted(excluded_codes - set(ctx.area_codes))
    if unknown:
        warnings.append(f"exclude_recent names unknown {ctx.area_kind} codes {unknown}")
    keep = np.array([c not in excluded_codes for c in ctx.area_codes])
    idx = np.flatnonzero(keep)
    n = idx.size
    percentiles = {}
    places = {}
    for m, v in values.items():
        vals = np.nan_to_num(v[idx], nan=-np.inf)
        percentiles[m] = rankdata(vals, method="average") / n if n else np.zeros(0)
        places[m] = rankdata(-vals, method="min").astype(int) if n else np.zeros(0, int)
    total_w = sum(weights.values())
    score = np.zeros(0)
    if n:
        score = np.asarray(sum(weights[m] * percentiles[m] for m in MEASURES)) / total_w * 100.0

    def make(i: int, pos: int | None, rank: int | None) -> StreetWeekArea:
        vals = {m: (None if not np.isfinite(values[m][i]) else float(values[m][i]))
                for m in MEASURES}
        if pos is None:
            return StreetWeekArea(ctx.area_codes[i], ctx.area_names[i], float("nan"), None,
                                  vals, {}, ("excluded: treated recently",))
        pct_rank = {m: float(percentiles[m][pos]) for m in MEASURES}
        reasons = []
        for m in sorted(MEASURES, key=lambda m: -weights[m] * pct_rank[m]):
            value = vals[m]
            if weights[m] > 0 and pct_rank[m] >= 0.8 and value is not None and value > 0:
                extra = (f", p={p_adj[i]:.3f} adjusted" if m == "trend" and p_adj[i] >= 0.001
                         else ", p<0.001 adjusted" if m == "trend" else "")
                reasons.append(_reason(m, value, int(places[m][pos]), n, extra))
        present = [m for m in MEASURES if weights[m] > 0 and _above_zero(vals[m])]
        if not reasons and present:  # a zero (e.g. no significant rise) is never a reason
            best = max(present, key=lambda m: weights[m] * pct_rank[m])
            reasons.append(f"highest measure: {_WORDS[best]} "
                           f"({_ordinal(int(places[best][pos]))} of {n})")
        elif not reasons:
            reasons.append("no measure stands out")
        return StreetWeekArea(ctx.area_codes[i], ctx.area_names[i], float(score[pos]), rank,
                              vals, pct_rank, tuple(reasons))

    order_pos = sorted(range(n), key=lambda p: (-score[p], ctx.area_codes[idx[p]]))
    ranked = tuple(make(int(idx[p]), p, r + 1) for r, p in enumerate(order_pos))
    excluded = tuple(make(int(i), None, None) for i in np.flatnonzero(~keep))
    return StreetWeekResult(
        area_kind=ctx.area_kind, period=inputs.period, ranked=ranked,
        excluded=excluded, weights=weights,
        parameters=StreetWeekParameters(
            source=settings["source"], asb_source=settings["asb_source"],
            top=int(settings["top"]), alpha=config.alpha,
            exclude_recent=tuple(sorted(excluded_codes)),
            hotspots=evidence.parameters if evidence else None,
            method="weighted mean of percentile ranks among areas x 100"),
        warnings=tuple(warnings))

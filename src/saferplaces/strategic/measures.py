"""The measures behind each scoring dimension, computed with the ``analysis`` library.

- volume and trend: ``analysis.trends.trend_table_from_counts`` (exact conditional Poisson test
  of the assessment year against the year before, Przyborowski & Wilenski 1940; Benjamini &
  Hochberg 1995 across all candidates; seasonal Poisson trend over the history);
- harm: ``analysis.harm.harm_weighted_counts`` (crime harm index; Sherman, Neyroud & Neyroud
  2016; ONS 2016 Crime Severity Score);
- concentration: ``analysis.concentration.top_share`` over the grid cells of the borough
  (Weisburd 2015), adjusted for sparse data as in Bernasco & Steenbeek (2017);
- repeat victimisation: ``analysis.repeats.repeat_victimisation`` (Farrell & Pease 1993);
- vulnerability: share of incidents flagged domestic or hate, or in a vulnerability category;
- hotspots (evidence): ``analysis.hotspots.hotspots(method="gistar")`` (Getis & Ord 1992;
  Ord & Getis 1995) with BH-FDR across cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from saferplaces.analysis.concentration import top_share
from saferplaces.analysis.frame import HATE_STRANDS
from saferplaces.analysis.hotspots import hotspots
from saferplaces.analysis.repeats import repeat_victimisation
from saferplaces.analysis.stats import benjamini_hochberg
from saferplaces.analysis.trends import trend_table_from_counts
from saferplaces.periods import month_at
from saferplaces.strategic.context import Context
from saferplaces.strategic.records import Record

__all__ = [
    "AreaRow",
    "BreakdownRow",
    "CandidateMeasures",
    "ConcentrationMeasure",
    "HarmMeasure",
    "HotspotEvidence",
    "Measured",
    "RepeatEvidence",
    "RepeatLocation",
    "RepeatMeasure",
    "VulnerabilityMeasure",
    "area_table",
    "breakdown",
    "concentration_measure",
    "ctest_equal",
    "even_top_share",
    "harm_measure",
    "hotspot_evidence",
    "monthly_matrix",
    "repeat_evidence",
    "repeat_measure",
    "trend_measures",
    "vulnerability_measure",
]


# ------------------------------------------------------------------------------------------
# the measures, as typed records (their ``to_dict()`` is the stored JSON form)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HarmMeasure(Record):
    """Harm over the assessment year.

    ``harm``: harm-weighted incidents (weight units of the harm table, e.g. ONS CSS days);
    ``harm_rate``: the same per 1,000 residents (None without populations);
    ``unweighted_incidents``: incidents (count) whose category has no weight, adding nothing;
    ``unweighted_categories``: those categories, sorted.
    """

    harm: float
    harm_rate: float | None
    unweighted_incidents: int
    unweighted_categories: tuple[str, ...]


@dataclass(frozen=True)
class ConcentrationMeasure(Record):
    """Concentration of the year's located incidents over the borough's grid cells.

    ``located_incidents``, ``cells`` (cells of the borough) and ``cells_with_incidents`` are
    counts; ``fraction`` is the top share of cells examined (0–1, e.g. 0.05); ``top_share`` the
    share (0–1) of incidents in those cells and ``even_share`` that share when spread as evenly
    as possible (both None without incidents); ``adjusted`` is ``(share - even) / (1 - even)``
    (0–1; None when too few incidents to score).
    """

    located_incidents: int
    cells: int
    fraction: float
    top_share: float | None
    even_share: float | None
    adjusted: float | None
    cells_with_incidents: int


@dataclass(frozen=True)
class RepeatLocation(Record):
    """A location text with repeat incidents: ``incidents`` and ``victims`` are counts."""

    location: str
    incidents: int
    victims: int


@dataclass(frozen=True)
class RepeatEvidence(Record):
    """Time to repeat and repeat locations (priorities and emerging issues only).

    ``median_gap_days``: median days between a victim's incidents (None: no gaps);
    ``within``: share (0–1) of gaps within each window (keys such as ``"7d"``);
    ``gaps`` and ``gaps_excluded`` (month-precision dates) are counts.
    """

    median_gap_days: float | None
    within: dict[str, float | None]
    gaps: int
    gaps_excluded: int
    repeat_locations: tuple[RepeatLocation, ...]


@dataclass(frozen=True)
class RepeatMeasure(Record):
    """Repeat victimisation over detail incidents with a reference (Farrell & Pease 1993).

    Counts: ``referenced_incidents``, ``detail_incidents``, ``placeholder_refs_excluded``,
    ``victims``, ``repeat_victims``. Shares (0–1, None without references):
    ``repeat_incident_rate = (incidents - victims) / incidents`` and ``repeat_victim_rate``
    (victims with 2+ incidents / victims); ``incidents_per_victim`` a ratio. ``sources``: the
    sources of the referenced incidents. ``evidence``, when gathered, is flattened into the
    JSON form after these keys.
    """

    referenced_incidents: int
    detail_incidents: int
    placeholder_refs_excluded: int
    sources: tuple[str, ...]
    repeat_incident_rate: float | None
    repeat_victim_rate: float | None
    victims: int
    repeat_victims: int
    incidents_per_victim: float | None
    evidence: RepeatEvidence | None = None

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        evidence = out.pop("evidence")
        return out | (evidence or {})


@dataclass(frozen=True)
class VulnerabilityMeasure(Record):
    """Incidents affecting someone vulnerable, in the year (counts; ``share`` 0–1 or None)."""

    assessed_incidents: int
    vulnerable_incidents: int
    share: float | None
    domestic: int
    hate: int


@dataclass(frozen=True)
class BreakdownRow(Record):
    """Incidents of one group (a hate strand) this year (``count``) and the year before."""

    group: str
    count: int
    previous: int


@dataclass(frozen=True)
class CandidateMeasures(Record):
    """Every measure of one candidate over the assessment year (``to_dict()`` is stored).

    Volume and change: ``count`` and ``previous`` (incidents this year and the year before;
    None when the year before has no data), ``rate`` (per 1,000 residents), ``change``
    (incidents), ``pct_change`` (percent), ``p_value`` and ``p_adj`` (exact conditional Poisson
    test; BH-adjusted across candidates), ``direction`` ("rising", "falling", "stable",
    "insufficient data"); ``recent``/``recent_last_year`` (incidents in the latest quarter and
    the same months a year before) with ``recent_p_adj``; the seasonal Poisson trend
    ``trend_pct_per_year`` (percent a year) with ``trend_p_adj`` and ``trend_note``;
    ``data_start`` (``YYYY-MM``); ``test`` (words). Harm: see :class:`HarmMeasure`.
    Concentration: ``concentration`` (adjusted share, 0–1), ``top_share`` (0–1),
    ``top_fraction`` (share of cells) and ``concentration_detail``. Repeats: ``repeat`` and
    ``repeat_rate`` (0–1, None under ``repeats.min_referenced`` references). Vulnerability:
    ``vulnerability`` and ``vulnerability_share`` (0–1). ``breakdown``: by hate strand.
    """

    count: int
    previous: int | None
    rate: float | None
    change: float | None
    pct_change: float | None
    p_value: float | None
    p_adj: float | None
    direction: str
    recent: int | None
    recent_last_year: int | None
    recent_p_adj: float | None
    trend_pct_per_year: float | None
    trend_p_adj: float | None
    trend_note: str
    data_start: str
    test: str
    harm: float
    harm_rate: float | None
    unweighted_incidents: int
    unweighted_categories: tuple[str, ...]
    concentration: float | None
    top_share: float | None
    top_fraction: float
    concentration_detail: ConcentrationMeasure
    repeat: RepeatMeasure
    repeat_rate: float | None
    vulnerability: VulnerabilityMeasure
    vulnerability_share: float | None
    breakdown: tuple[BreakdownRow, ...] = field(default=())

    def with_repeat_evidence(self, evidence: RepeatEvidence) -> CandidateMeasures:
        """A copy whose repeat measure carries ``evidence``."""
        return replace(self, repeat=replace(self.repeat, evidence=evidence))


class Measured(Protocol):
    """What findings and scoring read from a topic's measures (assessment or deep dive)."""

    @property
    def count(self) -> int: ...
    @property
    def previous(self) -> int | None: ...
    @property
    def rate(self) -> float | None: ...
    @property
    def harm_rate(self) -> float | None: ...
    @property
    def pct_change(self) -> float | None: ...
    @property
    def p_adj(self) -> float | None: ...
    @property
    def direction(self) -> str: ...
    @property
    def concentration(self) -> float | None: ...
    @property
    def top_share(self) -> float | None: ...
    @property
    def top_fraction(self) -> float: ...
    @property
    def repeat_rate(self) -> float | None: ...
    @property
    def vulnerability_share(self) -> float | None: ...


def ctest_equal(count1: np.ndarray, count2: np.ndarray) -> np.ndarray:
    """Two-sided exact conditional Poisson test with equal exposures, vectorised.

    Method: the C-test of Przyborowski & Wilenski (1940), as ``analysis.stats.poisson_ctest``
    with its minimum-likelihood two-sided rule: given ``n = a + b``, ``a ~ Binomial(n, 1/2)``,
    whose probabilities are symmetric and unimodal, so the outcomes no more likely than the
    observed one are the two tails beyond ``min(a, b)`` and ``p = min(1, 2 P(X <= min(a, b)))``
    (1 when ``n = 0``).
    """
    a = np.asarray(count1, dtype=np.int64)
    b = np.asarray(count2, dtype=np.int64)
    n = a + b
    p = np.minimum(1.0, 2.0 * stats.binom.cdf(np.minimum(a, b), n, 0.5))
    return np.where(n == 0, 1.0, p)


def monthly_matrix(ctx: Context, masks: dict[str, np.ndarray], *, start: int | None = None,
                   end: int | None = None) -> pd.DataFrame:
    """Monthly counts: one row per mask, one column per month ``start..end`` (month indexes)."""
    first = ctx.hist_start if start is None else start
    last = ctx.cur[1] if end is None else end
    n = last - first + 1
    rows = {}
    for key, m in masks.items():
        sel = ctx.month[m]
        sel = sel[(sel >= first) & (sel <= last)] - first
        rows[key] = np.bincount(sel, minlength=n)[:n]
    cols = pd.DatetimeIndex([pd.Timestamp(month_at(first + i) + "-01") for i in range(n)])
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=cols).astype(np.int64)
    frame.columns.name = "month"
    frame.index.name = "candidate"
    return frame


def trend_measures(ctx: Context, masks: dict[str, np.ndarray], starts: dict[str, int]
                   ) -> pd.DataFrame:
    """Trend table for every candidate, BH-adjusted across all of them.

    ``starts`` gives each candidate's first month of data (the latest first month of its
    sources): earlier months are left out of its series rather than counted as zeros, so a
    source that began recently cannot make a false rise.
    """
    alpha = ctx.config.alpha
    n_months = ctx.period.n_months
    groups: dict[int, list[str]] = {}
    for key in masks:
        groups.setdefault(max(starts[key], ctx.hist_start), []).append(key)
    parts = []
    for start, keys in groups.items():
        if start > ctx.cur[1]:
            continue
        counts = monthly_matrix(ctx, {k: masks[k] for k in keys}, start=start)
        result = trend_table_from_counts(
            counts, end=month_at(ctx.cur[1]), window=n_months,
            trend_months=int(ctx.config.section("assessment")["history_months"]), alpha=alpha)
        parts.append(result.table.assign(data_start=month_at(start)))
    table = pd.concat(parts).reindex(list(masks))
    for col, adj in (("p_value", "p_adj"), ("recent_p", "recent_p_adj"),
                     ("trend_p", "trend_p_adj")):
        table[adj] = benjamini_hochberg(table[col].to_numpy(dtype=float))
    significant = table["p_adj"] <= alpha
    table["direction"] = np.where(significant & (table["change"] > 0), "rising",
                                  np.where(significant & (table["change"] < 0), "falling",
                                           "stable"))
    table.loc[table["p_adj"].isna(), "direction"] = "insufficient data"
    return table


def harm_measure(ctx: Context, mask: np.ndarray) -> HarmMeasure:
    """Harm-weighted total and rate per 1,000 residents over the assessment year.

    The per-incident weights are those of ``analysis.harm`` (category matched ignoring case
    and spacing); incidents whose category has no weight add nothing and are counted.
    """
    sel = mask & ctx.in_year
    w = ctx.harm_weight[sel]
    unweighted = np.isnan(w)
    harm = float(np.nansum(w))
    return HarmMeasure(
        harm=harm, harm_rate=1000.0 * harm / ctx.population if ctx.population else None,
        unweighted_incidents=int(unweighted.sum()),
        unweighted_categories=tuple(sorted(set(ctx.category[sel][unweighted].tolist()))))


def even_top_share(n: int, n_cells: int, fraction: float) -> float:
    """Share of ``n`` incidents in the top ``fraction`` of ``n_cells`` cells when spread as
    evenly as possible (every cell ``floor(n/N)`` or one more): the floor of the top share."""
    if n <= 0:
        return float("nan")
    k = fraction * n_cells
    q, r = divmod(int(n), int(n_cells))
    return float((min(k, r) * (q + 1) + max(0.0, k - r) * q) / n)


def concentration_measure(ctx: Context, mask: np.ndarray) -> ConcentrationMeasure:
    """Share of the year's located incidents in the top cells of the borough grid.

    Method: counts per cell over every cell whose centre lies in the borough (zeros
    included); ``top_share`` reads the share in the top ``hotspots.top_share`` of cells off the
    Lorenz curve (``analysis.concentration``). Because that share cannot fall below its value
    for incidents spread as evenly as possible (``even``; 1 when incidents are no more than
    the top cells), the score uses ``adjusted = (share - even) / (1 - even)``, in the spirit
    of Bernasco & Steenbeek's (2017) generalised Gini; ``None`` (not scored) when there are
    fewer than ``hotspots.concentration_min_ratio`` incidents per top cell.
    """
    settings = ctx.config.section("hotspots")
    fraction = float(settings["top_share"])
    sel = mask & ctx.in_year & (ctx.cell >= 0)
    cells = ctx.cell[sel]
    cells = cells[ctx.universe[cells]]
    counts = np.bincount(cells, minlength=ctx.grid.n_cells)[ctx.universe]
    n = int(counts.sum())
    n_cells = int(ctx.universe.sum())
    share = top_share(counts, fraction) if n else float("nan")
    even = even_top_share(n, n_cells, fraction)
    enough = n >= float(settings["concentration_min_ratio"]) * fraction * n_cells
    adjusted = (share - even) / (1.0 - even) if enough and even < 1.0 else None
    return ConcentrationMeasure(
        located_incidents=n, cells=n_cells, fraction=fraction,
        top_share=None if not n else share, even_share=None if not n else even,
        adjusted=adjusted, cells_with_incidents=int((counts > 0).sum()))


def repeat_measure(ctx: Context, detail_mask: np.ndarray, *,
                   within: np.ndarray | None = None) -> RepeatMeasure:
    """Repeat victimisation over the year's detail incidents that carry a reference.

    Method (Farrell & Pease 1993), as ``analysis.repeats.repeat_victimisation``:
    ``repeat_incident_rate = (incidents - victims) / incidents`` and ``repeat_victim_rate =
    victims with 2+ incidents / victims``, over incidents with a victim or complainant
    reference (references are distinct per source). ``within`` limits the incidents (default:
    the assessment year). Placeholder references (``UNKNOWN``, ``N/A``, ``0``...) are not
    references: they are left out of both rates and counted in ``placeholder_refs_excluded``.
    """
    sel = detail_mask & (ctx.in_year if within is None else within)
    codes = ctx.ref_code[sel & ctx.has_ref]
    n_ref = int(codes.size)
    base = RepeatMeasure(
        referenced_incidents=n_ref, detail_incidents=int(sel.sum()),
        placeholder_refs_excluded=int((sel & ctx.placeholder_ref).sum()),
        sources=tuple(sorted(set(ctx.source[sel & ctx.has_ref].tolist()))),
        repeat_incident_rate=None, repeat_victim_rate=None, victims=0, repeat_victims=0,
        incidents_per_victim=None)
    if n_ref == 0:
        return base
    _, per_victim = np.unique(codes, return_counts=True)
    victims = int(per_victim.size)
    repeat_victims = int((per_victim >= 2).sum())
    return replace(base, repeat_incident_rate=(n_ref - victims) / n_ref,
                   repeat_victim_rate=repeat_victims / victims, victims=victims,
                   repeat_victims=repeat_victims, incidents_per_victim=n_ref / victims)


def repeat_evidence(ctx: Context, detail_mask: np.ndarray) -> RepeatEvidence:
    """Time to repeat and repeat locations (``analysis.repeats.repeat_victimisation``).

    Victim and complainant references never leave this function: only counts, shares and
    repeat locations by their location text (restricted: addresses from partner records).
    """
    cols = [c for c in ("id", "category", "occurred", "precision", "location", "victim_ref")
            if c in ctx.frame.columns]
    sub = ctx.frame.loc[detail_mask & ctx.in_year & ctx.has_ref, cols]
    if sub.empty:
        return RepeatEvidence(median_gap_days=None, within={}, gaps=0, gaps_excluded=0,
                              repeat_locations=())
    if "occurred" not in sub.columns:
        sub = sub.assign(occurred=ctx.frame.loc[sub.index, "month"])
    rv = repeat_victimisation(sub, top_n=10)
    locations = tuple(RepeatLocation(location=str(row["location"]),
                                     incidents=int(row["incidents"]), victims=int(row["victims"]))
                      for row in rv.repeat_locations.to_dict(orient="records"))
    return RepeatEvidence(
        median_gap_days=None if np.isnan(rv.median_gap_days) else rv.median_gap_days,
        within={str(k): (None if np.isnan(v) else v) for k, v in rv.within.items()},
        gaps=rv.n_gaps, gaps_excluded=rv.n_gaps_excluded, repeat_locations=locations)


def vulnerability_measure(ctx: Context, volume_mask: np.ndarray, detail_mask: np.ndarray
                          ) -> VulnerabilityMeasure:
    """Share of the year's incidents that affect someone vulnerable.

    Counted over the detail incidents from sources that record flags (a source with no flag set
    anywhere in the data records none); ``None`` when there are none.
    """
    bearing = np.isin(ctx.source, list(ctx.flag_sources)) | ctx.vulnerable
    base = (detail_mask | volume_mask) & ctx.in_year & bearing
    n = int(base.sum())
    if n == 0:
        return VulnerabilityMeasure(assessed_incidents=0, vulnerable_incidents=0, share=None,
                                    domestic=0, hate=0)
    hate = np.zeros(ctx.n, bool)
    for strand in HATE_STRANDS:
        hate |= ctx.flags[f"hate_{strand}"]
    k = int((base & ctx.vulnerable).sum())
    return VulnerabilityMeasure(assessed_incidents=n, vulnerable_incidents=k, share=k / n,
                                domestic=int((base & ctx.flags["domestic"]).sum()),
                                hate=int((base & hate).sum()))


def breakdown(ctx: Context, mask: np.ndarray, kind: str | None) -> list[BreakdownRow]:
    """Counts by hate strand this year and last (``kind="hate_strand"``), else empty."""
    if kind != "hate_strand":
        return []
    out = []
    for strand in HATE_STRANDS:
        flag = ctx.flags[f"hate_{strand}"]
        out.append(BreakdownRow(group=strand.replace("_", " "),
                                count=int((mask & flag & ctx.in_year).sum()),
                                previous=int((mask & flag & ctx.in_prev).sum())))
    return out


@dataclass(frozen=True)
class AreaRow:
    """One small area for one candidate: ``population`` (residents; None when unknown),
    ``count`` and ``previous`` (incidents this year and the year before), ``rate`` and
    ``harm_rate`` (incidents and harm units per 1,000 residents), ``pct_change`` (percent),
    ``p_value`` and ``p_adj`` (exact Poisson test; BH across areas), ``rank`` by rate (None
    under ``assessment.min_area_incidents``), and ``per_hectare`` (incidents per hectare of the
    area's land, the measure to read beside the rate where few people live and many visit, as
    in a town centre; None without an outline)."""

    code: str
    name: str
    population: float | None
    count: int
    previous: int
    rate: float | None
    harm_rate: float | None
    pct_change: float | None
    p_value: float
    p_adj: float
    rank: int | None
    per_hectare: float | None = None

    def to_dict(self) -> dict[str, Any]:
        def num(v: Any) -> Any:
            return None if v is None or (isinstance(v, float) and np.isnan(v)) else v
        return {k: num(getattr(self, k)) for k in self.__dataclass_fields__}


def area_table(ctx: Context, mask: np.ndarray) -> list[AreaRow]:
    """Counts, rates per 1,000 residents and change by small area (ward/neighbourhood).

    Change is tested with the exact conditional Poisson test and adjusted with BH across the
    areas. Areas with at least ``assessment.min_area_incidents`` incidents are ranked by rate
    (by count when populations are missing); the list is sorted by that rank.
    """
    if not ctx.area_codes:
        return []
    k = len(ctx.area_codes)
    inside = ctx.incident_area >= 0
    cur = np.bincount(ctx.incident_area[mask & ctx.in_year & inside], minlength=k)
    prev = np.bincount(ctx.incident_area[mask & ctx.in_prev & inside], minlength=k)
    w = np.nan_to_num(ctx.harm_weight)
    harm = np.bincount(ctx.incident_area[mask & ctx.in_year & inside],
                       weights=w[mask & ctx.in_year & inside], minlength=k)
    pops = ctx.area_population
    hectares = np.array([g.area / 10_000.0 if g is not None and not g.is_empty else np.nan
                         for g in ctx.area_geometry_bng], dtype=float)
    p = ctest_equal(cur, prev)
    p_adj = benjamini_hochberg(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(pops > 0, 1000.0 * cur / pops, np.nan)
        harm_rate = np.where(pops > 0, 1000.0 * harm / pops, np.nan)
        pct = np.where(prev > 0, 100.0 * (cur - prev) / np.maximum(prev, 1), np.nan)
    minimum = int(ctx.config.section("assessment")["min_area_incidents"])
    key = np.where(np.isnan(rate), cur.astype(float), rate) if np.isnan(rate).any() else rate
    eligible = cur >= minimum
    order = sorted(range(k), key=lambda i: (not eligible[i], -key[i], -cur[i], ctx.area_codes[i]))
    ranks = {i: r + 1 for r, i in enumerate([i for i in order if eligible[i]])}
    rows = []
    for i in order:
        rows.append(AreaRow(
            code=ctx.area_codes[i], name=ctx.area_names[i],
            population=None if np.isnan(pops[i]) else float(pops[i]),
            count=int(cur[i]), previous=int(prev[i]),
            rate=None if np.isnan(rate[i]) else float(rate[i]),
            harm_rate=None if np.isnan(harm_rate[i]) else float(harm_rate[i]),
            pct_change=None if np.isnan(pct[i]) else float(pct[i]),
            p_value=float(p[i]), p_adj=float(p_adj[i]), rank=ranks.get(i),
            per_hectare=(None if not hectares[i] > 0 else float(cur[i] / hectares[i]))))
    return rows


@dataclass(frozen=True, eq=False)
class HotspotEvidence:
    """Gi* hot cells this year and last, for maps and findings."""

    parameters: dict[str, Any]
    counts: np.ndarray
    hot: np.ndarray
    hot_previous: np.ndarray | None
    hot_share: float
    areas: list[str]

    @property
    def hot_cells(self) -> int:
        return int(self.hot.sum())

    @property
    def new_hot(self) -> np.ndarray:
        """Hot cells this year that were not hot the year before (boolean, one per cell)."""
        if self.hot_previous is None:
            return np.zeros_like(self.hot)
        new: np.ndarray = self.hot & ~self.hot_previous
        return new

    def to_dict(self, *, cells: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "parameters": self.parameters, "hot_cells": self.hot_cells,
            "new_hot_cells": int(self.new_hot.sum()),
            "hot_share": self.hot_share, "areas_with_hot_cells": list(self.areas),
        }
        if cells:
            keep = np.flatnonzero((self.counts > 0) | self.hot)
            out["cells"] = [[int(i), int(self.counts[i]), bool(self.hot[i]),
                             bool(self.new_hot[i])] for i in keep]
        return out


def _gistar(ctx: Context, mask: np.ndarray) -> Any:
    settings = ctx.config.section("hotspots")
    sel = mask & ctx.located
    return hotspots(ctx.x[sel], ctx.y[sel], method="gistar", cell_size=ctx.grid.cell_size,
                    bounds=ctx.bounds, permutations=int(settings["permutations"]),
                    seed=int(settings["seed"]), alpha=ctx.config.alpha)


def hotspot_evidence(ctx: Context, mask: np.ndarray) -> HotspotEvidence | None:
    """Getis–Ord Gi* hot cells of the year (and the year before, for new hot cells).

    ``None`` when fewer than ``hotspots.min_incidents`` located incidents fell in the year.
    """
    minimum = int(ctx.config.section("hotspots")["min_incidents"])
    now_mask = mask & ctx.in_year
    if int((now_mask & ctx.located).sum()) < minimum:
        return None
    now = _gistar(ctx, now_mask)
    hot = np.asarray(now.hotspot == "hotspot")
    prev_mask = mask & ctx.in_prev
    hot_prev = None
    if int((prev_mask & ctx.located).sum()) >= minimum:
        before = _gistar(ctx, prev_mask)
        hot_prev = np.asarray(before.hotspot == "hotspot")
    total = float(now.counts.sum())
    share = float(now.counts[hot].sum() / total) if total else 0.0
    area_idx = sorted({int(a) for a in ctx.cell_area[hot] if a >= 0})
    params = {k: v for k, v in now.to_dict()["parameters"].items() if k != "grid"}
    params["grid"] = {k: v for k, v in ctx.grid.to_dict().items()
                      if k in ("kind", "x0", "y0", "cell_size", "nrows", "ncols", "crs")}
    return HotspotEvidence(parameters=params, counts=np.asarray(now.counts), hot=hot,
                           hot_previous=hot_prev, hot_share=share,
                           areas=[ctx.area_codes[i] for i in area_idx])

"""``run_assessment``: candidates, measures, scores, ranking, priorities and the report's content.

One pass over the prepared incident arrays (``context``) measures every candidate
(``measures``), scores and ranks them (``scoring``), picks the priorities (the top-ranked
candidates that are not mostly the same incidents as a higher one), gathers the evidence for
each priority (Gi* hotspots, areas, repeats, the test used) and writes the findings. The
result carries every figure and every parameter, and renders to HTML, PDF and JSON (``report``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from saferplaces.analysis.jsonable import json_value
from saferplaces.analysis.stats import poisson_ctest
from saferplaces.strategic.candidates import Candidate, build_candidates
from saferplaces.strategic.config import AssessmentConfig
from saferplaces.strategic.context import Context, month_index, month_label, prepare
from saferplaces.strategic.disclosure import public_view
from saferplaces.strategic.findings import finding, finding_plain
from saferplaces.strategic.inputs import AssessmentInputs, Period
from saferplaces.strategic.measures import (
    AreaRow,
    HotspotEvidence,
    area_table,
    breakdown,
    concentration_measure,
    harm_measure,
    hotspot_evidence,
    monthly_matrix,
    repeat_evidence,
    repeat_measure,
    trend_measures,
    vulnerability_measure,
)
from saferplaces.strategic.scoring import (
    DimensionScore,
    Sensitivity,
    grid_axes,
    rank,
    risk_score,
    score_dimensions,
    sensitivity,
)

__all__ = [
    "METHODS",
    "AssessmentResult",
    "CandidateResult",
    "measure_candidates",
    "run_assessment",
]

#: Every method the report uses, with its reference (also listed in the report).
METHODS: tuple[dict[str, str], ...] = (
    {"name": "Change on the previous year",
     "description": "Exact conditional Poisson test (C-test) of the assessment year's count "
                    "against the year before's, two-sided, equal exposures.",
     "reference": "Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing "
                  "samples from Poisson series. Biometrika 31, 313–323."},
    {"name": "Multiple testing",
     "description": "Benjamini–Hochberg false discovery rate adjustment across all candidates "
                    "(and across areas within a candidate, and across grid cells for Gi*).",
     "reference": "Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. "
                  "JRSS B 57, 289–300."},
    {"name": "Long-run trend",
     "description": "Poisson regression of monthly counts on time with first-harmonic "
                    "seasonal terms, quasi-Poisson standard errors.",
     "reference": "McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed.; "
                  "Wedderburn, R. W. M. (1974). Biometrika 61, 439–447."},
    {"name": "Harm",
     "description": "Crime harm index: each incident weighted by the seriousness of its "
                    "category; rates per 1,000 residents.",
     "reference": "Sherman, L., Neyroud, P. W. & Neyroud, E. (2016). The Cambridge Crime "
                  "Harm Index. Policing 10, 171–183; ONS (2016) Crime Severity Score research "
                  "outputs."},
    {"name": "Concentration",
     "description": "Share of incidents in the top 5% of 250 m grid cells of the borough, "
                    "adjusted for sparse data against the share when incidents are spread as "
                    "evenly as possible.",
     "reference": "Weisburd, D. (2015). The law of crime concentration and the criminology of "
                  "place. Criminology 53, 133–157; Bernasco, W. & Steenbeek, W. (2017). J. "
                  "Quant. Criminol. 33, 451–467."},
    {"name": "Hotspots",
     "description": "Getis–Ord Gi* on grid-cell counts, distance-band neighbours, "
                    "Benjamini–Hochberg FDR across cells; hot cells this year that were not hot "
                    "the year before are 'new'.",
     "reference": "Getis, A. & Ord, J. K. (1992). Geographical Analysis 24, 189–206; Ord, J. "
                  "K. & Getis, A. (1995). Geographical Analysis 27, 286–306."},
    {"name": "Repeat victimisation",
     "description": "Share of referenced incidents that repeat a victim or complainant "
                    "(incidents − victims) / incidents, in the assessment year.",
     "reference": "Farrell, G. & Pease, K. (1993). Once bitten, twice bitten. Home Office "
                  "Crime Prevention Unit Paper 46."},
    {"name": "Risk scoring",
     "description": "Eight dimensions on documented 1–5 scales combined with weights into a "
                    "0–100 risk score, in the spirit of MoRiLE; or an impact × likelihood "
                    "4×4 grid. Sensitivity: each weight moved ±20% one at a time.",
     "reference": "National Police Chiefs' Council, MoRiLE (Management of Risk in Law "
                  "Enforcement) thematic assessment methodology; Saltelli, A. et al. (2008). "
                  "Global Sensitivity Analysis: The Primer. Wiley."},
)


@dataclass(frozen=True, eq=False)
class CandidateResult:
    """Everything measured and decided about one candidate."""

    candidate: Candidate
    measures: dict[str, Any]
    monthly: tuple[int, ...]
    scores: dict[str, DimensionScore]
    risk_score: float
    grid: dict[str, Any]
    rank: int
    rank_in_kind: int
    rank_range: tuple[int, int]
    areas: tuple[AreaRow, ...]
    hotspots: HotspotEvidence | None = None
    finding: str = ""
    finding_plain: str = ""
    priority: bool = False
    covered_by: str | None = None

    @property
    def id(self) -> str:
        return self.candidate.id

    @property
    def name(self) -> str:
        return self.candidate.name

    def top_areas(self, n: int) -> list[AreaRow]:
        return [a for a in self.areas if a.rank is not None][:n]

    def to_dict(self, *, cells: bool = True) -> dict[str, Any]:
        return {
            **self.candidate.to_dict(),
            "measures": json_value(self.measures), "monthly": list(self.monthly),
            "scores": {d: s.to_dict() for d, s in self.scores.items()},
            "risk_score": self.risk_score, "grid": json_value(self.grid), "rank": self.rank,
            "rank_in_kind": self.rank_in_kind,
            "rank_range": {"best": self.rank_range[0], "worst": self.rank_range[1]},
            "areas": [a.to_dict() for a in self.areas],
            "hotspots": self.hotspots.to_dict(cells=cells) if self.hotspots else None,
            "finding": self.finding, "finding_plain": self.finding_plain,
            "priority": self.priority, "covered_by": self.covered_by,
        }


@dataclass(frozen=True, eq=False)
class AssessmentResult:
    """The outcome of a run: ranked candidates with evidence, and every section of the report.

    ``candidates`` are in rank order. ``to_dict()`` is the JSON form with every figure;
    ``to_dict(public=True)`` is the public-safe form (see ``disclosure.public_view``).
    """

    period: Period
    comparison: Period
    synthetic: bool
    scheme: str
    config: dict[str, Any]
    area_kind: str | None
    population: float | None
    months: tuple[str, ...]
    candidates: tuple[CandidateResult, ...]
    priorities: tuple[str, ...]
    sensitivity: Sensitivity
    current_picture: dict[str, Any]
    emerging: dict[str, Any]
    recommendations: tuple[dict[str, Any], ...]
    progress: dict[str, Any]
    data_sources: tuple[dict[str, Any], ...]
    methods: tuple[dict[str, str], ...]
    limitations: tuple[str, ...]
    warnings: tuple[str, ...]
    entered: dict[str, Any]
    area_outlines: tuple[dict[str, Any], ...]
    harm_weights: dict[str, Any]
    grid: dict[str, Any] = field(default_factory=dict)

    def candidate(self, key: str) -> CandidateResult:
        for c in self.candidates:
            if c.id == key:
                return c
        raise KeyError(f"no candidate {key!r}")

    def priority_results(self) -> list[CandidateResult]:
        return [self.candidate(k) for k in self.priorities]

    def ranked(self, kind: str | None = None) -> list[CandidateResult]:
        """Candidates in rank order, optionally of one kind ("police-uk", "local", "theme")."""
        return [c for c in self.candidates if kind is None or c.candidate.kind == kind]

    def to_dict(self, *, public: bool = False) -> dict[str, Any]:
        """JSON-ready form. ``public=True`` applies the public rules (``disclosure.public_view``)."""
        data = {
            "kind": "saferplaces strategic assessment",
            "synthetic": self.synthetic, "scheme": self.scheme,
            "period": self.period.to_dict(), "comparison": self.comparison.to_dict(),
            "area_kind": self.area_kind, "population": self.population,
            "months": list(self.months),
            "priorities": list(self.priorities),
            "candidates": [c.to_dict() for c in self.candidates],
            "sensitivity": self.sensitivity.to_dict(),
            "current_picture": json_value(self.current_picture),
            "emerging": json_value(self.emerging),
            "recommendations": json_value(list(self.recommendations)),
            "progress": json_value(self.progress),
            "data_sources": json_value(list(self.data_sources)),
            "methods": list(self.methods), "limitations": list(self.limitations),
            "warnings": list(self.warnings), "entered": json_value(self.entered),
            "area_outlines": list(self.area_outlines),
            "harm_weights": json_value(self.harm_weights), "grid": json_value(self.grid),
            "parameters": self.config,
        }
        if public:
            return public_view(data)
        return data


# ------------------------------------------------------------------------------------------
# measuring
# ------------------------------------------------------------------------------------------
def _candidate_start(ctx: Context, cand: Candidate) -> int:
    starts = [ctx.source_first_month.get(s.source) for s in cand.selectors]
    known = [s for s in starts if s is not None]
    start = max(known) if known else ctx.cur[1] + 1
    police = ctx.config.section("sources")["police_uk"]
    broken = _break_start(ctx, [c for s in cand.selectors if s.source == police
                                for c in s.categories])
    return start if broken is None else max(start, broken)


def _break_start(ctx: Context, categories: list[str]) -> int | None:
    """Month index where a police.uk series starts again after a classification break that
    could not be harmonised (``analysis.classification``), or None."""
    h = ctx.classification
    months = [h.breaks[h.label(c)] for c in categories if h and h.label(c) in h.breaks]
    return int(month_index(months).max()) if months else None


def measure_candidates(ctx: Context) -> tuple[list[Candidate], dict[str, np.ndarray],
                                               dict[str, np.ndarray], dict[str, dict[str, Any]],
                                               pd.DataFrame]:
    """Candidates, their volume and detail masks, measures, and the monthly count matrix."""
    candidates = build_candidates(ctx.source, ctx.category, ctx.in_year, ctx.config)
    volume = {c.id: ctx.mask(c.selectors) for c in candidates}
    for c in [c for c in candidates if not volume[c.id].any()]:
        ctx.warnings.append(f"theme {c.name!r} selects no incidents in these data (sources "
                            f"{', '.join(c.sources)}): left out")
        candidates.remove(c)
        del volume[c.id]
    detail = {c.id: ctx.mask(c.detail_selectors) for c in candidates}
    starts = {c.id: _candidate_start(ctx, c) for c in candidates}
    trends = trend_measures(ctx, volume, starts)
    matrix = monthly_matrix(ctx, volume)
    min_ref = int(ctx.config.section("repeats")["min_referenced"])
    measures: dict[str, dict[str, Any]] = {}
    for c in candidates:
        v, d = volume[c.id], detail[c.id]
        t = trends.loc[c.id]
        count = int((v & ctx.in_year).sum())
        prev = t["prev12"]
        m: dict[str, Any] = {
            "count": count,
            "previous": None if pd.isna(prev) else int(prev),
            "rate": 1000.0 * count / ctx.population if ctx.population else None,
            "change": None if pd.isna(t["change"]) else float(t["change"]),
            "pct_change": None if pd.isna(t["pct_change"]) else float(t["pct_change"]),
            "p_value": None if pd.isna(t["p_value"]) else float(t["p_value"]),
            "p_adj": None if pd.isna(t["p_adj"]) else float(t["p_adj"]),
            "direction": str(t["direction"]),
            "recent": None if pd.isna(t["recent"]) else int(t["recent"]),
            "recent_last_year": (None if pd.isna(t["recent_last_year"])
                                 else int(t["recent_last_year"])),
            "recent_p_adj": None if pd.isna(t["recent_p_adj"]) else float(t["recent_p_adj"]),
            "trend_pct_per_year": (None if pd.isna(t["trend_pct_per_year"])
                                   else float(t["trend_pct_per_year"])),
            "trend_p_adj": None if pd.isna(t["trend_p_adj"]) else float(t["trend_p_adj"]),
            "trend_note": str(t["trend_note"]),
            "data_start": str(t["data_start"]),
            "test": "exact conditional Poisson test (C-test), two-sided; Benjamini–Hochberg "
                    "adjusted across candidates",
        }
        m.update(harm_measure(ctx, v))
        conc = concentration_measure(ctx, v)
        m["concentration"] = conc["adjusted"]
        m["top_share"] = conc["top_share"]
        m["top_fraction"] = conc["fraction"]
        m["concentration_detail"] = conc
        rep = repeat_measure(ctx, d)
        m["repeat"] = rep
        m["repeat_rate"] = (rep["repeat_incident_rate"]
                            if rep["referenced_incidents"] >= min_ref else None)
        vul = vulnerability_measure(ctx, v, d)
        m["vulnerability"] = vul
        m["vulnerability_share"] = vul["share"]
        m["breakdown"] = breakdown(ctx, d | v, c.breakdown)
        measures[c.id] = m
    return candidates, volume, detail, measures, matrix


def _overlap(mask: np.ndarray, covered: np.ndarray) -> float:
    n = int(mask.sum())
    return float((mask & covered).sum() / n) if n else 0.0


# ------------------------------------------------------------------------------------------
# report sections
# ------------------------------------------------------------------------------------------
def _current_picture(ctx: Context) -> dict[str, Any]:
    police = ctx.config.section("sources")["police_uk"]
    is_police = ctx.source == police
    asb = is_police & (ctx.category_key == "anti-social behaviour")
    crime = is_police & ~asb
    matrix = monthly_matrix(ctx, {"crime": crime, "asb": asb})
    n = ctx.period.n_months
    years = []
    for k in range(3):
        end = ctx.cur[1] - k * n
        start = end - n + 1
        if start < ctx.hist_start:
            break
        in_window = (ctx.month >= start) & (ctx.month <= end)
        years.append({"first_month": month_label(start), "last_month": month_label(end),
                      "crime": int((crime & in_window).sum()), "asb": int((asb & in_window).sum())})
    years.reverse()
    cats = sorted(set(ctx.category[is_police].tolist()))
    rows = []
    for cat in cats:
        m = is_police & (ctx.category == cat)
        a, b = int((m & ctx.in_year).sum()), int((m & ctx.in_prev).sum())
        restart = _break_start(ctx, [cat])
        if restart is not None and restart > ctx.prev[0]:
            # the type was split or renamed inside the two years: no like-for-like comparison
            rows.append({"category": cat, "count": a, "previous": None, "pct_change": None,
                         "p_value": float("nan")})
            continue
        rows.append({"category": cat, "count": a, "previous": b,
                     "pct_change": 100.0 * (a - b) / b if b else None,
                     "p_value": poisson_ctest(a, b).p_value})
    from saferplaces.analysis.stats import benjamini_hochberg
    adj = benjamini_hochberg([r["p_value"] for r in rows]) if rows else []
    for r, p in zip(rows, adj, strict=True):
        if r["previous"] is None:
            r.update(p_value=None, p_adj=None, direction="series break")
            continue
        r["p_adj"] = float(p)
        sig = p <= ctx.config.alpha
        r["direction"] = ("rising" if sig and r["count"] > r["previous"] else
                          "falling" if sig and r["count"] < r["previous"] else "stable")
    rows.sort(key=lambda r: -r["count"])
    totals = {}
    for key, m in (("crime", crime), ("asb", asb)):
        a, b = int((m & ctx.in_year).sum()), int((m & ctx.in_prev).sum())
        t = poisson_ctest(a, b)
        totals[key] = {"count": a, "previous": b,
                       "pct_change": 100.0 * (a - b) / b if b else None, "p_value": t.p_value,
                       "rate": 1000.0 * a / ctx.population if ctx.population else None}
    partners = []
    for s in sorted(set(ctx.source.tolist()) - {police}):
        m = ctx.source == s
        a, b = int((m & ctx.in_year).sum()), int((m & ctx.in_prev).sum())
        partners.append({"source": s,
                         "label": ctx.config.section("sources")["labels"].get(s, s),
                         "count": a, "previous": b,
                         "pct_change": 100.0 * (a - b) / b if b else None})
    return {"source": police, "monthly": {"crime": matrix.loc["crime"].tolist(),
                                          "asb": matrix.loc["asb"].tolist()},
            "years": years, "categories": rows, "totals": totals, "partners": partners}


def _data_sources(ctx: Context) -> list[dict[str, Any]]:
    labels = ctx.config.section("sources")["labels"]
    detail = set(ctx.config.section("sources")["detail"])
    out = []
    prec = ctx.frame["precision"].astype(str).to_numpy() if "precision" in ctx.frame else None
    for s in sorted(set(ctx.source.tolist())):
        m = ctx.source == s
        months = ctx.month[m]
        out.append({
            "source": s, "label": labels.get(s, s), "incidents": int(m.sum()),
            "in_year": int((m & ctx.in_year).sum()),
            "first_month": month_label(int(months.min())),
            "last_month": month_label(int(months.max())),
            "precision": sorted(set(prec[m].tolist())) if prec is not None else [],
            "located_share": float(ctx.located[m].mean()),
            "with_reference_share": float(ctx.has_ref[m].mean()),
            "role": ("detail (repeats police.uk crimes; never added to them)" if s in detail
                     else "volume"),
        })
    return out


def _limitations(ctx: Context, public: float) -> list[str]:
    police = ctx.config.section("sources")["police_uk"]
    items = [
        "police.uk locations are approximate: each crime is snapped to the nearest of a set of "
        "anonymous map points, so many crimes share one point, and only the month is "
        "published. Hotspot maps show where incidents were published, not exact addresses; "
        "near-repeat and time-of-day analysis need day-precision local records.",
        "Local police records repeat police.uk crimes with more detail; they are never added "
        "to police.uk counts. They supply the repeat victimisation and vulnerability measures.",
        "Police and council anti-social behaviour reports can describe the same events; the "
        "anti-social behaviour theme adds them, so it measures reports, not distinct events.",
        "Recorded incidents depend on reporting and recording practice: a rise can reflect "
        "more reporting or better recording as well as more harm.",
        "Harm weights are indicative (" + ctx.harm_table.name + "), and several categories "
        "(anti-social behaviour, council reports) carry nominal weights.",
        "Concentration and hotspots depend on the grid cell size "
        f"({ctx.grid.cell_size:g} m); Gi* p-values are adjusted for multiple testing across "
        "cells.",
        "Tests compare counts assuming Poisson variation; crime is often over-dispersed "
        "(clustered), so some changes called significant may be less certain than stated.",
        "Community concern and partnership capacity are partners' judgements, entered with "
        "their source; where none was entered a neutral default score is used.",
        "The scoring follows the spirit of MoRiLE (documented scales, weights, sensitivity) "
        "but is not the licensed MoRiLE tool.",
        f"In the public version, counts of 1 to {public:g} in sensitive categories (hate crime, "
        "domestic abuse, sexual offences, exploitation, modern slavery) are withheld for small "
        "areas, and no victim, complainant or address information is shown.",
    ]
    if ctx.population is None:
        items.append("Rates per 1,000 residents could not be given: populations are missing.")
    if police not in set(ctx.source.tolist()):
        items.append("No police.uk data were given: the current picture is incomplete.")
    return items


def _outlines(ctx: Context) -> list[dict[str, Any]]:
    if ctx.area_kind is None:
        return []
    table = ctx.inputs.areas[ctx.inputs.areas["kind"] == ctx.area_kind]
    out = []
    for _, row in table.sort_values("code").iterrows():
        geom = shapely.geometry.shape(row["geometry"]).simplify(0.0002, preserve_topology=True)
        out.append({"code": str(row["code"]), "name": str(row["name"]),
                    "geometry": shapely.geometry.mapping(geom)})
    return out


def _progress(previous: Mapping[str, Any] | None, results: dict[str, CandidateResult]
              ) -> dict[str, Any]:
    if not previous:
        return {"available": False, "items": []}
    prev_cands = {c["id"]: c for c in previous.get("candidates", [])}
    targets = {}
    for t in (previous.get("entered") or {}).get("targets", []):
        targets.setdefault(t["candidate"], []).append(t)
    items = []
    for key in previous.get("priorities", []):
        before = prev_cands.get(key, {})
        bm = before.get("measures", {})
        now = results.get(key)
        item: dict[str, Any] = {"id": key, "name": before.get("name", key),
                                "previous_rank": before.get("rank"),
                                "previous_count": bm.get("count"),
                                "previous_harm": bm.get("harm"),
                                "previous_repeat_rate": bm.get("repeat_rate")}
        if now is None:
            item.update(status="not measured this year", count=None, rank=None)
        else:
            nm = now.measures
            item.update(count=nm["count"], harm=nm["harm"], repeat_rate=nm["repeat_rate"],
                        rank=now.rank, finding=now.finding)
            if bm.get("count") is not None:
                t = poisson_ctest(nm["count"], int(bm["count"]))
                item["pct_change"] = (100.0 * (nm["count"] - bm["count"]) / bm["count"]
                                      if bm["count"] else None)
                item["p_value"] = t.p_value
            item["targets"] = []
            for target in targets.get(key, []):
                measure = target.get("measure", "incidents")
                field_now = {"incidents": "count", "harm": "harm",
                             "repeat_rate": "repeat_rate"}[measure]
                base = target.get("baseline")
                if base is None:
                    base = bm.get(field_now)
                value = nm.get(field_now)
                goal = None if base is None else base * (1 + target["change_pct"] / 100.0)
                met = None
                if goal is not None and value is not None:
                    met = value <= goal if target["change_pct"] <= 0 else value >= goal
                item["targets"].append({"measure": measure, "change_pct": target["change_pct"],
                                        "baseline": base, "target": goal, "value": value,
                                        "met": met, "note": target.get("note", "")})
            item["status"] = "measured"
        items.append(item)
    return {"available": True, "previous_period": previous.get("period"), "items": items}


# ------------------------------------------------------------------------------------------
# the run
# ------------------------------------------------------------------------------------------
def run_assessment(inputs: AssessmentInputs, config: AssessmentConfig) -> AssessmentResult:
    """Run the strategic assessment (see the package docstring for what each step does)."""
    ctx = prepare(inputs, config)
    settings = config.section("assessment")
    candidates, volume, detail, measures, matrix = measure_candidates(ctx)
    entered = inputs.entered
    known = {c.id for c in candidates}
    warnings = list(ctx.warnings)
    for label, table in (("community concern", entered.concern), ("capacity", entered.capacity)):
        for key in table:
            if key not in known:
                warnings.append(f"entered {label} score for unknown candidate {key!r} ignored")

    scores = {c.id: score_dimensions(measures[c.id], {"concern": entered.concern.get(c.id),
                                                      "capacity": entered.capacity.get(c.id)},
                                     config) for c in candidates}
    plain_scores = {k: {d: s.score for d, s in v.items()} for k, v in scores.items()}
    ranking = rank(plain_scores, config)
    sens = sensitivity(plain_scores, config)
    by_id = {c.id: c for c in candidates}
    kind_rank: dict[str, int] = {}
    counters: dict[str, int] = {}
    for key in ranking.order:
        kind = by_id[key].kind
        counters[kind] = counters.get(kind, 0) + 1
        kind_rank[key] = counters[kind]

    # priorities: top-ranked, skipping candidates that are mostly a chosen priority's incidents
    # (a local category also when its crimes are a chosen police.uk category's detail records)
    n_priorities = int(settings["priorities"])
    max_overlap = float(settings["max_overlap"])
    chosen: list[str] = []
    covered_by: dict[str, str] = {}
    for key in ranking.order:
        if len(chosen) >= n_priorities:
            break
        own = volume[key] & ctx.in_year
        if not own.any():
            continue
        local = by_id[key].kind == "local"
        shares = {p: _overlap(own, volume[p] | (detail[p] if local else False)) for p in chosen}
        best = max(shares, key=shares.__getitem__, default=None)
        if best is not None and shares[best] > max_overlap:
            covered_by[key] = best
            continue
        chosen.append(key)

    # evidence: Gi* for priorities and the top emerging rises
    rising = [k for k in ranking.order if measures[k]["direction"] == "rising"]
    rising.sort(key=lambda k: (-scores[k]["trend"].score, -(measures[k]["pct_change"] or 0), k))
    emerging_ids = rising[: int(settings["emerging"])]
    evidence: dict[str, HotspotEvidence | None] = {}
    for key in dict.fromkeys(chosen + emerging_ids):
        evidence[key] = hotspot_evidence(ctx, volume[key])
        measures[key]["repeat"].update(repeat_evidence(ctx, detail[key]))

    results: dict[str, CandidateResult] = {}
    for c in candidates:
        m = measures[c.id]
        areas = tuple(area_table(ctx, volume[c.id]))
        ranked_areas = [a for a in areas if a.rank is not None]
        top_area = ranked_areas[0].to_dict() if ranked_areas else None
        ev = evidence.get(c.id)
        names = dict(zip(ctx.area_codes, ctx.area_names, strict=True))
        hot_areas = [names[a] for a in ev.areas] if ev else []
        if ev and ranked_areas:
            # name the hot areas in rate order, so the finding leads with the worst
            order = {a.code: i for i, a in enumerate(ranked_areas)}
            hot_areas = [names[a] for a in sorted(ev.areas, key=lambda a: order.get(a, 1e9))]
        text = finding(c.name, m, hot_cells=ev.hot_cells if ev else None,
                       hot_share=ev.hot_share if ev else None, hot_areas=hot_areas,
                       top_area=top_area)
        plain = finding_plain(c.name, m, hot_cells=ev.hot_cells if ev else None,
                              top_area_name=top_area["name"] if top_area else None)
        s = scores[c.id]
        results[c.id] = CandidateResult(
            candidate=c, measures=m, monthly=tuple(int(v) for v in matrix.loc[c.id].tolist()),
            scores=s, risk_score=risk_score(plain_scores[c.id], config.weights),
            grid=grid_axes(plain_scores[c.id], config), rank=ranking.rank_of(c.id),
            rank_in_kind=kind_rank[c.id], rank_range=sens.ranges[c.id],
            areas=areas, hotspots=ev, finding=text,
            finding_plain=plain, priority=c.id in chosen, covered_by=covered_by.get(c.id))

    # future and emerging issues
    new_hotspots = []
    police = config.section("sources")["police_uk"]
    overall = {
        "all police.uk crime": (ctx.source == police)
        & (ctx.category_key != "anti-social behaviour"),
        "police.uk anti-social behaviour": (ctx.source == police)
        & (ctx.category_key == "anti-social behaviour"),
    }
    names = dict(zip(ctx.area_codes, ctx.area_names, strict=True))
    layers = [(None, label, hotspot_evidence(ctx, m)) for label, m in overall.items()]
    layers += [(k, results[k].name, evidence[k]) for k in dict.fromkeys(chosen + emerging_ids)]
    for key, label, ev in layers:
        if ev is None or ev.hot_previous is None:
            continue
        new = ev.new_hot
        areas_new = sorted({names[ctx.area_codes[a]] for a in ctx.cell_area[new] if a >= 0})
        new_hotspots.append({"id": key, "layer": label, "hot_cells": ev.hot_cells,
                             "new_hot_cells": int(new.sum()), "areas": areas_new})
    emerging = {
        "rising": [{"id": k, "name": results[k].name, "kind": results[k].candidate.kind,
                    "count": measures[k]["count"], "previous": measures[k]["previous"],
                    "pct_change": measures[k]["pct_change"], "p_adj": measures[k]["p_adj"],
                    "trend_score": scores[k]["trend"].score, "rank": results[k].rank,
                    "finding": results[k].finding, "finding_plain": results[k].finding_plain}
                   for k in rising],
        "examined": emerging_ids,
        "recent_rises": [{"id": k, "name": results[k].name,
                          "recent": measures[k]["recent"],
                          "recent_last_year": measures[k]["recent_last_year"],
                          "recent_p_adj": measures[k]["recent_p_adj"]}
                         for k in ranking.order
                         if measures[k]["recent_p_adj"] is not None
                         and measures[k]["recent_p_adj"] <= config.alpha
                         and (measures[k]["recent"] or 0) > (measures[k]["recent_last_year"]
                                                             or 0)
                         and measures[k]["direction"] != "rising"],
        "new_hotspots": new_hotspots,
        "horizon": [h | {"candidates": list(h["candidates"])}
                    for h in entered.to_dict()["horizon"]],
    }
    recommendations = []
    for i, r in enumerate(entered.recommendations, start=1):
        target = results.get(r.finding)
        if target is None:
            warnings.append(f"recommendation {i} refers to unknown finding {r.finding!r}")
        recommendations.append({"number": i, "text": r.text, "owner": r.owner,
                                "finding_id": r.finding,
                                "finding_name": target.name if target else None,
                                "finding": target.finding if target else None,
                                "finding_plain": target.finding_plain if target else None})
    for t in entered.targets:
        if t.candidate not in results:
            warnings.append(f"target for unknown candidate {t.candidate!r} ignored")

    ordered = tuple(results[k] for k in ranking.order)
    months = tuple(month_label(ctx.hist_start + i) for i in range(matrix.shape[1]))
    public_threshold = config.section("public")["suppress_below"]
    return AssessmentResult(
        period=inputs.period, comparison=inputs.period.previous(), synthetic=inputs.synthetic,
        scheme=config.scheme, config=config.to_dict(), area_kind=ctx.area_kind,
        population=ctx.population, months=months, candidates=ordered,
        priorities=tuple(chosen), sensitivity=sens,
        current_picture=_current_picture(ctx), emerging=emerging,
        recommendations=tuple(recommendations),
        progress=_progress(inputs.previous, results), data_sources=tuple(_data_sources(ctx)),
        methods=METHODS, limitations=tuple(_limitations(ctx, public_threshold - 1)),
        warnings=tuple(warnings), entered=entered.to_dict(),
        area_outlines=tuple(_outlines(ctx)), harm_weights=ctx.harm_table.to_dict(),
        grid={k: v for k, v in ctx.grid.to_dict().items()
              if k in ("kind", "x0", "y0", "cell_size", "nrows", "ncols", "crs")},
    )


"""``run_assessment``: candidates, measures, scores, ranking, priorities and the report's content.

One pass over the prepared incident arrays (``context``) measures every candidate
(``measures``), scores and ranks them (``scoring``), picks the priorities (the top-ranked
candidates that are not mostly the same incidents as a higher one), gathers the evidence for
each priority (Gi* hotspots, areas, repeats, the test used) and writes the findings. The
result (its records are in ``results``) carries every figure and every parameter, and
renders to HTML, PDF and JSON (``report``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from saferplaces.analysis.stats import poisson_ctest
from saferplaces.periods import month_at, month_numbers
from saferplaces.strategic.candidates import Candidate, build_candidates
from saferplaces.strategic.casework_scores import apply_casework_feeds
from saferplaces.strategic.config import AssessmentConfig
from saferplaces.strategic.context import Context, prepare
from saferplaces.strategic.findings import finding, finding_plain, hot_areas_by_rate
from saferplaces.strategic.inputs import AssessmentInputs, TrackedRecommendation
from saferplaces.strategic.measures import (
    CandidateMeasures,
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
from saferplaces.strategic.results import (
    AreaOutline,
    AssessmentResult,
    CandidateResult,
    CaseworkFigures,
    CategoryChange,
    CurrentPicture,
    DataSource,
    Emerging,
    MonthlyTotals,
    NewHotspots,
    PartnerChange,
    PriorityProgress,
    ProgressItem,
    RecentRise,
    RecommendationProgress,
    RecommendationRow,
    RisingItem,
    TargetProgress,
    Totals,
    TotalsPair,
    YearTotals,
)
from saferplaces.strategic.scoring import (
    grid_axes,
    measured_values,
    percentile_scores,
    rank,
    risk_score,
    score_dimensions,
    sensitivity,
)

# the result records live in ``results``; they are re-exported here for existing callers
__all__ = [
    "METHODS",
    "AreaOutline",
    "AssessmentResult",
    "CandidateResult",
    "CategoryChange",
    "CurrentPicture",
    "DataSource",
    "Emerging",
    "NewHotspots",
    "PartnerChange",
    "PriorityProgress",
    "ProgressItem",
    "RecentRise",
    "RecommendationRow",
    "RisingItem",
    "TargetProgress",
    "Totals",
    "YearTotals",
    "area_outlines",
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
    return int(month_numbers(months).max()) if months else None


def measure_candidates(ctx: Context) -> tuple[list[Candidate], dict[str, np.ndarray],
                                               dict[str, np.ndarray],
                                               dict[str, CandidateMeasures], pd.DataFrame]:
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
    measures: dict[str, CandidateMeasures] = {}
    for c in candidates:
        v, d = volume[c.id], detail[c.id]
        t = trends.loc[c.id]
        count = int((v & ctx.in_year).sum())
        harm = harm_measure(ctx, v)
        conc = concentration_measure(ctx, v)
        rep = repeat_measure(ctx, d)
        vul = vulnerability_measure(ctx, v, d)
        measures[c.id] = CandidateMeasures(
            count=count, previous=_int(t["prev12"]),
            rate=1000.0 * count / ctx.population if ctx.population else None,
            change=_float(t["change"]), pct_change=_float(t["pct_change"]),
            p_value=_float(t["p_value"]), p_adj=_float(t["p_adj"]),
            direction=str(t["direction"]), recent=_int(t["recent"]),
            recent_last_year=_int(t["recent_last_year"]),
            recent_p_adj=_float(t["recent_p_adj"]),
            trend_pct_per_year=_float(t["trend_pct_per_year"]),
            trend_p_adj=_float(t["trend_p_adj"]), trend_note=str(t["trend_note"]),
            data_start=str(t["data_start"]),
            test="exact conditional Poisson test (C-test), two-sided; Benjamini–Hochberg "
                 "adjusted across candidates",
            harm=harm.harm, harm_rate=harm.harm_rate,
            unweighted_incidents=harm.unweighted_incidents,
            unweighted_categories=harm.unweighted_categories,
            concentration=conc.adjusted, top_share=conc.top_share, top_fraction=conc.fraction,
            concentration_detail=conc, repeat=rep,
            repeat_rate=(rep.repeat_incident_rate if rep.referenced_incidents >= min_ref
                         else None),
            vulnerability=vul, vulnerability_share=vul.share,
            breakdown=tuple(breakdown(ctx, d | v, c.breakdown)))
    return candidates, volume, detail, measures, matrix


def _int(value: Any) -> int | None:
    """A whole number from a table cell; None for a missing value."""
    return None if pd.isna(value) else int(value)


def _float(value: Any) -> float | None:
    """A number from a table cell; None for a missing value."""
    return None if pd.isna(value) else float(value)


def _overlap(mask: np.ndarray, covered: np.ndarray) -> float:
    n = int(mask.sum())
    return float((mask & covered).sum() / n) if n else 0.0


# ------------------------------------------------------------------------------------------
# report sections
# ------------------------------------------------------------------------------------------
def _current_picture(ctx: Context) -> CurrentPicture:
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
        years.append(YearTotals(first_month=month_at(start), last_month=month_at(end),
                                crime=int((crime & in_window).sum()),
                                asb=int((asb & in_window).sum())))
    years.reverse()
    cats = sorted(set(ctx.category[is_police].tolist()))
    rows: list[dict[str, Any]] = []
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
    adj: list[float] = (benjamini_hochberg([r["p_value"] for r in rows]).tolist() if rows
                        else [])
    for r, p in zip(rows, adj, strict=True):
        if r["previous"] is None:
            r.update(p_value=None, p_adj=None, direction="series break")
            continue
        r["p_adj"] = float(p)
        sig = p <= ctx.config.alpha
        r["direction"] = ("rising" if sig and r["count"] > r["previous"] else
                          "falling" if sig and r["count"] < r["previous"] else "stable")
    rows.sort(key=lambda r: -r["count"])

    def totals(m: np.ndarray) -> Totals:
        a, b = int((m & ctx.in_year).sum()), int((m & ctx.in_prev).sum())
        return Totals(count=a, previous=b, pct_change=100.0 * (a - b) / b if b else None,
                      p_value=poisson_ctest(a, b).p_value,
                      rate=1000.0 * a / ctx.population if ctx.population else None)

    partners = []
    for s in sorted(set(ctx.source.tolist()) - {police}):
        m = ctx.source == s
        a, b = int((m & ctx.in_year).sum()), int((m & ctx.in_prev).sum())
        partners.append(PartnerChange(
            source=s, label=ctx.config.section("sources")["labels"].get(s, s), count=a,
            previous=b, pct_change=100.0 * (a - b) / b if b else None))
    return CurrentPicture(
        source=police, monthly=MonthlyTotals(crime=tuple(matrix.loc["crime"].tolist()),
                                             asb=tuple(matrix.loc["asb"].tolist())),
        years=tuple(years), categories=tuple(CategoryChange(**r) for r in rows),
        totals=TotalsPair(crime=totals(crime), asb=totals(asb)), partners=tuple(partners))


def _data_sources(ctx: Context) -> list[DataSource]:
    labels = ctx.config.section("sources")["labels"]
    detail = set(ctx.config.section("sources")["detail"])
    out = []
    prec = ctx.frame["precision"].astype(str).to_numpy() if "precision" in ctx.frame else None
    for s in sorted(set(ctx.source.tolist())):
        m = ctx.source == s
        months = ctx.month[m]
        out.append(DataSource(
            source=s, label=labels.get(s, s), incidents=int(m.sum()),
            in_year=int((m & ctx.in_year).sum()),
            first_month=month_at(int(months.min())),
            last_month=month_at(int(months.max())),
            precision=tuple(sorted(set(prec[m].tolist()))) if prec is not None else (),
            located_share=float(ctx.located[m].mean()),
            with_reference_share=float(ctx.has_ref[m].mean()),
            role=("detail (repeats police.uk crimes; never added to them)" if s in detail
                  else "volume")))
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
        "but is not the licensed MoRiLE tool."
        + (" Measured dimensions are scored by each candidate's percentile among all "
           "candidates, so a score says how a candidate compares with the others, not how "
           "large it is on its own." if ctx.config.section("scoring")["method"] == "percentile"
           else ""),
        "Rates per 1,000 residents use the people who live in an area as the denominator. "
        "Where few people live and many visit or work (a town centre, a retail park, a "
        "station), that rate overstates the risk to any one person and puts such areas at the "
        "top of nearly every list; read the incidents per hectare shown beside it, which does "
        "not depend on who lives there.",
        f"In the public version, counts of 1 to {public:g} in sensitive categories (hate crime, "
        "domestic abuse, sexual offences, exploitation, modern slavery) are withheld for small "
        "areas, and no victim, complainant or address information is shown.",
    ]
    if ctx.population is None:
        items.append("Rates per 1,000 residents could not be given: populations are missing.")
    if police not in set(ctx.source.tolist()):
        items.append("No police.uk data were given: the current picture is incomplete.")
    return items


def area_outlines(ctx: Context) -> list[AreaOutline]:
    """The small areas' outlines for the maps, simplified (0.0002 degrees, topology kept),
    in code order; none when the run has no small areas."""
    if ctx.area_kind is None:
        return []
    table = ctx.inputs.areas[ctx.inputs.areas["kind"] == ctx.area_kind]
    out = []
    for _, row in table.sort_values("code").iterrows():
        geom = shapely.geometry.shape(row["geometry"]).simplify(0.0002, preserve_topology=True)
        out.append(AreaOutline(code=str(row["code"]), name=str(row["name"]),
                               geometry=dict(shapely.geometry.mapping(geom))))
    return out


def _target_progress(target: Mapping[str, Any], before: Mapping[str, Any],
                     now: CandidateMeasures) -> TargetProgress:
    """Last year's target against this year's value (``previous.entered.targets`` item)."""
    measure = target.get("measure", "incidents")
    field_now = {"incidents": "count", "harm": "harm", "repeat_rate": "repeat_rate"}[measure]
    base = target.get("baseline")
    if base is None:
        base = before.get(field_now)
    value = getattr(now, field_now)
    goal = None if base is None else base * (1 + target["change_pct"] / 100.0)
    met = None
    if goal is not None and value is not None:
        met = value <= goal if target["change_pct"] <= 0 else value >= goal
    return TargetProgress(measure=measure, change_pct=target["change_pct"], baseline=base,
                          target=goal, value=value, met=met, note=target.get("note", ""))


def _recommendation_progress(tracked: Sequence[TrackedRecommendation],
                             results: dict[str, CandidateResult]
                             ) -> tuple[RecommendationProgress, ...]:
    """Last year's recommendations as they stand now (the partnership's tracking), in order."""
    return tuple(RecommendationProgress(
        text=r.text, finding_id=r.finding,
        finding_name=results[r.finding].name if r.finding in results else None,
        status=r.status, owner=r.owner, agency=r.agency, due=r.due, reason=r.reason,
        latest_update=r.latest_update, latest_update_on=r.latest_update_on) for r in tracked)


def _progress(previous: Mapping[str, Any] | None, results: dict[str, CandidateResult],
              tracked: Sequence[TrackedRecommendation] = ()) -> PriorityProgress:
    """Last year's priorities (from its stored JSON) measured again this year, and where last
    year's recommendations stand (``tracked``)."""
    if not previous:
        return PriorityProgress(available=False)
    prev_cands = {c["id"]: c for c in previous.get("candidates", [])}
    targets: dict[str, list[Mapping[str, Any]]] = {}
    for t in (previous.get("entered") or {}).get("targets", []):
        targets.setdefault(t["candidate"], []).append(t)
    items = []
    for key in previous.get("priorities", []):
        before = prev_cands.get(key, {})
        bm = before.get("measures", {})
        now = results.get(key)
        then = {"id": key, "name": before.get("name", key), "previous_rank": before.get("rank"),
                "previous_count": bm.get("count"), "previous_harm": bm.get("harm"),
                "previous_repeat_rate": bm.get("repeat_rate")}
        if now is None:
            items.append(ProgressItem(**then, measured=False))
            continue
        nm = now.measures
        compared = bm.get("count") is not None
        items.append(ProgressItem(
            **then, measured=True, count=nm.count, rank=now.rank, harm=nm.harm,
            repeat_rate=nm.repeat_rate, finding=now.finding, compared=compared,
            pct_change=(100.0 * (nm.count - bm["count"]) / bm["count"]
                        if compared and bm["count"] else None),
            p_value=poisson_ctest(nm.count, int(bm["count"])).p_value if compared else None,
            targets=tuple(_target_progress(t, bm, nm) for t in targets.get(key, []))))
    return PriorityProgress(available=True, previous_period=previous.get("period"),
                            items=tuple(items),
                            recommendations=_recommendation_progress(tracked, results))


def _rising_item(result: CandidateResult) -> RisingItem:
    m = result.measures
    return RisingItem(id=result.id, name=result.name, kind=result.candidate.kind,
                      count=m.count, previous=m.previous, pct_change=m.pct_change, p_adj=m.p_adj,
                      trend_score=result.scores["trend"].score, rank=result.rank,
                      finding=result.finding, finding_plain=result.finding_plain)


def _recent_rise(m: CandidateMeasures, alpha: float) -> bool:
    """A significant rise in the latest quarter of a candidate not rising over the year."""
    return (m.recent_p_adj is not None and m.recent_p_adj <= alpha
            and (m.recent or 0) > (m.recent_last_year or 0) and m.direction != "rising")


def _new_hotspots(ctx: Context, examined: list[tuple[str, str, HotspotEvidence | None]]
                  ) -> list[NewHotspots]:
    """New Gi* hot cells of all police.uk crime, of police.uk ASB and of each examined
    candidate (``(id, name, evidence)``), for layers with a year before to compare."""
    police = ctx.config.section("sources")["police_uk"]
    overall = {
        "all police.uk crime": (ctx.source == police)
        & (ctx.category_key != "anti-social behaviour"),
        "police.uk anti-social behaviour": (ctx.source == police)
        & (ctx.category_key == "anti-social behaviour"),
    }
    names = dict(zip(ctx.area_codes, ctx.area_names, strict=True))
    layers: list[tuple[str | None, str, HotspotEvidence | None]] = [
        (None, label, hotspot_evidence(ctx, m)) for label, m in overall.items()]
    layers += examined
    out = []
    for key, label, ev in layers:
        if ev is None or ev.hot_previous is None:
            continue
        new = ev.new_hot
        areas_new = sorted({names[ctx.area_codes[a]] for a in ctx.cell_area[new] if a >= 0})
        out.append(NewHotspots(id=key, layer=label, hot_cells=ev.hot_cells,
                               new_hot_cells=int(new.sum()), areas=tuple(areas_new)))
    return out


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

    by_dimension: dict[str, dict[str, tuple[float, int]]] = {c.id: {} for c in candidates}
    if config.section("scoring")["method"] == "percentile":
        values = {c.id: measured_values(measures[c.id]) for c in candidates}
        for dim in ("volume", "harm", "concentration", "repeat", "vulnerability"):
            for key, found in percentile_scores({k: v[dim] for k, v in values.items()}).items():
                by_dimension[key][dim] = found
    scores = {c.id: score_dimensions(measures[c.id], {"concern": entered.concern.get(c.id),
                                                      "capacity": entered.capacity.get(c.id)},
                                     config, by_dimension[c.id]) for c in candidates}
    warnings += apply_casework_feeds(scores, {c.id: measures[c.id].count for c in candidates},
                                     inputs.casework, config.data.get("casework_feeds", ()))
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
    rising = [k for k in ranking.order if measures[k].direction == "rising"]
    rising.sort(key=lambda k: (-scores[k]["trend"].score, -(measures[k].pct_change or 0), k))
    emerging_ids = rising[: int(settings["emerging"])]
    evidence: dict[str, HotspotEvidence | None] = {}
    for key in dict.fromkeys(chosen + emerging_ids):
        evidence[key] = hotspot_evidence(ctx, volume[key])
        measures[key] = measures[key].with_repeat_evidence(repeat_evidence(ctx, detail[key]))

    results: dict[str, CandidateResult] = {}
    names = dict(zip(ctx.area_codes, ctx.area_names, strict=True))
    for c in candidates:
        m = measures[c.id]
        areas = tuple(area_table(ctx, volume[c.id]))
        ranked_areas = [a for a in areas if a.rank is not None]
        top_area = ranked_areas[0] if ranked_areas else None
        ev = evidence.get(c.id)
        hot_areas = hot_areas_by_rate(ev.areas, ranked_areas, names) if ev else []
        text = finding(c.name, m, hot_cells=ev.hot_cells if ev else None,
                       hot_share=ev.hot_share if ev else None, hot_areas=hot_areas,
                       top_area=top_area)
        plain = finding_plain(c.name, m, hot_cells=ev.hot_cells if ev else None,
                              top_area_name=top_area.name if top_area else None)
        results[c.id] = CandidateResult(
            candidate=c, measures=m, monthly=tuple(int(v) for v in matrix.loc[c.id].tolist()),
            scores=scores[c.id], risk_score=risk_score(plain_scores[c.id], config.weights),
            grid=grid_axes(plain_scores[c.id], config), rank=ranking.rank_of(c.id),
            rank_in_kind=kind_rank[c.id], rank_range=sens.ranges[c.id],
            areas=areas, hotspots=ev, finding=text,
            finding_plain=plain, priority=c.id in chosen, covered_by=covered_by.get(c.id))

    examined = list(dict.fromkeys(chosen + emerging_ids))
    emerging = Emerging(
        rising=tuple(_rising_item(results[k]) for k in rising), examined=tuple(emerging_ids),
        recent_rises=tuple(RecentRise(id=k, name=results[k].name, recent=measures[k].recent,
                                      recent_last_year=measures[k].recent_last_year,
                                      recent_p_adj=measures[k].recent_p_adj)
                           for k in ranking.order if _recent_rise(measures[k], config.alpha)),
        new_hotspots=tuple(_new_hotspots(ctx, [(k, results[k].name, evidence[k])
                                               for k in examined])),
        horizon=entered.horizon)
    recommendations = []
    for i, r in enumerate(entered.recommendations, start=1):
        target = results.get(r.finding)
        if target is None:
            warnings.append(f"recommendation {i} refers to unknown finding {r.finding!r}")
        recommendations.append(RecommendationRow(
            number=i, text=r.text, owner=r.owner, finding_id=r.finding,
            finding_name=target.name if target else None,
            finding=target.finding if target else None,
            finding_plain=target.finding_plain if target else None))
    for t in entered.targets:
        if t.candidate not in results:
            warnings.append(f"target for unknown candidate {t.candidate!r} ignored")

    ordered = tuple(results[k] for k in ranking.order)
    months = tuple(month_at(ctx.hist_start + i) for i in range(matrix.shape[1]))
    public_threshold = config.section("public")["suppress_below"]
    return AssessmentResult(
        period=inputs.period, comparison=inputs.period.previous(), synthetic=inputs.synthetic,
        scheme=config.scheme, config=config.to_dict(), area_kind=ctx.area_kind,
        population=ctx.population, months=months, candidates=ordered,
        priorities=tuple(chosen), sensitivity=sens,
        current_picture=_current_picture(ctx), emerging=emerging,
        recommendations=tuple(recommendations),
        progress=_progress(inputs.previous, results, inputs.tracked_recommendations),
        data_sources=tuple(_data_sources(ctx)),
        methods=METHODS, limitations=tuple(_limitations(ctx, public_threshold - 1)),
        warnings=tuple(warnings), entered=entered,
        area_outlines=tuple(area_outlines(ctx)), harm_weights=ctx.harm_table.to_dict(),
        grid={k: v for k, v in ctx.grid.to_dict().items()
              if k in ("kind", "x0", "y0", "cell_size", "nrows", "ncols", "crs")},
        casework=CaseworkFigures.of(inputs.casework),
    )


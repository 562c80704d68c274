"""Scoring and ranking of candidates: a MoRiLE-style weighted score, a 4x4 grid, sensitivity.

MoRiLE (Management of Risk in Law Enforcement; National Police Chiefs' Council, developed with
the National Crime Agency, 2014–) scores each threat on documented scales of harm and impact,
likelihood, and the organisation's position (capacity and capability to respond), with the
confidence in each judgement recorded. This module keeps that spirit without claiming to be
the licensed MoRiLE tool:

- eight dimensions, each on a documented 1–5 scale with stated cut points (``default.toml``):
  volume, harm, trend, concentration, repeat victimisation, vulnerability, community concern
  (entered) and capacity gap (``6 - entered capacity``, as MoRiLE's organisational position);
- with ``scoring.method = "percentile"`` (the default) the five measured dimensions score
  ``1 + 4 * (r - 1) / (n - 1)``, ``r`` the candidate's rank (average rank for equal values,
  ``scipy.stats.rankdata``) among the ``n`` candidates measured on that dimension: continuous,
  so candidates that all pass the top cut are told apart (with ``"bands"`` they would all score
  5 and tie); the band of the cuts is still named in each score's basis;
- a dimension that cannot be measured scores ``scoring.no_data_score`` and is listed as a gap;
- the risk score is ``100 * sum(w_d * (s_d - 1) / 4) / sum(w_d)`` (0 = lowest on every scale,
  100 = highest), ranked highest first (ties: harm score, then volume score, then id);
- the simpler scheme (``scheme = "grid4x4"``) is the familiar impact x likelihood matrix: each
  axis is the weighted mean of its dimensions' scores cut into 1–4, and the grid score is
  ``impact * likelihood`` (1–16) with named bands;
- sensitivity (one-at-a-time): every weight moved up and down by ``weight_change`` (20%) in
  turn, the ranking recomputed, and each candidate's best and worst rank reported (Saltelli et
  al. 2008, *Global Sensitivity Analysis: The Primer*, ch. 1, on one-at-a-time designs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scipy.stats import rankdata

from saferplaces.strategic.config import DIMENSIONS, AssessmentConfig
from saferplaces.strategic.measures import Measured
from saferplaces.strategic.records import Record

__all__ = [
    "DimensionScore",
    "GridPosition",
    "Ranking",
    "Sensitivity",
    "SensitivityMove",
    "grid_axes",
    "measured_values",
    "percentile_scores",
    "rank",
    "risk_score",
    "score_dimensions",
    "sensitivity",
    "trend_score",
]


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's score, the measured value behind it, and whether it was measured."""

    dimension: str
    score: float
    value: float | None
    measured: bool
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "score": self.score, "value": self.value,
                "measured": self.measured, "basis": self.basis}


def trend_score(direction: str, pct_change: float | None, rise_cuts: Sequence[float]) -> int:
    """1 significant fall; 2 no significant change or too little data; 3–5 significant rises
    by percentage change against ``rise_cuts``."""
    if direction == "falling":
        return 1
    if direction != "rising":
        return 2
    pct = pct_change if pct_change is not None and pct_change == pct_change else float("inf")
    return 3 + sum(1 for c in rise_cuts if pct >= c)


def measured_values(measures: Measured) -> dict[str, float | None]:
    """The five measured dimensions' values of one candidate (None where not measured)."""
    return {"volume": measures.rate, "harm": measures.harm_rate,
            "concentration": measures.concentration, "repeat": measures.repeat_rate,
            "vulnerability": measures.vulnerability_share}


def percentile_scores(values: Mapping[str, float | None]) -> dict[str, tuple[float, int]]:
    """``1 + 4 * (r - 1) / (n - 1)`` for each candidate with a value (``r`` its average rank
    among the ``n`` values, lowest 1), with ``n``; fewer than two values: no scores."""
    known = {k: float(v) for k, v in values.items() if v is not None and v == v}
    if len(known) < 2:
        return {}
    ranks = rankdata(list(known.values()), method="average")
    n = len(known)
    return {k: (1.0 + 4.0 * (float(r) - 1.0) / (n - 1), n)
            for k, r in zip(known, ranks, strict=True)}


def score_dimensions(measures: Measured, entered: Mapping[str, Any],
                     config: AssessmentConfig,
                     percentiles: Mapping[str, tuple[float, int]] | None = None
                     ) -> dict[str, DimensionScore]:
    """Scores 1–5 of every dimension for one candidate.

    ``measures`` gives ``rate``, ``harm_rate``, ``direction``, ``pct_change``,
    ``concentration``, ``repeat_rate``, ``vulnerability_share`` (all but direction may be None);
    ``entered`` holds ``concern`` and ``capacity`` as ``EnteredScore`` or None;
    ``percentiles`` (dimension → (score, n), from :func:`percentile_scores` over every
    candidate) replaces the band score of the measured dimensions it names.
    """
    no_data = float(config.section("scoring")["no_data_score"])
    defaults = config.section("scoring")["entered"]
    out: dict[str, DimensionScore] = {}
    for dim, value in measured_values(measures).items():
        scale = config.scale(dim)
        s = scale.score(value)
        if s is not None and percentiles and dim in percentiles:
            score, n = percentiles[dim]
            out[dim] = DimensionScore(
                dim, score, value, True,
                f"{scale.measure} (band {s} of 5; percentile score among {n} candidates)")
            continue
        out[dim] = DimensionScore(dim, float(s if s is not None else no_data), value,
                                  s is not None, scale.measure)
    rise_cuts = config.section("scoring")["scales"]["trend"]["rise_cuts"]
    out["trend"] = DimensionScore(
        "trend", float(trend_score(measures.direction, measures.pct_change, rise_cuts)),
        measures.pct_change, measures.direction != "insufficient data",
        config.section("scoring")["scales"]["trend"]["measure"])
    concern = entered.get("concern")
    out["concern"] = DimensionScore(
        "concern", float(concern.score) if concern else float(defaults["default_concern"]),
        float(concern.score) if concern else None, concern is not None,
        f"entered: {concern.source}" if concern else "not entered: default score")
    capacity = entered.get("capacity")
    gap = 6.0 - float(capacity.score) if capacity else float(defaults["default_capacity"])
    out["capacity"] = DimensionScore(
        "capacity", gap, float(capacity.score) if capacity else None, capacity is not None,
        (f"entered capacity {capacity.score:g} (score is the gap, 6 - capacity): "
         f"{capacity.source}") if capacity else "not entered: default score")
    return {d: out[d] for d in DIMENSIONS}


def risk_score(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """``100 * sum(w * (s - 1) / 4) / sum(w)``: 0 lowest on every scale, 100 highest."""
    total = sum(weights[d] for d in DIMENSIONS)
    return 100.0 * sum(weights[d] * (scores[d] - 1.0) / 4.0 for d in DIMENSIONS) / total


def _axis(scores: Mapping[str, float], dims: Sequence[str], weights: Mapping[str, float],
          cuts: Sequence[float]) -> tuple[int, float]:
    w = [weights[d] for d in dims]
    mean = (sum(wi * scores[d] for wi, d in zip(w, dims, strict=True)) / sum(w) if sum(w) > 0
            else sum(scores[d] for d in dims) / len(dims))
    return 1 + sum(1 for c in cuts if mean >= c), mean


@dataclass(frozen=True)
class GridPosition(Record):
    """A candidate on the 4x4 grid: ``impact`` and ``likelihood`` bands (1–4), ``grid_score``
    (their product, 1–16), its named ``band``, and the axes' weighted mean scores (1–5)."""

    impact: int
    likelihood: int
    grid_score: int
    band: str
    impact_mean: float
    likelihood_mean: float


def grid_axes(scores: Mapping[str, float], config: AssessmentConfig,
              weights: Mapping[str, float] | None = None) -> GridPosition:
    """Impact and likelihood (1–4), the grid score (1–16) and its band."""
    g = config.section("scoring")["grid4x4"]
    w = weights or config.weights
    impact, impact_mean = _axis(scores, g["impact"], w, g["axis_cuts"])
    likelihood, likelihood_mean = _axis(scores, g["likelihood"], w, g["axis_cuts"])
    value = impact * likelihood
    band = str(g["bands"][sum(1 for c in g["band_cuts"] if value >= c)])
    return GridPosition(impact=impact, likelihood=likelihood, grid_score=value, band=band,
                        impact_mean=impact_mean, likelihood_mean=likelihood_mean)


@dataclass(frozen=True)
class Ranking:
    """Candidates in rank order with their ranking value (risk score or grid score)."""

    order: tuple[str, ...]
    values: Mapping[str, float]
    scheme: str

    def rank_of(self, key: str) -> int:
        return self.order.index(key) + 1


def _ranking_value(scores: Mapping[str, float], config: AssessmentConfig,
                   weights: Mapping[str, float]) -> tuple[float, float]:
    risk = risk_score(scores, weights)
    if config.scheme == "grid4x4":
        return float(grid_axes(scores, config, weights).grid_score), risk
    return risk, risk


def rank(all_scores: Mapping[str, Mapping[str, float]], config: AssessmentConfig,
         weights: Mapping[str, float] | None = None) -> Ranking:
    """Rank candidates by the configured scheme (highest first).

    Ties break on the risk score (for the grid), then harm, then volume, then id.
    """
    w = dict(weights or config.weights)
    keyed = []
    for key, scores in all_scores.items():
        value, risk = _ranking_value(scores, config, w)
        keyed.append((-round(value, 9), -round(risk, 9), -scores["harm"], -scores["volume"], key,
                      value))
    keyed.sort()
    return Ranking(order=tuple(k[4] for k in keyed), values={k[4]: k[5] for k in keyed},
                   scheme=config.scheme)


@dataclass(frozen=True)
class SensitivityMove(Record):
    """One perturbation: ``dimension``'s weight times ``1 + change`` (``change`` a fraction,
    e.g. -0.2); ``candidates_moved`` (count) changed rank; ``top_changed``: the top set did."""

    dimension: str
    change: float
    candidates_moved: int
    top_changed: bool


@dataclass(frozen=True)
class Sensitivity:
    """How the ranking moves when each weight moves by ``weight_change`` (one at a time).

    ``ranges`` maps candidate id → (best rank, worst rank) over the base run and every
    perturbed run; ``moves`` lists, per perturbation, how many candidates changed rank and
    whether the top ``top_n`` set changed.
    """

    weight_change: float
    base_order: tuple[str, ...]
    ranges: Mapping[str, tuple[int, int]]
    moves: tuple[SensitivityMove, ...] = field(default_factory=tuple)
    top_n: int = 5

    @property
    def stable_top(self) -> bool:
        """True when no perturbation changed the set of the top ``top_n`` candidates."""
        return not any(m.top_changed for m in self.moves)

    def to_dict(self) -> dict[str, Any]:
        return {"weight_change": self.weight_change, "top_n": self.top_n,
                "stable_top": self.stable_top,
                "ranges": {k: {"best": v[0], "worst": v[1]} for k, v in self.ranges.items()},
                "moves": [m.to_dict() for m in self.moves]}


def sensitivity(all_scores: Mapping[str, Mapping[str, float]], config: AssessmentConfig, *,
                weight_change: float | None = None, top_n: int | None = None) -> Sensitivity:
    """One-at-a-time sensitivity of the ranking to each weight, up and down."""
    delta = float(config.section("scoring")["sensitivity"]["weight_change"]
                  if weight_change is None else weight_change)
    top = int(config.section("assessment")["priorities"] if top_n is None else top_n)
    base = rank(all_scores, config)
    ranges = {k: [base.rank_of(k), base.rank_of(k)] for k in base.order}
    moves = []
    base_top = set(base.order[:top])
    for dim in DIMENSIONS:
        for sign in (+1, -1):
            weights = config.weights
            weights[dim] = weights[dim] * (1.0 + sign * delta)
            if sum(weights.values()) <= 0:
                continue
            r = rank(all_scores, config, weights)
            changed = 0
            for k in r.order:
                pos = r.rank_of(k)
                lo, hi = ranges[k]
                ranges[k] = [min(lo, pos), max(hi, pos)]
                changed += pos != base.rank_of(k)
            moves.append(SensitivityMove(dimension=dim, change=sign * delta,
                                         candidates_moved=changed,
                                         top_changed=set(r.order[:top]) != base_top))
    return Sensitivity(weight_change=delta, base_order=base.order,
                       ranges={k: (v[0], v[1]) for k, v in ranges.items()},
                       moves=tuple(moves), top_n=top)

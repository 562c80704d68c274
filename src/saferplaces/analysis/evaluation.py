"""Did the operation work? Before/after tests against comparison areas.

- :func:`wdd` — the Weighted Displacement Difference test (Wheeler & Ratcliffe 2018): a
  difference-in-differences of counts with a Poisson (normal-approximation) standard error,
  for one or many treated/control areas, optional displacement buffers, optional harm weights
  per crime type, and pre/post periods of different lengths.
- :func:`wdq` — the Weighted Displacement Quotient (Bowers & Johnson 2003): buffer change
  relative to treatment change, both against a control, with a seeded parametric bootstrap
  interval, and the total net effect.
- :func:`evaluate_intervention` — builds the counts for treatment, control and buffer areas from
  the incident table and runs the tests, plus the E-test (Krishnamoorthy & Thomson 2004) of
  before vs after counts in each area. The periods themselves (month-only data, widening to
  whole months) are settled in :mod:`saferplaces.analysis.evaluation_periods`.

References
----------
Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to
evaluate place based crime interventions. *Crime Science* 7, 11.
Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion of
benefit effects of crime prevention activity. *Journal of Quantitative Criminology* 19, 275–301.
Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from saferplaces.analysis.classification import harmonise_categories, load_scheme
from saferplaces.analysis.evaluation_periods import MonthOnlyDataError, date_span, settle_periods
from saferplaces.analysis.frame import as_local
from saferplaces.analysis.harm import HarmWeights, load_weights, normalise_category
from saferplaces.analysis.harm_history import inherited_weights
from saferplaces.analysis.jsonable import json_value
from saferplaces.analysis.permutation import Seed, as_generator, seed_record
from saferplaces.analysis.stats import PoissonTestResult, poisson_etest

__all__ = [
    "WDDResult",
    "WDQResult",
    "InterventionEvaluation",
    "wdd",
    "wdq",
    "interpret_wdq",
    "evaluate_intervention",
    "MonthOnlyDataError",
    "poisson_etest",
]

ArrayLike = float | int | Sequence[float] | np.ndarray
#: The WDQ's counts: float64 scalars, or arrays of bootstrap draws.
WdqValue = TypeVar("WdqValue", np.float64, NDArray[np.float64])


@overload
def _counts(values: None, name: str) -> None: ...


@overload
def _counts(values: ArrayLike, name: str) -> NDArray[np.float64]: ...


def _counts(values: ArrayLike | None, name: str) -> NDArray[np.float64] | None:
    """``values`` as a 1-D float array of counts (``None`` stays ``None``); ``ValueError``
    naming ``name`` for negative, missing or 2-D counts."""
    if values is None:
        return None
    a = np.atleast_1d(np.asarray(values, dtype=float))
    if a.ndim != 1 or np.isnan(a).any() or (a < 0).any():
        raise ValueError(f"{name}: counts must be non-negative numbers (scalar or 1-D)")
    return a


@dataclass(frozen=True)
class WDDResult:
    """Weighted Displacement Difference: estimates, standard errors and the inputs used.

    Negative estimates mean fewer incidents than the control trend predicts (a reduction).
    ``local`` is the treated-area difference-in-differences, ``displacement`` the buffer's
    (negative = diffusion of benefit, positive = displacement), ``total`` their sum.
    """

    local: float
    local_se: float
    displacement: float
    displacement_se: float
    total: float
    total_se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float
    time_weights: tuple[float, float]
    weights: tuple[float, ...] | None
    control_reused_for_displacement: bool
    counts: dict[str, list[float]]
    method: str = ("Weighted Displacement Difference test (Wheeler & Ratcliffe 2018); "
                   "Poisson variance, normal approximation")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {k: json_value(getattr(self, k)) for k in self.__dataclass_fields__}


def wdd(
    treated_before: ArrayLike,
    treated_after: ArrayLike,
    control_before: ArrayLike,
    control_after: ArrayLike,
    displace_before: ArrayLike | None = None,
    displace_after: ArrayLike | None = None,
    displace_control_before: ArrayLike | None = None,
    displace_control_after: ArrayLike | None = None,
    *,
    weights: ArrayLike | None = None,
    time_weights: tuple[float, float] = (1.0, 1.0),
    alpha: float = 0.05,
) -> WDDResult:
    """Weighted Displacement Difference test (Wheeler & Ratcliffe 2018).

    Method: with ``Δ = after/t_after - before/t_before`` for each area (``time_weights``
    ``(t_before, t_after)`` turn counts into rates per unit time when the periods differ),
    ``local = ΔT - ΔC``, ``displacement = ΔD - ΔDC`` and ``WDD = local + displacement``. Counts
    are treated as independent Poisson, so the variance is the sum of the counts, each divided
    by its squared time weight; ``Z = WDD / SE`` and the ``1 - alpha`` interval is
    ``WDD ± z_(1-alpha/2) SE``.

    Arrays: each count may be a scalar or a 1-D array. Without ``weights`` arrays are summed
    (several treated or control areas pooled: the sum of the per-area differences, with the
    sum of their variances), and treated and control arrays may differ in length. With
    ``weights`` (one per element, e.g. harm weights per crime type — the harm-weighted WDD),
    all arrays must have the same length and the estimate is ``Σ w_k WDD_k`` with variance
    ``Σ w_k² Var_k``.

    Displacement: give ``displace_before/after`` for the buffer. Its control defaults to the
    treated area's control, in which case the control change enters twice
    (``WDD = ΔT + ΔD - 2ΔC``) and its variance four times; give
    ``displace_control_before/after`` for a separate buffer control.

    Published check (Wheeler & Ratcliffe 2018): treated 207→110, control 308→318, buffer
    178→157, buffer control 150→140 give WDD = -118, SE = √1568, Z = -2.98, 95% CI (-196, -40).
    """
    tb, ta = _counts(treated_before, "treated_before"), _counts(treated_after, "treated_after")
    cb, ca = _counts(control_before, "control_before"), _counts(control_after, "control_after")
    db, da = _counts(displace_before, "displace_before"), _counts(displace_after, "displace_after")
    dcb = _counts(displace_control_before, "displace_control_before")
    dca = _counts(displace_control_after, "displace_control_after")
    if (db is None) != (da is None) or (dcb is None) != (dca is None):
        raise ValueError("give both before and after counts for each area")
    if dcb is not None and db is None:
        raise ValueError("a displacement control needs displacement (buffer) counts")
    t0, t1 = (float(time_weights[0]), float(time_weights[1]))
    if not (t0 > 0 and t1 > 0):
        raise ValueError("time weights must be positive")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    pairs = {"treated": (tb, ta), "control": (cb, ca), "displace": (db, da),
             "displace_control": (dcb, dca)}
    for name, (b, a) in pairs.items():
        if b is not None and a is not None and b.shape != a.shape:
            raise ValueError(f"{name}: before and after must have the same length")

    w: np.ndarray | None = None
    if weights is not None:
        w = np.atleast_1d(np.asarray(weights, dtype=float))
        lengths = {a.size for b, a in pairs.values() if a is not None}
        if lengths != {w.size}:
            raise ValueError("with weights, every count array must have one entry per weight")
        if np.isnan(w).any() or (w < 0).any():
            raise ValueError("weights must be non-negative numbers")

    def change(b: np.ndarray, a: np.ndarray) -> np.ndarray:
        return a / t1 - b / t0

    def variance(b: np.ndarray, a: np.ndarray) -> np.ndarray:
        return a / t1**2 + b / t0**2

    def wsum(x: np.ndarray, power: int = 1) -> float:
        return float(np.sum(x)) if w is None else float(np.sum(w**power * x))

    reuse = db is not None and dcb is None
    local = wsum(change(tb, ta)) - wsum(change(cb, ca))
    local_var = wsum(variance(tb, ta), 2) + wsum(variance(cb, ca), 2)
    # The checks above make each before/after pair both given or both None, and a buffer
    # control imply a buffer, so these tests are "no buffer" and "reuse".
    if db is None or da is None:
        disp, disp_var, total_var = 0.0, 0.0, local_var
    elif dcb is None or dca is None:
        disp = wsum(change(db, da)) - wsum(change(cb, ca))
        disp_var = wsum(variance(db, da), 2) + wsum(variance(cb, ca), 2)
        total_var = wsum(variance(tb, ta), 2) + wsum(variance(db, da), 2) + 4 * wsum(
            variance(cb, ca), 2)
    else:
        disp = wsum(change(db, da)) - wsum(change(dcb, dca))
        disp_var = wsum(variance(db, da), 2) + wsum(variance(dcb, dca), 2)
        total_var = local_var + disp_var
    total = local + disp
    se = float(np.sqrt(total_var))
    z = total / se if se > 0 else float("nan")
    p = float(2 * stats.norm.sf(abs(z))) if se > 0 else float("nan")
    q = float(stats.norm.ppf(1 - alpha / 2))
    counts = {f"{name}_{when}": arr.tolist()
              for name, (b, a) in pairs.items() if b is not None and a is not None
              for when, arr in (("before", b), ("after", a))}
    return WDDResult(
        local=local, local_se=float(np.sqrt(local_var)), displacement=disp,
        displacement_se=float(np.sqrt(disp_var)), total=total, total_se=se, z=z, p_value=p,
        ci_low=total - q * se, ci_high=total + q * se, alpha=alpha, time_weights=(t0, t1),
        weights=None if w is None else tuple(float(x) for x in w),
        control_reused_for_displacement=reuse, counts=counts,
    )


def interpret_wdq(success_measure: float, wdq_value: float) -> str:
    """Bowers & Johnson's (2003) reading of a WDQ value.

    Only meaningful when the success measure is negative (the treated area improved relative to
    the control): WDQ > 1 diffusion of benefit greater than the direct effect; 0 < WDQ <= 1
    diffusion of benefit; 0 no displacement or diffusion; -1 <= WDQ < 0 some displacement,
    smaller than the direct benefit; WDQ < -1 displacement greater than the direct benefit.
    """
    if np.isnan(success_measure) or success_measure >= 0:
        return "no reduction in the treated area relative to the control: WDQ not interpretable"
    if np.isnan(wdq_value):
        return "WDQ undefined (no buffer incidents or an empty control)"
    if wdq_value > 1:
        return "diffusion of benefit greater than the direct effect"
    if wdq_value > 0:
        return "diffusion of benefit"
    if wdq_value == 0:
        return "no displacement or diffusion"
    if wdq_value >= -1:
        return "displacement, smaller than the direct benefit (net benefit)"
    return "displacement greater than the direct benefit (net harm)"


@dataclass(frozen=True)
class WDQResult:
    """Weighted Displacement Quotient with bootstrap intervals and the total net effect.

    ``success_measure = R_a/C_a - R_b/C_b`` (negative = the treated area improved against the
    control); ``buffer_measure = D_a/C_a - D_b/C_b``; ``wdq = buffer_measure /
    success_measure``; ``net_effect`` = incidents prevented (positive) in treated plus buffer
    areas relative to the control trend. Intervals are bootstrap percentiles;
    ``share_no_success`` is the share of bootstrap draws whose success measure was not
    negative, a warning that the WDQ is unstable when large.
    """

    wdq: float
    success_measure: float
    buffer_measure: float
    net_effect: float
    interpretation: str
    ci_low: float
    ci_high: float
    net_effect_ci_low: float
    net_effect_ci_high: float
    share_no_success: float
    share_undefined: float
    n_boot: int
    seed: int | None
    alpha: float
    counts: dict[str, float]
    method: str = ("Weighted Displacement Quotient and total net effect (Bowers & Johnson 2003); "
                   "parametric Poisson bootstrap percentile interval")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {k: json_value(getattr(self, k)) for k in self.__dataclass_fields__}


def _wdq_parts(rb: WdqValue, ra: WdqValue, cb: WdqValue, ca: WdqValue, db: WdqValue,
               da: WdqValue) -> tuple[WdqValue, WdqValue, WdqValue, WdqValue]:
    """Success measure, buffer measure, WDQ and total net effect (Bowers & Johnson 2003) for
    one set of counts (float64 scalars) or for bootstrap draws (float64 arrays)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        sm = ra / ca - rb / cb
        bm = da / ca - db / cb
        q = bm / sm
        ratio = ca / cb
        net = (rb * ratio - ra) + (db * ratio - da)
    return sm, bm, q, net


def wdq(
    treated_before: float,
    treated_after: float,
    control_before: float,
    control_after: float,
    buffer_before: float,
    buffer_after: float,
    *,
    n_boot: int = 2000,
    alpha: float = 0.05,
    seed: Seed = None,
) -> WDQResult:
    """Weighted Displacement Quotient (Bowers & Johnson 2003) with a bootstrap interval.

    Method: ``SM = R_a/C_a - R_b/C_b`` (success measure), ``BM = D_a/C_a - D_b/C_b`` (buffer
    measure), ``WDQ = BM / SM`` for treated area R, buffer D and control C, before (b) and after
    (a); read with :func:`interpret_wdq`. Total net effect
    ``TNE = (R_b C_a/C_b - R_a) + (D_b C_a/C_b - D_a)``: incidents prevented in the treated and
    buffer areas given the control's trend.

    Interval: the WDQ has no simple sampling distribution, so a parametric bootstrap (Efron &
    Tibshirani 1993) redraws each of the six counts independently from a Poisson distribution
    with the observed count as its mean, ``n_boot`` times, recomputes WDQ and TNE, and reports
    the ``alpha/2`` and ``1 - alpha/2`` percentiles over the draws where they are defined. The
    draws come from ``numpy.random.default_rng(seed)``, so a seed makes the result repeatable.
    """
    if n_boot < 1:
        raise ValueError("n_boot must be positive")
    obs = np.array([treated_before, treated_after, control_before, control_after,
                    buffer_before, buffer_after], dtype=float)
    if np.isnan(obs).any() or (obs < 0).any():
        raise ValueError("counts must be non-negative numbers")
    rb, ra, cb, ca, db, da = obs
    parts = _wdq_parts(*(np.float64(v) for v in obs))
    sm, bm, q, net = (float(x) if np.isfinite(x) else float("nan") for x in parts)
    rng = as_generator(seed)
    draws = rng.poisson(obs[:, None], size=(6, n_boot)).astype(float)
    b_sm, _, b_q, b_net = _wdq_parts(*draws)
    defined = np.isfinite(b_q)
    lo, hi = 100 * alpha / 2, 100 * (1 - alpha / 2)
    q_ci = (np.percentile(b_q[defined], [lo, hi]) if defined.any()
            else np.array([np.nan, np.nan]))
    net_ok = np.isfinite(b_net)
    net_ci = (np.percentile(b_net[net_ok], [lo, hi]) if net_ok.any()
              else np.array([np.nan, np.nan]))
    finite_sm = np.isfinite(b_sm)
    return WDQResult(
        wdq=q, success_measure=sm, buffer_measure=bm,
        net_effect=net,
        interpretation=("undefined: the control area has no incidents in one of the periods"
                        if cb == 0 or ca == 0 else interpret_wdq(sm, q)),
        ci_low=float(q_ci[0]), ci_high=float(q_ci[1]),
        net_effect_ci_low=float(net_ci[0]), net_effect_ci_high=float(net_ci[1]),
        share_no_success=float(np.mean(~finite_sm | (b_sm >= 0))),
        share_undefined=float(np.mean(~defined)), n_boot=int(n_boot),
        seed=seed_record(seed, generator=None), alpha=alpha,
        counts=dict(zip(("treated_before", "treated_after", "control_before",
                         "control_after", "buffer_before", "buffer_after"),
                        (float(v) for v in obs), strict=True)),
    )


@dataclass(frozen=True)
class InterventionEvaluation:
    """Counts per area group and period, and the tests run on them.

    ``counts`` has one row per category (plus ``"All"``) and columns
    ``<group>_before`` / ``<group>_after`` for each group given. ``etests`` holds the E-test of
    after vs before (rates per day) for each group. ``harm_wdd`` is the harm-weighted WDD
    over the weighted categories; ``unweighted_categories`` lists those left out of it.
    """

    before: tuple[str, str]
    after: tuple[str, str]
    before_days: int
    after_days: int
    groups: dict[str, list[str]]
    categories: tuple[str, ...] | None
    counts: pd.DataFrame
    wdd: WDDResult
    wdq: WDQResult | None
    etests: dict[str, PoissonTestResult]
    harm_wdd: WDDResult | None
    harm_weights_name: str | None
    unweighted_categories: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "before": list(self.before), "after": list(self.after),
            "before_days": self.before_days, "after_days": self.after_days,
            "groups": {k: list(v) for k, v in self.groups.items()},
            "categories": None if self.categories is None else list(self.categories),
            "counts": [{k: json_value(v) for k, v in r.items()}
                       for r in self.counts.reset_index().to_dict(orient="records")],
            "wdd": self.wdd.to_dict(), "wdq": None if self.wdq is None else self.wdq.to_dict(),
            "etests": {k: v.to_dict() for k, v in self.etests.items()},
            "harm_wdd": None if self.harm_wdd is None else self.harm_wdd.to_dict(),
            "harm_weights_name": self.harm_weights_name,
            "unweighted_categories": list(self.unweighted_categories),
            "notes": list(self.notes),
        }


def _codes(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _harmonise_types(data: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                     cats: tuple[str, ...] | None) -> tuple[pd.DataFrame, set[str] | None, list[str]]:
    """police.uk types renamed or split between ``start`` and ``end`` counted as one series
    (``analysis.classification``): the data relabelled, the categories wanted, the notes.
    Raises ``ValueError`` when a category asked for has a series break inside the periods."""
    scheme = load_scheme("police-uk")
    police = (data["source"] == scheme.source_name).to_numpy() if "source" in data.columns else (
        np.ones(len(data), dtype=bool))
    months = data["month"] if "month" in data.columns else data["_when"]
    h = harmonise_categories(data["category"].astype(str).to_numpy()[police],
                             months.to_numpy()[police], scheme=scheme, first=start, last=end)
    if h.labels:
        data = data.copy()
        data.loc[police, "category"] = h.apply(
            data.loc[police, "category"].astype(str).to_numpy()).to_numpy()
    if cats is None:
        return data, None, h.notes()
    series = sorted({h.label(c) for c in cats})
    notes = [n for n in dict.fromkeys(h.series_note(s) for s in series) if n]
    broken = [s for s in series if s in h.breaks]
    if broken:
        raise ValueError(" ".join(notes) + " Choose periods on one side of the change to compare "
                         f"{', '.join(repr(s) for s in broken)}.")
    return data, {normalise_category(s) for s in series}, notes


def _scaling_note(before_days: int, after_days: int) -> str:
    """The note for periods of unequal length: how the WDD scales the after-period counts."""
    return (f"The before and after periods differ in length ({before_days} and {after_days} days): "
            f"the WDD and harm-weighted WDD compare rates per day, scaling after-period counts by "
            f"{before_days}/{after_days} (= {before_days / after_days:.4g}), so their estimates are "
            f"in incidents per {before_days}-day before period; the E-tests use the days as exposures.")


def _harm_by_recorded_type(long: pd.DataFrame, columns: pd.MultiIndex, lookup: Mapping[str, float],
                           notes: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Counts per recorded type (rows; ``group_period`` columns) and each type's harm weight
    (NaN when none): a type police.uk retired takes its successors' weight
    (``analysis.harm_history``), so a combined series is weighted type by type before it is
    summed. A note names every weight taken that way."""
    table = long.groupby(["recorded", "group", "period"]).size().unstack(["group", "period"])
    table = table.reindex(columns=columns, fill_value=0).fillna(0).astype(np.int64)
    table.columns = [f"{g}_{p}" for g, p in table.columns]
    table.index.name = "category"
    inherited = inherited_weights(table.index, lookup)
    if inherited:
        notes.append("harm weights for types police.uk no longer uses: "
                     + "; ".join(w.note() for w in inherited.values()))
    weights = np.array([inherited[c].weight if c in inherited else lookup.get(normalise_category(c), np.nan)
                        for c in table.index], dtype=float)
    return table, weights


def evaluate_intervention(
    df: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    treatment: str | Iterable[str],
    control: str | Iterable[str],
    buffer: str | Iterable[str] | None = None,
    buffer_control: str | Iterable[str] | None = None,
    before: tuple[Any, Any],
    after: tuple[Any, Any],
    area_kind: str | None = None,
    categories: Iterable[str] | None = None,
    harm: HarmWeights | Mapping[str, float] | str | Path | None = None,
    date_column: str = "occurred",
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: Seed = None,
    whole_months: bool = False,
) -> InterventionEvaluation:
    """Evaluate an operation: WDD, WDQ (with a buffer) and E-tests from the incident table.

    Method: counts incidents (optionally of some ``categories``) whose date falls within the
    ``before`` and ``after`` periods (inclusive dates) in the treatment, control, buffer and
    buffer-control areas — each a code or list of codes from ``membership``
    (``incident_id, area_kind, area_code``), of ``area_kind`` when given. An incident counts
    once per group even if it lies in several of that group's areas. Then:

    - :func:`wdd` (Wheeler & Ratcliffe 2018) on the totals, with time weights
      ``(1, after_days / before_days)`` so unequal periods compare rates (the estimate is in
      incidents per before-period);
    - when ``harm`` is given, the harm-weighted WDD over categories (weights per category;
      categories without a weight are listed in ``unweighted_categories`` and left out);
    - :func:`wdq` (Bowers & Johnson 2003) when a ``buffer`` is given;
    - the E-test (Krishnamoorthy & Thomson 2004) of after vs before in each area group, with
      exposures equal to the period lengths in days.

    Dates are local (Europe/London) dates: ``date_column`` holds local wall-clock times
    (time-zone-aware values are converted), so a report at 00:30 BST on 1 June counts on 1 June.

    Rows of ``precision`` "month" (police.uk) carry only their month, and count in a period
    only when their whole month lies in it. A period that starts or ends part-way through a
    month holding such rows raises :class:`MonthOnlyDataError` (naming the sources and the
    months cut) — unless ``whole_months`` is set, when both periods are widened to whole
    months for every source and a note says so. Overlapping periods raise ``ValueError``.
    """
    groups = {"treatment": _codes(treatment), "control": _codes(control)}
    if buffer is not None:
        groups["buffer"] = _codes(buffer)
    if buffer_control is not None:
        if buffer is None:
            raise ValueError("a buffer control needs a buffer")
        groups["buffer_control"] = _codes(buffer_control)
    for name, codes in groups.items():
        if not codes:
            raise ValueError(f"no area codes given for {name}")
    names = list(groups)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = set(groups[a]) & set(groups[b])
            if shared:
                raise ValueError(f"areas {sorted(shared)} are in both {a} and {b}")
    when = as_local(df[date_column]).dt.normalize()
    # the type as recorded, kept through harmonisation: harm weights are per recorded type
    data = df.assign(_when=when.to_numpy(), _recorded=df["category"].astype(str).to_numpy())
    cats = None if categories is None else tuple(categories)
    spans = (*date_span(before, "before"), *date_span(after, "after"))
    data, wanted, notes = _harmonise_types(data, min(spans), max(spans), cats)
    if wanted is not None:
        data = data[data["category"].astype(str).map(normalise_category).isin(wanted)]
    periods = settle_periods(data, {"before": date_span(before, "before"),
                                    "after": date_span(after, "after")}, whole_months, notes)
    (b0, b1), (a0, a1) = periods["before"], periods["after"]
    before_days, after_days = (b1 - b0).days + 1, (a1 - a0).days + 1
    period = np.where((data["_when"] >= b0) & (data["_when"] <= b1), "before",
                      np.where((data["_when"] >= a0) & (data["_when"] <= a1), "after", ""))
    data = data.assign(_period=period)
    data = data[data["_period"] != ""]

    m = membership if area_kind is None else membership[membership["area_kind"] == area_kind]
    pieces = []
    for name, codes in groups.items():
        ids = pd.Index(m.loc[m["area_code"].astype(str).isin(codes), "incident_id"].unique())
        sub = data[data["id"].isin(ids)]
        pieces.append(pd.DataFrame({"group": name, "category": sub["category"].astype(str),
                                    "period": sub["_period"], "recorded": sub["_recorded"]}))
    long = pd.concat(pieces, ignore_index=True)
    table = long.groupby(["category", "group", "period"]).size().unstack(["group", "period"])
    columns = pd.MultiIndex.from_product([names, ["before", "after"]])
    table = table.reindex(columns=columns, fill_value=0).fillna(0).astype(np.int64)
    table.columns = [f"{g}_{p}" for g, p in table.columns]
    table.index.name = "category"
    totals = table.sum(axis=0)
    counts = pd.concat([table, totals.to_frame("All").T.rename_axis("category")])

    tw = (1.0, after_days / before_days)
    if before_days != after_days:
        notes.append(_scaling_note(before_days, after_days))

    def col(group: str, when: str, frame: pd.DataFrame | pd.Series = totals) -> Any:
        return frame[f"{group}_{when}"]

    disp_args: list[Any] = [None, None, None, None]
    if "buffer" in groups:
        disp_args[:2] = [col("buffer", "before"), col("buffer", "after")]
    if "buffer_control" in groups:
        disp_args[2:] = [col("buffer_control", "before"), col("buffer_control", "after")]
    wdd_total = wdd(col("treatment", "before"), col("treatment", "after"),
                    col("control", "before"), col("control", "after"), *disp_args,
                    time_weights=tw, alpha=alpha)

    harm_result: WDDResult | None = None
    harm_name: str | None = None
    unweighted: tuple[str, ...] = ()
    if harm is not None:
        hw = harm if isinstance(harm, HarmWeights) else (
            HarmWeights(name="custom", weights=dict(harm), status="user-supplied")
            if isinstance(harm, Mapping) else load_weights(harm))
        harm_name = hw.name
        htable, weight_of = _harm_by_recorded_type(long, columns, hw.lookup(), notes)
        ok = ~pd.isna(np.asarray(weight_of, dtype=float))
        unweighted = tuple(htable.index[~ok])
        if unweighted:
            notes.append(f"harm-weighted WDD leaves out {len(unweighted)} categories with no "
                         f"weight in '{hw.name}': {', '.join(unweighted)}")
        if ok.any():
            t = htable[ok]
            wvals = np.asarray(weight_of, dtype=float)[ok]
            hargs: list[Any] = [None, None, None, None]
            if "buffer" in groups:
                hargs[:2] = [col("buffer", "before", t), col("buffer", "after", t)]
            if "buffer_control" in groups:
                hargs[2:] = [col("buffer_control", "before", t),
                             col("buffer_control", "after", t)]
            harm_result = wdd(col("treatment", "before", t), col("treatment", "after", t),
                              col("control", "before", t), col("control", "after", t), *hargs,
                              weights=wvals, time_weights=tw, alpha=alpha)

    wdq_result: WDQResult | None = None
    if "buffer" in groups:
        # Every WDQ term divides an area's count by the control's count for the same period,
        # so unequal period lengths cancel and raw counts are used.
        wdq_result = wdq(col("treatment", "before"), col("treatment", "after"),
                         col("control", "before"), col("control", "after"),
                         col("buffer", "before"), col("buffer", "after"),
                         n_boot=n_boot, alpha=alpha, seed=seed)

    etests = {
        name: poisson_etest(int(col(name, "after")), int(col(name, "before")),
                            exposure1=float(after_days), exposure2=float(before_days))
        for name in groups
    }
    if int(totals.sum()) < 50:
        notes.append("fewer than 50 incidents in all: the WDD's normal approximation is rough")
    return InterventionEvaluation(
        before=(str(b0.date()), str(b1.date())), after=(str(a0.date()), str(a1.date())),
        before_days=before_days, after_days=after_days, groups=groups, categories=cats,
        counts=counts, wdd=wdd_total, wdq=wdq_result, etests=etests, harm_wdd=harm_result,
        harm_weights_name=harm_name, unweighted_categories=unweighted, notes=tuple(notes),
    )

"""Synthetic control: what the treated area would have seen without the operation.

Method (Abadie, Diamond & Hainmueller 2010). The synthetic area is a weighted average of
untreated donor areas with weights ``w_j >= 0`` summing to 1, chosen to reproduce the treated
area over the pre-period. The predictors are the pre-period monthly outcomes themselves with
equal importance (ADH's ``V`` the identity), a common choice when the outcome path is long
(Abadie 2021, section 3.2). What is fitted is set by ``fit``:

- ``"ratio"`` (the default): each area's monthly counts divided by its own pre-period mean
  ``m_j`` (an index, 1 = its usual month); the weights minimise
  ``Σ_{t in pre} (Y_1t/m_1 - Σ_j w_j Y_jt/m_j)²`` and the synthetic count is
  ``m_1 · Σ_j w_j Y_jt/m_j``. Why: a convex mix of counts can never exceed the busiest donor,
  so an area busier than every donor — the usual case once areas treated by something else
  are rightly left out of the pool — is fitted by the single busiest donor with a large error
  and a meaningless estimate (Abadie 2021, section 4, asks the treated unit to lie in the
  donors' range and advises rescaling outcomes to correct for size, as ADH 2010 fit
  per-capita rates). Recorded crime in an area moves proportionally to its level (the seasons
  and town-wide trends scale with it), so dividing by the pre-period mean removes the size and
  keeps the shape, seasons included. It is the intercept-shifted estimator below in
  proportional rather than additive form.
- ``"demeaned"``: each area's counts minus its own pre-period mean; synthetic count
  ``m_1 + Σ_j w_j (Y_jt - m_j)``: the demeaned (intercept-shifted) synthetic control of
  Doudchenko & Imbens (2016) and Ferman & Pinto (2021), which allows a constant level
  difference. It cannot scale a donor's swings, so a busy area's larger seasonal swing stays
  in its error (on the demo town, pre-period error 13 incidents a month where ``"ratio"``
  has 8, about the Poisson noise of a 69-a-month area).
- ``"levels"``: the counts themselves, as ADH (2010): ``Σ_j w_j Y_jt``.

Every placebo is fitted with the same ``fit``, so the placebo distribution describes the
estimator actually used. With ``"ratio"`` a donor without incidents in the pre-period cannot
be indexed and is left out (with a note). The programme is solved with SciPy's SLSQP
(sequential least squares with the equality and bound constraints exact), from equal weights,
on series scaled by the target's mean; the tests check it against ``scipy.optimize.nnls`` on
the augmented system. When the treated area lies inside the donors' convex hull the weights
may not be unique, though the synthetic pre-period path is (Abadie & L'Hour 2021).

Effect: ``observed - synthetic`` summed over the post-period, as a count and as a percentage
of the synthetic count. Fit: the root mean squared prediction error (RMSPE) of the gap over
the pre-period, in incidents a month whatever ``fit``.

Inference, placebo in space (ADH 2010, section 4): each donor in turn is treated as if it had
had the operation, with the other donors as its donor pool (the treated area is never a donor).

- **p-value**: the ratio post-RMSPE / pre-RMSPE of the treated area is ranked among the
  placebos'; ``p = (r + 1) / (J + 1)`` where ``r`` of the ``J`` placebos have a ratio at least
  as large (the permutation p-value of :mod:`saferplaces.analysis.permutation`). It cannot go
  below ``1 / (J + 1)``: fewer than 19 donors can never give ``p < 0.05``.
- **interval**: each placebo's post-period gap divided by its own pre-RMSPE is a draw of the
  estimator's studentised error under no effect. If the treated area's error
  ``(effect - θ) / pre-RMSPE`` is exchangeable with them (Firpo & Possebom 2018 invert the
  placebo test the same way, for a constant effect ``θ``), it falls between the ``l``-th and
  ``u``-th smallest of ``J'`` placebo errors ``z`` with probability ``(u - l) / (J' + 1)``. So
  the interval is ``[effect - RMSPE·z_(u), effect - RMSPE·z_(l)]`` with
  ``l = max(1, floor((J' + 1)·alpha/2))`` and ``u = J' + 1 - l``; its coverage
  ``(u - l)/(J' + 1)`` is reported and is below ``1 - alpha`` whenever ``J' + 1 < 2/alpha``
  (under 39 placebos at 95%): with 12 placebos the interval spans their whole range and covers
  11/13 = 85%. Placebos fitting much worse than the treated area measure their own poor fit
  (typically an area larger or smaller than every other, outside the donors' range) rather
  than the estimator's error, so — as ADH 2010 do for their figures — those whose pre-period
  fit is more than ``max_placebo_mspe_ratio`` (default 5) times worse than the treated area's
  are left out of the interval (not of the p-value, whose ratio already allows for fit).
  ADH compared per-capita rates; counts of areas of different size are compared here by
  their mean squared error per unit of Poisson variance, ``MSPE / mean pre-period count``
  (about 1 for a fit as close as chance allows), so that a big area is not dropped for its
  bigger numbers. At least 2 placebos are needed for an interval.

References
----------
Doudchenko, N. & Imbens, G. W. (2016). Balancing, regression, difference-in-differences and
synthetic control methods: a synthesis. NBER Working Paper 22791.
Ferman, B. & Pinto, C. (2021). Synthetic controls with imperfect pretreatment fit.
*Quantitative Economics* 12(4), 1197–1221.
Abadie, A., Diamond, A. & Hainmueller, J. (2010). Synthetic control methods for comparative
case studies. *Journal of the American Statistical Association* 105(490), 493–505.
Abadie, A. (2021). Using synthetic controls: feasibility, data requirements, and methodological
aspects. *Journal of Economic Literature* 59(2), 391–425.
Abadie, A. & L'Hour, J. (2021). A penalized synthetic control estimator for disaggregated data.
*Journal of the American Statistical Association* 116(536), 1817–1834.
Firpo, S. & Possebom, V. (2018). Synthetic control method: inference, sensitivity analysis and
confidence sets. *Journal of Causal Inference* 6(2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import minimize

from saferplaces.analysis.areamonths import MonthSpan, as_area_months, pre_post
from saferplaces.analysis.jsonable import json_value
from saferplaces.analysis.permutation import pseudo_p_value

__all__ = ["FITS", "Fit", "PlaceboRun", "SyntheticControlResult", "fit_weights",
           "synthetic_control"]

#: What the weights are fitted on (see the module docstring).
Fit = Literal["ratio", "demeaned", "levels"]
FITS: tuple[Fit, ...] = ("ratio", "demeaned", "levels")

SOLVER = "scipy.optimize.minimize(method='SLSQP'): weights >= 0 summing to 1, exactly"
METHODS: dict[Fit, str] = {
    "ratio": ("Synthetic control (Abadie, Diamond & Hainmueller 2010) fitted on each area's "
              "pre-period monthly counts divided by its own pre-period mean (the "
              "intercept-shifted estimator of Doudchenko & Imbens 2016 and Ferman & Pinto 2021 "
              "in proportional form)"),
    "demeaned": ("Demeaned synthetic control (Doudchenko & Imbens 2016; Ferman & Pinto 2021) "
                 "fitted on each area's pre-period monthly counts minus its own pre-period "
                 "mean"),
    "levels": ("Synthetic control (Abadie, Diamond & Hainmueller 2010) fitted on the "
               "pre-period monthly counts"),
}
INFERENCE = ("; placebo-in-space inference, each placebo fitted the same way: RMSPE-ratio rank "
             "p-value and an interval from the placebos' studentised post-period gaps")
METHOD = METHODS["ratio"] + INFERENCE

#: ADH (2010) drop placebos whose pre-period MSPE is more than 5 times the treated unit's.
DEFAULT_MAX_PLACEBO_MSPE_RATIO = 5.0


def _kkt_gap(w: NDArray[np.float64], grad: NDArray[np.float64]) -> float:
    """How far ``w`` is from the optimality (KKT) conditions on the simplex: the gradient must
    equal some ``μ`` where ``w > 0`` and be at least ``μ`` where ``w = 0``."""
    mu = float(w @ grad)
    on = w > 0
    gap = np.abs(grad[on] - mu).max(initial=0.0)
    return float(max(gap, np.clip(mu - grad[~on], 0.0, None).max(initial=0.0)))


def _polish(gram: NDArray[np.float64], cross: NDArray[np.float64],
            w: NDArray[np.float64], floor: float = 1e-9) -> NDArray[np.float64]:
    """The exact minimiser on the support of ``w`` (its weights above ``floor``; the
    equality-constrained least-squares system), kept when every weight stays positive; else
    ``w`` unchanged."""
    support = np.flatnonzero(w > floor)
    n = support.size
    system = np.zeros((n + 1, n + 1))
    system[:n, :n] = 2.0 * gram[np.ix_(support, support)]
    system[:n, n] = -1.0
    system[n, :n] = 1.0
    rhs = np.append(2.0 * cross[support], 1.0)
    solution = np.linalg.lstsq(system, rhs, rcond=None)[0][:n]
    if (solution <= 0).any() or not np.isclose(solution.sum(), 1.0):
        return w
    exact = np.zeros_like(w)
    exact[support] = solution
    return exact


def fit_weights(target: NDArray[np.float64], donors: NDArray[np.float64]) -> NDArray[np.float64]:
    """Donor weights ``w >= 0``, ``Σ w = 1`` minimising ``||target - donors @ w||²``.

    ``target`` is the treated area's pre-period series (length ``T``), ``donors`` a ``T × J``
    matrix of the donors' series. Solved by SLSQP from equal weights on series scaled by the
    target's mean (so tolerances mean the same for small and large areas), then made exact on
    the weights' support by solving the equality-constrained least-squares (KKT) system, and
    checked against the optimality conditions. Raises ``ValueError`` for mismatched shapes, no
    donor or non-finite values, and ``RuntimeError`` when no optimum is found.
    """
    y = np.asarray(target, dtype=float)
    x = np.asarray(donors, dtype=float)
    if y.ndim != 1 or x.ndim != 2 or x.shape[0] != y.size or x.shape[1] < 1:
        raise ValueError("target must be a series of T months and donors a T × J matrix")
    if not (np.isfinite(y).all() and np.isfinite(x).all()):
        raise ValueError("the series to fit must be finite")
    n_donors = x.shape[1]
    if n_donors == 1:
        return np.ones(1)
    scale = max(float(np.abs(y).mean()), 1.0)
    y, x = y / scale, x / scale
    gram, cross = x.T @ x, x.T @ y

    def objective(w: NDArray[np.float64]) -> float:
        r = y - x @ w
        return float(r @ r)

    def gradient(w: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(2.0 * (gram @ w - cross), dtype=float)

    result = minimize(
        objective, np.full(n_donors, 1.0 / n_donors), jac=gradient, method="SLSQP",
        bounds=[(0.0, 1.0)] * n_donors,
        constraints=[{"type": "eq", "fun": lambda w: float(w.sum() - 1.0),
                      "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-12, "maxiter": 2000},
    )
    # SLSQP may stop just short of the optimum ("positive directional derivative in line
    # search") when the objective is flat; the optimality check below decides.
    start = np.clip(np.asarray(result.x, dtype=float), 0.0, None)
    start /= start.sum()
    # SLSQP leaves dust (1e-8) on donors that should have none; on a donor whose series is
    # flat after demeaning that dust makes the support's system singular, so the support is
    # also tried without it.
    for floor in (1e-9, 1e-6):
        w = _polish(gram, cross, start, floor)
        tolerance = 1e-6 * max(1.0, float(np.abs(gradient(w)).max()))
        if _kkt_gap(w, gradient(w)) <= tolerance:
            return w
    raise RuntimeError(f"synthetic control weights did not converge: {result.message}")


@dataclass(frozen=True)
class _Fit:
    weights: NDArray[np.float64]
    synthetic: NDArray[np.float64]
    gap: NDArray[np.float64]
    pre_rmspe: float
    post_rmspe: float
    effect: float
    synthetic_post: float
    level: float

    @property
    def poisson_mspe(self) -> float:
        """Pre-period mean squared error per unit of Poisson variance (the mean count)."""
        return self.pre_rmspe**2 / self.level if self.level > 0 else math.inf


def _fit(table: pd.DataFrame, treated: str, donors: list[str], n_pre: int, form: Fit) -> _Fit:
    """Fit the synthetic ``treated`` from ``donors`` over the first ``n_pre`` months of
    ``table`` (areas × pre- and post-period months), on the series ``form`` says (ratio:
    each divided by its pre-period mean; demeaned: each minus it), back in counts."""
    y = table.loc[treated].to_numpy(dtype=float)
    x = table.loc[donors].to_numpy(dtype=float).T
    level, levels = float(y[:n_pre].mean()), x[:n_pre].mean(axis=0)
    if form == "ratio":
        if not level > 0:
            raise ValueError(f"{treated} has no incidents in the pre period: there is nothing "
                             "to fit")
        w = fit_weights(y[:n_pre] / level, (x / levels)[:n_pre])
        synthetic = level * ((x / levels) @ w)
    elif form == "demeaned":
        w = fit_weights(y[:n_pre] - level, (x - levels)[:n_pre])
        synthetic = level + (x - levels) @ w
    else:
        w = fit_weights(y[:n_pre], x[:n_pre])
        synthetic = x @ w
    gap = y - synthetic
    return _Fit(weights=w, synthetic=synthetic, gap=gap,
                pre_rmspe=float(np.sqrt(np.mean(gap[:n_pre] ** 2))),
                post_rmspe=float(np.sqrt(np.mean(gap[n_pre:] ** 2))),
                effect=float(gap[n_pre:].sum()), synthetic_post=float(synthetic[n_pre:].sum()),
                level=level)


def _ratio(post: float, pre: float) -> float:
    if pre > 0:
        return post / pre
    return math.inf if post > 0 else 0.0


def _pct(effect: float, base: float) -> float:
    return 100.0 * effect / base if base > 0 else math.nan


@dataclass(frozen=True)
class PlaceboRun:
    """One donor treated as if it had had the operation.

    ``effect`` is its post-period gap (count), ``effect_pct`` that as a percentage of its
    synthetic count, ``studentised`` the gap divided by its pre-RMSPE; ``in_interval`` says
    whether its pre-period fit was close enough to the treated area's to enter the interval.
    """

    area: str
    pre_rmspe: float
    post_rmspe: float
    ratio: float
    effect: float
    effect_pct: float
    studentised: float
    in_interval: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {k: json_value(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class SyntheticControlResult:
    """A synthetic-control estimate with its placebo-in-space inference.

    ``observed`` and ``synthetic`` are monthly series (index ``YYYY-MM``) over the pre- and
    post-periods; ``weights`` maps each donor to its weight (zeros included); ``effect`` is
    observed minus synthetic summed over the post-period (negative = fewer incidents than
    expected), ``effect_pct`` as a percentage of the synthetic count; ``interval`` and
    ``interval_pct`` the placebo interval (NaN when there are too few placebos), with
    ``interval_coverage`` its actual coverage under exchangeability; ``p_value`` the RMSPE-ratio
    rank p-value (NaN without placebos) and ``rank`` the treated area's place among the
    ``n_placebos + 1`` ratios (1 = the largest).
    """

    treated: str
    donors: tuple[str, ...]
    pre: tuple[str, str]
    post: tuple[str, str]
    weights: dict[str, float]
    observed: pd.Series
    synthetic: pd.Series
    pre_rmspe: float
    post_rmspe: float
    rmspe_ratio: float
    observed_post: float
    synthetic_post: float
    effect: float
    effect_pct: float
    p_value: float
    rank: int | None
    n_placebos: int
    interval: tuple[float, float]
    interval_pct: tuple[float, float]
    interval_coverage: float
    interval_placebos: int
    alpha: float
    max_placebo_mspe_ratio: float
    placebos: tuple[PlaceboRun, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    fit: Fit = "ratio"
    solver: str = SOLVER
    method: str = METHOD

    @property
    def p_value_floor(self) -> float:
        """The smallest p-value the placebos allow, ``1 / (n_placebos + 1)``."""
        return 1.0 / (self.n_placebos + 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (series as ``{month: value}``)."""
        out = {k: json_value(getattr(self, k)) for k in self.__dataclass_fields__
               if k not in ("observed", "synthetic", "placebos")}
        out["observed"] = {str(k): float(v) for k, v in self.observed.items()}
        out["synthetic"] = {str(k): float(v) for k, v in self.synthetic.items()}
        out["placebos"] = [p.to_dict() for p in self.placebos]
        return out


def _interval(effect: float, pre_rmspe: float, errors: NDArray[np.float64],
              alpha: float) -> tuple[tuple[float, float], float]:
    """The placebo interval for the effect and its coverage (see the module docstring)."""
    n = errors.size
    if n < 2:
        return (math.nan, math.nan), math.nan
    z = np.sort(errors)
    lower = max(1, math.floor((n + 1) * alpha / 2))
    upper = n + 1 - lower
    return ((effect - pre_rmspe * float(z[upper - 1]), effect - pre_rmspe * float(z[lower - 1])),
            (upper - lower) / (n + 1))


def synthetic_control(
    counts: pd.DataFrame | pd.Series,
    treated: str,
    donors: Iterable[str],
    *,
    pre: MonthSpan,
    post: MonthSpan,
    alpha: float = 0.05,
    placebo: bool = True,
    max_placebo_mspe_ratio: float = DEFAULT_MAX_PLACEBO_MSPE_RATIO,
    fit: Fit = "ratio",
) -> SyntheticControlResult:
    """Synthetic-control estimate of an operation's effect, with placebo-in-space inference.

    Method, interval and their limits: see the module docstring (Abadie, Diamond & Hainmueller
    2010, fitted on each area's counts over its pre-period mean by default; weights by SLSQP).

    Inputs: ``counts`` area code × month counts of the target categories (shapes in
    :mod:`saferplaces.analysis.areamonths`; categories are summed; a missing area-month is
    zero); ``treated`` the treated area's code; ``donors`` the untreated areas it may be built
    from (at least 2; leave out areas the operation may have affected, such as its buffer);
    ``pre`` and ``post`` the first and last month of the fitting period and of the operation
    (the pre-period at least 2 months, ending before the post-period starts); ``alpha`` for
    the interval; ``placebo=False`` skips the placebo runs (no p-value or interval);
    ``max_placebo_mspe_ratio`` the fit cut-off for placebos entering the interval (their
    pre-period MSPE per mean count over the treated area's); ``fit`` what the weights are
    fitted on, for the treated area and every placebo alike: ``"ratio"`` (default),
    ``"demeaned"`` or ``"levels"`` (ADH's original).
    Effects are counts of incidents over the whole post-period.

    Raises ``ValueError`` for bad counts or periods, a treated area or donor not in the
    counts, the treated area among the donors or with no incidents in the pre-period, fewer
    than 2 donors, ``alpha`` outside
    (0, 0.5] or a cut-off that is not positive; ``RuntimeError`` if the solver fails.
    """
    data = as_area_months(counts)
    pre_months, post_months = pre_post(pre, post)
    if len(pre_months) < 2:
        raise ValueError("the pre period must hold at least 2 months to fit a synthetic control")
    if not 0 < alpha <= 0.5:
        raise ValueError("alpha must be above 0 and at most 0.5")
    if not max_placebo_mspe_ratio > 0:
        raise ValueError("max_placebo_mspe_ratio must be positive")
    if fit not in FITS:
        raise ValueError(f"fit must be one of {', '.join(FITS)}, not {fit!r}")
    treated = str(treated)
    pool = [str(d) for d in ([donors] if isinstance(donors, str) else donors)]
    if len(set(pool)) != len(pool):
        raise ValueError("donors name an area twice")
    if treated in pool:
        raise ValueError(f"the treated area {treated} cannot be one of its own donors")
    missing = [a for a in [treated, *pool] if a not in data.areas]
    if missing:
        raise ValueError(f"areas not in the counts: {', '.join(missing)}")
    if len(pool) < 2:
        raise ValueError("a synthetic control needs at least 2 donor areas")
    months = pre_months.append(post_months)
    notes: list[str] = []
    if gone := data.missing_months(months):
        notes.append(f"no area has counts for {', '.join(gone)}: counted as zero")
    table = data.table(months, areas=(treated, *pool))
    n_pre = len(pre_months)
    if not table.loc[treated].iloc[:n_pre].sum() > 0:
        raise ValueError(f"the treated area {treated} has no incidents in the pre period: "
                         "there is nothing to fit")
    if fit == "ratio":
        empty = [d for d in pool if not table.loc[d].iloc[:n_pre].sum() > 0]
        if empty:
            pool = [d for d in pool if d not in empty]
            notes.append("donors without incidents in the pre period, which cannot be compared "
                         f"in proportion, left out: {', '.join(empty)}")
            if len(pool) < 2:
                raise ValueError("a synthetic control needs at least 2 donor areas with "
                                 "incidents in the pre period")
    est = _fit(table, treated, pool, n_pre, fit)
    labels = [str(m) for m in months]

    runs: list[PlaceboRun] = []
    if placebo and len(pool) >= 3:
        for area in pool:
            others = [d for d in pool if d != area]
            p = _fit(table, area, others, n_pre, fit)
            fits = p.poisson_mspe <= max_placebo_mspe_ratio * est.poisson_mspe
            runs.append(PlaceboRun(
                area=area, pre_rmspe=p.pre_rmspe, post_rmspe=p.post_rmspe,
                ratio=_ratio(p.post_rmspe, p.pre_rmspe), effect=p.effect,
                effect_pct=_pct(p.effect, p.synthetic_post),
                studentised=p.effect / p.pre_rmspe if p.pre_rmspe > 0 else math.nan,
                in_interval=bool(fits and p.pre_rmspe > 0)))
    elif placebo:
        notes.append("placebo runs need at least 3 donors: no p-value or interval")
    ratio = _ratio(est.post_rmspe, est.pre_rmspe)
    if runs:
        at_least = int(sum(r.ratio >= ratio for r in runs))
        p_value: float = float(pseudo_p_value(at_least, len(runs)))
        rank: int | None = at_least + 1
    else:
        p_value, rank = math.nan, None
    usable = np.array([r.studentised for r in runs if r.in_interval], dtype=float)
    left_out = [r.area for r in runs if not r.in_interval]
    if left_out:
        notes.append(f"placebos left out of the interval for a pre-period fit more than "
                     f"{max_placebo_mspe_ratio:g} times worse (mean squared error per unit of "
                     f"Poisson variance) than the treated area's: {', '.join(left_out)}")
    if est.pre_rmspe > 0:
        interval, coverage = _interval(est.effect, est.pre_rmspe, usable, alpha)
    else:
        interval, coverage = (math.nan, math.nan), math.nan
        notes.append("the synthetic area reproduces the pre-period exactly (RMSPE 0): the "
                     "interval, scaled by that RMSPE, is not defined")
    if runs and usable.size < 2:
        notes.append("fewer than 2 placebos fit well enough: no interval")
    elif runs and coverage < 1 - alpha:
        notes.append(f"with {usable.size} placebos the interval is their full range and "
                     f"covers {100 * coverage:.0f}%, less than the {100 * (1 - alpha):.0f}% "
                     "asked for")
    if est.synthetic_post > 0:
        interval_pct = (_pct(interval[0], est.synthetic_post), _pct(interval[1], est.synthetic_post))
    else:
        interval_pct = (math.nan, math.nan)
    return SyntheticControlResult(
        treated=treated, donors=tuple(pool),
        pre=(str(pre_months[0]), str(pre_months[-1])),
        post=(str(post_months[0]), str(post_months[-1])),
        weights={d: float(w) for d, w in zip(pool, est.weights, strict=True)},
        observed=pd.Series(table.loc[treated].to_numpy(dtype=float), index=labels, name=treated),
        synthetic=pd.Series(est.synthetic, index=labels, name="synthetic"),
        pre_rmspe=est.pre_rmspe, post_rmspe=est.post_rmspe, rmspe_ratio=ratio,
        observed_post=float(table.loc[treated].to_numpy(dtype=float)[n_pre:].sum()),
        synthetic_post=est.synthetic_post, effect=est.effect,
        effect_pct=_pct(est.effect, est.synthetic_post), p_value=p_value, rank=rank,
        n_placebos=len(runs), interval=interval, interval_pct=interval_pct,
        interval_coverage=coverage, interval_placebos=int(usable.size), alpha=alpha,
        max_placebo_mspe_ratio=float(max_placebo_mspe_ratio), placebos=tuple(runs),
        notes=tuple(notes), fit=fit, method=METHODS[fit] + INFERENCE,
    )

"""Did the operation work? One result putting every test of an operation's impact together.

:func:`operation_impact` compares the treated area before and after an operation with
comparison areas (chosen by similarity, :mod:`saferplaces.analysis.comparison`, or given) and a
displacement buffer, and runs on the same counts:

- the Weighted Displacement Difference test and its harm-weighted form (Wheeler & Ratcliffe
  2018; :func:`saferplaces.analysis.evaluation.wdd`), against the **average** of the comparison
  areas, so that pooling five areas does not multiply the control's change by five;
- the Weighted Displacement Quotient with its bootstrap interval and the total net effect
  (Bowers & Johnson 2003; :func:`saferplaces.analysis.evaluation.wdq`), when there is a buffer;
- the E-test of after vs before in each group (Krishnamoorthy & Thomson 2004;
  :func:`saferplaces.analysis.stats.poisson_etest`), exposures in months;
- the synthetic control with placebo-in-space inference (Abadie, Diamond & Hainmueller 2010;
  :func:`saferplaces.analysis.synthetic.synthetic_control`), from every untreated area outside
  the buffer, fitted by default on each area's counts over its own pre-period mean, so that a
  treated area busier than every donor can still be followed (the intercept-shifted form of
  Doudchenko & Imbens 2016 and Ferman & Pinto 2021, in proportion);

then writes what changed, each test and its result, and the limitations in plain English
(:mod:`saferplaces.analysis.impact_text`).

The WDD against an average: with ``k`` comparison areas the treated-area difference is
``ΔT - (1/k) Σ ΔC_i`` with variance ``Var T + (1/k²) Σ Var C_i``. :func:`wdd` computes exactly
that when given one weight per element: the counts are laid out as ``k + 1`` blocks (the
treated area and buffer in block 0, comparison area ``i`` in block ``i``, zeros elsewhere)
with weights ``h`` in block 0 and ``h / k`` in the others, ``h`` being 1 or the harm weight of
each category. The period lengths enter as time weights ``(pre months / post months, 1)``, so
every WDD estimate is in incidents (or harm) over the post-period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from saferplaces.analysis.areamonths import (
    ALL_CATEGORIES,
    AreaMonthCounts,
    MonthSpan,
    as_area_months,
    population_of,
    pre_post,
)
from saferplaces.analysis.comparison import ComparisonChoice, choose_comparison_areas
from saferplaces.analysis.evaluation import WDDResult, WDQResult, wdd, wdq
from saferplaces.analysis.harm import HarmWeights, load_weights
from saferplaces.analysis.impact_text import ImpactText, describe
from saferplaces.analysis.jsonable import json_value
from saferplaces.analysis.permutation import Seed, seed_record
from saferplaces.analysis.stats import PoissonTestResult, poisson_etest
from saferplaces.analysis.synthetic import Fit, SyntheticControlResult, synthetic_control

__all__ = ["DEFAULT_HARM", "GROUPS", "OperationImpact", "operation_impact"]

#: Harm weights used unless told otherwise (as ``saferplaces evaluate --harm``).
DEFAULT_HARM = "ons-css"
#: The area groups of the before/after table, in order.
GROUPS = ("treated", "comparison", "buffer")

REFERENCES = (
    "Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test "
    "to evaluate place based crime interventions. Crime Science 7, 11.",
    "Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and "
    "diffusion of benefit effects of crime prevention activity. Journal of Quantitative "
    "Criminology 19, 275-301.",
    "Krishnamoorthy, K. & Thomson, J. (2004). A more powerful test for comparing two Poisson "
    "means. Journal of Statistical Planning and Inference 119, 23-35.",
    "Abadie, A., Diamond, A. & Hainmueller, J. (2010). Synthetic control methods for "
    "comparative case studies. Journal of the American Statistical Association 105, 493-505.",
    "Doudchenko, N. & Imbens, G. W. (2016). Balancing, regression, difference-in-differences "
    "and synthetic control methods: a synthesis. NBER Working Paper 22791.",
    "Ferman, B. & Pinto, C. (2021). Synthetic controls with imperfect pretreatment fit. "
    "Quantitative Economics 12(4), 1197-1221.",
    "Stuart, E. A. (2010). Matching methods for causal inference: a review and a look forward. "
    "Statistical Science 25(1), 1-21.",
)


@dataclass(frozen=True)
class OperationImpact:
    """Everything known about one operation's impact.

    ``table`` has one row per group (``treated``, ``comparison`` — the comparison areas pooled —
    and ``buffer`` when given) and category (``"All"`` for the total), with ``before`` and
    ``after`` counts, ``before_per_month``, ``after_per_month`` and ``change_pct``. ``series``
    holds the monthly counts over the pre- and post-periods (index ``YYYY-MM``) of the treated
    area, the comparison areas' average, the buffer and the synthetic control, for a chart;
    ``post_months_list`` says which months are the operation's. WDD estimates are over the
    post-period, negative = fewer incidents than the comparison predicts. ``headline``,
    ``sentences``, ``conclusion`` and ``limitations`` are plain English for a councillor.
    """

    treated: tuple[str, ...]
    treated_name: str
    buffer: tuple[str, ...]
    pre: tuple[str, str]
    post: tuple[str, str]
    pre_months: int
    post_months: int
    post_months_list: tuple[str, ...]
    categories: tuple[str, ...]
    table: pd.DataFrame
    series: pd.DataFrame
    comparison: ComparisonChoice
    wdd: WDDResult
    harm_wdd: WDDResult | None
    harm_weights: HarmWeights | None
    unweighted_categories: tuple[str, ...]
    wdq: WDQResult | None
    etests: dict[str, PoissonTestResult]
    synthetic: SyntheticControlResult | None
    alpha: float
    seed: int | str | None
    headline: str
    sentences: tuple[str, ...]
    conclusion: str
    limitations: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    references: tuple[str, ...] = REFERENCES

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (tables as lists of records)."""
        series = self.series.reset_index(names="month")
        return {
            "treated": list(self.treated), "treated_name": self.treated_name,
            "buffer": list(self.buffer), "pre": list(self.pre), "post": list(self.post),
            "pre_months": self.pre_months, "post_months": self.post_months,
            "post_months_list": list(self.post_months_list),
            "categories": list(self.categories),
            "table": [{k: json_value(v) for k, v in r.items()}
                      for r in self.table.to_dict(orient="records")],
            "series": [{str(k): json_value(v) for k, v in r.items()}
                       for r in series.to_dict(orient="records")],
            "comparison": self.comparison.to_dict(), "wdd": self.wdd.to_dict(),
            "harm_wdd": None if self.harm_wdd is None else self.harm_wdd.to_dict(),
            "harm_weights": None if self.harm_weights is None else self.harm_weights.to_dict(),
            "unweighted_categories": list(self.unweighted_categories),
            "wdq": None if self.wdq is None else self.wdq.to_dict(),
            "etests": {k: v.to_dict() for k, v in self.etests.items()},
            "synthetic": None if self.synthetic is None else self.synthetic.to_dict(),
            "alpha": self.alpha, "seed": self.seed, "headline": self.headline,
            "sentences": list(self.sentences), "conclusion": self.conclusion,
            "limitations": list(self.limitations), "notes": list(self.notes),
            "references": list(self.references),
        }


def _code_list(value: str | Iterable[str], name: str) -> list[str]:
    codes = [value] if isinstance(value, str) else [str(v) for v in value]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{name} names an area twice")
    return codes


def _combine(data: AreaMonthCounts, codes: list[str], code: str) -> AreaMonthCounts:
    """``data`` with the rows of ``codes`` replaced by their sum under ``code``."""
    long = data.long
    inside = long.index.get_level_values(0).isin(codes)
    summed = long[inside].groupby(level=1).sum()
    summed.index = pd.MultiIndex.from_arrays(
        [[code] * len(summed), summed.index], names=long.index.names)
    return AreaMonthCounts(long=pd.concat([summed, long[~inside]]), categories=data.categories)


def _harm_table(harm: HarmWeights | Mapping[str, float] | str | Path) -> HarmWeights:
    if isinstance(harm, HarmWeights):
        return harm
    if isinstance(harm, Mapping):
        return HarmWeights(name="custom", weights=dict(harm), status="user-supplied")
    return load_weights(harm)


def _blocks(treated: NDArray[np.float64], comparison: NDArray[np.float64]
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The treated (or buffer) and comparison counts laid out in ``k + 1`` blocks of one
    entry per category (see the module docstring): ``treated`` has shape ``(n_cat,)``,
    ``comparison`` ``(k, n_cat)``."""
    k, n_cat = comparison.shape
    first = np.vstack([treated[None, :], np.zeros((k, n_cat))]).ravel()
    rest = np.vstack([np.zeros((1, n_cat)), comparison]).ravel()
    return first, rest


def _wdd_vs_average(pre: dict[str, NDArray[np.float64]], post: dict[str, NDArray[np.float64]],
                    weights: NDArray[np.float64], time_weights: tuple[float, float],
                    alpha: float) -> WDDResult:
    """:func:`wdd` of the treated area (and buffer) against the comparison areas' average.

    ``pre``/``post`` map ``treated`` and ``buffer`` (optional) to per-category counts and
    ``comparison`` to a ``(k, n_cat)`` array; ``weights`` holds one weight per category."""
    k = pre["comparison"].shape[0]
    t_b, c_b = _blocks(pre["treated"], pre["comparison"])
    t_a, c_a = _blocks(post["treated"], post["comparison"])
    w = np.concatenate([weights, np.tile(weights / k, k)])
    buffer: list[Any] = [None, None]
    if "buffer" in pre:
        buffer = [_blocks(pre["buffer"], pre["comparison"])[0],
                  _blocks(post["buffer"], post["comparison"])[0]]
    return wdd(t_b, t_a, c_b, c_a, *buffer, weights=w, time_weights=time_weights, alpha=alpha)


def _check_groups(treated: list[str], buffer: list[str], fixed: list[str],
                  exclude: list[str], areas: tuple[str, ...]) -> None:
    for name, codes in (("treated", treated), ("buffer", buffer), ("comparison", fixed)):
        missing = [c for c in codes if c not in areas]
        if missing:
            raise ValueError(f"{name} areas not in the counts: {', '.join(missing)}")
    pairs = (("treated", treated, "buffer", buffer), ("treated", treated, "comparison", fixed),
             ("buffer", buffer, "comparison", fixed), ("treated", treated, "excluded", exclude))
    for a, first, b, second in pairs:
        shared = sorted(set(first) & set(second))
        if shared:
            raise ValueError(f"areas {', '.join(shared)} are both {a} and {b}")


def operation_impact(
    counts: pd.DataFrame | pd.Series,
    treated: str | Sequence[str],
    *,
    pre: MonthSpan,
    post: MonthSpan,
    buffer: str | Iterable[str] = (),
    comparison: ComparisonChoice | Iterable[str] | None = None,
    population: Mapping[str, float] | pd.Series | None = None,
    donors: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    k: int = 5,
    harm: HarmWeights | Mapping[str, float] | str | Path | None = DEFAULT_HARM,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: Seed = None,
    names: Mapping[str, str] | None = None,
    treated_name: str | None = None,
    operation_name: str | None = None,
    synthetic_fit: Fit = "ratio",
) -> OperationImpact:
    """The impact of an operation on the target categories, by every test at once.

    Methods: see the module docstring (WDD and harm-weighted WDD against the comparison
    areas' average; WDQ with a Poisson bootstrap; E-tests; synthetic control with placebo
    inference; comparison areas by standardised similarity).

    Inputs:

    - ``counts``: incidents of the target categories per area code × month (shapes in
      :mod:`saferplaces.analysis.areamonths`; one column per category for the harm-weighted
      WDD). It must hold the treated area, the buffer and the candidate comparison areas.
    - ``treated``: the treated area's code, or several codes counted as one area.
    - ``pre``, ``post``: first and last month (``YYYY-MM`` or Period) of the period before
      and of the operation; the pre-period ends before the post-period starts and holds at
      least 3 months. They may differ in length: rates per month are compared.
    - ``buffer``: the area(s) around the treated area where crime may move (summed); none
      means displacement is not measured and there is no WDQ.
    - ``comparison``: a :class:`ComparisonChoice`, the codes to use (each still explained), or
      ``None`` to choose ``k`` by similarity among the areas not treated, buffer or
      ``exclude``; ``population``: residents per area code for that choice.
    - ``donors``: the synthetic control's donor pool; default every area that is not treated,
      buffer or excluded (a synthetic control needs at least 2, placebo inference 3).
    - ``harm``: harm weights (a table name, CSV path, mapping or :class:`HarmWeights`;
      default ``"ons-css"``), ``None`` for no harm-weighted WDD. Categories without a weight
      are left out of it and named in the limitations (all of them: no harm-weighted WDD).
    - ``alpha``: 1 minus the confidence level; ``n_boot`` and ``seed`` for the WDQ bootstrap.
    - ``names``, ``treated_name``, ``operation_name``: words for the sentences.
    - ``synthetic_fit``: what the synthetic control is fitted on — ``"ratio"`` (default: each
      area's counts over its pre-period mean), ``"demeaned"`` or ``"levels"`` (see
      :mod:`saferplaces.analysis.synthetic`).

    Raises ``ValueError`` for bad counts or periods, unknown area codes, an area in two
    groups, a comparison choice made for another treated area, ``alpha`` outside (0, 0.5],
    or ``n_boot`` below 1; whatever
    :func:`choose_comparison_areas` and :func:`synthetic_control` raise.
    """
    if not 0 < alpha <= 0.5:
        raise ValueError("alpha must be above 0 and at most 0.5")
    if n_boot < 1:
        raise ValueError("n_boot must be positive")
    data = as_area_months(counts)
    pre_idx, post_idx = pre_post(pre, post)
    treated_codes = _code_list(treated, "treated")
    if not treated_codes:
        raise ValueError("no treated area given")
    buffer_codes = _code_list(buffer, "buffer")
    excluded = _code_list(exclude, "exclude")
    fixed = (list(comparison.codes) if isinstance(comparison, ComparisonChoice)
             else None if comparison is None else _code_list(comparison, "comparison"))
    _check_groups(treated_codes, buffer_codes, fixed or [], excluded, data.areas)
    label = {**{c: c for c in data.areas}, **dict(names or {})}
    notes: list[str] = []

    code = treated_codes[0]
    people = population_of(population)
    if len(treated_codes) > 1:
        code = " + ".join(treated_codes)
        data = _combine(data, treated_codes, code)
        if all(c in people for c in treated_codes):
            people[code] = sum(people[c] for c in treated_codes)
    name = treated_name or " and ".join(label.get(c, c) for c in treated_codes)

    if isinstance(comparison, ComparisonChoice):
        if comparison.treated != code:
            raise ValueError(f"the comparison areas were chosen for {comparison.treated}, "
                             f"not {code}")
        choice = comparison
    else:
        choice = choose_comparison_areas(
            data.long, people or None, code, pre=pre, k=len(fixed) if fixed else k,
            exclude=[*buffer_codes, *excluded], fixed=fixed or ())
    comp = list(choice.codes)

    months = pre_idx.append(post_idx)
    cats = data.categories
    by_cat = {c: data.table(months, category=c) for c in cats}
    n_pre, n_post = len(pre_idx), len(post_idx)

    def totals(areas: list[str], part: slice) -> NDArray[np.float64]:
        """Counts per category of ``areas`` (rows) summed over the months ``part``."""
        return np.array([[float(by_cat[c].loc[a].iloc[part].sum()) for c in cats] for a in areas])

    before, after = slice(0, n_pre), slice(n_pre, None)
    pre_counts = {"treated": totals([code], before)[0], "comparison": totals(comp, before)}
    post_counts = {"treated": totals([code], after)[0], "comparison": totals(comp, after)}
    if buffer_codes:
        pre_counts["buffer"] = totals(buffer_codes, before).sum(axis=0)
        post_counts["buffer"] = totals(buffer_codes, after).sum(axis=0)
    time_weights = (n_pre / n_post, 1.0)
    one = {g: (v.sum(axis=-1, keepdims=True)) for g, v in pre_counts.items()}
    one_after = {g: (v.sum(axis=-1, keepdims=True)) for g, v in post_counts.items()}
    plain = _wdd_vs_average(one, one_after, np.ones(1), time_weights, alpha)

    harm_result: WDDResult | None = None
    table_used: HarmWeights | None = None
    unweighted: tuple[str, ...] = ()
    if harm is not None and data.has_categories:
        table_used = _harm_table(harm)
        weight = np.array([np.nan if (w := table_used.weight_of(c)) is None else w
                           for c in cats])
        ok = np.isfinite(weight)
        unweighted = tuple(c for c, good in zip(cats, ok, strict=True) if not good)
        if ok.any():
            harm_result = _wdd_vs_average(
                {g: v[..., ok] for g, v in pre_counts.items()},
                {g: v[..., ok] for g, v in post_counts.items()}, weight[ok], time_weights, alpha)

    group_pre = {g: float(v.sum()) for g, v in pre_counts.items()}
    group_post = {g: float(v.sum()) for g, v in post_counts.items()}
    wdq_result: WDQResult | None = None
    if buffer_codes:
        # Each WDQ term divides by the comparison count of the same period, so the pooled
        # comparison counts and unequal period lengths both cancel.
        wdq_result = wdq(group_pre["treated"], group_post["treated"], group_pre["comparison"],
                         group_post["comparison"], group_pre["buffer"], group_post["buffer"],
                         n_boot=n_boot, alpha=alpha, seed=seed)
    etests = {g: poisson_etest(int(group_post[g]), int(group_pre[g]),
                               exposure1=float(n_post), exposure2=float(n_pre))
              for g in group_pre}

    if donors is None:
        pool = [a for a in data.areas
                if a != code and a not in buffer_codes and a not in excluded]
    else:
        pool = _code_list(donors, "donors")
        if shared := sorted(set(pool) & {*treated_codes, *buffer_codes}):
            raise ValueError(f"areas {', '.join(shared)} are treated or buffer, not donors")
    if synthetic_fit == "ratio":
        # an area without incidents before cannot be compared in proportion
        before_total = data.table(pre_idx).sum(axis=1)
        pool = [a for a in pool if a not in before_total.index or before_total[a] > 0]
    synthetic: SyntheticControlResult | None = None
    if len(pool) >= 2:
        synthetic = synthetic_control(data.long, code, pool, pre=pre, post=post, alpha=alpha,
                                      fit=synthetic_fit)
    else:
        notes.append("fewer than 2 untreated areas outside the buffer with incidents before "
                     "the operation: no synthetic control")

    table = _before_after(pre_counts, post_counts, cats, n_pre, n_post)
    series = pd.DataFrame({
        "treated": _monthly_total(by_cat, [code]),
        "comparison": _monthly_total(by_cat, comp) / len(comp),
    })
    if buffer_codes:
        series["buffer"] = _monthly_total(by_cat, buffer_codes)
    if synthetic is not None:
        series["synthetic"] = synthetic.synthetic.to_numpy()
    series.index = pd.Index([str(m) for m in months], name="month")

    text: ImpactText = describe(
        name=name, operation_name=operation_name, label=label, categories=cats,
        pre=pre_idx, post=post_idx, table=table, choice=choice, buffer=buffer_codes,
        plain=plain, harm=harm_result, harm_weights=table_used, unweighted=unweighted,
        wdq_result=wdq_result, etests=etests, synthetic=synthetic, alpha=alpha,
        has_categories=data.has_categories)
    return OperationImpact(
        treated=tuple(treated_codes), treated_name=name, buffer=tuple(buffer_codes),
        pre=(str(pre_idx[0]), str(pre_idx[-1])), post=(str(post_idx[0]), str(post_idx[-1])),
        pre_months=n_pre, post_months=n_post, post_months_list=tuple(str(m) for m in post_idx),
        categories=cats, table=table, series=series, comparison=choice, wdd=plain,
        harm_wdd=harm_result, harm_weights=table_used, unweighted_categories=unweighted,
        wdq=wdq_result, etests=etests, synthetic=synthetic, alpha=alpha,
        seed=seed_record(seed), headline=text.headline, sentences=text.sentences,
        conclusion=text.conclusion, limitations=text.limitations,
        notes=tuple([*notes, *choice.notes, *(synthetic.notes if synthetic else ())]),
    )


def _monthly_total(by_cat: Mapping[str, pd.DataFrame], areas: list[str]) -> NDArray[np.float64]:
    """Monthly counts of ``areas`` summed over areas and categories."""
    return np.asarray(sum(t.loc[areas].sum(axis=0).to_numpy(dtype=float)
                          for t in by_cat.values()), dtype=float)


def _before_after(pre: Mapping[str, NDArray[np.float64]], post: Mapping[str, NDArray[np.float64]],
                  cats: tuple[str, ...], n_pre: int, n_post: int) -> pd.DataFrame:
    """The before/after table (see :class:`OperationImpact`)."""
    rows = []
    for group in GROUPS:
        if group not in pre:
            continue
        b = np.atleast_2d(pre[group]).sum(axis=0)
        a = np.atleast_2d(post[group]).sum(axis=0)
        split = cats != (ALL_CATEGORIES,)
        labels = [*cats, "All"] if split else ["All"]
        values = [*zip(b, a, strict=True), (b.sum(), a.sum())] if split else [(b.sum(), a.sum())]
        for category, (nb, na) in zip(labels, values, strict=True):
            rate_b, rate_a = nb / n_pre, na / n_post
            rows.append({"group": group, "category": category, "before": float(nb),
                         "after": float(na), "before_per_month": rate_b,
                         "after_per_month": rate_a,
                         "change_pct": 100 * (rate_a / rate_b - 1) if rate_b > 0 else np.nan})
    return pd.DataFrame(rows)

"""Comparison areas for an operation, chosen by similarity and explained.

:func:`choose_comparison_areas` ranks every untreated area by how much it resembles the
treated area before the operation, on three features:

- **population**: ``log(residents)``;
- **level**: ``log(mean monthly count)`` of the target categories over the pre-period;
- **trend**: the least-squares slope of the monthly counts over the pre-period divided by their
  mean, i.e. the proportional change per month.

Logs put areas of different size on a ratio scale (twice as big is as far as half as big).
Each feature is standardised by its standard deviation across the treated and candidate areas,
and the distance is the Euclidean distance of the standardised features, every feature
weighted equally: the Mahalanobis distance with a diagonal covariance matrix (Stuart 2010,
section 2.1). The ``k`` nearest areas are chosen. A feature with no spread is left out (noted);
so is population when the treated area's population is unknown.

Overrides: ``exclude`` removes areas (a displacement buffer, another operation's area);
``fixed`` areas are always chosen and the rest of the ``k`` filled by similarity. Areas with no
incidents of the target categories in the pre-period, or (when population is used) with no
population, cannot be compared and are listed with that reason.

Reference
---------
Stuart, E. A. (2010). Matching methods for causal inference: a review and a look forward.
*Statistical Science* 25(1), 1–21.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from saferplaces.analysis.areamonths import (
    MonthSpan,
    as_area_months,
    month_span,
    population_of,
    span_text,
)
from saferplaces.analysis.jsonable import json_value

__all__ = ["ComparisonArea", "ComparisonChoice", "choose_comparison_areas", "pre_features"]

#: The shortest pre-period over which a trend is estimated.
MIN_PRE_MONTHS = 3

METHOD = ("Comparison areas by similarity: standardised Euclidean (diagonal Mahalanobis) "
          "distance on log population, log pre-period monthly level and pre-period relative "
          "trend of the target categories (Stuart 2010)")


@dataclass(frozen=True)
class ComparisonArea:
    """One candidate area: its features, standardised distance from the treated area, its
    similarity rank (1 = most similar), whether the user fixed it, and why it was (or was
    not) chosen."""

    code: str
    population: float | None
    level: float
    trend: float
    distance: float
    rank: int
    fixed: bool
    chosen: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {k: json_value(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class ComparisonChoice:
    """The comparison areas chosen for ``treated``.

    ``chosen`` lists the chosen areas (fixed ones first, then by similarity), ``candidates``
    every area that could be compared, ranked; ``excluded`` maps each area that could not be
    a candidate to the reason. ``treated_features`` holds the treated area's population,
    level (incidents a month) and trend (proportional change a month); ``scales`` the standard
    deviation used for each feature used.
    """

    treated: str
    pre: tuple[str, str]
    k: int
    treated_features: dict[str, float | None]
    features: tuple[str, ...]
    scales: dict[str, float]
    chosen: tuple[ComparisonArea, ...]
    candidates: tuple[ComparisonArea, ...]
    excluded: dict[str, str]
    notes: tuple[str, ...] = field(default_factory=tuple)
    method: str = METHOD

    @property
    def codes(self) -> tuple[str, ...]:
        """The chosen area codes."""
        return tuple(a.code for a in self.chosen)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "treated": self.treated, "pre": list(self.pre), "k": self.k,
            "treated_features": json_value(self.treated_features),
            "features": list(self.features), "scales": json_value(self.scales),
            "chosen": [a.to_dict() for a in self.chosen],
            "candidates": [a.to_dict() for a in self.candidates],
            "excluded": dict(self.excluded), "notes": list(self.notes), "method": self.method,
        }


def pre_features(table: pd.DataFrame) -> pd.DataFrame:
    """Level (mean monthly count) and trend (least-squares slope over the months divided by
    the mean; NaN when the mean is 0) of each row of an areas × months table."""
    values = table.to_numpy(dtype=float)
    t = np.arange(values.shape[1], dtype=float)
    t -= t.mean()
    level = values.mean(axis=1)
    slope = values @ t / float(t @ t)
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = np.where(level > 0, slope / np.where(level > 0, level, 1.0), np.nan)
    return pd.DataFrame({"level": level, "trend": trend}, index=table.index)


def _codes(values: Iterable[str] | str, name: str, *, unique: bool = True) -> list[str]:
    """Area codes from one code or many; ``ValueError`` for a repeat when ``unique``."""
    codes = [values] if isinstance(values, str) else [str(v) for v in values]
    if unique and len(set(codes)) != len(codes):
        raise ValueError(f"{name} names an area twice")
    return list(dict.fromkeys(codes))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _describe(area: str, feats: Mapping[str, float | None],
              treated: Mapping[str, float | None], used: tuple[str, ...]) -> str:
    parts = []
    if "population" in used:
        parts.append(f"population {feats['population']:,.0f} (treated {treated['population']:,.0f})")
    parts.append(f"{feats['level']:.1f} incidents a month before (treated {treated['level']:.1f})")
    parts.append(f"trend {100 * float(feats['trend'] or 0):+.1f}% a month "
                 f"(treated {100 * float(treated['trend'] or 0):+.1f}%)")
    return "; ".join(parts)


def choose_comparison_areas(
    counts: pd.DataFrame | pd.Series,
    population: Mapping[str, float] | pd.Series | None,
    treated: str,
    *,
    pre: MonthSpan,
    k: int = 5,
    exclude: Iterable[str] = (),
    fixed: Iterable[str] = (),
) -> ComparisonChoice:
    """Choose ``k`` comparison areas for ``treated`` by similarity before the operation.

    Method: see the module docstring (standardised Euclidean distance on log population, log
    pre-period level and relative pre-period trend; Stuart 2010). Every area in ``counts``
    other than ``treated`` and the ``exclude`` areas is a candidate.

    Inputs: ``counts`` area code × month counts of the target categories (shapes in
    :mod:`saferplaces.analysis.areamonths`; categories are summed); ``population`` residents
    per area code (a mapping or Series; ``None`` leaves population out); ``pre`` the first and
    last month of the pre-period (at least 3 months); ``k`` how many areas to choose;
    ``fixed`` areas always chosen (the rest filled by similarity, so ``k = len(fixed)`` gives
    exactly them).

    Raises ``ValueError`` when ``treated`` or a ``fixed`` area is not in ``counts``, when the
    treated area has no incidents in the pre-period, when an area is both fixed and excluded
    (or is the treated area), when ``k`` is below 1, when the pre-period is shorter than 3
    months, or when no area can be compared.
    """
    data = as_area_months(counts)
    months = month_span(pre, "pre")
    if len(months) < MIN_PRE_MONTHS:
        raise ValueError(f"the pre period must hold at least {MIN_PRE_MONTHS} months to "
                         "estimate a trend")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError("k (the number of comparison areas) must be a whole number, at least 1")
    treated = str(treated)
    areas = data.areas
    if treated not in areas:
        raise ValueError(f"the treated area {treated} is not in the counts")
    excluded_codes, fixed_codes = _codes(exclude, "exclude", unique=False), _codes(fixed, "fixed")
    for code in fixed_codes:
        if code == treated:
            raise ValueError(f"the treated area {code} cannot be its own comparison")
        if code in excluded_codes:
            raise ValueError(f"area {code} is both fixed and excluded")
        if code not in areas:
            raise ValueError(f"the fixed comparison area {code} is not in the counts")
    notes: list[str] = []
    unknown = [c for c in excluded_codes if c not in areas]
    if unknown:
        notes.append(f"excluded areas not in the counts: {', '.join(unknown)}")
    if missing := data.missing_months(months):
        notes.append(f"no area has counts for {', '.join(missing)}: counted as zero")

    table = data.table(months)
    feats = pre_features(table)
    people = population_of(population)
    feats["population"] = [people.get(a, np.nan) for a in feats.index]
    treated_row = feats.loc[treated]
    if not treated_row["level"] > 0:
        raise ValueError(f"the treated area {treated} has no incidents of the target categories "
                         f"in the pre period ({span_text(months)}): there is nothing to match")
    use_population = bool(np.isfinite(treated_row["population"]))
    if not use_population:
        notes.append("population left out of the similarity: the treated area's population "
                     "is not known")

    excluded: dict[str, str] = {}
    for code in areas:
        if code == treated:
            continue
        if code in excluded_codes:
            excluded[code] = "excluded by the user (for example a displacement buffer)"
        elif not feats.loc[code, "level"] > 0:
            excluded[code] = (f"no incidents of the target categories in the pre period "
                              f"({span_text(months)})")
        elif use_population and not np.isfinite(feats.loc[code, "population"]):
            excluded[code] = "no population given"
    pool = [a for a in areas if a != treated and a not in excluded]
    if not pool:
        raise ValueError(f"no area can be compared with {treated}: "
                         + "; ".join(f"{c}: {r}" for c, r in excluded.items()))

    # only the treated and candidate areas: each has a positive level (and population)
    kept = feats.loc[[treated, *pool]]
    sample = pd.DataFrame({"level": np.log(kept["level"]), "trend": kept["trend"]})
    if use_population:
        sample.insert(0, "population", np.log(kept["population"]))
    spread = sample.std(ddof=1) if len(sample) > 1 else sample.std(ddof=0)
    used = tuple(str(f) for f in sample.columns if spread[f] > 0 and np.isfinite(spread[f]))
    for f in sample.columns:
        if f not in used:
            notes.append(f"{f} left out of the similarity: it is the same for every area")
    if used:
        z = (sample[list(used)] - sample.loc[treated, list(used)]) / spread[list(used)]
        distance = np.sqrt((z.loc[pool] ** 2).sum(axis=1))
    else:
        distance = pd.Series(0.0, index=pool)
    order = sorted(pool, key=lambda a: (float(distance[a]), a))
    rank = {a: i + 1 for i, a in enumerate(order)}
    auto = [a for a in order if a not in fixed_codes][:max(0, k - len(fixed_codes))]
    picked = [*fixed_codes, *auto]
    if len(picked) < k:
        notes.append(f"only {len(picked)} areas could be compared, fewer than the {k} asked for")

    def feature_values(code: str) -> dict[str, float | None]:
        row = feats.loc[code]
        pop = float(row["population"])
        return {"population": pop if np.isfinite(pop) else None, "level": float(row["level"]),
                "trend": float(row["trend"])}

    treated_values = feature_values(treated)
    out: dict[str, ComparisonArea] = {}
    for code in order:
        values = feature_values(code)
        detail = _describe(code, values, treated_values, used)
        standing = (f"{_ordinal(rank[code])} most similar of {len(pool)} "
                    f"(distance {float(distance[code]):.2f})")
        if code in fixed_codes:
            reason = f"chosen by the user; {standing}: {detail}"
        elif code in auto:
            reason = f"chosen as the {standing}: {detail}"
        else:
            reason = f"not chosen: {standing}"
        out[code] = ComparisonArea(
            code=code, population=values["population"], level=float(values["level"] or 0.0),
            trend=float(values["trend"] or 0.0), distance=float(distance[code]),
            rank=rank[code], fixed=code in fixed_codes, chosen=code in picked, reason=reason)
    return ComparisonChoice(
        treated=treated, pre=(str(months[0]), str(months[-1])), k=int(k),
        treated_features=treated_values, features=used,
        scales={f: float(spread[f]) for f in used},
        chosen=tuple(out[c] for c in picked), candidates=tuple(out[c] for c in order),
        excluded=excluded, notes=tuple(notes),
    )

"""Counts of incidents per area and month: the input of the impact analyses.

The comparison-area choice, the synthetic control and the operation's impact all take the same
``counts``, in one of three shapes:

- a DataFrame whose index has two levels, area code × month, and one column per category
  (the categories are summed where a total is needed; the harm-weighted WDD uses them one by
  one);
- a Series with that two-level index (one unnamed category);
- a wide DataFrame with one row per area code and one column per month (one unnamed category).

Months may be pandas Periods, ``YYYY-MM`` strings or timestamps. Counts are whole,
non-negative numbers of incidents. An area and month missing from a long table counts as zero;
a month of the periods that no area has at all is reported in a note (it may be a month whose
data were not loaded rather than a month without incidents).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

__all__ = [
    "ALL_CATEGORIES",
    "AreaMonthCounts",
    "MonthLike",
    "MonthSpan",
    "as_area_months",
    "month_span",
    "pre_post",
    "population_of",
    "span_text",
]

#: A month as the analyses accept it.
MonthLike: TypeAlias = str | pd.Period | pd.Timestamp | datetime.date
#: A run of whole months: its first and last month (inclusive).
MonthSpan: TypeAlias = tuple[MonthLike, MonthLike]

#: The one category of counts given without categories.
ALL_CATEGORIES = "all"


def _month(value: Any, what: str) -> pd.Period:
    """``value`` as a monthly ``pd.Period``; ``ValueError`` naming ``what`` otherwise."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, str | datetime.date | pd.Timestamp | np.datetime64):
        try:
            return pd.Period(value, freq="M")
        except (ValueError, TypeError):
            pass
    raise ValueError(f"{what}: {value!r} is not a month (give YYYY-MM, a pandas Period or a date)")


def month_span(span: MonthSpan, name: str) -> pd.PeriodIndex:
    """The months of ``span`` (first and last month, inclusive); ``ValueError`` naming
    ``name`` when it is not a pair of months or ends before it starts."""
    if isinstance(span, str) or len(span) != 2:
        raise ValueError(f"the {name} period must be a pair (first month, last month)")
    first, last = _month(span[0], f"the {name} period"), _month(span[1], f"the {name} period")
    if last < first:
        raise ValueError(f"the {name} period ends ({last}) before it starts ({first})")
    return pd.period_range(first, last, freq="M")


def pre_post(pre: MonthSpan, post: MonthSpan) -> tuple[pd.PeriodIndex, pd.PeriodIndex]:
    """The months of the pre- and post-period; ``ValueError`` unless the pre-period ends
    before the post-period starts."""
    before, after = month_span(pre, "pre"), month_span(post, "post")
    if before[-1] >= after[0]:
        raise ValueError(f"the pre period ({span_text(before)}) must end before the post period "
                         f"({span_text(after)}) starts")
    return before, after


def span_text(months: pd.PeriodIndex) -> str:
    """``"2024-09 to 2025-02"`` (or one month)."""
    return str(months[0]) if len(months) == 1 else f"{months[0]} to {months[-1]}"


@dataclass(frozen=True)
class AreaMonthCounts:
    """Checked counts: ``long`` is indexed by (area code, month Period) with one column per
    category, ``categories`` names them (``("all",)`` when none were given)."""

    long: pd.DataFrame
    categories: tuple[str, ...]

    @property
    def areas(self) -> tuple[str, ...]:
        """Area codes in order of first appearance."""
        return tuple(dict.fromkeys(self.long.index.get_level_values(0)))

    @property
    def has_categories(self) -> bool:
        """Whether the counts were split by category."""
        return self.categories != (ALL_CATEGORIES,)

    def table(self, months: pd.PeriodIndex, areas: tuple[str, ...] | None = None,
              category: str | None = None) -> pd.DataFrame:
        """Areas × ``months`` of one ``category`` (all categories summed by default), zero
        where an area has no row for a month."""
        values = self.long.sum(axis=1) if category is None else self.long[category]
        wide = values.unstack(level=1, fill_value=0)
        wide = wide.reindex(index=list(areas or self.areas), columns=months, fill_value=0)
        return wide.fillna(0).astype(np.int64)

    def missing_months(self, months: pd.PeriodIndex) -> list[str]:
        """``months`` for which no area has a row."""
        present = set(self.long.index.get_level_values(1))
        return [str(m) for m in months if m not in present]


def _check_values(frame: pd.DataFrame) -> pd.DataFrame:
    try:
        numbers = frame.apply(pd.to_numeric)
    except (ValueError, TypeError) as exc:
        raise ValueError("counts must be numbers of incidents") from exc
    values = numbers.to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"counts must be whole, non-negative numbers of incidents: "
                         f"{numbers.index[row]!r}, {numbers.columns[col]!r} holds {values[row, col]!r}")
    return numbers.astype(np.int64)


def as_area_months(counts: pd.DataFrame | pd.Series) -> AreaMonthCounts:
    """Check ``counts`` (one of the shapes in the module docstring) and return them as an
    :class:`AreaMonthCounts`. ``ValueError`` for another shape, a value that is not a month,
    an (area, month) given twice, or a count that is negative, missing or not whole;
    ``TypeError`` when ``counts`` is not a pandas object."""
    if isinstance(counts, pd.Series):
        counts = counts.to_frame(ALL_CATEGORIES)
    if not isinstance(counts, pd.DataFrame):
        raise TypeError("counts must be a pandas DataFrame or Series")
    if counts.empty:
        raise ValueError("counts are empty")
    if counts.index.nlevels == 2:
        long = counts.copy()
        areas = [str(a) for a in long.index.get_level_values(0)]
        months = [_month(m, "counts") for m in long.index.get_level_values(1)]
        long.index = pd.MultiIndex.from_arrays([areas, pd.PeriodIndex(months, freq="M")],
                                               names=["area", "month"])
        long.columns = [str(c) for c in long.columns]
    elif counts.index.nlevels == 1 and counts.columns.nlevels == 1:
        wide = counts.copy()
        wide.index = [str(a) for a in wide.index]
        wide.columns = pd.PeriodIndex([_month(m, "counts columns") for m in wide.columns],
                                      freq="M")
        if wide.columns.has_duplicates:
            raise ValueError("counts: a month is given twice")
        long = _check_values(wide).stack().to_frame(ALL_CATEGORIES)
        long.index.names = ["area", "month"]
    else:
        raise ValueError("counts must be indexed by area code and month, or have one row per "
                         "area and one column per month")
    if long.index.has_duplicates:
        area, month = long.index[long.index.duplicated()][0]
        raise ValueError(f"counts: area {area} has two rows for {month}")
    if len(set(long.columns)) != len(long.columns):
        raise ValueError("counts: a category is given twice")
    long = _check_values(long)
    return AreaMonthCounts(long=long, categories=tuple(long.columns))


def population_of(population: Mapping[str, float] | pd.Series | None) -> dict[str, float]:
    """Residents per area code (``{}`` for ``None``); ``ValueError`` for a population that is
    not a positive number. Missing values (NaN) are left out."""
    if population is None:
        return {}
    items = population.items()
    out: dict[str, float] = {}
    for code, value in items:
        number = float(value)
        if np.isnan(number):
            continue
        if not number > 0 or not np.isfinite(number):
            raise ValueError(f"population of {code} must be a positive number, got {value!r}")
        out[str(code)] = number
    return out

"""Volume and trend: monthly counts, period comparisons and a seasonal trend test.

The strategic assessment asks, for each crime or ASB category (and each area when asked):
how many in the last 12 months, how many in the 12 before, is the change more than chance, and
is there a sustained trend? This module answers with one tidy table (:func:`trend_table`).

Comparisons made, all on whole calendar months ending at ``end`` (the latest month in the data
unless given):

- **last 12 vs previous 12 months** — two consecutive 12-month windows. They cover the same
  calendar months one year apart, so the comparison is already balanced for seasonality.
- **recent months vs the same months a year before** — the latest ``recent_months`` months
  (default 3) against the same calendar months one year earlier: the "same month last year"
  comparison that shows a recent change early without being fooled by the season.
- **trend over 36 months** — a Poisson regression of the monthly counts on time with
  first-harmonic seasonal terms (:func:`poisson_trend`).

Changes are tested with the exact conditional Poisson test (``stats.poisson_ctest``, equal
exposures), and every column of p-values is adjusted across the rows of the
table with Benjamini–Hochberg, because a table of 14 categories x 20 wards makes 280 tests and
some would look "significant" by chance alone.

police.uk data give only the month: monthly counts are exactly what it supports. Months before
the first month present in the data are never counted as zero: windows that reach back before
the data start give ``NaN`` rather than a false rise.

Classification changes: police.uk renamed and split crime types in 2011 and 2013, so the same
crimes appear under different names in different months. :func:`trend_table` counts them
through :mod:`saferplaces.analysis.classification` (renamed types under the current name, split
types as one combined series; where that cannot be done, the series starts again at the change
and comparisons across it are not made, with direction "series break"). The table's
``classification`` column and ``TrendResult.classification`` name every change applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from saferplaces.analysis.classification import (
    CategoryScheme,
    Harmonisation,
    harmonise_categories,
    load_scheme,
)
from saferplaces.analysis.stats import benjamini_hochberg, poisson_ctest

__all__ = [
    "AREA_COLUMN",
    "PoissonTrend",
    "TrendResult",
    "month_floor",
    "attach_areas",
    "monthly_counts",
    "poisson_trend",
    "trend_table",
    "trend_table_from_counts",
]

AREA_COLUMN = "area_code"
Seasonal = Literal["harmonic", "month", "none"]


def month_floor(values: pd.Series | Sequence[Any]) -> pd.Series:
    """First day of the month of each value, as ``datetime64[ns]``."""
    s = pd.to_datetime(pd.Series(values))
    return s.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")


def attach_areas(df: pd.DataFrame, membership: pd.DataFrame,
                 area_kind: str | None = None) -> pd.DataFrame:
    """Incidents joined to their areas: one row per (incident, area), column ``area_code``.

    ``membership`` is the long table ``incident_id, area_kind, area_code`` (see ``frame``).
    An incident in two areas of the same kind (overlapping zones) appears once in each; an
    incident in no area of that kind is dropped. Give ``area_kind`` (e.g. ``"ward"``) to keep
    one kind only.
    """
    m = membership
    if area_kind is not None:
        m = m[m["area_kind"] == area_kind]
    m = m[["incident_id", "area_code"]].drop_duplicates()
    base = df.drop(columns=[AREA_COLUMN], errors="ignore")
    return base.merge(m, left_on="id", right_on="incident_id", how="inner").drop(
        columns=["incident_id"])


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def monthly_counts(
    df: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "category",
    membership: pd.DataFrame | None = None,
    area_kind: str | None = None,
    start: Any = None,
    end: Any = None,
    date_column: str = "month",
) -> pd.DataFrame:
    """Monthly incident counts: one row per group, one column per month, zeros filled in.

    ``by`` names incident columns to group by (``None`` for all incidents together, labelled
    ``"all"``); the name ``"area_code"`` groups by area, taken from ``membership`` when the
    incident table has no such column. Columns run over every month from ``start`` to ``end``
    (default: first and last month present in ``df``), so a month with no incidents of a
    group is a real zero. Only groups with at least one incident in the range get a row.
    """
    keys = _as_list(by)
    data = df
    if AREA_COLUMN in keys and AREA_COLUMN not in df.columns:
        if membership is None:
            raise ValueError("grouping by area_code needs the area membership table")
        data = attach_areas(df, membership, area_kind)
    months = month_floor(data[date_column]) if len(data) else pd.Series([], dtype="datetime64[ns]")
    first = month_floor([start]).iloc[0] if start is not None else months.min()
    last = month_floor([end]).iloc[0] if end is not None else months.max()
    if pd.isna(first) or pd.isna(last):
        raise ValueError("no months to count: the incident table is empty and no range given")
    grid = pd.date_range(first, last, freq="MS").astype("datetime64[ns]")
    frame = pd.DataFrame({"_month": months.to_numpy()}, index=data.index)
    for k in keys:
        frame[k] = data[k].to_numpy()
    if not keys:
        frame["group"] = "all"
        keys = ["group"]
    frame = frame[(frame["_month"] >= first) & (frame["_month"] <= last)]
    counts = frame.groupby(keys + ["_month"], dropna=False).size().unstack("_month")
    counts = counts.reindex(columns=grid, fill_value=0).fillna(0).astype(np.int64)
    counts.columns.name = "month"
    return counts.sort_index()


@dataclass(frozen=True)
class PoissonTrend:
    """A fitted log-linear trend: ``log E[count_t] = a + slope*t + seasonal terms``.

    ``slope`` is per month on the log scale; ``pct_per_year = 100*(exp(12*slope) - 1)``.
    ``dispersion`` is the quasi-Poisson scale used for the standard error (1 = Poisson).
    ``note`` says why a result is missing (too few incidents, fit did not converge).
    """

    slope: float
    se: float
    p_value: float
    pct_per_year: float
    dispersion: float
    n_months: int
    total: int
    seasonal: str
    overdispersion: bool
    converged: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _design(month_of_year: np.ndarray, seasonal: str) -> np.ndarray:
    n = month_of_year.size
    t = np.arange(n, dtype=float)
    cols = [np.ones(n), t - t.mean()]
    if seasonal == "harmonic":
        angle = 2.0 * np.pi * (month_of_year - 1) / 12.0
        cols += [np.sin(angle), np.cos(angle)]
    elif seasonal == "month":
        present = np.unique(month_of_year)
        cols += [(month_of_year == m).astype(float) for m in present[1:]]
    elif seasonal != "none":
        raise ValueError("seasonal must be 'harmonic', 'month' or 'none'")
    return np.column_stack(cols)


def _irls_poisson(x: np.ndarray, y: np.ndarray, max_iter: int = 100,
                  tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, bool]:
    """Maximum likelihood Poisson regression (log link) by iteratively reweighted least squares."""
    mu = y + 0.5
    eta = np.log(mu)
    beta = np.zeros(x.shape[1])
    deviance_old = np.inf
    for _ in range(max_iter):
        z = eta + (y - mu) / mu
        xtw = x.T * mu
        try:
            beta = np.linalg.solve(xtw @ x, xtw @ z)
        except np.linalg.LinAlgError:
            return beta, mu, False
        eta = x @ beta
        if not np.all(np.isfinite(eta)) or eta.max() > 700:
            return beta, mu, False
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(y > 0, y * np.log(y / mu), 0.0)
        deviance = 2.0 * float(np.sum(term - (y - mu)))
        if abs(deviance - deviance_old) <= tol * (abs(deviance) + 0.1):
            return beta, mu, True
        deviance_old = deviance
    return beta, mu, False


def poisson_trend(
    counts: Sequence[float] | np.ndarray,
    months: Sequence[Any] | pd.DatetimeIndex,
    *,
    seasonal: Seasonal = "harmonic",
    overdispersion: bool = True,
    min_total: int = 10,
) -> PoissonTrend:
    """Test for a log-linear trend in monthly counts, allowing for seasonality.

    Method: Poisson generalised linear model (log link) of the counts on a linear time term
    plus seasonal terms — by default one sine/cosine pair of the month of year (a first-order
    Fourier term; Stolwijk, Straatman & Zielhuis 1999; Bhaskaran et al. 2013), or eleven
    month-of-year indicators (``seasonal="month"``), or none. Fitted by maximum likelihood
    (iteratively reweighted least squares; McCullagh & Nelder 1989). Crime counts are usually
    overdispersed, so by default the standard error of the slope is inflated by the
    quasi-Poisson scale ``phi = max(1, Pearson X^2 / (n - p))`` (Wedderburn 1974) and the p-value
    comes from a t distribution with ``n - p`` degrees of freedom; with
    ``overdispersion=False`` it is the plain Poisson Wald z-test.

    Series with fewer than ``min_total`` incidents, or where the fit does not converge (for
    example when every incident falls in the first few months), return NaN with a ``note``.
    """
    y = np.asarray(counts, dtype=float)
    moy = np.asarray(pd.DatetimeIndex(pd.to_datetime(list(months))).month, dtype=int)
    if y.shape != moy.shape:
        raise ValueError("counts and months must have the same length")
    total = int(y.sum())
    nan = float("nan")

    def missing(note: str, converged: bool = False) -> PoissonTrend:
        return PoissonTrend(nan, nan, nan, nan, nan, int(y.size), total, seasonal,
                            overdispersion, converged, note)

    if total < min_total:
        return missing(f"fewer than {min_total} incidents")
    x = _design(moy, seasonal)
    n, p = x.shape
    if n - p < 2:
        return missing("too few months for the seasonal model")
    beta, mu, converged = _irls_poisson(x, y)
    if not converged:
        return missing("Poisson fit did not converge (counts too sparse or one-sided)")
    cov = np.linalg.inv((x.T * mu) @ x)
    pearson = float(np.sum((y - mu) ** 2 / mu))
    phi = max(1.0, pearson / (n - p)) if overdispersion else 1.0
    se = float(np.sqrt(cov[1, 1] * phi))
    slope = float(beta[1])
    z = slope / se
    if overdispersion:
        p_value = float(2 * stats.t.sf(abs(z), n - p))
    else:
        p_value = float(2 * stats.norm.sf(abs(z)))
    return PoissonTrend(slope, se, p_value, float(100.0 * np.expm1(12.0 * slope)), phi, n, total,
                        seasonal, overdispersion, True)


@dataclass(frozen=True)
class TrendResult:
    """The trend table and the parameters that produced it.

    ``table`` has one row per group (category, area, ...) with columns:
    ``last12, prev12, change, pct_change, p_value, p_adj, direction`` (12 vs 12 months),
    ``recent, recent_last_year, recent_change, recent_p, recent_p_adj`` (latest
    ``recent_months`` vs the same months a year earlier), and
    ``trend_slope, trend_pct_per_year, trend_p, trend_p_adj, trend_dispersion, trend_note``
    (Poisson trend over up to ``trend_months`` months), and from :func:`trend_table` a
    ``classification`` column naming any change of crime types counted into the row. The window
    columns are named for the default 12-month window whatever ``window`` is.
    ``classification`` is :meth:`Harmonisation.to_dict` plus ``notes`` (empty when none applied).
    """

    table: pd.DataFrame
    by: tuple[str, ...]
    end: str
    window: int
    recent_months: int
    trend_months: int
    seasonal: str
    alpha: float
    overdispersion: bool
    min_trend_total: int
    data_start: str
    methods: dict[str, str] = field(default_factory=dict)
    classification: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON: parameters plus the table as a list of records."""
        table = self.table.reset_index()
        records = []
        for row in table.to_dict(orient="records"):
            records.append({k: _plain(v) for k, v in row.items()})
        return {
            "by": list(self.by), "end": self.end, "window": self.window,
            "recent_months": self.recent_months, "trend_months": self.trend_months,
            "seasonal": self.seasonal, "alpha": self.alpha,
            "overdispersion": self.overdispersion, "min_trend_total": self.min_trend_total,
            "data_start": self.data_start, "methods": dict(self.methods),
            "classification": dict(self.classification), "table": records,
        }


def _plain(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v


def _window_sum(values: np.ndarray, stop: int, length: int, first: int = 0) -> float:
    """Sum of ``values[stop-length:stop]``; NaN when the window starts before the data (or
    before ``first``, where the row's series starts again after a classification break)."""
    start = stop - length
    if start < first or start < 0 or stop > values.size:
        return float("nan")
    return float(values[start:stop].sum())


def _ctest_p(a: float, b: float) -> float:
    if np.isnan(a) or np.isnan(b):
        return float("nan")
    return poisson_ctest(int(a), int(b)).p_value


def _break_positions(counts: pd.DataFrame, cols: pd.DatetimeIndex,
                     breaks: Mapping[str, Any] | None, level: str) -> np.ndarray:
    """Per row, the column where its comparable series starts (0 without a break)."""
    first = np.zeros(len(counts), dtype=int)
    if not breaks:
        return first
    index = counts.index
    keys = index.get_level_values(level) if level in index.names else index
    for i, key in enumerate(keys):
        month = breaks.get(key)
        if month is not None:
            first[i] = int(cols.searchsorted(month_floor([month]).iloc[0]))
    return first


def trend_table_from_counts(
    counts: pd.DataFrame,
    *,
    end: Any = None,
    window: int = 12,
    recent_months: int = 3,
    trend_months: int = 36,
    seasonal: Seasonal = "harmonic",
    alpha: float = 0.05,
    overdispersion: bool = True,
    min_trend_total: int = 10,
    breaks: Mapping[str, Any] | None = None,
    break_level: str = "category",
) -> TrendResult:
    """The trend table from a wide monthly-count frame (as made by :func:`monthly_counts`).

    See :func:`trend_table` for the method. ``counts`` has one row per group and one column
    per consecutive month (first-of-month timestamps); its first column is taken as the start
    of the data. ``breaks`` maps a row's ``break_level`` value (or its label, when the index
    has no such level) to the month its series starts again after a classification break:
    comparisons reaching back before it are NaN with direction "series break", and the trend
    uses only months from it.
    """
    if window < 1 or recent_months < 1 or recent_months > 12 or trend_months < 1:
        raise ValueError("window, recent_months (1..12) and trend_months must be positive")
    cols = pd.DatetimeIndex(counts.columns)
    if len(cols) == 0:
        raise ValueError("the count frame has no months")
    expected = pd.date_range(cols[0], periods=len(cols), freq="MS")
    if not cols.equals(expected):
        raise ValueError("count columns must be consecutive first-of-month dates")
    last = cols[-1] if end is None else month_floor([end]).iloc[0]
    if last not in cols:
        raise ValueError(f"end month {last:%Y-%m} is outside the counts ({cols[0]:%Y-%m}.."
                         f"{cols[-1]:%Y-%m})")
    stop = int(cols.get_loc(last)) + 1
    values = counts.to_numpy(dtype=float)
    restart = _break_positions(counts, cols, breaks, break_level)

    rows = []
    for i in range(values.shape[0]):
        v, f = values[i], int(restart[i])
        last12 = _window_sum(v, stop, window, f)
        prev12 = _window_sum(v, stop - window, window, f)
        recent = _window_sum(v, stop, recent_months, f)
        recent_ly = _window_sum(v, stop - 12, recent_months, f)
        t_start = max(0, f, stop - trend_months)
        trend = poisson_trend(v[t_start:stop], cols[t_start:stop], seasonal=seasonal,
                              overdispersion=overdispersion, min_total=min_trend_total)
        note = trend.note
        if f > max(0, stop - trend_months):
            note = "; ".join(filter(None, [f"trend from {cols[min(f, len(cols) - 1)]:%Y-%m} "
                                           "only (series break)", note]))
        change = last12 - prev12
        rows.append({
            "last12": last12, "prev12": prev12, "change": change,
            "pct_change": 100.0 * change / prev12 if prev12 > 0 else float("nan"),
            "p_value": _ctest_p(last12, prev12),
            "recent": recent, "recent_last_year": recent_ly, "recent_change": recent - recent_ly,
            "recent_p": _ctest_p(recent, recent_ly),
            "trend_slope": trend.slope, "trend_pct_per_year": trend.pct_per_year,
            "trend_p": trend.p_value, "trend_dispersion": trend.dispersion,
            "trend_months_used": trend.n_months, "trend_note": note,
        })
    table = pd.DataFrame(rows, index=counts.index)
    for col in ("p_value", "recent_p", "trend_p"):
        adj = col.replace("_value", "") + "_adj" if col == "p_value" else col + "_adj"
        table[adj] = benjamini_hochberg(table[col].to_numpy())
    significant = table["p_adj"] <= alpha
    table["direction"] = np.where(significant & (table["change"] > 0), "rising",
                                  np.where(significant & (table["change"] < 0), "falling",
                                           "stable"))
    table.loc[table["p_adj"].isna(), "direction"] = "insufficient data"
    table.loc[table["p_adj"].isna() & (restart > max(0, stop - 2 * window)),
              "direction"] = "series break"
    order = ["last12", "prev12", "change", "pct_change", "p_value", "p_adj", "direction",
             "recent", "recent_last_year", "recent_change", "recent_p", "recent_p_adj",
             "trend_slope", "trend_pct_per_year", "trend_p", "trend_p_adj", "trend_dispersion",
             "trend_months_used", "trend_note"]
    table = table[order]
    methods = {
        "change": "exact conditional Poisson test, equal exposures (Przyborowski & Wilenski "
                  "1940), two-sided",
        "multiple testing": "Benjamini & Hochberg (1995) across the rows, per column of p-values",
        "trend": "Poisson GLM, log link, linear time + "
                 + {"harmonic": "first-harmonic seasonal terms", "month": "month-of-year "
                    "indicators", "none": "no seasonal terms"}[seasonal]
                 + ("; quasi-Poisson scale, t test" if overdispersion else "; Wald z test"),
    }
    return TrendResult(
        table=table, by=tuple(str(n) for n in counts.index.names if n is not None),
        end=f"{last:%Y-%m}", window=window, recent_months=recent_months,
        trend_months=trend_months, seasonal=seasonal, alpha=alpha,
        overdispersion=overdispersion, min_trend_total=min_trend_total,
        data_start=f"{cols[0]:%Y-%m}", methods=methods,
    )


def trend_table(
    df: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "category",
    membership: pd.DataFrame | None = None,
    area_kind: str | None = None,
    end: Any = None,
    window: int = 12,
    recent_months: int = 3,
    trend_months: int = 36,
    seasonal: Seasonal = "harmonic",
    alpha: float = 0.05,
    overdispersion: bool = True,
    min_trend_total: int = 10,
    date_column: str = "month",
    classification: CategoryScheme | str | None = "police-uk",
    categories: Sequence[str] | None = None,
) -> TrendResult:
    """Per category (and per area when asked): volume, change, significance and trend.

    Method, for each group:

    1. ``last12`` / ``prev12``: incidents in the ``window`` months ending at ``end`` and in the
       ``window`` months before; ``change`` and ``pct_change`` (NaN when ``prev12`` is 0).
       ``p_value``: exact conditional Poisson test of equal monthly rates (C-test,
       Przyborowski & Wilenski 1940), two-sided. ``p_adj``: Benjamini–Hochberg (1995)
       adjustment across all rows. ``direction``: "rising"/"falling" when ``p_adj <= alpha``,
       else "stable" ("insufficient data" when the data do not reach back 2 windows, "series
       break" when a change of crime types that could not be combined lies inside them).
    2. ``recent`` vs ``recent_last_year``: the latest ``recent_months`` months against the same
       calendar months a year earlier, tested and adjusted the same way.
    3. ``trend_*``: a Poisson regression of up to ``trend_months`` monthly counts on time with
       seasonal terms (:func:`poisson_trend`), slope per month on the log scale and as percent
       per year, p-value and its BH adjustment.

    ``by`` may include ``"area_code"`` to split by area (needs ``membership`` and usually
    ``area_kind``, e.g. ``"ward"``). The counts span the months present in ``df``.

    Before counting by category, changes of ``classification`` (default: police.uk's crime
    types; ``None`` to count types as recorded) that fall inside the months compared are
    harmonised (:func:`saferplaces.analysis.classification.harmonise_categories`), on the rows
    of the scheme's source when ``df`` has a ``source`` column, else on every row. The
    ``classification`` column and ``TrendResult.classification`` say what was done.
    ``categories`` keeps only those types, compared after harmonising: pass ``df`` with every
    type linked to them (``classification.related_categories``) so a combined series is whole.
    """
    harmonisation = None
    if classification is not None and "category" in _as_list(by) and len(df):
        lookback = max(2 * window, 12 + recent_months, trend_months)
        df, harmonisation = _harmonised(df, classification, date_column, end, lookback)
    if categories is not None:
        wanted = {harmonisation.label(c) if harmonisation else c for c in categories}
        df = df[df["category"].isin(list(wanted))]
        if df.empty:
            raise ValueError("no incidents of the categories asked for")
    counts = monthly_counts(df, by=by, membership=membership, area_kind=area_kind,
                            end=end, date_column=date_column)
    result = trend_table_from_counts(
        counts, end=end, window=window, recent_months=recent_months,
        trend_months=trend_months, seasonal=seasonal, alpha=alpha,
        overdispersion=overdispersion, min_trend_total=min_trend_total,
        breaks=harmonisation.breaks if harmonisation else None,
    )
    if harmonisation is None:
        return result
    table = result.table.copy()
    keys = table.index.get_level_values("category")
    table["classification"] = [harmonisation.series_note(k) for k in keys]
    methods = dict(result.methods)
    methods["classification"] = (
        f"{harmonisation.scheme} type changes inside the months compared: renamed types counted "
        "under the current name, split types as one combined series, otherwise a series break")
    info = harmonisation.to_dict() | {"notes": harmonisation.notes()}
    return dataclasses.replace(result, table=table, methods=methods, classification=info)


def _harmonised(df: pd.DataFrame, classification: CategoryScheme | str, date_column: str,
                end: Any, lookback: int) -> tuple[pd.DataFrame, Harmonisation]:
    """``df`` with its categories harmonised over the ``lookback`` months ending at ``end``."""
    scheme = load_scheme(classification) if isinstance(classification, str) else classification
    rows = np.ones(len(df), dtype=bool)
    if "source" in df.columns and scheme.source_name:
        rows = (df["source"] == scheme.source_name).to_numpy()
    months = month_floor(df[date_column])
    last = month_floor([end]).iloc[0] if end is not None else months.max()
    first = max(months.min(), last - pd.DateOffset(months=lookback - 1))
    harmonisation = harmonise_categories(df["category"].to_numpy()[rows],
                                         months.to_numpy()[rows], scheme=scheme,
                                         first=first, last=last)
    if not harmonisation.labels:
        return df, harmonisation
    out = df.copy()
    out.loc[rows, "category"] = harmonisation.apply(out.loc[rows, "category"].to_numpy()).to_numpy()
    return out, harmonisation

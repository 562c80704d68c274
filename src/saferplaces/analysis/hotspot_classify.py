"""Hotspots over time: persistent, emerging, former and intermittent hot (and cold) spots.

After sfhotspot's ``hotspot_classify`` (Ashby, *sfhotspot*, R package): the study period is
split into equal sub-periods, Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995; see
``gistar``) is computed for each sub-period on one common grid and one set of neighbours, and
each cell is classified from the sequence of periods in which it was a significant hotspot
(z > 0 and Benjamini–Hochberg FDR-adjusted p < ``alpha`` within that period).

Rules (``classify_cells``), with ``T`` periods, the last ``r = max(1, floor(recent_prop·T))``
of them "recent" (at most ``T − 1``) and the first ``T − r`` "older"; shares are the fraction
of periods in which the cell was a significant hotspot, checked in this order:

1. **persistent hotspot** — hot in at least ``persistent_prop`` (0.8) of all periods;
2. **emerging hotspot** — hot in under ``hotspot_prop`` (0.1) of the older periods (with fewer
   than ten older periods: in none of them) and in at least ``recent_hot_prop`` (0.5) of the
   recent ones (with one recent period: in the last period);
3. **former hotspot** — hot in at least ``hotspot_prop`` of the older periods and in under
   ``hotspot_prop`` of the recent ones (fewer than ten recent periods: in none of them);
4. **intermittent hotspot** — hot in at least ``hotspot_prop`` of all periods, otherwise;
5. **no pattern**.

The same rules on significant coldspots give the coldspot classes; a cell with both a hot and
a cold class is a **mixed hot/coldspot**. sfhotspot's defaults are kept for ``hotspot_prop``,
``persistent_prop`` and ``recent_prop``; where sfhotspot calls a cell emerging when the share
of recent periods that are hot reaches ``recent_prop``, we ask for ``recent_hot_prop`` (half)
of them, and where sfhotspot adjusts each cell's p-values across periods, we adjust across
cells within each period (FDR, as for a single map). A period in which every cell has the same
count (e.g. no incidents) has no defined Gi*; its cells count as neither hot nor cold there
and the period is listed in ``parameters["degenerate_periods"]``.

Periods: police.uk records carry only the month, so when every timestamp is the first of a
month at midnight the split is by whole calendar months, and the number of months must divide
into ``n_periods`` equal parts. Otherwise ``[start, end)`` is cut into equal lengths of time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from saferplaces.analysis.geoout import GridOutput, json_value
from saferplaces.analysis.gistar import Alternative, gi_star, grid_weights
from saferplaces.analysis.grid import DEFAULT_MAX_CELLS, Grid, GridKind, count_points, make_grid
from saferplaces.analysis.hotspots import PValueChoice, choose_p_value
from saferplaces.analysis.permutation import as_generator, seed_record
from saferplaces.periods import month_at, month_numbers

__all__ = [
    "CATEGORIES",
    "HotspotClassification",
    "PeriodSplit",
    "RULES",
    "classify_cells",
    "hotspot_classify",
    "recent_periods",
    "split_periods",
]

CATEGORIES: tuple[str, ...] = (
    "persistent hotspot", "emerging hotspot", "former hotspot", "intermittent hotspot",
    "persistent coldspot", "emerging coldspot", "former coldspot", "intermittent coldspot",
    "mixed hot/coldspot", "no pattern",
)
RULES = (
    "share = fraction of periods in which the cell is a significant hotspot (Gi* z > 0, "
    "BH-FDR p < alpha); recent = last max(1, floor(recent_prop*T)) periods, older = the rest. "
    "persistent: share of all >= persistent_prop; emerging: share of older < hotspot_prop and "
    "share of recent >= recent_hot_prop; former: share of older >= hotspot_prop and share of "
    "recent < hotspot_prop; intermittent: share of all >= hotspot_prop; else no pattern. "
    "First match wins; same rules for coldspots; both a hot and a cold class: mixed."
)
CLASSIFY_REFERENCE = (
    "Hotspot classification over equal sub-periods after sfhotspot::hotspot_classify (Ashby); "
    "Gi* per period (Getis & Ord 1992; Ord & Getis 1995), BH-FDR within each period"
)


@dataclass(frozen=True, eq=False)
class PeriodSplit:
    """Equal sub-periods: period ``t`` is ``[edges[t], edges[t+1])``; ``index`` per incident.

    ``index`` is -1 for incidents outside ``[edges[0], edges[-1])`` or without a time.
    ``unit`` is ``"month"`` (whole calendar months) or ``"time"`` (equal lengths of time).
    """

    index: np.ndarray
    edges: tuple[pd.Timestamp, ...]
    unit: Literal["month", "time"]

    @property
    def n_periods(self) -> int:
        return len(self.edges) - 1

    @property
    def labels(self) -> tuple[str, ...]:
        """Human-readable period names, e.g. ``"2024-01 to 2024-03"``."""
        out = []
        for a, b in zip(self.edges[:-1], self.edges[1:], strict=True):
            if self.unit == "month":
                last = (b - pd.DateOffset(months=1))
                out.append(f"{a:%Y-%m}" if last == a else f"{a:%Y-%m} to {last:%Y-%m}")
            else:
                out.append(f"{a.isoformat()} to {b.isoformat()}")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "edges": [e.isoformat() for e in self.edges],
                "labels": list(self.labels), "n_outside": int((self.index < 0).sum())}


def split_periods(
    times: ArrayLike,
    n_periods: int,
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> PeriodSplit:
    """Split incidents' times into ``n_periods`` equal sub-periods of ``[start, end)``.

    Month-precision data (every time the first of a month at midnight, as police.uk) is split
    into whole months: ``start`` defaults to the first month, ``end`` (exclusive) to the month
    after the last, and the number of months must be a multiple of ``n_periods``. Otherwise
    the split is into equal lengths of time; ``end`` defaults to the day after the last time
    when all times are at midnight (day precision), else just after the last time.
    """
    n_periods = int(n_periods)
    if n_periods < 1:
        raise ValueError(f"n_periods must be at least 1, got {n_periods}")
    ts = pd.Series(pd.to_datetime(np.asarray(times)), dtype="datetime64[ns]")
    ok = ts.notna().to_numpy()
    if not ok.any():
        raise ValueError("no incident has a time")
    valid = ts[ok]
    first_of_month = bool(((valid.dt.day == 1) & (valid == valid.dt.normalize())).all())
    month_start = (start is None or pd.Timestamp(start) == pd.Timestamp(start).normalize()
                   and pd.Timestamp(start).day == 1)
    month_end = (end is None or pd.Timestamp(end) == pd.Timestamp(end).normalize()
                 and pd.Timestamp(end).day == 1)
    index = np.full(len(ts), -1, dtype=np.int64)
    if first_of_month and month_start and month_end:
        m = month_numbers(valid)
        m0 = int(m.min()) if start is None else int(month_numbers([pd.Timestamp(start)])[0])
        m1 = int(m.max()) + 1 if end is None else int(month_numbers([pd.Timestamp(end)])[0])
        months = m1 - m0
        if months < n_periods or months % n_periods:
            divisors = [d for d in range(1, months + 1) if months % d == 0]
            raise ValueError(f"{months} months cannot be split into {n_periods} equal periods "
                             f"of whole months; choose n_periods from {divisors}")
        size = months // n_periods
        rel = m - m0
        inside = (rel >= 0) & (rel < months)
        idx = np.full(len(valid), -1, dtype=np.int64)
        idx[inside] = rel[inside] // size
        index[ok] = idx
        edges = tuple(pd.Timestamp(month_at(m0 + t * size)) for t in range(n_periods + 1))
        return PeriodSplit(index=index, edges=edges, unit="month")

    ns = valid.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    t0 = int(ns.min()) if start is None else pd.Timestamp(start).value
    if end is None:
        midnight = bool((valid == valid.dt.normalize()).all())
        t1 = int(ns.max()) + (86_400 * 10**9 if midnight else 1)
    else:
        t1 = pd.Timestamp(end).value
    if t1 <= t0:
        raise ValueError("end must be after start")
    span = t1 - t0
    edges_ns = [t0 + (span * t) // n_periods for t in range(n_periods + 1)]
    idx = np.searchsorted(np.asarray(edges_ns[1:-1], dtype=np.int64), ns, side="right")
    inside = (ns >= t0) & (ns < t1)
    index[ok] = np.where(inside, idx, -1)
    return PeriodSplit(index=index, edges=tuple(pd.Timestamp(e) for e in edges_ns), unit="time")


def _classes(flags: np.ndarray, r: int, hotspot_prop: float, persistent_prop: float,
             recent_hot_prop: float, noun: str) -> np.ndarray:
    t = flags.shape[0]
    share_all = flags.mean(axis=0)
    share_old = flags[: t - r].mean(axis=0)
    share_recent = flags[t - r:].mean(axis=0)
    out = np.full(flags.shape[1], "no pattern", dtype=object)
    eps = 1e-12
    persistent = share_all >= persistent_prop - eps
    emerging = (share_old < hotspot_prop - eps) & (share_recent >= recent_hot_prop - eps)
    former = (share_old >= hotspot_prop - eps) & (share_recent < hotspot_prop - eps)
    intermittent = share_all >= hotspot_prop - eps
    # assign lowest precedence first so higher precedence overwrites
    out[intermittent] = f"intermittent {noun}"
    out[former] = f"former {noun}"
    out[emerging] = f"emerging {noun}"
    out[persistent] = f"persistent {noun}"
    return out


def recent_periods(n_periods: int, recent_prop: float) -> int:
    """Number of recent periods: ``max(1, floor(recent_prop·T))``, at most ``T − 1``."""
    r = max(1, math.floor(recent_prop * n_periods + 1e-9))
    return min(r, n_periods - 1)


def classify_cells(
    hot: ArrayLike,
    cold: ArrayLike | None = None,
    *,
    hotspot_prop: float = 0.1,
    persistent_prop: float = 0.8,
    recent_prop: float = 0.2,
    recent_hot_prop: float = 0.5,
) -> np.ndarray:
    """Class of each cell from its (periods × cells) significant-hot (and -cold) flags.

    The rules are in the module docstring (after sfhotspot's ``hotspot_classify``).
    """
    hot = np.asarray(hot, dtype=bool)
    if hot.ndim != 2 or hot.shape[0] < 2:
        raise ValueError("hot must be a (periods x cells) array with at least 2 periods")
    for name, v in (("hotspot_prop", hotspot_prop), ("persistent_prop", persistent_prop),
                    ("recent_prop", recent_prop), ("recent_hot_prop", recent_hot_prop)):
        if not 0.0 < v <= 1.0:
            raise ValueError(f"{name} must be in (0, 1], got {v}")
    r = recent_periods(hot.shape[0], recent_prop)
    hot_cls = _classes(hot, r, hotspot_prop, persistent_prop, recent_hot_prop, "hotspot")
    if cold is None:
        return hot_cls
    cold = np.asarray(cold, dtype=bool)
    if cold.shape != hot.shape:
        raise ValueError(f"cold is {cold.shape}, hot is {hot.shape}")
    cold_cls = _classes(cold, r, hotspot_prop, persistent_prop, recent_hot_prop, "coldspot")
    out = np.where(hot_cls != "no pattern", hot_cls, cold_cls).astype(object)
    out[(hot_cls != "no pattern") & (cold_cls != "no pattern")] = "mixed hot/coldspot"
    return out


@dataclass(frozen=True, eq=False)
class HotspotClassification(GridOutput):
    """Per-cell hotspot class over time, per-period counts and Gi*, with all parameters.

    Arrays with a period axis are ``(n_periods, n_cells)``; ``z`` and ``p_fdr`` are NaN in
    degenerate periods.
    """

    grid: Grid
    periods: PeriodSplit
    counts: np.ndarray
    z: np.ndarray
    p_fdr: np.ndarray
    hot: np.ndarray
    cold: np.ndarray
    category: np.ndarray
    parameters: dict[str, Any] = field(default_factory=dict)

    def pattern(self) -> np.ndarray:
        """Per cell, one character per period: ``H`` hot, ``C`` cold, ``.`` neither."""
        chars = np.where(self.hot, "H", np.where(self.cold, "C", "."))
        return np.array(["".join(col) for col in chars.T.tolist()], dtype=object)

    def columns(self) -> dict[str, np.ndarray]:
        """Per-cell properties: total count, class, hot/cold period counts, pattern, per period."""
        cols: dict[str, np.ndarray] = {
            "count": self.counts.sum(axis=0),
            "hotspot_class": self.category,
            "hot_periods": self.hot.sum(axis=0),
            "cold_periods": self.cold.sum(axis=0),
            "pattern": self.pattern(),
        }
        for t in range(self.periods.n_periods):
            cols[f"count_{t + 1}"] = self.counts[t]
            cols[f"gi_z_{t + 1}"] = self.z[t]
            cols[f"p_fdr_{t + 1}"] = self.p_fdr[t]
        return cols

    def _cells(self, include_empty: bool) -> NDArray[np.bool_] | None:
        """All cells, or without ``include_empty`` those with incidents or a class."""
        if include_empty:
            return None
        shown: NDArray[np.bool_] = (self.counts.sum(axis=0) > 0) | (self.category != "no pattern")
        return shown

    def summary(self) -> dict[str, int]:
        """Number of cells in each class."""
        values, counts = np.unique(self.category.astype(str), return_counts=True)
        return {str(v): int(c) for v, c in zip(values, counts, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = json_value({"parameters": self.parameters, "summary": self.summary()})
        return out


def hotspot_classify(
    x: ArrayLike,
    y: ArrayLike,
    times: ArrayLike,
    *,
    n_periods: int = 4,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    cell_size: float | None = None,
    grid_type: GridKind = "square",
    bounds: tuple[float, float, float, float] | None = None,
    weights: Literal["distance", "knn"] = "distance",
    distance: float | None = None,
    k: int | None = None,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    p_value: PValueChoice = "auto",
    hotspot_prop: float = 0.1,
    persistent_prop: float = 0.8,
    recent_prop: float = 0.2,
    recent_hot_prop: float = 0.5,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> HotspotClassification:
    """Classify grid cells as persistent / emerging / former / intermittent hot or cold spots.

    Method: Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) per equal sub-period with
    BH-FDR (1995) per period, classified by the rules in this module's docstring (after
    sfhotspot's ``hotspot_classify``). Grid, neighbours and ``p_value`` as for
    ``hotspots.hotspots``. One seed drives every period's permutations.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    split = split_periods(times, n_periods, start=start, end=end)
    if split.index.size != x.size:
        raise ValueError(f"{split.index.size} times for {x.size} points")
    n_t = split.n_periods
    if n_t < 2:
        raise ValueError("classification needs at least 2 periods")
    recent_periods(n_t, recent_prop)
    inside = split.index >= 0
    if not inside.any():
        raise ValueError("no incident falls in the periods")
    grid = make_grid(x[inside], y[inside], cell_size=cell_size, kind=grid_type, bounds=bounds,
                     max_cells=max_cells)
    w, info = grid_weights(grid, weights, distance=distance, k=k)
    source, reason = choose_p_value(grid.n_cells, permutations, alpha, alternative, p_value)
    rng = as_generator(seed)
    n = grid.n_cells
    counts = np.zeros((n_t, n), dtype=np.int64)
    z = np.full((n_t, n), np.nan)
    p_fdr = np.full((n_t, n), np.nan)
    hot = np.zeros((n_t, n), dtype=bool)
    cold = np.zeros((n_t, n), dtype=bool)
    degenerate = []
    gi_params: dict[str, Any] = {}
    for t in range(n_t):
        sel = split.index == t
        counts[t] = count_points(grid, x[sel], y[sel])
        if counts[t].min() == counts[t].max():
            degenerate.append(split.labels[t])
            continue
        gi = gi_star(counts[t], w, permutations=permutations, seed=rng,
                     alternative=alternative, p_value=source, weights_info=info)
        z[t], p_fdr[t] = gi.z, gi.p_fdr
        hot[t], cold[t] = gi.hot(alpha), gi.cold(alpha)
        gi_params = gi.parameters()
    category = classify_cells(hot, cold, hotspot_prop=hotspot_prop,
                              persistent_prop=persistent_prop, recent_prop=recent_prop,
                              recent_hot_prop=recent_hot_prop)
    gi_params = gi_params or {"weights": info}
    gi_params.update(seed=seed_record(seed), p_source=source, p_source_reason=reason)
    params: dict[str, Any] = {
        "method": "hotspot classification over time",
        "crs_analysis": grid.crs,
        "crs_output": "EPSG:4326",
        "cell_size_m": grid.cell_size,
        "grid": grid.to_dict(),
        "periods": split.to_dict(),
        "n_points": int(x.size),
        "n_outside_periods": int((~inside).sum()),
        "n_outside_grid": grid.n_outside,
        "gistar": gi_params,
        "alpha": alpha,
        "hotspot_prop": hotspot_prop,
        "persistent_prop": persistent_prop,
        "recent_prop": recent_prop,
        "recent_hot_prop": recent_hot_prop,
        "recent_periods": recent_periods(n_t, recent_prop),
        "degenerate_periods": degenerate,
        "rules": RULES,
        "references": [CLASSIFY_REFERENCE],
    }
    return HotspotClassification(grid=grid, periods=split, counts=counts, z=z, p_fdr=p_fdr,
                                 hot=hot, cold=cold, category=category, parameters=params)

"""Near-repeat analysis: space-time pair counts against a permutation null.

Two statistics of one family:

- :func:`near_repeat` — the multi-band table of Ratcliffe's Near Repeat Calculator (NRC,
  Ratcliffe 2009, manual v1.3): every pair of events is placed in a distance band × time band
  cell; the observed count of each cell is compared with its mean over Monte Carlo permutations
  of the dates among the events (Knox ratio and pseudo p-value per cell).
- :func:`knox` — the single-band Knox (1964) test, with the conventions of
  ``pointpats.spacetime.Knox``: the Poisson-approximation p-value and a permutation p-value.

How it runs fast in little memory. All pairs of events closer than the largest distance band
are found once with a k-d tree (memory proportional to those pairs, never n²). Because a
permutation only re-labels the dates, each iteration just recounts the time difference of
each stored pair (compiled with numba, several permutations per pass over the pairs, in
parallel). The pairs farther apart than the largest distance band are never enumerated: the
number of all pairs in each time band does not depend on the permutation (it is fixed by the
multiset of dates), so it is counted once from the sorted dates, and the "beyond" distance row
is that total minus the pairs within the distance bands. Likewise the "beyond" time column is
the (fixed) number of pairs in each distance band minus the pairs within the time bands.

References
----------
- Knox, E. G. (1964). The detection of space-time interactions. *Journal of the Royal
  Statistical Society, Series C (Applied Statistics)* 13(1), 25–30.
- Johnson, S. D., Bernasco, W., Bowers, K. J., Elffers, H., Ratcliffe, J., Rengert, G. &
  Townsley, M. (2007). Space-time patterns of risk: a cross national assessment of residential
  burglary victimization. *Journal of Quantitative Criminology* 23(3), 201–219.
- Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3) and its manual. Temple
  University, Philadelphia, and the National Institute of Justice, Washington, DC.
- Rogerson, P. A. (2001). *Statistical Methods for Geography*. Sage (Knox test, Poisson
  approximation, as used by ``pointpats.spacetime.Knox``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numba
import numpy as np
import pandas as pd
from numba import njit, prange
from scipy.spatial import cKDTree
from scipy.stats import poisson

from saferplaces.analysis.jsonable import json_value

__all__ = [
    "SHARED_LOCATION_WARN_FRACTION",
    "KnoxResult",
    "NearRepeatDataWarning",
    "NearRepeatResult",
    "SnappedLocationWarning",
    "knox",
    "near_repeat",
    "near_repeat_incidents",
]

#: Warn when more than this fraction of events share their exact coordinates with another
#: event: short distances then mostly measure how locations were snapped, not behaviour.
SHARED_LOCATION_WARN_FRACTION: float = 0.2

REFERENCES: tuple[str, ...] = (
    "Knox, E. G. (1964). The detection of space-time interactions. Applied Statistics 13(1), "
    "25-30.",
    "Johnson, S. D. et al. (2007). Space-time patterns of risk: a cross national assessment of "
    "residential burglary victimization. Journal of Quantitative Criminology 23(3), 201-219.",
    "Ratcliffe, J. H. (2009). Near Repeat Calculator (version 1.3) and manual. Temple "
    "University and the National Institute of Justice.",
)

BAND_CONVENTION = (
    "Bands are given by their edges, starting at 0. The first band includes both edges "
    "[e0, e1]; each later band excludes its lower edge and includes its upper edge (e_k, e_k+1]; "
    "pairs beyond the last edge form a final 'more than' band. With same_location=True, "
    "distance exactly 0 is its own row and the first distance band becomes (0, e1], as in the "
    "Near Repeat Calculator. Time differences are absolute, in days."
)
EXPECTED_CONVENTION = (
    "Expected count of a cell = mean count over the Monte Carlo iterations, each of which "
    "randomly permutes the dates among the events (locations fixed)."
)
P_VALUE_CONVENTION = (
    "Pseudo p-value = (number of iterations with count >= observed + 1) / (iterations + 1), "
    "one-sided for more pairs than expected, as the Near Repeat Calculator reports."
)

# Permutations handled in one pass over the stored pairs: the permuted dates of one event for
# all of them sit in two cache lines (32 int32 = 128 bytes).
_PERMUTATIONS_PER_PASS = 32


class NearRepeatDataWarning(UserWarning):
    """The data limit what the near-repeat table can show (e.g. dates that look monthly)."""


class SnappedLocationWarning(NearRepeatDataWarning):
    """Locations are snapped or heavily shared, so short-distance bands are unreliable."""


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NearRepeatResult:
    """Near Repeat Calculator table: one cell per distance band × time band.

    Arrays are indexed ``[distance_band, time_band]``; the last row and the last column are the
    "more than" bands. ``distance_bands`` / ``time_bands`` give each row's / column's
    ``(lo, hi)`` (``hi`` is ``None`` for the "more than" band); ``distance_labels`` /
    ``time_labels`` are the NRC's row and column labels.
    """

    observed: np.ndarray
    expected: np.ndarray
    knox_ratio: np.ndarray
    p_value: np.ndarray
    distance_edges: tuple[float, ...]
    time_edges: tuple[float, ...]
    distance_bands: tuple[tuple[float, float | None], ...]
    time_bands: tuple[tuple[float, float | None], ...]
    distance_labels: tuple[str, ...]
    time_labels: tuple[str, ...]
    snapping_warning: bool
    warnings: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per cell, with band bounds, NRC labels and the statistics."""
        rows = []
        for a, (dlo, dhi) in enumerate(self.distance_bands):
            for b, (tlo, thi) in enumerate(self.time_bands):
                rows.append(
                    {
                        "distance_lo": dlo,
                        "distance_hi": dhi,
                        "distance_label": self.distance_labels[a],
                        "time_lo": tlo,
                        "time_hi": thi,
                        "time_label": self.time_labels[b],
                        "observed": int(self.observed[a, b]),
                        "expected": float(self.expected[a, b]),
                        "knox_ratio": float(self.knox_ratio[a, b]),
                        "p_value": float(self.p_value[a, b]),
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"cells": [...], "beyond": [...], "parameters": {...}}``.

        Each cell is ``{"distance_band": [lo, hi], "time_band": [lo, hi], "observed": n,
        "expected": x, "knox_ratio": r, "p_value": p}``; ``knox_ratio`` is ``None`` where the
        expected count is 0. ``cells`` holds the bounded bands only, so every edge is a number;
        the NRC's "more than" row and column (``hi`` = ``None``) are listed in ``beyond``.
        """
        cells, beyond = [], []
        for a, (dlo, dhi) in enumerate(self.distance_bands):
            for b, (tlo, thi) in enumerate(self.time_bands):
                ratio = float(self.knox_ratio[a, b])
                (beyond if dhi is None or thi is None else cells).append(
                    {
                        "distance_band": [dlo, dhi],
                        "time_band": [tlo, thi],
                        "observed": int(self.observed[a, b]),
                        "expected": float(self.expected[a, b]),
                        "knox_ratio": None if math.isnan(ratio) else ratio,
                        "p_value": float(self.p_value[a, b]),
                    }
                )
        return {"cells": cells, "beyond": beyond, "parameters": json_value(self.parameters)}

    def to_nrc_table(
        self, value: Literal["knox_ratio", "observed", "expected", "p_value"] = "knox_ratio"
    ) -> pd.DataFrame:
        """The NRC's layout of one statistic: rows are distance bands ("Same location",
        "1 to 100", ..., "More than 400"), columns are time bands in days ("0 to 7",
        "8 to 14", ..., "More than 28")."""
        if value not in ("knox_ratio", "observed", "expected", "p_value"):
            raise ValueError(
                f"value must be 'knox_ratio', 'observed', 'expected' or 'p_value', not {value!r}"
            )
        table = pd.DataFrame(
            getattr(self, value),
            index=pd.Index(list(self.distance_labels), name="Distance (m)"),
            columns=pd.Index(list(self.time_labels), name="Time (days)"),
        )
        return table


@dataclass(frozen=True, eq=False)
class KnoxResult:
    """Single-band Knox test (Knox 1964), with ``pointpats.spacetime.Knox`` conventions.

    ``statistic`` is the number of pairs close in both space (distance <= delta) and time
    (|dt| <= tau). ``observed`` / ``expected_table`` are the 2 × 2 tables
    ``[[space & time, space only], [time only, neither]]``. ``p_poisson`` is
    P(X > statistic) for X ~ Poisson(expected) (pointpats' convention, ``1 - cdf``);
    ``p_sim`` is the permutation pseudo p-value (``None`` when no permutations were run).
    """

    statistic: int
    expected: float
    observed: np.ndarray
    expected_table: np.ndarray
    n_spatial_pairs: int
    n_temporal_pairs: int
    n_pairs: int
    p_poisson: float
    p_sim: float | None
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the test."""
        return {
            "statistic": self.statistic,
            "expected": self.expected,
            "observed": self.observed.tolist(),
            "expected_table": self.expected_table.tolist(),
            "n_spatial_pairs": self.n_spatial_pairs,
            "n_temporal_pairs": self.n_temporal_pairs,
            "n_pairs": self.n_pairs,
            "p_poisson": self.p_poisson,
            "p_sim": self.p_sim,
            "parameters": json_value(self.parameters),
        }


# --------------------------------------------------------------------------------------------
# Compiled kernels
# --------------------------------------------------------------------------------------------


# Each kernel has a serial body and a parallel driver that runs the body on chunks in
# parallel; small problems call the body directly, because a parallel region waits for every
# worker thread, which costs milliseconds when the cores are busy with other work.


@njit(cache=True)
def _count_range_whole_days(pair_i, pair_j, pair_row, times, lut_k, row_stride, lo, hi, counts):
    """Add the stored pairs ``lo:hi`` to ``counts``, for whole-day dates.

    ``times`` is (n_events, k) int32: column s holds one assignment of dates. ``counts`` is
    the flat C-order view of a (rows, time bands, k) table (``row_stride`` = bands × k).
    ``lut_k[dt]`` is k × the time band of a difference of ``dt`` days, for every dt within the
    last time edge; larger differences are not counted (the caller derives the "more than"
    column).
    """
    limit = lut_k.size
    k = times.shape[1]
    for p in range(lo, hi):
        ti = times[pair_i[p]]
        tj = times[pair_j[p]]
        offset = pair_row[p] * row_stride
        for s in range(k):
            dt = abs(ti[s] - tj[s])
            # Most pairs are far apart in time: one well-predicted test skips them.
            if dt < limit:
                counts[offset + lut_k[dt] + s] += 1


@njit(cache=True)
def _count_range_fractional_days(pair_i, pair_j, pair_row, times, upper, lo, hi, counts):
    """As :func:`_count_range_whole_days` for float64 dates that are not whole days,
    placing each difference with the band edges ``upper`` directly."""
    n_cols = upper.size
    last = upper[n_cols - 1]
    k = times.shape[1]
    for p in range(lo, hi):
        ti = times[pair_i[p]]
        tj = times[pair_j[p]]
        row = pair_row[p]
        for s in range(k):
            dt = abs(ti[s] - tj[s])
            if dt <= last:
                col = 0
                while dt > upper[col]:
                    col += 1
                counts[row, col, s] += 1


@njit(parallel=True, cache=True)
def _count_chunks_whole_days(pair_i, pair_j, pair_row, times, lut_k, row_stride, partial):
    n_chunks = partial.shape[0]
    n_pairs = pair_i.size
    for c in prange(n_chunks):
        lo = (n_pairs * c) // n_chunks
        hi = (n_pairs * (c + 1)) // n_chunks
        _count_range_whole_days(
            pair_i, pair_j, pair_row, times, lut_k, row_stride, lo, hi, partial[c]
        )


@njit(parallel=True, cache=True)
def _count_chunks_fractional_days(pair_i, pair_j, pair_row, times, upper, partial):
    n_chunks = partial.shape[0]
    n_pairs = pair_i.size
    for c in prange(n_chunks):
        lo = (n_pairs * c) // n_chunks
        hi = (n_pairs * (c + 1)) // n_chunks
        _count_range_fractional_days(pair_i, pair_j, pair_row, times, upper, lo, hi, partial[c])


@njit(cache=True)
def _shuffle_column(block, s, dates, u):
    """Column ``s`` of ``block`` := ``dates`` in random order (Fisher–Yates driven by the
    uniform [0, 1) draws ``u`` from the caller's numpy Generator)."""
    # Shuffle a contiguous copy (cache-friendly swaps), then copy it into the column.
    column = dates.copy()
    for i in range(dates.size - 1, 0, -1):
        j = min(int(u[i] * (i + 1)), i)
        tmp = column[i]
        column[i] = column[j]
        column[j] = tmp
    for i in range(dates.size):
        block[i, s] = column[i]


@njit(cache=True)
def _fill_shuffled_serial(block, dates, uniforms):
    for s in range(block.shape[1]):
        _shuffle_column(block, s, dates, uniforms[s])


@njit(parallel=True, cache=True)
def _fill_shuffled_parallel(block, dates, uniforms):
    for s in prange(block.shape[1]):
        _shuffle_column(block, s, dates, uniforms[s])


@njit(cache=True)
def _pairs_within_time(sorted_times, upper):
    """Number of all pairs (i < j) with |dt| <= each upper edge, from sorted dates.

    Two pointers per edge; the comparison ``t[j] - t[i] <= e`` is the one the counting
    kernels make (rounding is monotone, so it is monotone in j), so the two agree exactly
    even for fractional days.
    """
    n = sorted_times.size
    out = np.zeros(upper.size, dtype=np.int64)
    for e in range(upper.size):
        edge = upper[e]
        j = 0
        total = 0
        for i in range(n):
            if j < i + 1:
                j = i + 1
            while j < n and sorted_times[j] - sorted_times[i] <= edge:
                j += 1
            total += j - i - 1
        out[e] = total
    return out


# --------------------------------------------------------------------------------------------
# Shared engine
# --------------------------------------------------------------------------------------------

# Whole-day differences are banded with a lookup table of this many entries at most.
_MAX_LOOKUP_DAYS = 10_000_000
# Pairs are turned into (i, j, row) in pieces of this many, to bound temporary memory.
_PAIR_PIECE = 1 << 20
# Below these sizes the kernels run serially (see the kernels' note).
_PARALLEL_PAIRS = 200_000
_PARALLEL_EVENTS = 20_000


@dataclass(frozen=True)
class _Pairs:
    """Pairs of events within the largest distance band, events numbered in k-d tree order."""

    i: np.ndarray  # int32
    j: np.ndarray  # int32
    row: np.ndarray  # uint8 distance row
    order: np.ndarray  # original event index at each tree position
    n_rows: int  # distance rows within the edges (incl. same location)


def _find_pairs(
    x: np.ndarray,
    y: np.ndarray,
    upper: np.ndarray,
    metric: str,
    same_location: bool,
) -> _Pairs:
    tree = cKDTree(np.column_stack([x, y]))
    # Renumber events in the tree's leaf order: spatial neighbours get nearby numbers, so the
    # permuted dates the kernel reads for consecutive pairs are close together in memory.
    order = tree.indices.astype(np.int64)
    rank = np.empty(order.size, dtype=np.int32)
    rank[order] = np.arange(order.size, dtype=np.int32)
    r_max = float(upper[-1])
    # Query a hair wider than the band, then decide membership with our own distance, which is
    # the one the documentation states (the formula of scipy's pdist).
    raw = tree.query_pairs(
        r_max * (1.0 + 1e-9) + 1e-9,
        p=1.0 if metric == "manhattan" else 2.0,
        output_type="ndarray",
    )
    total = raw.shape[0]
    pair_i = np.empty(total, dtype=np.int32)
    pair_j = np.empty(total, dtype=np.int32)
    pair_row = np.empty(total, dtype=np.uint8)
    keep = np.empty(total, dtype=bool)
    for lo in range(0, total, _PAIR_PIECE):
        a = raw[lo : lo + _PAIR_PIECE, 0]
        b = raw[lo : lo + _PAIR_PIECE, 1]
        dx = x[a] - x[b]
        dy = y[a] - y[b]
        dist = np.abs(dx) + np.abs(dy) if metric == "manhattan" else np.sqrt(dx * dx + dy * dy)
        row = np.searchsorted(upper, dist, side="left")
        if same_location:
            row += 1
            row[dist == 0.0] = 0
        piece = slice(lo, lo + a.size)
        pair_i[piece] = rank[a]
        pair_j[piece] = rank[b]
        pair_row[piece] = row
        keep[piece] = dist <= r_max
    del raw
    if not keep.all():
        pair_i, pair_j, pair_row = pair_i[keep], pair_j[keep], pair_row[keep]
    return _Pairs(
        i=pair_i,
        j=pair_j,
        row=pair_row,
        order=order,
        n_rows=upper.size + (1 if same_location else 0),
    )


class _TimeCounter:
    """Counts the stored pairs per (distance row, time band) for blocks of date assignments,
    choosing the whole-day kernel (lookup table) when every date is a whole number of days."""

    def __init__(self, pairs: _Pairs, days_tree: np.ndarray, upper_t: np.ndarray) -> None:
        self.pairs = pairs
        self.upper = upper_t
        n_pairs = pairs.i.size
        self.n_chunks = 1 if n_pairs < _PARALLEL_PAIRS else 4 * numba.get_num_threads()
        self.parallel_shuffle = days_tree.size >= _PARALLEL_EVENTS
        span = float(days_tree.max() - days_tree.min())
        self.whole_days = bool(
            np.all(days_tree == np.floor(days_tree))
            and span < 2**31 - 1
            and np.floor(upper_t[-1]) < _MAX_LOOKUP_DAYS
        )
        if self.whole_days:
            self.dates = (days_tree - days_tree.min()).astype(np.int32)
            steps = np.arange(int(np.floor(upper_t[-1])) + 1, dtype=np.float64)
            self.lut = np.searchsorted(upper_t, steps, side="left").astype(np.int32)
        else:
            self.dates = days_tree.astype(np.float64)

    def count(self, block: np.ndarray) -> np.ndarray:
        """Inner counts (k, rows, time bands) for a (n_events, k) block of dates."""
        p = self.pairs
        k = block.shape[1]
        n_cols = self.upper.size
        if self.whole_days:
            partial = np.zeros((self.n_chunks, p.n_rows * n_cols * k), dtype=np.int64)
            lut_k = self.lut * k
            if self.n_chunks == 1:
                _count_range_whole_days(
                    p.i, p.j, p.row, block, lut_k, n_cols * k, 0, p.i.size, partial[0]
                )
            else:
                _count_chunks_whole_days(p.i, p.j, p.row, block, lut_k, n_cols * k, partial)
        else:
            partial = np.zeros((self.n_chunks, p.n_rows, n_cols, k), dtype=np.int64)
            if self.n_chunks == 1:
                _count_range_fractional_days(
                    p.i, p.j, p.row, block, self.upper, 0, p.i.size, partial[0]
                )
            else:
                _count_chunks_fractional_days(p.i, p.j, p.row, block, self.upper, partial)
        return partial.sum(axis=0).reshape(p.n_rows, n_cols, k).transpose(2, 0, 1)

    def observed(self) -> np.ndarray:
        return self.count(self.dates[:, None].copy())[0]

    def permuted(self, iterations: int, rng: np.random.Generator) -> np.ndarray:
        """Inner counts (iterations, rows, time bands) under random permutations of the dates
        among the events, several permutations per pass over the pairs."""
        n = self.dates.size
        sims = np.empty((iterations, self.pairs.n_rows, self.upper.size), dtype=np.int64)
        fill = _fill_shuffled_parallel if self.parallel_shuffle else _fill_shuffled_serial
        done = 0
        while done < iterations:
            k = min(_PERMUTATIONS_PER_PASS, iterations - done)
            block = np.empty((n, k), dtype=self.dates.dtype)
            fill(block, self.dates, rng.random((k, n)))
            sims[done : done + k] = self.count(block)
            done += k
        return sims


def _complete_tables(
    inner: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray, n_pairs: int
) -> np.ndarray:
    """Add the "more than" column and row to (k, rows, cols) inner counts.

    ``row_totals`` are the (permutation-invariant) pairs in each distance row; ``col_totals``
    the (permutation-invariant) pairs of all events in each time band.
    """
    k, rows, cols = inner.shape
    full = np.zeros((k, rows + 1, cols + 1), dtype=np.int64)
    full[:, :rows, :cols] = inner
    full[:, :rows, cols] = row_totals[None, :] - inner.sum(axis=2)
    full[:, rows, :cols] = col_totals[None, :] - inner.sum(axis=1)
    full[:, rows, cols] = n_pairs - full.sum(axis=(1, 2))
    return full


def _as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _seed_record(seed: int | np.random.Generator | None) -> int | str | None:
    if isinstance(seed, np.random.Generator):
        return "numpy.random.Generator supplied by caller"
    return seed


def _as_days(t: Any) -> np.ndarray:
    """Dates as float days: datetime64 values become whole days (their calendar date), as the
    NRC takes dates; numbers are taken as days already."""
    arr = np.asarray(t)
    if np.issubdtype(arr.dtype, np.datetime64):
        if np.isnat(arr).any():
            raise ValueError("t contains missing dates (NaT)")
        return arr.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    if arr.dtype == object:
        try:
            arr = pd.to_datetime(arr).to_numpy()
        except (TypeError, ValueError) as exc:
            raise ValueError("t must be numbers of days or datetime64 values") from exc
        return _as_days(arr)
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError("t must be numbers of days or datetime64 values")
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError("t contains missing or infinite values")
    return out


def _check_coords(x: Any, y: Any, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    if not (xa.size == ya.size == t.size):
        raise ValueError(f"x, y and t differ in length ({xa.size}, {ya.size}, {t.size})")
    if xa.size < 2:
        raise ValueError("need at least two events to form a pair")
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise ValueError("x and y must be finite (projected metres, e.g. British National Grid)")
    if xa.size >= 2**31 - 1:
        raise ValueError("too many events (at most 2**31 - 2)")
    return xa, ya


def _check_edges(edges: Sequence[float], what: str) -> np.ndarray:
    arr = np.asarray(edges, dtype=np.float64).ravel()
    if arr.size < 2:
        raise ValueError(f"{what} needs at least two edges, e.g. [0, 100, 200]")
    if not np.isfinite(arr).all():
        raise ValueError(f"{what} edges must be finite")
    if arr[0] != 0.0:
        raise ValueError(f"{what} must start at 0 (got {arr[0]:g}) so that every pair is counted")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{what} edges must be strictly increasing")
    if arr.size > 200:
        raise ValueError(f"{what}: at most 199 bands")
    return arr


def _check_precision(precision: str | Sequence[str] | np.ndarray) -> str:
    if isinstance(precision, str):
        values = np.array([precision], dtype=object)
    else:
        values = np.asarray(precision, dtype=object).ravel()
    labels = {str(v).lower() for v in values}
    n_month = int(sum(str(v).lower() == "month" for v in values))
    if n_month:
        raise ValueError(
            "near-repeat analysis needs dates to the day: "
            + (f"{n_month} event(s) are" if values.size > 1 else "the data are")
            + " known only to the month (police.uk publishes only the month), so the time "
            "between events is unknown. Use day-precision local records instead."
        )
    unknown = labels - {"day", "hour", "minute", "second"}
    if unknown:
        raise ValueError(f"unknown precision {sorted(unknown)}; use 'day' or 'minute'")
    return "day" if labels == {"day"} else ",".join(sorted(labels))


def _shared_location_fraction(x: np.ndarray, y: np.ndarray) -> float:
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    same_as_next = (xs[1:] == xs[:-1]) & (ys[1:] == ys[:-1])
    shared = np.zeros(x.size, dtype=bool)
    shared[1:] |= same_as_next
    shared[:-1] |= same_as_next
    return float(shared.mean())


def _fmt(v: float) -> str:
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


def _labels(edges: np.ndarray, same_location: bool) -> tuple[str, ...]:
    """NRC-style labels: integer edges read "0 to 7", "8 to 14", ... (whole units, as the NRC
    counts days and metres); otherwise "0 to 7.5", ">7.5 to 15"."""
    integral = all(float(e).is_integer() for e in edges)
    out: list[str] = []
    if same_location:
        out.append("Same location")
    for k in range(edges.size - 1):
        lo, hi = edges[k], edges[k + 1]
        if k == 0 and not same_location:
            out.append(f"{_fmt(lo)} to {_fmt(hi)}")
        elif integral:
            out.append(f"{_fmt(lo + 1)} to {_fmt(hi)}")
        else:
            out.append(f">{_fmt(lo)} to {_fmt(hi)}")
    out.append(f"More than {_fmt(edges[-1])}")
    return tuple(out)


def _bands(edges: np.ndarray, same_location: bool) -> tuple[tuple[float, float | None], ...]:
    out: list[tuple[float, float | None]] = []
    if same_location:
        out.append((0.0, 0.0))
    out.extend((float(edges[k]), float(edges[k + 1])) for k in range(edges.size - 1))
    out.append((float(edges[-1]), None))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def near_repeat(
    x: Any,
    y: Any,
    t: Any,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    iterations: int = 999,
    seed: int | np.random.Generator | None = 0,
    metric: Literal["euclidean", "manhattan"] = "euclidean",
    precision: str | Sequence[str] | np.ndarray = "day",
    snapped: bool = False,
    same_location: bool = True,
) -> NearRepeatResult:
    """Near Repeat Calculator analysis (Ratcliffe 2009; Knox 1964; Johnson et al. 2007).

    Counts every pair of events (i < j) in each distance band × time band, and compares each
    count with its distribution when the dates are randomly permuted among the events
    (locations fixed): expected = mean permuted count, Knox ratio = observed / expected,
    pseudo p-value = (#iterations with count >= observed + 1) / (iterations + 1).

    Parameters
    ----------
    x, y
        Event coordinates in metres (British National Grid easting / northing).
    t
        Event dates: numbers of days, or datetime64 (converted to whole days — the date).
    distance_bands, time_bands
        Band edges starting at 0, e.g. ``[0, 100, 200, 300, 400]`` metres and
        ``[0, 7, 14, 21, 28]`` days. The first band is [0, 100], the next (100, 200], etc.
        (lower edge exclusive, upper inclusive, except the first band which includes 0);
        pairs beyond the last edge form a "More than" band, which is part of the table.
    iterations
        Monte Carlo permutations (the NRC's default is 999).
    seed
        Seed or ``numpy.random.Generator`` for the permutations.
    metric
        ``"euclidean"`` (straight line) or ``"manhattan"`` (|dx| + |dy|), as in the NRC.
    precision
        Date precision: ``"day"`` (or finer), or the incident table's ``precision`` column.
        Month precision is refused with ``ValueError``: police.uk gives only the month, so the
        days between events are unknown.
    snapped
        Set when locations are snapped to anonymous map points; a
        :class:`SnappedLocationWarning` is raised and the result flagged. The same happens
        when more than ``SHARED_LOCATION_WARN_FRACTION`` of events share exact coordinates.
    same_location
        Split distance exactly 0 (repeats at the same place) into its own "Same location"
        row, as the NRC does; the first distance band then becomes (0, e1].

    Notes
    -----
    Memory grows with the number of pairs closer than the last distance edge (9 bytes a pair
    kept, about 30 while they are found), never with n²: pairs farther apart are counted
    through the permutation-invariant totals per time band (see the module docstring).
    """
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    if metric not in ("euclidean", "manhattan"):
        raise ValueError(f"metric must be 'euclidean' or 'manhattan', not {metric!r}")
    precision_label = _check_precision(precision)
    days = _as_days(t)
    xa, ya = _check_coords(x, y, days)
    d_edges = _check_edges(distance_bands, "distance_bands")
    t_edges = _check_edges(time_bands, "time_bands")

    messages: list[str] = []
    shared = _shared_location_fraction(xa, ya)
    if snapped:
        messages.append(
            "Locations are snapped to map points: pairs a short distance apart (under about "
            "100 m) mostly measure the snapping, not repeat victimisation."
        )
    if shared > SHARED_LOCATION_WARN_FRACTION:
        messages.append(
            f"{shared:.0%} of events share their exact coordinates with another event: "
            "the locations look snapped or geocoded to a few points, so the shortest distance "
            "bands mostly measure that."
        )
    if days.size >= 20 and np.issubdtype(np.asarray(t).dtype, np.datetime64):
        d = np.asarray(t).astype("datetime64[D]")
        if np.all(d == d.astype("datetime64[M]").astype("datetime64[D]")):
            messages.append(
                "Every date falls on the first of a month: the data may be month-precision "
                "(police.uk style), in which case time bands shorter than a month mean nothing."
            )
    snapping_flag = snapped or shared > SHARED_LOCATION_WARN_FRACTION
    for message in messages:
        category = (
            NearRepeatDataWarning if "first of a month" in message else SnappedLocationWarning
        )
        warnings.warn(message, category, stacklevel=2)

    n = xa.size
    n_pairs = n * (n - 1) // 2
    upper_d = d_edges[1:]
    upper_t = t_edges[1:]
    pairs = _find_pairs(xa, ya, upper_d, metric, same_location)
    counter = _TimeCounter(pairs, days[pairs.order], upper_t)

    row_totals = np.bincount(pairs.row, minlength=pairs.n_rows).astype(np.int64)
    cumulative = _pairs_within_time(np.sort(days), upper_t)
    col_totals = np.diff(cumulative, prepend=0)

    observed_inner = counter.observed()[None]
    observed = _complete_tables(observed_inner, row_totals, col_totals, n_pairs)[0]

    sims_inner = counter.permuted(iterations, _as_generator(seed))
    sims = _complete_tables(sims_inner, row_totals, col_totals, n_pairs)
    del sims_inner
    expected = sims.mean(axis=0)
    exceed = (sims >= observed[None, :, :]).sum(axis=0)
    p_value = (exceed + 1) / (iterations + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        knox_ratio = np.where(
            expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan
        )

    parameters: dict[str, Any] = {
        "method": "Near Repeat Calculator (Ratcliffe 2009): Knox-type pair counts per "
        "distance x time band against Monte Carlo permutation of dates",
        "references": list(REFERENCES),
        "iterations": int(iterations),
        "seed": _seed_record(seed),
        "metric": metric,
        "same_location": bool(same_location),
        "distance_edges_m": d_edges.tolist(),
        "time_edges_days": t_edges.tolist(),
        "distance_unit": "metres",
        "time_unit": "days",
        "precision": precision_label,
        "snapped": bool(snapped),
        "shared_location_fraction": shared,
        "n_events": int(n),
        "n_pairs": int(n_pairs),
        "n_pairs_within_largest_distance": int(pairs.i.size),
        "snapping_warning": bool(snapping_flag),
        "warnings": list(messages),
        "conventions": {
            "bands": BAND_CONVENTION,
            "expected": EXPECTED_CONVENTION,
            "p_value": P_VALUE_CONVENTION,
            "knox_ratio": "observed / expected; null where expected is 0",
        },
    }
    for array in (observed, expected, knox_ratio, p_value):
        array.setflags(write=False)
    return NearRepeatResult(
        observed=observed,
        expected=expected,
        knox_ratio=knox_ratio,
        p_value=p_value,
        distance_edges=tuple(float(e) for e in d_edges),
        time_edges=tuple(float(e) for e in t_edges),
        distance_bands=_bands(d_edges, same_location),
        time_bands=_bands(t_edges, False),
        distance_labels=_labels(d_edges, same_location),
        time_labels=_labels(t_edges, False),
        snapping_warning=bool(snapping_flag),
        warnings=tuple(messages),
        parameters=parameters,
    )


def near_repeat_incidents(
    incidents: pd.DataFrame,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    time_column: str = "occurred",
    snapped: bool | None = None,
    **kwargs: Any,
) -> NearRepeatResult:
    """:func:`near_repeat` on the incident table (``x``, ``y``, ``occurred``, ``precision``).

    Month-precision rows are refused. ``snapped`` defaults to True when any row comes from
    police.uk (``source == "police-uk"``), whose locations are snapped to anonymous points.
    Other keywords pass through to :func:`near_repeat` (Ratcliffe 2009; Knox 1964).
    """
    precision = incidents.get("precision", "day")
    if snapped is None:
        snapped = bool("source" in incidents and (incidents["source"] == "police-uk").any())
    return near_repeat(
        incidents["x"].to_numpy(),
        incidents["y"].to_numpy(),
        incidents[time_column].to_numpy(),
        distance_bands=distance_bands,
        time_bands=time_bands,
        precision=np.asarray(precision) if not isinstance(precision, str) else precision,
        snapped=snapped,
        **kwargs,
    )


def knox(
    x: Any,
    y: Any,
    t: Any,
    delta: float,
    tau: float,
    *,
    permutations: int = 999,
    seed: int | np.random.Generator | None = 0,
    metric: Literal["euclidean", "manhattan"] = "euclidean",
) -> KnoxResult:
    """Knox (1964) test of space-time interaction for one distance and one time threshold.

    Conventions follow ``pointpats.spacetime.Knox`` (Rogerson 2001): a pair is close in space
    when distance <= ``delta`` and close in time when |dt| <= ``tau``; the statistic is the
    number of pairs close in both; its expectation is NS·NT / (n(n−1)/2) (NS, NT: pairs close
    in space, in time); ``p_poisson`` = 1 − F(statistic) for F the Poisson(expectation) cdf,
    i.e. P(X > statistic) (computed as the survival function, so a tiny p stays accurate where
    ``1 - cdf`` rounds to 0); ``p_sim`` = (#permutations of the dates with count >= statistic
    + 1) / (permutations + 1).
    """
    if permutations < 0:
        raise ValueError("permutations must be 0 or more")
    if metric not in ("euclidean", "manhattan"):
        raise ValueError(f"metric must be 'euclidean' or 'manhattan', not {metric!r}")
    if not (delta >= 0 and tau >= 0):
        raise ValueError("delta and tau must be non-negative")
    days = _as_days(t)
    xa, ya = _check_coords(x, y, days)
    n = xa.size
    n_pairs = n * (n - 1) // 2
    upper_d = np.array([float(delta)])
    upper_t = np.array([float(tau)])
    pairs = _find_pairs(xa, ya, upper_d, metric, same_location=False)
    counter = _TimeCounter(pairs, days[pairs.order], upper_t)
    ns = int(pairs.i.size)
    nt = int(_pairs_within_time(np.sort(days), upper_t)[0])
    nst = int(counter.observed()[0, 0])
    enst = ns * nt / n_pairs
    observed = np.array([[nst, ns - nst], [nt - nst, n_pairs - ns - nt + nst]], dtype=float)
    expected_table = np.array(
        [[enst, ns - enst], [nt - enst, n_pairs - ns - nt + enst]], dtype=float
    )
    # P(X > statistic); with no close pairs at all the expectation is 0 and so is P.
    p_poisson = float(poisson.sf(nst, enst)) if enst > 0 else 0.0
    p_sim: float | None = None
    if permutations > 0:
        sims = counter.permuted(permutations, _as_generator(seed))[:, 0, 0]
        p_sim = float(((sims >= nst).sum() + 1) / (permutations + 1))
    parameters = {
        "method": "Knox test (Knox 1964) with pointpats.spacetime.Knox conventions",
        "references": [
            REFERENCES[0],
            "Rogerson, P. A. (2001). Statistical Methods for Geography. Sage.",
        ],
        "delta": float(delta),
        "tau": float(tau),
        "permutations": int(permutations),
        "seed": _seed_record(seed),
        "metric": metric,
        "n_events": int(n),
        "conventions": {
            "close": "distance <= delta and |dt| <= tau",
            "p_poisson": "P(X > statistic), X ~ Poisson(expected)",
            "p_sim": "(#permutations with count >= statistic + 1) / (permutations + 1)",
        },
    }
    observed.setflags(write=False)
    expected_table.setflags(write=False)
    return KnoxResult(
        statistic=nst,
        expected=float(enst),
        observed=observed,
        expected_table=expected_table,
        n_spatial_pairs=ns,
        n_temporal_pairs=nt,
        n_pairs=int(n_pairs),
        p_poisson=p_poisson,
        p_sim=p_sim,
        parameters=parameters,
    )

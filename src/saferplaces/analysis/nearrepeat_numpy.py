"""Plain numpy kernels of the near-repeat analysis, for problems too small to pay for numba.

The same three operations as the compiled kernels of ``nearrepeat_kernels``, giving the same
numbers bit for bit (the tests run both on the same inputs):

- :func:`count_pairs`: every stored pair of events in its (distance row, time band) cell for
  ``k`` assignments of dates at once. Differences are ``|t_i - t_j|`` in the dates' own type
  (int32 whole days, placed with the lookup table ``lut``; or float64 days, placed with
  ``searchsorted`` on the upper edges, which is what the compiled loop ``while dt > upper[col]``
  computes), so every pair lands in the same cell as there.
- :func:`shuffled_dates`: the Fisher–Yates shuffle the compiled kernel runs, driven by the same
  uniforms from the caller's numpy Generator (``j = min(int(u[i] * (i + 1)), i)`` for ``i`` from
  ``n - 1`` down to 1), run for all ``k`` permutations at once: one vectorised swap per ``i``.
- :func:`pairs_within_time`: the number of all pairs (i < j) within each time edge, from the
  sorted dates, with ``searchsorted`` and the comparison the counting makes (``t_j - t_i <= e``).

Importing this module imports numpy only.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CountArray",
    "DateArray",
    "FloatArray",
    "Int32Array",
    "RowArray",
    "count_pairs",
    "pairs_within_time",
    "shuffled_dates",
]

Int32Array: TypeAlias = NDArray[np.int32]
FloatArray: TypeAlias = NDArray[np.float64]
#: Distance row of each stored pair (at most 200 bands, so one byte).
RowArray: TypeAlias = NDArray[np.uint8]
CountArray: TypeAlias = NDArray[np.int64]
#: Dates of the events: whole days as int32 (lookup-table kernel) or float64 days.
DateArray: TypeAlias = NDArray[np.int32] | NDArray[np.float64]

# Pair × permutation differences held at once (bounds temporary memory to a few tens of MB).
_CELLS_AT_ONCE = 1 << 20


def count_pairs(
    pair_i: Int32Array,
    pair_j: Int32Array,
    pair_row: RowArray,
    times: DateArray,
    upper: FloatArray,
    lut: Int32Array | None,
    n_rows: int,
) -> CountArray:
    """Counts (rows, time bands, k) of the stored pairs for the ``k`` columns of ``times``.

    ``times`` is (n_events, k): column s holds one assignment of dates. With ``lut`` (whole
    days, ``times`` int32) a difference ``dt`` below ``lut.size`` falls in band ``lut[dt]``;
    without it (float64 days) a difference up to the last edge falls in band
    ``searchsorted(upper, dt, "left")``. Larger differences are not counted (the caller
    derives the "more than" column).
    """
    k = times.shape[1]
    n_cols = upper.size
    counts = np.zeros(n_rows * n_cols * k, dtype=np.int64)
    step = max(1, _CELLS_AT_ONCE // max(k, 1))
    for lo in range(0, pair_i.size, step):
        a = pair_i[lo : lo + step]
        b = pair_j[lo : lo + step]
        base = pair_row[lo : lo + step].astype(np.int64) * n_cols
        dt = np.abs(times[a] - times[b])
        # Most pairs are far apart in time: place only the differences within the last edge.
        pair, column = np.nonzero(dt < lut.size if lut is not None else dt <= upper[-1])
        near = dt[pair, column]
        cols = lut[near] if lut is not None else np.searchsorted(upper, near, side="left")
        cells = (base[pair] + cols) * k + column
        counts += np.bincount(cells, minlength=counts.size)
    return counts.reshape(n_rows, n_cols, k)


def shuffled_dates(
    dates: DateArray, uniforms: FloatArray, position: NDArray[np.int64] | None = None
) -> DateArray:
    """(n_events, k) block whose column s is ``dates`` shuffled by Fisher–Yates with the draws
    ``uniforms[s]`` (shape (k, n_events)); with ``position``, event ``e``'s shuffled date is
    written to row ``position[e]`` (the numbering the stored pairs use)."""
    n = dates.size
    k = uniforms.shape[0]
    flat = np.tile(dates, k)  # permutation s occupies flat[s * n : (s + 1) * n]
    grid = flat.reshape(k, n)
    scale = np.arange(1, n + 1, dtype=np.int64)
    swap_with = np.minimum((uniforms * scale).astype(np.int64), scale - 1)
    swap_with += (np.arange(k, dtype=np.int64) * n)[:, None]  # as indices into flat
    by_step = np.ascontiguousarray(swap_with.T)
    del swap_with
    for i in range(n - 1, 0, -1):
        j = by_step[i]
        held = grid[:, i].copy()
        grid[:, i] = flat[j]
        flat[j] = held
    block = np.empty((n, k), dtype=dates.dtype)
    block[np.arange(n) if position is None else position] = grid.T
    return block


def pairs_within_time(sorted_times: FloatArray, upper: FloatArray) -> CountArray:
    """Number of all pairs (i < j) with ``t[j] - t[i] <= e`` for each upper edge ``e``, from
    sorted dates.

    ``searchsorted`` finds, for each i, the first j with ``t[j] > t[i] + e``; where rounding
    makes ``t[i] + e`` disagree with ``t[j] - t[i] <= e`` (fractional days only), the bound
    is moved a run of equal dates at a time until it fits the difference test, which is
    monotone in j for sorted dates.
    """
    t = np.asarray(sorted_times, dtype=np.float64)
    n = t.size
    starts = np.arange(n)
    out = np.zeros(upper.size, dtype=np.int64)
    for e, edge in enumerate(upper):
        end = np.searchsorted(t, t + edge, side="right")
        while True:
            ahead = np.flatnonzero(end < n)
            ahead = ahead[t[end[ahead]] - t[ahead] <= edge]
            if ahead.size == 0:
                break
            end[ahead] = np.searchsorted(t, t[end[ahead]], side="right")
        while True:
            behind = np.flatnonzero(end > starts + 1)
            behind = behind[t[end[behind] - 1] - t[behind] > edge]
            if behind.size == 0:
                break
            end[behind] = np.maximum(
                np.searchsorted(t, t[end[behind] - 1], side="left"), behind + 1
            )
        out[e] = int(np.sum(end - starts - 1))
    return out

"""Compiled (numba) kernels of the near-repeat analysis: pair counting and date shuffling.

The counting kernels place every stored pair of events (closer than the largest distance band)
in its (distance row, time band) cell for ``k`` assignments of dates at once; the shuffling
kernels draw those assignments (Fisher–Yates from the caller's uniforms, so the numpy
Generator alone decides the permutations). :mod:`saferplaces.analysis.nearrepeat` drives them
for large problems only (importing numba and loading the machine code costs a few tenths of a
second); ``nearrepeat_numpy`` holds the plain numpy versions, which give the same numbers.
All compile with ``cache=True``, so the machine code is kept in ``__pycache__`` between runs.
"""

from __future__ import annotations

import numpy as np
from numba import prange
from numpy.typing import NDArray

from saferplaces.analysis.jit import njit
from saferplaces.analysis.nearrepeat_numpy import (
    CountArray,
    DateArray,
    FloatArray,
    Int32Array,
    RowArray,
)

__all__ = [
    "CountArray",
    "DateArray",
    "FloatArray",
    "Int32Array",
    "RowArray",
    "count_chunks_fractional_days",
    "count_chunks_whole_days",
    "count_range_fractional_days",
    "count_range_whole_days",
    "fill_shuffled_parallel",
    "fill_shuffled_serial",
    "shuffle_column",
]


# Each kernel has a serial body and a parallel driver that runs the body on chunks in
# parallel; small problems call the body directly, because a parallel region waits for every
# worker thread, which costs milliseconds when the cores are busy with other work.


@njit(cache=True)
def count_range_whole_days(
    pair_i: Int32Array,
    pair_j: Int32Array,
    pair_row: RowArray,
    times: Int32Array,
    lut_k: Int32Array,
    row_stride: int,
    lo: int,
    hi: int,
    counts: CountArray,
) -> None:
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
def count_range_fractional_days(
    pair_i: Int32Array,
    pair_j: Int32Array,
    pair_row: RowArray,
    times: FloatArray,
    upper: FloatArray,
    lo: int,
    hi: int,
    counts: CountArray,
) -> None:
    """As :func:`count_range_whole_days` for float64 dates that are not whole days,
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
def count_chunks_whole_days(
    pair_i: Int32Array,
    pair_j: Int32Array,
    pair_row: RowArray,
    times: Int32Array,
    lut_k: Int32Array,
    row_stride: int,
    partial: CountArray,
) -> None:
    """:func:`count_range_whole_days` on ``partial.shape[0]`` chunks of the pairs in parallel,
    chunk ``c`` adding into ``partial[c]``."""
    n_chunks = partial.shape[0]
    n_pairs = pair_i.size
    for c in prange(n_chunks):
        lo = (n_pairs * c) // n_chunks
        hi = (n_pairs * (c + 1)) // n_chunks
        count_range_whole_days(
            pair_i, pair_j, pair_row, times, lut_k, row_stride, lo, hi, partial[c]
        )


@njit(parallel=True, cache=True)
def count_chunks_fractional_days(
    pair_i: Int32Array,
    pair_j: Int32Array,
    pair_row: RowArray,
    times: FloatArray,
    upper: FloatArray,
    partial: CountArray,
) -> None:
    """:func:`count_range_fractional_days` on ``partial.shape[0]`` chunks of the pairs in
    parallel, chunk ``c`` adding into ``partial[c]``."""
    n_chunks = partial.shape[0]
    n_pairs = pair_i.size
    for c in prange(n_chunks):
        lo = (n_pairs * c) // n_chunks
        hi = (n_pairs * (c + 1)) // n_chunks
        count_range_fractional_days(pair_i, pair_j, pair_row, times, upper, lo, hi, partial[c])


@njit(cache=True)
def shuffle_column(
    block: DateArray, s: int, dates: DateArray, u: FloatArray, position: NDArray[np.int64]
) -> None:
    """Column ``s`` of ``block`` := ``dates`` in random order (Fisher–Yates driven by the
    uniform [0, 1) draws ``u`` from the caller's numpy Generator), event ``e``'s date written
    to row ``position[e]`` (the numbering the stored pairs use)."""
    # Shuffle a contiguous copy (cache-friendly swaps), then copy it into the column.
    column = dates.copy()
    for i in range(dates.size - 1, 0, -1):
        j = min(int(u[i] * (i + 1)), i)
        tmp = column[i]
        column[i] = column[j]
        column[j] = tmp
    for i in range(dates.size):
        block[position[i], s] = column[i]


@njit(cache=True)
def fill_shuffled_serial(
    block: DateArray, dates: DateArray, uniforms: FloatArray, position: NDArray[np.int64]
) -> None:
    """Each column ``s`` of ``block`` := ``dates`` shuffled with the draws ``uniforms[s]``."""
    for s in range(block.shape[1]):
        shuffle_column(block, s, dates, uniforms[s], position)


@njit(parallel=True, cache=True)
def fill_shuffled_parallel(
    block: DateArray, dates: DateArray, uniforms: FloatArray, position: NDArray[np.int64]
) -> None:
    """As :func:`fill_shuffled_serial`, the columns in parallel."""
    for s in prange(block.shape[1]):
        shuffle_column(block, s, dates, uniforms[s], position)

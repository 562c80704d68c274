"""Pairs of events closer than the largest distance band, for the near-repeat analysis.

Two searches give the same pairs, each with its distance row:

- a sweep along x with numpy (sort the events by x; each event is compared with the events
  after it whose x is within the search radius), used while those candidate pairs number at
  most :data:`SWEEP_CANDIDATES` — every pair of a few thousand events in a partnership's area;
- a k-d tree (``scipy.spatial.cKDTree``) otherwise, whose memory and time grow with the pairs
  found rather than with the candidates. scipy.spatial is imported only then: importing it costs
  about 0.2 s, more than the sweep takes on small inputs.

Both search a hair wider than the largest band and then decide membership, and the distance
row, with one distance formula (that of scipy's ``pdist``: ``sqrt(dx*dx + dy*dy)`` or
``|dx| + |dy|``, from ``x[i] - x[j]``, ``y[i] - y[j]``), so the pair set and every row are the
same whichever search ran. The tree search numbers the events in the tree's leaf order (spatial
neighbours get nearby numbers, so the compiled counting kernel reads nearby memory); the sweep
keeps the input order. Counts do not depend on the numbering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from saferplaces.analysis.nearrepeat_numpy import FloatArray, Int32Array, RowArray

__all__ = ["SWEEP_CANDIDATES", "Pairs", "find_pairs"]

#: The sweep runs while it compares at most this many candidate pairs (about 0.1 s of numpy
#: work); larger searches use the k-d tree.
SWEEP_CANDIDATES = 4_000_000
# Pairs are turned into (i, j, row) in pieces of this many, to bound temporary memory.
_PAIR_PIECE = 1 << 20


@dataclass(frozen=True)
class Pairs:
    """Pairs of events within the largest distance band, events renumbered.

    ``i``, ``j`` are the events' numbers, ``row`` the distance row of each pair; ``position[e]``
    is the number of input event ``e`` (its row in the date blocks the kernels read).
    """

    i: Int32Array
    j: Int32Array
    row: RowArray
    position: NDArray[np.int64]
    n_rows: int  # distance rows within the edges (incl. same location)
    search: str  # "sweep" or "k-d tree"


def _radius(r_max: float) -> float:
    """The search radius: a hair wider than the largest band (membership is decided after)."""
    return r_max * (1.0 + 1e-9) + 1e-9


def _place(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    x: FloatArray,
    y: FloatArray,
    upper: FloatArray,
    metric: str,
    same_location: bool,
) -> tuple[RowArray, NDArray[np.bool_]]:
    """Distance row of each candidate pair (a, b) and whether it is within the last edge."""
    dx = x[a] - x[b]
    dy = y[a] - y[b]
    dist = np.abs(dx) + np.abs(dy) if metric == "manhattan" else np.sqrt(dx * dx + dy * dy)
    row = np.searchsorted(upper, dist, side="left")
    if same_location:
        row += 1
        row[dist == 0.0] = 0
    return row.astype(np.uint8), dist <= float(upper[-1])


def _sweep_windows(x: FloatArray, r_max: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Events sorted by x, and for each sorted position the end of its window along x."""
    by_x = np.argsort(x, kind="stable")
    xs = x[by_x]
    ends = np.searchsorted(xs, xs + _radius(r_max), side="right")
    return by_x, np.maximum(ends, np.arange(1, x.size + 1))


def _sweep(
    x: FloatArray,
    y: FloatArray,
    upper: FloatArray,
    metric: str,
    same_location: bool,
    by_x: NDArray[np.int64],
    ends: NDArray[np.int64],
) -> Pairs:
    n = x.size
    starts = np.arange(n, dtype=np.int64)
    counts = ends - starts - 1
    firsts = np.cumsum(counts) - counts  # first candidate of each sorted position
    kept_i: list[Int32Array] = []
    kept_j: list[Int32Array] = []
    kept_row: list[RowArray] = []
    p = 0
    while p < n:
        # sorted positions p..q-1 give at most _PAIR_PIECE candidates (or one position)
        q = int(np.searchsorted(firsts, firsts[p] + _PAIR_PIECE, side="right"))
        q = max(q, p + 1)
        left = np.repeat(starts[p:q], counts[p:q])
        right = left + 1 + (np.arange(left.size, dtype=np.int64) - (firsts[left] - firsts[p]))
        a, b = by_x[left], by_x[right]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        row, keep = _place(lo, hi, x, y, upper, metric, same_location)
        kept_i.append(lo[keep].astype(np.int32))
        kept_j.append(hi[keep].astype(np.int32))
        kept_row.append(row[keep])
        p = q
    return Pairs(
        i=np.concatenate(kept_i),
        j=np.concatenate(kept_j),
        row=np.concatenate(kept_row),
        position=starts,
        n_rows=upper.size + (1 if same_location else 0),
        search="sweep",
    )


def _tree(x: FloatArray, y: FloatArray, upper: FloatArray, metric: str, same_location: bool) -> Pairs:
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([x, y]))
    # Renumber events in the tree's leaf order: spatial neighbours get nearby numbers, so the
    # permuted dates the kernel reads for consecutive pairs are close together in memory.
    order = tree.indices.astype(np.int64)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size, dtype=np.int64)
    raw = tree.query_pairs(
        _radius(float(upper[-1])),
        p=1.0 if metric == "manhattan" else 2.0,
        output_type="ndarray",
    )
    total = raw.shape[0]
    pair_i = np.empty(total, dtype=np.int32)
    pair_j = np.empty(total, dtype=np.int32)
    pair_row = np.empty(total, dtype=np.uint8)
    keep = np.empty(total, dtype=bool)
    for lo in range(0, total, _PAIR_PIECE):
        a = raw[lo : lo + _PAIR_PIECE, 0].astype(np.int64)
        b = raw[lo : lo + _PAIR_PIECE, 1].astype(np.int64)
        piece = slice(lo, lo + a.size)
        pair_row[piece], keep[piece] = _place(a, b, x, y, upper, metric, same_location)
        pair_i[piece] = rank[a]
        pair_j[piece] = rank[b]
    del raw
    if not keep.all():
        pair_i, pair_j, pair_row = pair_i[keep], pair_j[keep], pair_row[keep]
    return Pairs(
        i=pair_i,
        j=pair_j,
        row=pair_row,
        position=rank,
        n_rows=upper.size + (1 if same_location else 0),
        search="k-d tree",
    )


def find_pairs(
    x: FloatArray,
    y: FloatArray,
    upper: FloatArray,
    metric: str,
    same_location: bool,
    sweep_candidates: int = SWEEP_CANDIDATES,
) -> Pairs:
    """Every pair closer than ``upper[-1]`` (``metric`` distance, metres) with its distance row
    (``searchsorted`` on the upper edges; row 0 is distance 0 when ``same_location``): by the
    sweep while it has at most ``sweep_candidates`` candidate pairs, else by the k-d tree."""
    by_x, ends = _sweep_windows(x, float(upper[-1]))
    candidates = int(np.sum(ends - np.arange(1, x.size + 1)))
    if candidates <= sweep_candidates:
        return _sweep(x, y, upper, metric, same_location, by_x, ends)
    return _tree(x, y, upper, metric, same_location)

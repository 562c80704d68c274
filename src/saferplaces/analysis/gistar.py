"""Getis–Ord Gi* local hot-spot statistic on grid cell counts, with fast conditional permutation.

Statistic (Getis & Ord 1992, *Geographical Analysis* 24(3); Ord & Getis 1995, *Geographical
Analysis* 27(4), eq. 14), for cell ``i`` with weights ``w_ij`` that include ``w_ii``::

    z_i = (Σ_j w_ij y_j − ȳ W_i) / (s · sqrt((n S1_i − W_i²) / (n − 1)))
    W_i = Σ_j w_ij,  S1_i = Σ_j w_ij²,  ȳ = mean(y),  s² = mean(y²) − ȳ²  (all n cells)

With binary weights this is exactly what ``esda.G_Local(y, w, star=True, transform='B')``
returns as ``Zs`` (esda sets the self-weight to 1 and uses the same moments), and what
``spdep::localG`` returns with ``include.self``.

Weights are built with ``scipy.spatial.cKDTree`` into ``scipy.sparse`` CSR matrices: a binary
distance band (every cell whose centre is within ``distance``, inclusive, with a 1e-9
relative tolerance for round-off) or the ``k`` nearest cells (ties broken by the tree), and the
cell itself (``w_ii = 1``) for Gi*.

Conditional permutation inference (Anselin 1995, *Geographical Analysis* 27(2), as in esda's
``crand``): hold ``y_i`` fixed and give cell ``i``'s ``k_i`` neighbours a random ``k_i``-subset
of the other ``n − 1`` values; the pseudo p-value counts simulated neighbour sums at least as
extreme as the observed one, ``(M + 1) / (R + 1)``. Because that null distribution depends
only on the pair ``(y_i, k_i)``, cells sharing the pair (with counts, most cells do: a handful
of distinct counts times a handful of neighbour counts) share one reference sample of ``R``
draws, simulated once in a numba loop (sequential draws rejecting repeats for small ``k``,
partial Fisher–Yates shuffles for large ``k``); each cell then only counts how many of its
group's sums reach its own. (esda likewise reuses one set of permuted ids for every cell.)
Memory is O(n + R) per thread, never O(n · R). Each group's draws come from a splitmix64
stream (Steele, Lea & Flood 2014) keyed by ``seed`` and the group, so results do not depend
on the number of threads. Values that are all distinct (e.g. harm scores) make every cell its
own group, which costs ``n · R · k`` draws. Sums are compared with a tolerance of
``1e-12 · k · max|y|`` so that ties stay ties despite round-off; with integer counts, ties are
common and count on both sides (a quiet cell among quiet cells gets p = 1, not p = 1/(R+1)).
The permutation test needs each row's off-diagonal weights to be equal (binary or
row-standardised weights).

Multiple testing: Benjamini & Hochberg (1995, *JRSS B* 57(1)) false discovery rate,
adjusting the chosen p-values across all cells. Permutation p-values cannot go below
``1/(R+1)`` (two-sided: ``2/(R+1)``), so under FDR over many cells a small cluster can never
be significant with few permutations (:func:`fdr_floor_cells`); the normal-approximation
p-values (as ArcGIS and sfhotspot use) have no such floor. Both are always returned.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.stats import norm

from saferplaces.analysis.grid import Grid
from saferplaces.analysis.jit import njit
from saferplaces.analysis.permutation import Seed, as_generator, pseudo_p_value, seed_record

__all__ = [
    "GISTAR_REFERENCE",
    "GiStarResult",
    "distance_band_weights",
    "fdr_bh",
    "fdr_floor_cells",
    "gi_star",
    "grid_weights",
    "knn_weights",
    "smallest_p",
]

Alternative = Literal["two-sided", "greater", "lesser", "directed"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

GISTAR_REFERENCE = (
    "Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995); conditional permutation pseudo "
    "p-values (Anselin 1995); Benjamini-Hochberg FDR (Benjamini & Hochberg 1995)"
)
_DIST_TOL = 1e-9
_REJECT_MAX_K = 64  # above this many neighbours, draw by partial Fisher-Yates instead


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------
def _coords(x: ArrayLike, y: ArrayLike) -> FloatArray:
    pts = np.column_stack([np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()])
    if not np.isfinite(pts).all():
        raise ValueError("coordinates must be finite")
    return pts


def _binary_csr(
    n: int, rows: NDArray[np.integer[Any]], cols: NDArray[np.integer[Any]], self_weight: bool
) -> sparse.csr_array:
    itype = np.int32 if n < 2**31 - 1 else np.int64
    if self_weight:
        diag = np.arange(n, dtype=itype)
        rows = np.concatenate([rows.astype(itype), diag])
        cols = np.concatenate([cols.astype(itype), diag])
    data = np.ones(rows.size)
    w = sparse.csr_array((data, (rows.astype(itype), cols.astype(itype))), shape=(n, n))
    w.sum_duplicates()
    w.sort_indices()
    return w


def distance_band_weights(
    x: ArrayLike, y: ArrayLike, distance: float, *, self_weight: bool = True
) -> sparse.csr_array:
    """Binary distance-band weights: ``w_ij = 1`` when centres are within ``distance`` metres.

    Built with ``cKDTree.query_pairs`` (inclusive, 1e-9 relative tolerance). With
    ``self_weight`` the diagonal is 1 (Gi*: each cell is its own neighbour).
    """
    pts = _coords(x, y)
    if not (math.isfinite(distance) and distance > 0):
        raise ValueError(f"distance must be a positive number of metres, got {distance}")
    pairs = cKDTree(pts).query_pairs(distance * (1.0 + _DIST_TOL), output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return _binary_csr(pts.shape[0], rows, cols, self_weight)


def knn_weights(
    x: ArrayLike, y: ArrayLike, k: int, *, self_weight: bool = True
) -> sparse.csr_array:
    """Binary k-nearest-neighbour weights (row i marks the k cells nearest to i, not itself).

    Built with ``cKDTree.query``; ties at the k-th distance are broken by the tree. Not
    symmetric in general (Gi* does not need symmetry). ``self_weight`` adds the diagonal.
    """
    pts = _coords(x, y)
    n = pts.shape[0]
    k = int(k)
    if not 1 <= k < n:
        raise ValueError(f"k must be between 1 and n - 1 = {n - 1}, got {k}")
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    is_self = idx == np.arange(n)[:, None]
    # A point sharing its location with others may not be listed first, or at all.
    missing = ~is_self.any(axis=1)
    is_self[missing, -1] = True
    nbrs = idx[~is_self].reshape(n, k)
    rows = np.repeat(np.arange(n), k)
    return _binary_csr(n, rows, nbrs.ravel(), self_weight)


def grid_weights(
    grid: Grid,
    method: Literal["distance", "knn"] = "distance",
    *,
    distance: float | None = None,
    k: int | None = None,
) -> tuple[sparse.csr_array, dict[str, Any]]:
    """Gi* weights between a grid's cells, and a JSON-ready description of them.

    Defaults follow sfhotspot (``hotspot_gistar``'s ``nb_dist``): a distance band of
    ``cell_size × √2`` for square cells (the 8 surrounding cells) and ``cell_size`` for hexagons
    (the 6 adjacent cells); for ``knn``, k = 8 (square) or 6 (hex). The cell itself is included.
    """
    cx, cy = grid.centres
    if method == "distance":
        if k is not None:
            raise ValueError("k applies to knn weights; use distance= with distance weights")
        if distance is None:
            distance = grid.cell_size * (math.sqrt(2.0) if grid.kind == "square" else 1.0)
        w = distance_band_weights(cx, cy, float(distance))
        info: dict[str, Any] = {"kind": "distance band (binary)", "distance_m": float(distance)}
    elif method == "knn":
        if distance is not None:
            raise ValueError("distance applies to distance weights; use k= with knn weights")
        if k is None:
            k = 8 if grid.kind == "square" else 6
        w = knn_weights(cx, cy, int(k))
        info = {"kind": "k nearest neighbours (binary)", "k": int(k)}
    else:
        raise ValueError(f"weights must be 'distance' or 'knn', got {method!r}")
    card = np.diff(w.indptr)
    info.update(self_included=True, mean_neighbours_incl_self=float(card.mean()),
                min_neighbours_incl_self=int(card.min()), builder="scipy.spatial.cKDTree")
    return w, info


# --------------------------------------------------------------------------------------------
# FDR
# --------------------------------------------------------------------------------------------
def fdr_bh(p: ArrayLike) -> FloatArray:
    """Benjamini–Hochberg (1995) adjusted p-values (q-values); NaN entries stay NaN.

    ``q_(i) = min_{j ≥ i} min(1, p_(j) · m / j)`` over the ``m`` finite p-values sorted
    ascending; equals ``statsmodels.stats.multitest.multipletests(p, method='fdr_bh')[1]``.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = np.flatnonzero(np.isfinite(flat))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(flat[ok], kind="stable")]
    ranked = flat[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    res = out.ravel()
    res[order] = np.minimum(q, 1.0)
    return res.reshape(p.shape)


# --------------------------------------------------------------------------------------------
# permutation engine (numba)
# --------------------------------------------------------------------------------------------
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _mix64(z: np.uint64) -> np.uint64:  # splitmix64 output function (Steele, Lea & Flood 2014)
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _uniform_below(state: np.uint64, bound: int) -> tuple[np.uint64, np.int64]:
    """Advance a splitmix64 state; return (new state, integer uniform on [0, bound))."""
    state = state + _GAMMA
    u = np.float64(_mix64(state) >> _S11) * _INV53
    return state, np.int64(u * bound)


@njit(nogil=True, cache=True)
def _crand_groups(
    values: FloatArray,
    order: IntArray,
    starts: IntArray,
    reps: IntArray,
    ks: IntArray,
    observed: FloatArray,
    tol: FloatArray,
    seed_key: np.uint64,
    permutations: int,
    worker: int,
    n_workers: int,
    need_scratch: bool,
    n_ge: IntArray,
    n_le: IntArray,
) -> None:
    """Conditional permutation for each (value, k) group of cells.

    For group g (cells order[starts[g]:starts[g+1]], focal value values[reps[g]], ks[g]
    neighbours), draw ``permutations`` sums of ks[g] values taken without replacement from the
    n - 1 other cells, and count per cell the sums >= / <= its observed neighbour sum.
    Small k: sequential draws with rejection of repeats (reads only). Large k: partial
    Fisher-Yates on a per-worker copy, undone after each draw.
    """
    n = values.size
    m = n - 1
    n_groups = reps.size
    kmax = 1
    for g in range(n_groups):
        kmax = max(kmax, ks[g])
    sims = np.empty(permutations)
    picks = np.empty(kmax, dtype=np.int64)
    scratch = values.copy() if need_scratch else values[:1].copy()
    for g in range(worker, n_groups, n_workers):
        r = reps[g]
        k = ks[g]
        state = _mix64(seed_key ^ (np.uint64(g + 1) * _GAMMA))
        if k <= _REJECT_MAX_K and 4 * k <= m:
            for p in range(permutations):
                acc = 0.0
                for t in range(k):
                    while True:
                        state, j = _uniform_below(state, m)
                        repeat = False
                        for q in range(t):
                            if picks[q] == j:
                                repeat = True
                                break
                        if not repeat:
                            break
                    picks[t] = j
                    acc += values[j + 1] if j >= r else values[j]
                sims[p] = acc
        else:
            # Move the focal value to the end: the pool is scratch[:m].
            tmp = scratch[r]
            scratch[r] = scratch[m]
            scratch[m] = tmp
            for p in range(permutations):
                acc = 0.0
                for t in range(k):
                    state, j = _uniform_below(state, m - t)
                    j += t
                    picks[t] = j
                    tmp = scratch[t]
                    scratch[t] = scratch[j]
                    scratch[j] = tmp
                    acc += scratch[t]
                for t in range(k - 1, -1, -1):
                    j = picks[t]
                    tmp = scratch[t]
                    scratch[t] = scratch[j]
                    scratch[j] = tmp
                sims[p] = acc
            tmp = scratch[r]
            scratch[r] = scratch[m]
            scratch[m] = tmp
        lo, hi = starts[g], starts[g + 1]
        if hi - lo <= 16:  # few cells: compare directly, no sort
            for pos in range(lo, hi):
                cell = order[pos]
                o = observed[cell]
                ge = 0
                le = 0
                for p in range(permutations):
                    if sims[p] >= o - tol[g]:
                        ge += 1
                    if sims[p] <= o + tol[g]:
                        le += 1
                n_ge[cell] = ge
                n_le[cell] = le
        else:
            sims.sort()
            for pos in range(lo, hi):
                cell = order[pos]
                o = observed[cell]
                n_ge[cell] = permutations - np.searchsorted(sims, o - tol[g], side="left")
                n_le[cell] = np.searchsorted(sims, o + tol[g], side="right")


def _seed_key(seed: Seed) -> np.uint64:
    """The 63-bit key of the splitmix64 streams: one draw from ``seed``'s Generator."""
    return np.uint64(as_generator(seed).integers(0, 2**63, dtype=np.int64))


def _permutation_counts(
    y: FloatArray,
    k_off: IntArray,
    observed: FloatArray,
    permutations: int,
    seed: Seed,
) -> tuple[IntArray, IntArray]:
    n = y.size
    order = np.lexsort((y, k_off))
    ys, ks = y[order], k_off[order]
    change = np.flatnonzero((ys[1:] != ys[:-1]) | (ks[1:] != ks[:-1])) + 1
    starts = np.concatenate([[0], change, [n]]).astype(np.int64)
    reps = order[starts[:-1]].astype(np.int64)
    group_k = ks[starts[:-1]].astype(np.int64)
    scale = float(np.abs(y).max()) if n else 0.0
    tol_all = 1e-12 * np.maximum(group_k, 1) * max(scale, 1e-300)
    key = _seed_key(seed)
    n_ge = np.zeros(n, dtype=np.int64)
    n_le = np.zeros(n, dtype=np.int64)
    workers = max(1, min(os.cpu_count() or 1, reps.size))
    need_scratch = bool(((group_k > _REJECT_MAX_K) | (4 * group_k > n - 1)).any())
    args = (y, order.astype(np.int64), starts, reps, group_k, observed, tol_all, key,
            permutations)
    if workers == 1:
        _crand_groups(*args, 0, 1, need_scratch, n_ge, n_le)
    else:
        # The kernel releases the GIL; each thread takes every workers-th group, and groups
        # partition the cells, so the threads write disjoint entries of n_ge / n_le.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            jobs = [pool.submit(_crand_groups, *args, w, workers, need_scratch, n_ge, n_le)
                    for w in range(workers)]
            for job in jobs:
                job.result()
    return n_ge, n_le


# --------------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GiStarResult:
    """Gi* z-scores and p-values per cell, with the parameters that produced them.

    ``p_norm``: from the normal approximation of ``z`` under ``alternative``. ``p_sim``:
    conditional-permutation pseudo p-values (None when ``permutations == 0``). ``p``: the one
    named by ``p_source``, and ``p_fdr`` its Benjamini–Hochberg adjustment across cells.
    """

    z: FloatArray
    p_norm: FloatArray
    p_sim: FloatArray | None
    p: FloatArray
    p_fdr: FloatArray
    neighbours: IntArray
    permutations: int
    seed: int | str | None
    alternative: Alternative
    p_source: Literal["permutation", "normal"]
    weights: dict[str, Any] = field(default_factory=dict)
    method: str = GISTAR_REFERENCE

    def hot(self, alpha: float = 0.05) -> BoolArray:
        """Cells with ``z > 0`` and FDR-adjusted ``p < alpha``."""
        return (self.z > 0) & (self.p_fdr < alpha)

    def cold(self, alpha: float = 0.05) -> BoolArray:
        """Cells with ``z < 0`` and FDR-adjusted ``p < alpha``."""
        return (self.z < 0) & (self.p_fdr < alpha)

    def labels(self, alpha: float = 0.05) -> NDArray[np.object_]:
        """``"hotspot"``, ``"coldspot"`` or ``"not significant"`` per cell."""
        out = np.full(self.z.size, "not significant", dtype=object)
        out[self.hot(alpha)] = "hotspot"
        out[self.cold(alpha)] = "coldspot"
        return out

    def parameters(self) -> dict[str, Any]:
        """JSON-ready parameters and method notes (no per-cell arrays)."""
        return {
            "statistic": "Gi*",
            "permutations": self.permutations,
            "seed": self.seed,
            "alternative": self.alternative,
            "p_source": self.p_source,
            "multiple_testing": "Benjamini-Hochberg FDR across cells",
            "weights": dict(self.weights),
            "method": self.method,
        }

    def to_dict(self) -> dict[str, Any]:
        """Parameters plus per-cell arrays as lists (NaN as None), JSON-ready."""
        def arr(a: FloatArray | None) -> list[float | None] | None:
            if a is None:
                return None
            return [None if not math.isfinite(v) else float(v) for v in a.tolist()]

        d = self.parameters()
        d.update(z=arr(self.z), p_norm=arr(self.p_norm), p_sim=arr(self.p_sim), p=arr(self.p),
                 p_fdr=arr(self.p_fdr), neighbours=self.neighbours.tolist())
        return d


def _normal_p(z: FloatArray, alternative: Alternative) -> FloatArray:
    """Normal-approximation p-values of the z-scores under ``alternative``."""
    p: FloatArray
    if alternative == "two-sided":
        p = np.minimum(1.0, 2.0 * norm.sf(np.abs(z)))
    elif alternative == "greater":
        p = norm.sf(z)
    elif alternative == "lesser":
        p = norm.cdf(z)
    else:
        p = norm.sf(np.abs(z))  # directed, as esda's p_norm
    return p


def _sim_p(n_ge: IntArray, n_le: IntArray, perms: int, alternative: Alternative) -> FloatArray:
    """Pseudo p-values from the counts of simulated sums >= / <= the observed one."""
    if alternative == "greater":
        m = n_ge
    elif alternative == "lesser":
        m = n_le
    elif alternative == "directed":  # esda's default: the tail the observed value lies in
        m = np.where(perms - n_ge < n_ge, perms - n_ge, n_ge)
    else:
        return np.minimum(1.0, pseudo_p_value(np.minimum(n_ge, n_le), perms, sides=2))
    return pseudo_p_value(m, perms)


def smallest_p(permutations: int, alternative: Alternative = "two-sided") -> float:
    """Smallest attainable permutation pseudo p-value: ``1/(R+1)``, doubled when two-sided."""
    return float(pseudo_p_value(0, int(permutations), sides=2 if alternative == "two-sided" else 1))


def fdr_floor_cells(
    n_cells: int, permutations: int, alpha: float = 0.05, alternative: Alternative = "two-sided"
) -> int:
    """Fewest cells that must share the smallest pseudo p-value before BH-FDR can flag any.

    With ``R`` permutations no pseudo p-value is below :func:`smallest_p`, and Benjamini–
    Hochberg flags the ``m`` smallest p-values only if ``p_(m) <= alpha·m/n``. So a cluster
    of fewer than ``ceil(smallest_p · n / alpha)`` cells can never be significant: with 999
    permutations over 2,500 cells (two-sided, alpha 0.05) that is 100 cells.
    """
    return int(math.ceil(smallest_p(permutations, alternative) * n_cells / alpha - 1e-9))


def gi_star(
    y: ArrayLike,
    weights: sparse.sparray | sparse.spmatrix,
    *,
    permutations: int = 999,
    seed: Seed = 0,
    alternative: Alternative = "two-sided",
    p_value: Literal["permutation", "normal"] | None = None,
    weights_info: dict[str, Any] | None = None,
) -> GiStarResult:
    """Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) with conditional permutation p-values.

    Parameters
    ----------
    y : value per cell (e.g. incident counts from ``grid.count_points``).
    weights : n × n sparse weights with a positive diagonal (Gi* includes the cell itself),
        e.g. from :func:`grid_weights`. The permutation test needs equal off-diagonal weights
        within each row (binary or row-standardised).
    permutations : conditional permutations (Anselin 1995); 0 for normal-theory p only.
    seed : int or ``numpy.random.Generator``; same seed, same p-values (any thread count).
    alternative : ``"two-sided"`` (default: ``2·min`` of the one-sided tails, capped at 1),
        ``"greater"`` (hot spots), ``"lesser"`` (cold spots), or ``"directed"`` (esda's
        default, the tail the observation lies in; half the two-sided value).
    p_value : which p-values ``p`` (and so ``p_fdr``) holds: ``"permutation"`` (default when
        ``permutations > 0``) or ``"normal"``. Both are always returned (``p_sim``, ``p_norm``).
        Mind the resolution of permutation p-values under FDR (:func:`fdr_floor_cells`).

    z-scores equal ``esda.G_Local(y, w, star=True, transform='B').Zs`` for binary weights.
    Raises ValueError when every cell has the same value (Gi* is then undefined).
    """
    y = np.asarray(y, dtype=float).ravel()
    n = y.size
    if n < 3:
        raise ValueError(f"Gi* needs at least 3 cells, got {n}")
    if not np.isfinite(y).all():
        raise ValueError("y must be finite")
    if alternative not in ("two-sided", "greater", "lesser", "directed"):
        raise ValueError(f"unknown alternative {alternative!r}")
    permutations = int(permutations)
    if permutations < 0:
        raise ValueError("permutations must be >= 0")
    w = sparse.csr_array(weights, dtype=float)
    if w.shape != (n, n):
        raise ValueError(f"weights are {w.shape} for {n} values")
    w.sum_duplicates()
    diag = w.diagonal()
    if (diag <= 0).any():
        raise ValueError("Gi* needs every cell to be its own neighbour (positive diagonal); "
                         "build weights with self_weight=True")

    ybar = float(y.mean())
    s2 = float(np.mean((y - ybar) ** 2))
    if not s2 > 0:
        raise ValueError("every cell has the same value, so Gi* is undefined")
    w_sum = np.asarray(w.sum(axis=1)).ravel()
    s1 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    lag = w @ y
    spread = (n * s1 - w_sum**2) / (n - 1)
    denom = math.sqrt(s2) * np.sqrt(np.maximum(spread, 0.0))
    degenerate = denom <= 1e-12 * math.sqrt(s2) * np.maximum(w_sum, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(degenerate, 0.0, (lag - ybar * w_sum) / denom)
    p_norm = _normal_p(z, alternative)
    p_norm[degenerate] = 1.0

    off = w.copy()
    off.setdiag(0.0)
    off.eliminate_zeros()
    k_off = np.diff(off.indptr).astype(np.int64)
    p_sim = None
    if permutations > 0:
        has = k_off > 0
        if has.any():
            starts = off.indptr[:-1][has]
            row_max = np.maximum.reduceat(off.data, starts)
            row_min = np.minimum.reduceat(off.data, starts)
            if not np.allclose(row_min, row_max, rtol=1e-12, atol=0.0):
                raise ValueError("the permutation test needs equal off-diagonal weights within "
                                 "each row (binary or row-standardised); use permutations=0")
        off.data[:] = 1.0
        observed = off @ y
        n_ge, n_le = _permutation_counts(y, k_off, observed, permutations, seed)
        p_sim = _sim_p(n_ge, n_le, permutations, alternative)
    if p_value is None:
        p_value = "permutation" if p_sim is not None else "normal"
    if p_value == "permutation":
        if p_sim is None:
            raise ValueError("p_value='permutation' needs permutations > 0")
        p = p_sim
    elif p_value == "normal":
        p = p_norm
    else:
        raise ValueError(f"p_value must be 'permutation' or 'normal', got {p_value!r}")
    info = dict(weights_info) if weights_info else {}
    seed_repr = seed_record(seed, generator="numpy Generator")
    return GiStarResult(
        z=z, p_norm=p_norm, p_sim=p_sim, p=p, p_fdr=fdr_bh(p), neighbours=k_off + 1,
        permutations=permutations, seed=seed_repr, alternative=alternative,
        p_source=p_value, weights=info,
    )

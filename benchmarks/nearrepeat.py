"""Near-repeat benchmark: saferplaces against peers on the same synthetic burglaries.

    python benchmarks/nearrepeat.py            # ~13,000 events x 99 and 999 iterations, then
                                               # 100,000 events x 999 iterations (5 x 5 bands)
    python benchmarks/nearrepeat.py --quick    # smaller sizes, a minute or so

Peers:
  (a) ``pointpats.spacetime.Knox`` with permutations: one distance band x one time band.
  (b) the approach of the open Python near-repeat scripts, written here: sparse matrices of the
      distance band and of the time band of close pairs; each iteration relabels the events of
      the distance matrix, multiplies the two and histograms the cells.
  (c) a tighter numpy version written here: the pair list within the largest distance (from a
      scipy sparse distance matrix); each iteration permutes the dates and recounts every cell
      with one vectorised bincount.
The slow peers (a) and (b) are run at the first iteration count and extrapolated linearly to
the next (printed as such) unless ``--full-peers``.
Each timed run is repeated (best of ``--repeat``) and timed as wall-clock and CPU seconds: the
machine is shared, so CPU seconds say more when other work competes for the cores. Memory of
the 100,000-event run is measured in a fresh process: its resident set, sampled during the call.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from saferplaces.analysis.nearrepeat import knox, near_repeat  # noqa: E402

DISTANCE_EDGES = [0, 100, 200, 300, 400, 500]  # metres: 5 bands (+ same location, + beyond)
TIME_EDGES = [0, 7, 14, 21, 28, 35]  # days: 5 bands (+ beyond)
KNOX_DELTA, KNOX_TAU = 100.0, 7.0


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def synthetic_burglaries(
    n: int, seed: int = 0, days: int = 730, per_km2: float = 90.0, branching: float = 0.3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A town's burglaries over ``days``: uniform background events plus self-exciting
    offspring (within 200 m and 1-14 days of their parent), ``n`` events at ``per_km2``
    events per square kilometre, in British National Grid-like metres."""
    rng = np.random.default_rng(seed)
    side = np.sqrt(n / per_km2) * 1000.0
    n_background = int(n * (1 - branching)) + 1
    xs = [rng.uniform(0, side, n_background) + 560_000.0]
    ys = [rng.uniform(0, side, n_background) + 220_000.0]
    ts = [rng.integers(0, days, n_background)]
    px, py, pt = xs[0], ys[0], ts[0]
    while px.size:
        kids = rng.poisson(branching, px.size)
        parent = np.repeat(np.arange(px.size), kids)
        radius = 200.0 * np.sqrt(rng.uniform(size=parent.size))
        angle = rng.uniform(0, 2 * np.pi, parent.size)
        cx = px[parent] + radius * np.cos(angle)
        cy = py[parent] + radius * np.sin(angle)
        ct = pt[parent] + rng.integers(1, 15, parent.size)
        keep = ct < days
        px, py, pt = cx[keep], cy[keep], ct[keep]
        xs.append(px)
        ys.append(py)
        ts.append(pt)
    x, y, t = np.concatenate(xs), np.concatenate(ys), np.concatenate(ts)
    pick = rng.permutation(x.size)[:n]
    return x[pick], y[pick], t[pick].astype(np.int64)


# --------------------------------------------------------------------------------------------
# Peers (b) and (c): multi-band near-repeat written the straightforward ways
# --------------------------------------------------------------------------------------------


def _band_codes(values: np.ndarray, edges: list[float], same_location: bool) -> np.ndarray:
    """1-based band of each value (0 is kept free for "no entry" in sparse matrices)."""
    code = np.searchsorted(np.asarray(edges[1:], float), values, side="left") + 1
    if same_location:
        code = code + 1
        code[values == 0] = 1
    return code


def sparse_matrix_near_repeat(
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    d_edges: list[float],
    t_edges: list[float],
    iterations: int,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Peer (b), the approach of the open Python near-repeat scripts: a sparse matrix of the
    distance band of every pair within the largest distance, a sparse matrix of the time
    band of every pair within the largest time; each iteration relabels the events of the
    distance matrix at random (equivalent to permuting the dates), multiplies the two
    matrices cell by cell and histograms the (distance band, time band) codes."""
    n = x.size
    n_t = len(t_edges)  # time bands incl. "more than"
    n_d = len(d_edges)  # distance rows incl. same location, excl. "more than"

    def band_matrix(points: np.ndarray, edges: list[float], same_location: bool) -> sp.csr_matrix:
        tree = cKDTree(points)
        m = tree.sparse_distance_matrix(tree, edges[-1], output_type="coo_matrix")
        off = m.row != m.col  # explicit zeros (same place / same day) are kept, self-pairs not
        code = _band_codes(m.data[off], edges, same_location)
        return sp.csr_matrix((code, (m.row[off], m.col[off])), shape=(n, n))

    space = band_matrix(np.column_stack([x, y]), d_edges, True)
    time_ = band_matrix(t.reshape(-1, 1).astype(float), t_edges, False)
    time_mask = time_.astype(bool)
    row_totals = np.bincount(space.data - 1, minlength=n_d) // 2

    def table(s_matrix: sp.csr_matrix) -> np.ndarray:
        both = s_matrix.multiply(time_mask).tocsr() * (n_t + 1)
        both = both + time_.multiply(s_matrix.astype(bool)).tocsr()
        codes = both.tocoo().data
        counts = np.bincount(codes, minlength=(n_d + 1) * (n_t + 1)).reshape(n_d + 1, n_t + 1)
        inner = counts[1:, 1:n_t] // 2  # each pair appears twice in symmetric matrices
        return np.column_stack([inner, row_totals - inner.sum(axis=1)])

    rng = np.random.default_rng(seed)
    observed = table(space)
    sims = []
    for _ in range(iterations):
        perm = rng.permutation(n)
        sims.append(table(space[perm][:, perm]))
    sims_arr = np.stack(sims)
    return {
        "observed": observed,
        "expected": sims_arr.mean(axis=0),
        "p_value": ((sims_arr >= observed).sum(axis=0) + 1) / (iterations + 1),
    }


def pair_list_near_repeat(
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    d_edges: list[float],
    t_edges: list[float],
    iterations: int,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Peer (c), a tighter numpy version of the same idea: the list of pairs (i < j) within
    the largest distance from a sparse distance matrix, then for each iteration permute the
    dates and recount every cell with one vectorised ``bincount`` over the pair list."""
    tree = cKDTree(np.column_stack([x, y]))
    matrix = tree.sparse_distance_matrix(tree, d_edges[-1], output_type="coo_matrix")
    upper = sp.triu(matrix, k=1).tocoo()  # i < j; explicit zeros (same location) are kept
    rows, cols = upper.row, upper.col
    d_band = _band_codes(upper.data, d_edges, True) - 1
    n_d, n_t = len(d_edges), len(t_edges)
    t_upper = np.asarray(t_edges[1:], float)

    def table(times: np.ndarray) -> np.ndarray:
        dt = np.abs(times[rows] - times[cols])
        t_band = np.searchsorted(t_upper, dt, side="left")
        return np.bincount(d_band * n_t + t_band, minlength=n_d * n_t).reshape(n_d, n_t)

    rng = np.random.default_rng(seed)
    observed = table(t)
    sims = np.stack([table(t[rng.permutation(t.size)]) for _ in range(iterations)])
    return {
        "observed": observed,
        "expected": sims.mean(axis=0),
        "p_value": ((sims >= observed).sum(axis=0) + 1) / (iterations + 1),
    }


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU seconds over ``repeat`` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), result


def row(
    label: str,
    wall: float,
    cpu: float,
    ours_wall: float | None = None,
    ours_cpu: float | None = None,
) -> str:
    text = f"  {label:<58} {wall:9.2f} s wall {cpu:9.2f} s cpu"
    if ours_wall is not None and ours_cpu is not None:
        text += f"   x{wall / ours_wall:6.1f} wall  x{cpu / ours_cpu:6.1f} cpu"
    return text


def warm_up() -> None:
    """Compile (or load from numba's cache) the kernels outside the timings."""
    x, y, t = synthetic_burglaries(3000, seed=99)
    near_repeat(x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=20)
    x, y, t = synthetic_burglaries(30_000, seed=99)
    near_repeat(x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=20)
    knox(x, y, t, KNOX_DELTA, KNOX_TAU, permutations=20)


def compare_with_peers(n: int, iteration_counts: list[int], repeat: int, full_peers: bool) -> None:
    from pointpats.spacetime import Knox

    x, y, t = synthetic_burglaries(n, seed=1)
    print(f"\n{n:,} events, distance bands {DISTANCE_EDGES} m, time bands {TIME_EDGES} days")
    coords, times = np.column_stack([x, y]), t.reshape(-1, 1).astype(float)
    measured: dict[str, tuple[int, float, float]] = {}  # slow peers: first measured run

    def peer_time(
        name: str, iterations: int, fn: Callable[[int], Any]
    ) -> tuple[float, float, str, Any]:
        """Run a slow peer, or extrapolate linearly from its first measured run."""
        if name in measured and not full_peers:
            it0, w0, c0 = measured[name]
            scale = iterations / it0
            return w0 * scale, c0 * scale, f" (extrapolated from {it0})", None
        w, c, out = timed(lambda: fn(iterations), 1)
        measured.setdefault(name, (iterations, w, c))
        return w, c, "", out

    for iterations in iteration_counts:
        print(f" {iterations} iterations")
        ours_w, ours_c, ours = timed(
            lambda it=iterations: near_repeat(
                x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=it, seed=1
            ),
            repeat,
        )
        print(row("saferplaces near_repeat (5x5 bands + same location + beyond)", ours_w, ours_c))
        c_w, c_c, c_out = timed(
            lambda it=iterations: pair_list_near_repeat(
                x, y, t, DISTANCE_EDGES, TIME_EDGES, it, seed=1
            ),
            1,
        )
        # Same observed pairs in every cell both tables hold (all but the "beyond" row).
        assert np.array_equal(c_out["observed"], ours.observed[:-1, :]), "peer (c) disagrees"
        b_w, b_c, b_note, b_out = peer_time(
            "b",
            iterations,
            lambda it: sparse_matrix_near_repeat(x, y, t, DISTANCE_EDGES, TIME_EDGES, it, 1),
        )
        if b_out is not None:
            assert np.array_equal(b_out["observed"], ours.observed[:-1, :]), "peer (b) disagrees"
        print(
            row("peer (b) sparse matrices, relabel + multiply" + b_note, b_w, b_c, ours_w, ours_c)
        )
        print(row("peer (c) numpy pair list, bincount recount", c_w, c_c, ours_w, ours_c))

        k_w, k_c, k = timed(
            lambda it=iterations: knox(x, y, t, KNOX_DELTA, KNOX_TAU, permutations=it, seed=1),
            repeat,
        )
        print(row(f"saferplaces knox (one band: {KNOX_DELTA:g} m, {KNOX_TAU:g} days)", k_w, k_c))

        def run_pointpats(it: int) -> Any:
            np.random.seed(1)  # pointpats draws from numpy's global generator
            return Knox(coords, times, delta=KNOX_DELTA, tau=KNOX_TAU, permutations=it)

        a_w, a_c, a_note, pp = peer_time("a", iterations, run_pointpats)
        print(row("peer (a) pointpats.spacetime.Knox (one band)" + a_note, a_w, a_c, k_w, k_c))
        if pp is not None:
            assert pp.statistic_ == k.statistic, "pointpats disagrees on the Knox statistic"
            print(
                f"      same statistic {k.statistic}; p_sim ours {k.p_sim:.3f}, pointpats "
                f"{pp.p_sim:.3f}; p_poisson ours {k.p_poisson:.3g}, pointpats "
                f"{pp.p_poisson:.3g}"
            )
        best_w, best_c = min(b_w, c_w), min(b_c, c_c)
        print(
            f"  => full table: x{best_w / ours_w:.1f} faster than the best multi-band peer "
            f"(wall), x{best_c / ours_c:.1f} (cpu); one band: x{a_w / k_w:.1f} faster than "
            "pointpats (wall)"
        )


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def big_run(n: int, iterations: int) -> dict[str, Any]:
    """Run in a fresh process: time and memory of one large near_repeat. The kernels (serial
    and parallel) are loaded or compiled first; memory is the resident set sampled every 5 ms
    during the call, so compiler memory is not counted."""
    import threading

    import saferplaces.analysis.nearrepeat as module

    small = synthetic_burglaries(2000, seed=3)
    # the warm-up is small enough for the plain-numpy path: force the compiled one, whose
    # kernels must be loaded before the measured run
    module._JIT_WORK = 0
    for parallel in (False, True):
        module._PARALLEL_PAIRS = 0 if parallel else 200_000
        module._PARALLEL_EVENTS = 0 if parallel else 20_000
        near_repeat(*small, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=40)
    module._PARALLEL_PAIRS, module._PARALLEL_EVENTS = 200_000, 20_000
    module._JIT_WORK = module.JIT_WORK
    x, y, t = synthetic_burglaries(n, seed=2)
    base = _current_rss_mb()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], _current_rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    w, c = time.perf_counter(), time.process_time()
    result = near_repeat(
        x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=iterations, seed=2
    )
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    done.set()
    sampler.join()
    return {
        "n": n,
        "iterations": iterations,
        "wall": wall,
        "cpu": cpu,
        "pairs_within": result.parameters["n_pairs_within_largest_distance"],
        "rss_before_mb": base,
        "peak_rss_mb": max(peak[0], _current_rss_mb()),
        "near_ratio": float(result.knox_ratio[1, 0]),
        "near_p": float(result.p_value[1, 0]),
    }


def report_big(n: int, iterations: int) -> None:
    print(f"\n{n:,} events x {iterations} iterations, 5x5 bands (fresh process)")
    out = subprocess.run(
        [sys.executable, __file__, "--child-big", str(n), str(iterations)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    gb_n2 = n * (n - 1) / 2 * 8 / 2**30
    print(
        f"  saferplaces near_repeat {data['wall']:9.2f} s wall {data['cpu']:9.2f} s cpu "
        f"(target < 60 s)"
    )
    print(
        f"  pairs within {DISTANCE_EDGES[-1]} m: {data['pairs_within']:,}; peak RSS "
        f"{data['peak_rss_mb']:.0f} MB, of which {data['peak_rss_mb'] - data['rss_before_mb']:.0f}"
        f" MB added by the call (the process held {data['rss_before_mb']:.0f} MB before it); an"
        f" n x n float64 matrix would be {gb_n2:.0f} GB"
    )
    print(f"  Knox ratio (1-100 m, 0-7 days) {data['near_ratio']:.2f}, p = {data['near_p']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--repeat", type=int, default=2, help="best of this many runs (ours)")
    parser.add_argument(
        "--full-peers",
        action="store_true",
        help="run the slow peers (a), (b) at every iteration count instead of "
        "extrapolating from their first run",
    )
    parser.add_argument(
        "--large-only", action="store_true", help="only the large run (time and memory)"
    )
    parser.add_argument("--child-big", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_big:
        print(json.dumps(big_run(*args.child_big)))
        return
    print(f"numba threads: {numba.get_num_threads()}; warming up (compiling kernels)...")
    warm_up()
    if args.large_only:
        report_big(30_000 if args.quick else 100_000, 999)
    elif args.quick:
        compare_with_peers(5000, [99], repeat=1, full_peers=True)
        report_big(30_000, 999)
    else:
        compare_with_peers(13_000, [99, 999], repeat=args.repeat, full_peers=args.full_peers)
        report_big(100_000, 999)


if __name__ == "__main__":
    main()

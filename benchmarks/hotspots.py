"""Hotspot analytics benchmark: our Gi* against esda.G_Local, a 1,000,000-cell run, and KDE.

Run:  python benchmarks/hotspots.py [--quick]

Prints a table of
  * Gi* with 999 conditional permutations on a 10,000-cell grid: ours vs
    ``esda.G_Local(star=True, transform='B', permutations=999)`` (numba; serial and on all
    cores), seconds, ratio, max |dz|, and how closely the pseudo p-values agree;
  * ours on a 1,000,000-cell grid (weights + Gi* with 999 permutations), seconds and peak
    resident memory (VmHWM of a fresh child process);
  * kernel density of 100,000 points on a 250,000-cell grid, seconds.
Both libraries are warmed up (numba compilation) before timing. ``--quick`` uses a 2,500-cell
esda comparison and a 250,000-cell "large" run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from saferplaces.analysis.gistar import gi_star, grid_weights  # noqa: E402
from saferplaces.analysis.grid import count_points, make_grid  # noqa: E402
from saferplaces.analysis.kde import kde  # noqa: E402

X0, Y0 = 595_000.0, 220_000.0


def town(side_cells: int, points_per_cell: float, seed: int):
    """Square grid of 100 m cells with a uniform background and ten dense blobs."""
    rng = np.random.default_rng(seed)
    side = side_cells * 100.0
    n_bg = int(points_per_cell * side_cells**2)
    centres = rng.uniform(0.1 * side, 0.9 * side, (10, 2))
    x = [rng.uniform(0, side, n_bg)] + [rng.normal(cx, 150, n_bg // 50) for cx, _ in centres]
    y = [rng.uniform(0, side, n_bg)] + [rng.normal(cy, 150, n_bg // 50) for _, cy in centres]
    g = make_grid(bounds=(X0, Y0, X0 + side - 1e-6, Y0 + side - 1e-6), cell_size=100)
    return g, np.concatenate(x) + X0, np.concatenate(y) + Y0


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def esda_w(w):
    import libpysal
    from scipy import sparse

    off = sparse.csr_matrix(w, copy=True)
    off.setdiag(0)
    off.eliminate_zeros()
    return libpysal.weights.WSP(off).to_W(silence_warnings=True)


def compare_with_esda(side_cells: int) -> list[tuple[str, str]]:
    import esda

    warnings.simplefilter("ignore")
    g, x, y = town(side_cells, 1.0, seed=1)
    counts = count_points(g, x, y).astype(float)
    w, _ = grid_weights(g)
    lw = esda_w(w)
    # warm-up: numba compilation for both, on a small grid
    g0, x0, y0 = town(20, 1.0, seed=2)
    c0 = count_points(g0, x0, y0).astype(float)
    w0, _ = grid_weights(g0)
    gi_star(c0, w0, permutations=99, seed=0)
    for jobs in (1, -1):
        esda.G_Local(c0, esda_w(w0), transform="B", star=True, permutations=99, seed=0,
                     n_jobs=jobs)
    ours, t_ours = timed(gi_star, counts, w, permutations=999, seed=0, alternative="directed")
    rows = [("cells", f"{g.n_cells:,}"), ("ours: gi_star, 999 permutations (s)", f"{t_ours:.3f}")]
    for jobs, label in ((1, "serial"), (-1, f"n_jobs=-1, {os.cpu_count()} cores")):
        theirs, t_esda = timed(esda.G_Local, counts, lw, transform="B", star=True,
                               permutations=999, seed=0, n_jobs=jobs)
        rows.append((f"esda.G_Local {label} (s)", f"{t_esda:.3f}"))
        rows.append((f"  ratio esda / ours ({label})", f"{t_esda / t_ours:.1f}x"))
    rows.append(("max |z_ours - z_esda|", f"{np.abs(ours.z - theirs.Zs).max():.2e}"))
    # counts tie a lot; esda breaks ties by float round-off, so compare on untied cells too
    diff = np.abs(ours.p_sim - theirs.p_sim)
    rows.append(("mean |p_ours - p_esda| (directed)", f"{diff.mean():.4f}"))
    cont = counts + np.random.default_rng(3).uniform(0, 0.01, counts.size)
    ours_c, t_ours_c = timed(gi_star, cont, w, permutations=999, seed=0,
                             alternative="directed")
    theirs_c, t_esda_c = timed(esda.G_Local, cont, lw, transform="B", star=True,
                               permutations=999, seed=0, n_jobs=1)
    rows.append(("untied values (worst case for us): ours (s)", f"{t_ours_c:.3f}"))
    rows.append(("untied values: esda.G_Local serial (s)", f"{t_esda_c:.3f}"))
    se = np.sqrt(2 * theirs_c.p_sim * (1 - theirs_c.p_sim) / 999) + 1e-3
    outside = np.mean(np.abs(ours_c.p_sim - theirs_c.p_sim) > 4 * se)
    rows.append(("untied values: share of cells |dp| > 4 MC s.e.", f"{outside:.4f}"))
    return rows


def peak_rss_mb() -> float:
    """Peak resident memory of this process image: VmHWM (Linux), else ru_maxrss.

    ru_maxrss survives fork + exec on Linux, so a child started from a big parent would report
    the parent's peak; VmHWM belongs to the current address space only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def large_run(side_cells: int) -> dict:
    """Run in a child process so that peak RSS is this run's alone."""
    g, x, y = town(side_cells, 0.5, seed=4)
    # warm the numba cache (compiled functions load from disk) on a tiny grid first
    g0, x0, y0 = town(10, 1.0, seed=5)
    w0, _ = grid_weights(g0)
    gi_star(count_points(g0, x0, y0), w0, permutations=9, seed=0)
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    counts = count_points(g, x, y)
    w, info = grid_weights(g)
    t_w = time.perf_counter() - start
    res = gi_star(counts, w, permutations=999, seed=0, weights_info=info)
    total = time.perf_counter() - start
    return {
        "cells": g.n_cells, "points": int(x.size), "weights_s": t_w, "total_s": total,
        "gistar_s": total - t_w, "peak_rss_mb": peak_rss_mb(), "rss_before_mb": rss_before,
        "hot_cells": int(res.hot().sum()), "mean_neighbours": info["mean_neighbours_incl_self"],
    }


def kde_run() -> list[tuple[str, str]]:
    rng = np.random.default_rng(6)
    x = X0 + rng.uniform(0, 50_000, 100_000)
    y = Y0 + rng.uniform(0, 50_000, 100_000)
    g = make_grid(bounds=(X0, Y0, X0 + 49_999, Y0 + 49_999), cell_size=100)
    kde(g, x[:100], y[:100], bandwidth=500.0)  # warm-up (imports, FFT plans)
    rows = [("KDE grid cells / points", f"{g.n_cells:,} / {x.size:,}")]
    for kernel in ("quartic", "gaussian"):
        res, t = timed(kde, g, x, y, kernel=kernel)
        rows.append((f"KDE {kernel}, default bandwidth {res.bandwidth:,.0f} m (s)", f"{t:.3f}"))
    return rows


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows) + 2
    print(f"\n{title}")
    print("-" * (width + 14))
    for k, v in rows:
        print(f"{k:<{width}}{v:>14}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--large-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.large_child:
        print(json.dumps(large_run(args.large_child)))
        return
    side_esda, side_large = (50, 500) if args.quick else (100, 1_000)
    print_table(f"Gi* vs esda.G_Local on {side_esda**2:,} cells (999 permutations)",
                compare_with_esda(side_esda))
    out = subprocess.run([sys.executable, __file__, "--large-child", str(side_large)],
                         check=True, capture_output=True, text=True)
    big = json.loads(out.stdout.strip().splitlines()[-1])
    print_table(f"Ours on {big['cells']:,} cells ({big['points']:,} incidents, 999 permutations)", [
        ("weights (cKDTree distance band) (s)", f"{big['weights_s']:.2f}"),
        ("gi_star incl. permutations (s)", f"{big['gistar_s']:.2f}"),
        ("total (s)", f"{big['total_s']:.2f}"),
        ("peak RSS of the process (MB)", f"{big['peak_rss_mb']:.0f}"),
        ("  of which before the run (MB)", f"{big['rss_before_mb']:.0f}"),
        ("mean neighbours incl. self", f"{big['mean_neighbours']:.2f}"),
    ])
    print_table("Kernel density", kde_run())


if __name__ == "__main__":
    main()

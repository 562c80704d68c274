"""Getis–Ord Gi*: z-scores equal to esda's, permutation p-values consistent with esda's, FDR."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.spatial import cKDTree
from statsmodels.stats.multitest import multipletests

from saferplaces.analysis.gistar import (
    distance_band_weights,
    fdr_bh,
    fdr_floor_cells,
    gi_star,
    grid_weights,
    knn_weights,
    smallest_p,
)
from saferplaces.analysis.grid import count_points, make_grid

X0, Y0 = 595_000.0, 220_000.0


def town_counts(seed: int) -> tuple[object, np.ndarray]:
    """A 50 x 50 grid of 100 m cells with a uniform background and two dense spots."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(0, 5_000, 3_000), rng.normal(2_000, 150, 400),
                        rng.normal(4_000, 100, 300)]) + X0
    y = np.concatenate([rng.uniform(0, 5_000, 3_000), rng.normal(3_000, 150, 400),
                        rng.normal(1_000, 100, 300)]) + Y0
    g = make_grid(bounds=(X0, Y0, X0 + 4_999, Y0 + 4_999), cell_size=100)
    return g, count_points(g, x, y)


def libpysal_w(w: sparse.csr_array):
    """A libpysal W with the same neighbours, without the self-weight (esda adds it)."""
    import libpysal

    off = sparse.csr_matrix(w, copy=True)
    off.setdiag(0)
    off.eliminate_zeros()
    return libpysal.weights.WSP(off).to_W(silence_warnings=True)


@pytest.mark.parametrize("weights", ["distance", "knn"])
def test_z_scores_equal_esda_g_local_star_binary(weights):
    import esda

    g, counts = town_counts(seed=1)
    assert g.n_cells >= 2_000
    w, _ = grid_weights(g, weights)
    ours = gi_star(counts, w, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.G_Local(counts.astype(float), libpysal_w(w), transform="B", star=True,
                              permutations=0)
    assert np.abs(ours.z - theirs.Zs).max() <= 1e-9
    assert np.abs(ours.p_norm - 2 * theirs.p_norm).max() <= 1e-12  # esda's p_norm is one-sided


def test_z_scores_reproduce_esda_documented_example():
    # esda's G_Local docstring: DistanceBand(threshold=15), transform='B', star=True
    pts = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)], dtype=float)
    y = np.array([2, 3, 3.2, 5, 8, 7])
    w = distance_band_weights(pts[:, 0], pts[:, 1], 15.0)
    got = gi_star(y, w, permutations=0)
    published = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
    assert np.allclose(got.z, published, atol=1e-8)


ESDA_SCRIPT = textwrap.dedent("""
    import sys, warnings
    import numpy as np
    from scipy import sparse
    warnings.simplefilter("ignore")
    import esda, esda.crand, libpysal
    # Under NUMBA_DISABLE_JIT esda's numba code runs as plain Python; its mask dtype is a
    # numba type that numpy only understands when compiled.
    esda.crand.boolean = np.bool_
    data = np.load(sys.argv[1])
    off = sparse.load_npz(sys.argv[2]).tocsr()
    w = libpysal.weights.WSP(off).to_W(silence_warnings=True)
    g = esda.G_Local(data["y"], w, transform="B", star=True, permutations=999, seed=7,
                     n_jobs=1)
    np.save(sys.argv[3], np.column_stack([g.Zs, g.p_sim]))
""")


def test_permutation_p_values_are_consistent_with_esda(tmp_path):
    # Continuous values (no ties), so that esda's float comparisons and ours count alike.
    g = make_grid(bounds=(X0, Y0, X0 + 4_999, Y0 + 4_999), cell_size=100)
    cx, cy = g.centres
    rng = np.random.default_rng(2)
    y = rng.gamma(2.0, 1.0, g.n_cells) + 3 * np.exp(
        -((cx - X0 - 2_000) ** 2 + (cy - Y0 - 3_000) ** 2) / (2 * 300.0**2))
    w, _ = grid_weights(g)
    off = sparse.csr_matrix(w, copy=True)
    off.setdiag(0)
    off.eliminate_zeros()
    np.savez(tmp_path / "data.npz", y=y)
    sparse.save_npz(tmp_path / "w.npz", off)
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    subprocess.run([sys.executable, "-c", ESDA_SCRIPT, str(tmp_path / "data.npz"),
                    str(tmp_path / "w.npz"), str(tmp_path / "out.npy")],
                   check=True, env=env, timeout=300)
    esda_z, esda_p = np.load(tmp_path / "out.npy").T

    ours = gi_star(y, w, permutations=999, seed=7, alternative="directed")
    assert np.abs(ours.z - esda_z).max() <= 1e-9
    diff = ours.p_sim - esda_p
    # Two independent Monte Carlo estimates of the same p: differences of a few binomial SEs.
    se = np.sqrt(2 * esda_p * (1 - esda_p) / 999) + 1 / 1000
    assert np.mean(np.abs(diff) > 4 * se) < 0.005
    # esda reuses one set of permuted ids for every cell, so its errors are correlated
    # across cells and the mean difference wanders by a few thousandths.
    assert abs(diff.mean()) < 0.015
    assert np.corrcoef(ours.p_sim, esda_p)[0, 1] > 0.98
    assert np.mean((ours.p_sim < 0.05) == (esda_p < 0.05)) > 0.95


def test_permutation_p_values_agree_with_a_brute_force_oracle_on_tied_counts():
    # Small counts with many ties: a numpy oracle that holds cell i fixed and draws its
    # neighbours' values without replacement from the other cells.
    g, counts = town_counts(seed=3)
    w, _ = grid_weights(g)
    ours = gi_star(counts, w, permutations=999, seed=11, alternative="greater")
    rng = np.random.default_rng(12)
    off = sparse.csr_array(w, copy=True)
    off.setdiag(0)
    off.eliminate_zeros()
    observed = off @ counts
    k = np.diff(off.indptr)
    cells = rng.choice(g.n_cells, 150, replace=False)
    oracle = []
    for i in cells:
        others = np.delete(counts, i)
        # ordered draws without repetition: redraw any row that repeats an index
        draws = rng.integers(0, others.size, (999, k[i]))
        while True:
            s = np.sort(draws, axis=1)
            bad = (s[:, 1:] == s[:, :-1]).any(axis=1)
            if not bad.any():
                break
            draws[bad] = rng.integers(0, others.size, (bad.sum(), k[i]))
        sims = others[draws].sum(axis=1)
        oracle.append(((sims >= observed[i]).sum() + 1) / 1000)
    oracle = np.array(oracle)
    se = np.sqrt(2 * oracle * (1 - oracle) / 999) + 1 / 1000
    assert np.mean(np.abs(ours.p_sim[cells] - oracle) > 4 * se) <= 0.01


def test_wide_neighbourhoods_on_a_small_grid_match_the_exact_null():
    # 36 cells, a 250 m band on 100 m cells: up to 20 neighbours from 35 others, where the
    # engine shuffles instead of rejecting repeats. With so few cells the conditional null can
    # be enumerated exactly by dynamic programming over how many of each value are drawn.
    g = make_grid(bounds=(0, 0, 599, 599), cell_size=100)
    rng = np.random.default_rng(9)
    y = rng.integers(0, 4, g.n_cells).astype(float)
    y[[14, 15, 20, 21]] += 6
    w, _ = grid_weights(g, distance=250.0)
    ours = gi_star(y, w, permutations=9_999, seed=4, alternative="greater")
    off = sparse.csr_array(w, copy=True)
    off.setdiag(0)
    off.eliminate_zeros()
    observed, k = off @ y, np.diff(off.indptr)
    assert k.max() > 35 / 4
    for i in range(g.n_cells):
        values, counts = np.unique(np.delete(y, i), return_counts=True)
        # ways[j, s]: number of j-subsets of the other cells with sum s (values are integers)
        total = int(y.sum()) + 1
        ways = np.zeros((k[i] + 1, total))
        ways[0, 0] = 1.0
        for v, c in zip(values.astype(int), counts, strict=True):
            new = np.zeros_like(ways)
            for take in range(0, min(c, k[i]) + 1):
                comb = math.comb(c, take)
                shifted = np.roll(ways, (take, take * v), axis=(0, 1))
                shifted[:take, :] = 0
                shifted[:, :take * v] = 0
                new += comb * shifted
            ways = new
        null = ways[k[i]] / ways[k[i]].sum()
        exact = null[int(observed[i]):].sum()
        se = np.sqrt(exact * (1 - exact) / 9_999) + 1e-4
        assert abs((ours.p_sim[i] * 10_000 - 1) / 9_999 - exact) < 4.5 * se, i


def test_a_quiet_cell_among_quiet_cells_is_not_significant():
    # All-zero neighbourhood in a mostly empty grid: every permuted sum ties with the observed.
    y = np.zeros(400)
    y[:5] = [10, 12, 9, 11, 8]
    g = make_grid(bounds=(0, 0, 1_999, 1_999), cell_size=100)
    w, _ = grid_weights(g)
    got = gi_star(y, w, permutations=999, seed=0)
    quiet = 399  # the far corner
    assert got.p_sim[quiet] == 1.0


def test_same_seed_gives_the_same_p_values_and_another_seed_differs_a_little():
    g, counts = town_counts(seed=4)
    w, _ = grid_weights(g)
    a = gi_star(counts, w, permutations=199, seed=5)
    b = gi_star(counts, w, permutations=199, seed=5)
    c = gi_star(counts, w, permutations=199, seed=6)
    assert np.array_equal(a.p_sim, b.p_sim)
    assert not np.array_equal(a.p_sim, c.p_sim)
    assert np.abs(a.p_sim - c.p_sim).mean() < 0.05
    gen = gi_star(counts, w, permutations=199, seed=np.random.default_rng(5))
    assert gen.seed == "numpy Generator"


def test_planted_dense_spots_have_high_z_and_small_p():
    g, counts = town_counts(seed=5)
    w, _ = grid_weights(g)
    got = gi_star(counts, w, permutations=9_999, seed=1)
    cx, cy = g.centres
    spot = np.hypot(cx - X0 - 2_000, cy - Y0 - 3_000) < 100
    assert (got.z[spot] > 5).all()
    assert (got.p_sim[spot] == smallest_p(9_999)).all()
    assert got.hot()[spot].all()
    assert not got.cold()[spot].any()
    assert set(got.labels()[spot]) == {"hotspot"}


def test_fdr_adjustment_equals_statsmodels_benjamini_hochberg():
    rng = np.random.default_rng(6)
    p = np.concatenate([rng.uniform(0, 1, 900), rng.uniform(0, 0.001, 100)])
    assert np.allclose(fdr_bh(p), multipletests(p, method="fdr_bh")[1], atol=1e-15)
    with_nan = np.array([0.01, np.nan, 0.04, 0.03])
    assert np.allclose(fdr_bh(with_nan), [0.03, np.nan, 0.04, 0.04], equal_nan=True)


def test_fdr_floor_says_how_many_cells_permutations_can_resolve():
    assert smallest_p(999) == 0.002 and smallest_p(999, "greater") == 0.001
    assert fdr_floor_cells(2_500, 999, 0.05) == 100
    assert fdr_floor_cells(2_500, 99_999, 0.05) == 1


def test_distance_band_on_a_square_grid_gives_the_eight_surrounding_cells():
    g = make_grid(bounds=(0, 0, 999, 999), cell_size=100)
    w, info = grid_weights(g)
    card = np.diff(w.indptr).reshape(g.shape)
    assert card[5, 5] == 9 and card[0, 0] == 4 and card[0, 5] == 6
    assert (w.diagonal() == 1).all()
    assert (w != w.T).nnz == 0
    assert info["distance_m"] == pytest.approx(100 * np.sqrt(2))


def test_distance_band_on_hexagons_gives_the_six_adjacent_cells():
    g = make_grid(bounds=(0, 0, 999, 999), cell_size=100, kind="hex")
    w, _ = grid_weights(g)
    card = np.diff(w.indptr).reshape(g.shape)
    assert card[4, 4] == 7


def test_knn_weights_mark_the_k_nearest_other_cells():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 1_000, 300), rng.uniform(0, 1_000, 300)
    w = knn_weights(x, y, 5)
    assert (np.diff(w.indptr) == 6).all()
    _, nearest = cKDTree(np.column_stack([x, y])).query(np.column_stack([x, y]), k=6)
    for i in range(0, 300, 17):
        assert set(w.indices[w.indptr[i]:w.indptr[i + 1]]) == set(nearest[i])


def test_gi_star_refuses_what_it_cannot_compute():
    g = make_grid(bounds=(0, 0, 999, 999), cell_size=100)
    w, _ = grid_weights(g)
    with pytest.raises(ValueError, match="same value"):
        gi_star(np.zeros(g.n_cells), w)
    no_self = sparse.csr_array(w, copy=True)
    no_self.setdiag(0)
    no_self.eliminate_zeros()
    with pytest.raises(ValueError, match="own neighbour"):
        gi_star(np.arange(g.n_cells), no_self)
    weighted = sparse.csr_array(w, copy=True)
    weighted.data = np.random.default_rng(0).uniform(0.5, 1, weighted.data.size)
    with pytest.raises(ValueError, match="equal off-diagonal"):
        gi_star(np.arange(g.n_cells), weighted, permutations=9)
    assert gi_star(np.arange(g.n_cells), weighted, permutations=0).p_source == "normal"


def test_result_carries_its_parameters():
    g, counts = town_counts(seed=8)
    w, info = grid_weights(g, "knn", k=6)
    got = gi_star(counts, w, permutations=99, seed=3, weights_info=info)
    params = got.parameters()
    assert params["permutations"] == 99 and params["seed"] == 3
    assert params["weights"]["k"] == 6
    assert "Ord & Getis 1995" in params["method"]
    d = got.to_dict()
    assert len(d["z"]) == g.n_cells and d["p_source"] == "permutation"

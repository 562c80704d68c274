"""Kernel density on a grid: FFT against direct sums, statsmodels, mass, bandwidth rule, speed."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from statsmodels.nonparametric.bandwidths import bw_scott
from statsmodels.nonparametric.kernel_density import KDEMultivariate

from saferplaces.analysis.grid import count_points, make_grid
from saferplaces.analysis.kde import bandwidth_nrd, default_bandwidth, kde, kernel_values

X0, Y0 = 595_000.0, 220_000.0


def clustered_points(seed: int, n: int = 3_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(X0 + 1_500, 600, n // 2), rng.uniform(X0, X0 + 3_000, n // 2)])
    y = np.concatenate([rng.normal(Y0 + 1_000, 300, n // 2), rng.uniform(Y0, Y0 + 2_000, n // 2)])
    return x, y


@pytest.mark.parametrize("kind", ["square", "hex"])
@pytest.mark.parametrize(("kernel", "bandwidth"), [("quartic", 450.0), ("gaussian", 160.0)])
def test_fft_surface_equals_the_direct_kernel_sum_over_binned_points(kind, kernel, bandwidth):
    x, y = clustered_points(seed=1)
    g = make_grid(x, y, cell_size=100, kind=kind)
    got = kde(g, x, y, bandwidth=bandwidth, kernel=kernel)
    counts = count_points(g, x, y)
    cx, cy = g.centres
    used = np.flatnonzero(counts)
    d = np.hypot(cx[:, None] - cx[used][None, :], cy[:, None] - cy[used][None, :])
    direct = (kernel_values(d, bandwidth, kernel) * counts[used][None, :]).sum(axis=1) * 1e6
    # exact up to FFT round-off and the Gaussian's 6-sigma truncation
    assert np.abs(got.density_per_km2 - direct).max() <= 1e-9 * direct.max()
    assert np.allclose(got.expected_count, got.density_per_km2 / 1e6 * g.cell_area)


def test_gaussian_surface_agrees_with_statsmodels_on_unbinned_points():
    x, y = clustered_points(seed=2, n=2_000)
    g = make_grid(x, y, cell_size=50)
    sigma = 200.0
    got = kde(g, x, y, bandwidth=sigma, kernel="gaussian")
    cx, cy = g.centres
    model = KDEMultivariate(data=[x, y], var_type="cc", bw=[sigma, sigma])
    oracle = model.pdf([cx, cy]) * x.size * 1e6  # probability density x n -> per km2
    # binning moves points by at most 35 m, small against sigma = 200 m
    assert np.abs(got.density_per_km2 - oracle).max() <= 0.02 * oracle.max()


def test_quartic_surface_agrees_with_the_kernel_on_unbinned_points():
    x, y = clustered_points(seed=3, n=1_500)
    g = make_grid(x, y, cell_size=50)
    h = 600.0
    got = kde(g, x, y, bandwidth=h)
    cx, cy = g.centres
    d = np.hypot(cx[:, None] - x[None, :], cy[:, None] - y[None, :])
    u2 = (d / h) ** 2
    oracle = np.where(u2 < 1, 3 / (math.pi * h * h) * (1 - u2) ** 2, 0.0).sum(axis=1) * 1e6
    assert np.abs(got.density_per_km2 - oracle).max() <= 0.02 * oracle.max()


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_kernels_integrate_to_one(kernel):
    step = 2.0
    axis = np.arange(-1_500, 1_500 + step, step)
    xx, yy = np.meshgrid(axis, axis)
    total = kernel_values(np.hypot(xx, yy), 250.0, kernel).sum() * step * step
    assert total == pytest.approx(1.0, abs=2e-3)


@pytest.mark.parametrize("kind", ["square", "hex"])
def test_expected_counts_add_up_to_the_incidents_away_from_the_edges(kind):
    rng = np.random.default_rng(4)
    x, y = rng.normal(X0 + 2_500, 300, 1_000), rng.normal(Y0 + 2_500, 300, 1_000)
    g = make_grid(bounds=(X0, Y0, X0 + 5_000, Y0 + 5_000), cell_size=100, kind=kind)
    for kernel, h in (("quartic", 400.0), ("gaussian", 150.0)):
        got = kde(g, x, y, bandwidth=h, kernel=kernel)
        assert got.expected_count.sum() == pytest.approx(1_000, rel=0.01)


def test_mass_nrd_bandwidth_matches_a_worked_value_and_scotts_rule():
    # MASS::bandwidth.nrd(1:10) = 4 * 1.06 * sd(1:10) * 10^(-1/5) = 8.09975 (sd < IQR/1.34)
    assert bandwidth_nrd(np.arange(1, 11)) == pytest.approx(8.09975, abs=1e-5)
    rng = np.random.default_rng(5)
    v = rng.gamma(2.0, 300.0, 5_000)
    # statsmodels' Scott rule is sigma-scale with constants 1.059 and 1.349
    assert bandwidth_nrd(v) == pytest.approx(4 * bw_scott(v), rel=0.01)


def test_default_bandwidth_averages_both_axes():
    rng = np.random.default_rng(6)
    x, y = rng.normal(0, 1_000, 4_000), rng.normal(0, 250, 4_000)
    h = default_bandwidth(x, y)
    assert h == pytest.approx(0.5 * (bandwidth_nrd(x) + bandwidth_nrd(y)))
    assert bandwidth_nrd(y) < h < bandwidth_nrd(x)
    assert default_bandwidth(x, y, kernel="gaussian") == pytest.approx(h / 4)


def test_bandwidth_is_never_smaller_than_the_cell():
    rng = np.random.default_rng(7)
    x, y = X0 + rng.normal(0, 5, 10_000), Y0 + rng.normal(0, 5, 10_000)
    g = make_grid(x, y, cell_size=100)
    got = kde(g, x, y)
    assert got.bandwidth == 100.0
    assert got.bandwidth_rule.startswith("MASS::bandwidth.nrd")
    assert got.parameters()["approximation"].startswith("points binned to cell centres")


def test_points_outside_the_grid_do_not_contribute():
    x, y = clustered_points(seed=8)
    g = make_grid(x, y, cell_size=100)
    far_x, far_y = np.append(x, X0 + 80_000), np.append(y, Y0)
    a = kde(g, x, y, bandwidth=300.0)
    b = kde(g, far_x, far_y, bandwidth=300.0)
    assert np.array_equal(a.density_per_km2, b.density_per_km2)
    assert b.n_outside == a.n_outside + 1


def test_100k_points_on_a_250k_cell_grid_in_under_5_seconds():
    rng = np.random.default_rng(9)
    x, y = X0 + rng.uniform(0, 50_000, 100_000), Y0 + rng.uniform(0, 50_000, 100_000)
    g = make_grid(bounds=(X0, Y0, X0 + 49_999, Y0 + 49_999), cell_size=100)
    assert g.n_cells == 250_000
    start = time.perf_counter()
    got = kde(g, x, y, kernel="quartic")
    assert time.perf_counter() - start < 5.0
    assert got.density_per_km2.shape == (250_000,)

"""Near-repeat (Near Repeat Calculator) and Knox tests, checked against independent oracles:
brute-force O(n²) pair counts (scipy ``pdist``), the exact permutation expectation, and
``pointpats.spacetime.Knox`` (including its published Burkitt's lymphoma figures)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import pdist

from saferplaces.analysis.nearrepeat import (
    NearRepeatDataWarning,
    SnappedLocationWarning,
    knox,
    near_repeat,
    near_repeat_incidents,
)

DISTANCE_EDGES = [0, 100, 200, 300, 400]
TIME_EDGES = [0, 7, 14, 21, 28]


# --------------------------------------------------------------------------------------------
# Helpers: data makers and the brute-force oracle
# --------------------------------------------------------------------------------------------


def brute_force_table(x, y, t, d_edges, t_edges, metric, same_location):
    """Every pair i < j placed in its cell by explicit comparisons (no searchsorted)."""
    n = len(x)
    i, j = np.triu_indices(n, k=1)
    d = pdist(np.column_stack([x, y]), "cityblock" if metric == "manhattan" else "euclidean")
    dt = np.abs(np.asarray(t, dtype=float)[i] - np.asarray(t, dtype=float)[j])

    def rows_of(values, edges, with_zero_row):
        masks = []
        if with_zero_row:
            masks.append(values == 0)
        for k in range(len(edges) - 1):
            lo, hi = edges[k], edges[k + 1]
            if k == 0 and not with_zero_row:
                masks.append((values >= lo) & (values <= hi))
            else:
                masks.append((values > lo) & (values <= hi))
        masks.append(values > edges[-1])
        return masks

    d_masks = rows_of(d, d_edges, same_location)
    t_masks = rows_of(dt, t_edges, False)
    table = np.array([[int(np.sum(dm & tm)) for tm in t_masks] for dm in d_masks])
    assert table.sum() == n * (n - 1) // 2  # the oracle's bands tile every pair
    return table


def events_hitting_edges(rng, integer_coords):
    """Random events plus stacks at identical points and pairs exactly on band edges."""
    n = 150
    if integer_coords:
        x = rng.integers(0, 800, n).astype(float)
        y = rng.integers(0, 800, n).astype(float)
    else:
        x = rng.uniform(0, 800, n)
        y = rng.uniform(0, 800, n)
    t = rng.integers(0, 60, n).astype(float)
    # Five events at one address (same location), spread over time incl. exactly 7/14/28 days.
    x[:5], y[:5] = x[0], y[0]
    t[:5] = [10, 17, 24, 38, 10]
    # Pairs exactly 100, 200, 300 and 400 m apart in both metrics (3-4-5 triangles are exact
    # in floating point; Manhattan sums of whole metres likewise), 7, 14, 21, 28 days apart.
    base_x, base_y = 1000.0, 1000.0
    offsets = [(60.0, 80.0), (120.0, 160.0), (180.0, 240.0), (240.0, 320.0)]
    manhattan_offsets = [(30.0, 70.0), (150.0, 50.0), (100.0, 200.0), (0.0, 400.0)]
    extra_x, extra_y, extra_t = [], [], []
    for k, ((ex, ey), (mx, my)) in enumerate(zip(offsets, manhattan_offsets, strict=True)):
        ox = base_x + 2000.0 * k
        extra_x += [ox, ox + ex, ox + 1000.0, ox + 1000.0 + mx]
        extra_y += [base_y, base_y + ey, base_y, base_y + my]
        extra_t += [5.0, 5.0 + 7 * (k + 1), 5.0, 5.0 + 7 * (k + 1)]
    return (
        np.concatenate([x, extra_x]),
        np.concatenate([y, extra_y]),
        np.concatenate([t, extra_t]),
    )


def simulate_burglary(seed, n_background=500, side_m=5000.0, days=365, branching=0.2):
    """Seeded Hawkes-like burglary: uniform background events, each event triggering a
    Poisson(branching) number of offspring within 200 m and 1–14 days (self-exciting)."""
    rng = np.random.default_rng(seed)
    x = list(rng.uniform(0, side_m, n_background))
    y = list(rng.uniform(0, side_m, n_background))
    t = list(rng.integers(0, days, n_background).astype(float))
    queue = list(range(n_background))
    while queue:
        parent = queue.pop()
        for _ in range(rng.poisson(branching)):
            radius = 200.0 * np.sqrt(rng.uniform())
            angle = rng.uniform(0, 2 * np.pi)
            child_t = t[parent] + rng.integers(1, 15)
            if child_t >= days:
                continue
            x.append(x[parent] + radius * np.cos(angle))
            y.append(y[parent] + radius * np.sin(angle))
            t.append(float(child_t))
            queue.append(len(t) - 1)
    return np.array(x), np.array(y), np.array(t)


# --------------------------------------------------------------------------------------------
# Observed counts equal a brute-force count
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("integer_coords", [True, False])
@pytest.mark.parametrize("same_location", [True, False])
def test_observed_pairs_equal_brute_force_count(metric, integer_coords, same_location):
    rng = np.random.default_rng(7)
    x, y, t = events_hitting_edges(rng, integer_coords)
    result = near_repeat(
        x,
        y,
        t,
        distance_bands=DISTANCE_EDGES,
        time_bands=TIME_EDGES,
        iterations=9,
        metric=metric,
        same_location=same_location,
    )
    expected = brute_force_table(x, y, t, DISTANCE_EDGES, TIME_EDGES, metric, same_location)
    np.testing.assert_array_equal(result.observed, expected)


def test_pairs_exactly_on_band_edges_fall_in_the_lower_band():
    # Two events 100 m and 7 days apart belong to [0, 100] x [0, 7]; 100.5 m, 8 days do not.
    x = np.array([0.0, 60.0, 5000.0, 5100.5])
    y = np.array([0.0, 80.0, 0.0, 0.0])
    t = np.array([0, 7, 100, 108])
    result = near_repeat(
        x,
        y,
        t,
        distance_bands=[0, 100, 200],
        time_bands=[0, 7, 14],
        iterations=9,
        same_location=False,
    )
    assert result.observed[0, 0] == 1  # the 100 m / 7 day pair
    assert result.observed[1, 1] == 1  # the 100.5 m / 8 day pair
    assert result.observed.sum() == 6


def test_fractional_days_are_counted_like_brute_force():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 600, 120)
    y = rng.uniform(0, 600, 120)
    t = rng.uniform(0, 40, 120)
    t[:4] = [1.5, 8.5, 15.5, 29.5]  # exactly 7, 14 and 28 days apart
    x[:4], y[:4] = 10.0, 10.0
    result = near_repeat(
        x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=9
    )
    expected = brute_force_table(x, y, t, DISTANCE_EDGES, TIME_EDGES, "euclidean", True)
    np.testing.assert_array_equal(result.observed, expected)


def test_only_pairs_within_the_largest_band_are_stored():
    rng = np.random.default_rng(11)
    x, y, t = rng.uniform(0, 3000, 300), rng.uniform(0, 3000, 300), rng.integers(0, 90, 300)
    result = near_repeat(
        x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=9
    )
    within = int(np.sum(pdist(np.column_stack([x, y])) <= DISTANCE_EDGES[-1]))
    assert result.parameters["n_pairs_within_largest_distance"] == within
    assert within < result.parameters["n_pairs"] / 5


@pytest.mark.parametrize("fractional", [False, True])
def test_parallel_kernels_give_the_same_tables_as_serial_ones(monkeypatch, fractional):
    # Large inputs run the compiled kernels in parallel chunks; force that path on small data.
    import saferplaces.analysis.nearrepeat as module

    rng = np.random.default_rng(12)
    x, y = rng.uniform(0, 900, 400), rng.uniform(0, 900, 400)
    t = rng.integers(0, 60, 400) + (rng.uniform(0, 1, 400) if fractional else 0)
    kwargs = {"distance_bands": DISTANCE_EDGES, "time_bands": TIME_EDGES, "iterations": 40}
    monkeypatch.setattr(module, "_JIT_WORK", 0)
    serial = near_repeat(x, y, t, seed=3, **kwargs)
    monkeypatch.setattr(module, "_PARALLEL_PAIRS", 0)
    monkeypatch.setattr(module, "_PARALLEL_EVENTS", 0)
    parallel = near_repeat(x, y, t, seed=3, **kwargs)
    np.testing.assert_array_equal(parallel.observed, serial.observed)
    np.testing.assert_array_equal(parallel.expected, serial.expected)
    np.testing.assert_array_equal(parallel.p_value, serial.p_value)


# --------------------------------------------------------------------------------------------
# Small problems: plain numpy kernels and the sweep give the numbers numba and the k-d tree give
# --------------------------------------------------------------------------------------------

ENGINES = {  # (_JIT_WORK, _SWEEP_CANDIDATES) forcing each kernel and each pair search
    "numpy kernels, sweep": (10**18, 10**18),
    "numpy kernels, k-d tree": (10**18, -1),
    "compiled kernels, sweep": (0, 10**18),
    "compiled kernels, k-d tree": (0, -1),
}


def events_with_ties(seed, fractional):
    """Events with repeats at one address, repeated dates and (fractional) day differences that
    rounding makes awkward (thirds, tenths)."""
    rng = np.random.default_rng(seed)
    n = 260
    x, y = rng.uniform(0, 1500, n), rng.uniform(0, 1500, n)
    x[:12], y[:12] = x[0], y[0]  # a dozen events at one address
    x[12:20] = np.round(x[12:20], -1)  # some on a 10 m grid, so equal distances
    t = rng.integers(0, 90, n).astype(float)
    t[20:40] = t[20]  # twenty on one day
    if fractional:
        t += rng.choice([0.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.7], n)
    return x, y, t


@pytest.mark.parametrize("fractional", [False, True], ids=["whole days", "fractional days"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_numpy_and_compiled_kernels_give_identical_tables(monkeypatch, fractional, seed, metric):
    import saferplaces.analysis.nearrepeat as module

    x, y, t = events_with_ties(seed, fractional)
    kwargs = {"distance_bands": [0, 50, 100, 200], "time_bands": [0, 1, 7, 14.5], "seed": seed,
              "metric": metric, "iterations": 99}  # 99: the compiled kernels take 32 a pass
    results = {}
    for name, (jit_work, sweep) in ENGINES.items():
        monkeypatch.setattr(module, "_JIT_WORK", jit_work)
        monkeypatch.setattr(module, "_SWEEP_CANDIDATES", sweep)
        results[name] = (
            near_repeat(x, y, t, **kwargs),
            knox(x, y, t, 75.0, 7.0, permutations=99, seed=seed, metric=metric),
        )
    (table, test) = results["numpy kernels, sweep"]
    assert table.observed[:-1, :-1].sum() > 0 and test.statistic > 0
    for name, (other_table, other_test) in results.items():
        for field in ("observed", "expected", "knox_ratio", "p_value"):
            np.testing.assert_array_equal(getattr(other_table, field), getattr(table, field),
                                          err_msg=f"{name}: {field}")
        assert (other_test.statistic, other_test.p_sim) == (test.statistic, test.p_sim), name


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_sweep_and_k_d_tree_find_the_same_pairs_in_the_same_rows(metric):
    from saferplaces.analysis.nearrepeat_pairs import find_pairs

    rng = np.random.default_rng(4)
    x, y, _ = events_with_ties(4, False)
    x[40:60] = x[60:80] + rng.choice([0.0, 100.0, 200.0], 20)  # pairs exactly on the edges
    y[40:60] = y[60:80]
    upper = np.array([50.0, 100.0, 200.0])

    def pair_set(pairs):
        event = np.argsort(pairs.position)  # input event at each number
        a, b = event[pairs.i], event[pairs.j]
        return sorted(zip(np.minimum(a, b), np.maximum(a, b), pairs.row, strict=True))

    sweep = find_pairs(x, y, upper, metric, True, sweep_candidates=10**18)
    tree = find_pairs(x, y, upper, metric, True, sweep_candidates=-1)
    assert (sweep.search, tree.search) == ("sweep", "k-d tree")
    assert pair_set(sweep) == pair_set(tree)
    d = pdist(np.column_stack([x, y]), "cityblock" if metric == "manhattan" else "euclidean")
    assert len(pair_set(sweep)) == int(np.sum(d <= 200.0)) > 0


def test_sweep_bounds_its_memory_by_pieces_without_losing_pairs(monkeypatch):
    import saferplaces.analysis.nearrepeat_pairs as pairs_module

    rng = np.random.default_rng(8)
    x, y = rng.uniform(0, 300, 400), rng.uniform(0, 300, 400)
    upper = np.array([100.0, 200.0])
    whole = pairs_module.find_pairs(x, y, upper, "euclidean", False, sweep_candidates=10**18)
    monkeypatch.setattr(pairs_module, "_PAIR_PIECE", 97)
    pieces = pairs_module.find_pairs(x, y, upper, "euclidean", False, sweep_candidates=10**18)
    np.testing.assert_array_equal(pieces.i, whole.i)
    np.testing.assert_array_equal(pieces.row, whole.row)
    assert whole.i.size == int(np.sum(pdist(np.column_stack([x, y])) <= 200.0))


@pytest.mark.parametrize("dtype", [np.int32, np.float64])
def test_numpy_shuffle_is_the_compiled_fisher_yates_with_the_same_draws(dtype):
    from saferplaces.analysis.nearrepeat_kernels import fill_shuffled_serial
    from saferplaces.analysis.nearrepeat_numpy import shuffled_dates

    rng = np.random.default_rng(9)
    dates = rng.integers(0, 30, 150).astype(dtype) + (dtype(0.5) if dtype is np.float64 else 0)
    position = rng.permutation(150).astype(np.int64)
    uniforms = rng.random((45, 150))
    compiled = np.empty((150, 45), dtype=dtype)
    fill_shuffled_serial(compiled, dates, uniforms, position)
    plain = shuffled_dates(dates, uniforms, position)
    np.testing.assert_array_equal(plain, compiled)
    assert plain.dtype == dtype
    for s in range(45):  # every column is a permutation of the dates
        np.testing.assert_array_equal(np.sort(plain[:, s]), np.sort(dates))


def test_pairs_within_time_compares_differences_as_the_counting_does():
    from saferplaces.analysis.nearrepeat_numpy import pairs_within_time

    rng = np.random.default_rng(10)
    # tenths and thirds: t[i] + e and t[j] - t[i] <= e round differently for some pairs
    t = np.sort(np.concatenate([rng.integers(0, 40, 300) + rng.choice([0.1, 0.2, 0.3, 0.7], 300),
                                rng.integers(0, 40, 100) / 3.0, np.full(20, 12.3)]))
    upper = np.array([0.0, 0.1, 0.4, 1 / 3, 7.0, 14.2, 28.0])
    i, j = np.triu_indices(t.size, k=1)
    brute = [int(np.sum(t[j] - t[i] <= e)) for e in upper]
    assert list(pairs_within_time(t, upper)) == brute
    t_plus = t[i] + upper[2]
    assert np.any((t[j] <= t_plus) != (t[j] - t[i] <= upper[2]))  # the data do hit rounding


def test_small_near_repeat_imports_neither_numba_nor_scipy_spatial():
    code = """
import sys
import numpy as np
from saferplaces.analysis.nearrepeat import near_repeat
rng = np.random.default_rng(1)
x, y, t = rng.uniform(0, 4000, 200), rng.uniform(0, 4000, 200), rng.integers(0, 365, 200)
near_repeat(x, y, t, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], iterations=99)
near_repeat(x, y, t + 0.5, distance_bands=[0, 400], time_bands=[0, 28], iterations=999)
loaded = [m for m in ("numba", "scipy.spatial", "pandas") if m in sys.modules]
assert not loaded, loaded
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_small_near_repeat_command_does_not_import_numba(tmp_path):
    from tests.process import environment

    rows = ["x,y,date"] + [f"{600000 + 37 * k % 2000},{224000 + 53 * k % 2000},2025-01-{1 + k % 28:02d}"
                           for k in range(200)]
    (tmp_path / "events.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = """
import sys
from saferplaces.cli import main
main(["near-repeat", "--input", "events.csv", "--iterations", "99"], standalone_mode=False)
loaded = [m for m in ("numba", "scipy.spatial") if m in sys.modules]
assert not loaded, loaded
"""
    done = subprocess.run([sys.executable, "-c", code], env=environment(tmp_path), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Knox ratios" in done.stdout


def test_datetime_dates_give_the_same_table_as_day_numbers():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 800, 100), rng.uniform(0, 800, 100)
    days = rng.integers(0, 120, 100)
    stamps = (
        np.datetime64("2024-01-01T00:00")
        + days.astype("timedelta64[D]")
        + rng.integers(0, 1440, 100).astype("timedelta64[m]")
    )
    by_days = near_repeat(
        x, y, days, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=49, seed=2
    )
    by_dates = near_repeat(
        x,
        y,
        stamps,
        distance_bands=DISTANCE_EDGES,
        time_bands=TIME_EDGES,
        iterations=49,
        seed=2,
        precision="minute",
    )
    np.testing.assert_array_equal(by_days.observed, by_dates.observed)
    np.testing.assert_allclose(by_days.p_value, by_dates.p_value)


# --------------------------------------------------------------------------------------------
# Expected counts, ratios and p-values
# --------------------------------------------------------------------------------------------


def test_expected_counts_match_the_exact_permutation_expectation():
    # Under random permutation of dates each pair gets a uniformly random pair of dates, so
    # E[cell] = (pairs in its distance row) x (pairs of all events in its time band) / pairs.
    rng = np.random.default_rng(21)
    x, y, t = rng.uniform(0, 1000, 250), rng.uniform(0, 1000, 250), rng.integers(0, 60, 250)
    result = near_repeat(
        x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=999, seed=4
    )
    obs = result.observed
    exact = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / obs.sum()
    big = exact > 20
    np.testing.assert_allclose(result.expected[big], exact[big], rtol=0.04)
    np.testing.assert_allclose(result.expected.sum(), obs.sum())
    with np.errstate(divide="ignore", invalid="ignore"):  # same-location row: 0 / 0
        np.testing.assert_allclose(result.knox_ratio, obs / result.expected)


def test_same_seed_reproduces_and_another_seed_differs():
    rng = np.random.default_rng(8)
    x, y, t = rng.uniform(0, 800, 200), rng.uniform(0, 800, 200), rng.integers(0, 50, 200)
    kwargs = {"distance_bands": DISTANCE_EDGES, "time_bands": TIME_EDGES, "iterations": 99}
    a = near_repeat(x, y, t, seed=1, **kwargs)
    b = near_repeat(x, y, t, seed=1, **kwargs)
    c = near_repeat(x, y, t, seed=2, **kwargs)
    np.testing.assert_array_equal(a.expected, b.expected)
    np.testing.assert_array_equal(a.p_value, b.p_value)
    assert not np.array_equal(a.expected, c.expected)
    d = near_repeat(x, y, t, seed=np.random.default_rng(1), **kwargs)
    np.testing.assert_array_equal(a.expected, d.expected)


@pytest.mark.parametrize("seed", [2020, 2021, 2022])
def test_self_exciting_burglary_shows_near_repeats_only_near(seed):
    x, y, t = simulate_burglary(seed=seed)
    result = near_repeat(
        x,
        y,
        t,
        distance_bands=[0, 200, 400, 600, 800, 1000],
        time_bands=[0, 14, 28, 42, 56, 70],
        iterations=999,
        seed=1,
        same_location=False,
    )
    # The triggering zone (within 200 m and 14 days) is strongly over-represented.
    assert result.knox_ratio[0, 0] > 1.5
    assert result.p_value[0, 0] < 0.05
    # Far from it (600-1000 m apart and 42-70 days apart) nothing stands out, with a
    # Bonferroni allowance for looking at four cells. (The "more than" cells are left out:
    # fixed margins make them mirror the near cells, as in Knox's 2 x 2 table.)
    far_p = result.p_value[3:5, 3:5]
    far_ratio = result.knox_ratio[3:5, 3:5]
    assert np.all(far_p > 0.05 / far_p.size)
    assert np.all(np.abs(far_ratio - 1) < 0.15)


def test_random_events_give_roughly_uniform_p_values():
    p_values = []
    for seed in range(40):
        rng = np.random.default_rng(1000 + seed)
        x, y = rng.uniform(0, 1000, 300), rng.uniform(0, 1000, 300)
        t = rng.integers(0, 100, 300)
        result = near_repeat(
            x,
            y,
            t,
            distance_bands=[0, 100, 200, 300],
            time_bands=[0, 10, 20, 30],
            iterations=199,
            seed=seed,
            same_location=False,
        )
        p_values.extend(result.p_value[:3, :3].ravel())
    p = np.array(p_values)
    false_positive_rate = np.mean(p < 0.05)
    assert 0.01 <= false_positive_rate <= 0.10
    assert 0.35 <= np.mean(p < 0.5) <= 0.65
    assert 0.4 <= p.mean() <= 0.62


# --------------------------------------------------------------------------------------------
# Knox test against pointpats
# --------------------------------------------------------------------------------------------


def load_burkitt():
    libpysal = pytest.importorskip("libpysal")
    table = libpysal.io.open(libpysal.examples.get_path("burkitt.dbf"))
    x = np.array(table.by_col("X"), dtype=float)
    y = np.array(table.by_col("Y"), dtype=float)
    t = np.array(table.by_col("T"), dtype=float)
    table.close()
    return x, y, t


def test_knox_on_burkitt_matches_pointpats_published_values():
    x, y, t = load_burkitt()
    result = knox(x, y, t, delta=20, tau=5, permutations=999, seed=3)
    assert result.statistic == 13
    assert result.p_poisson == pytest.approx(0.14624558197140414, rel=1e-9)
    np.testing.assert_allclose(result.observed, [[13, 3416], [39, 14110]])
    np.testing.assert_allclose(
        result.expected_table, [[10.1438161, 3418.85618], [41.8561839, 14107.1438]], rtol=1e-7
    )


def test_knox_permutation_p_value_agrees_with_pointpats():
    spacetime = pytest.importorskip("pointpats.spacetime")
    x, y, t = load_burkitt()
    np.random.seed(12345)  # pointpats draws from numpy's global generator
    theirs = spacetime.Knox(
        np.column_stack([x, y]), t.reshape(-1, 1), delta=20, tau=5, permutations=999
    )
    ours = knox(x, y, t, delta=20, tau=5, permutations=999, seed=12345)
    # Two Monte Carlo estimates of the same p (about 0.2): standard error of the difference
    # is about 0.018, so 0.06 is more than 3 standard errors.
    assert ours.p_sim == pytest.approx(theirs.p_sim, abs=0.06)


@pytest.mark.parametrize(("delta", "tau"), [(50.0, 3.0), (120.0, 10.0), (0.0, 0.0)])
def test_knox_statistic_and_poisson_p_equal_pointpats(delta, tau):
    spacetime = pytest.importorskip("pointpats.spacetime")
    rng = np.random.default_rng(13)
    x = rng.integers(0, 600, 220).astype(float)
    y = rng.integers(0, 600, 220).astype(float)
    x[:10], y[:10] = 5.0, 5.0  # identical points: distance 0 is within every delta
    t = rng.integers(0, 80, 220).astype(float)
    theirs = spacetime.Knox(
        np.column_stack([x, y]), t.reshape(-1, 1), delta=delta, tau=tau, permutations=0
    )
    ours = knox(x, y, t, delta=delta, tau=tau, permutations=0)
    assert ours.statistic == theirs.statistic_
    np.testing.assert_allclose(ours.observed, theirs.observed)
    np.testing.assert_allclose(ours.expected_table, theirs.expected)
    assert ours.p_poisson == pytest.approx(theirs.p_poisson, rel=1e-9, abs=1e-15)
    assert ours.p_sim is None


def test_knox_statistic_is_the_first_cell_of_a_one_band_near_repeat_table():
    rng = np.random.default_rng(17)
    x, y, t = rng.uniform(0, 900, 200), rng.uniform(0, 900, 200), rng.integers(0, 60, 200)
    k = knox(x, y, t, delta=150, tau=9, permutations=199, seed=5)
    nr = near_repeat(
        x,
        y,
        t,
        distance_bands=[0, 150],
        time_bands=[0, 9],
        iterations=199,
        seed=5,
        same_location=False,
    )
    assert k.statistic == nr.observed[0, 0]
    assert k.p_sim == pytest.approx(nr.p_value[0, 0])


# --------------------------------------------------------------------------------------------
# Data the method cannot use
# --------------------------------------------------------------------------------------------


def test_month_precision_is_refused():
    x, y, t = np.arange(10.0), np.arange(10.0), np.arange(10)
    with pytest.raises(ValueError, match="month"):
        near_repeat(
            x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, precision="month"
        )
    mixed = np.array(["day"] * 9 + ["month"])
    with pytest.raises(ValueError, match="1 event"):
        near_repeat(x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, precision=mixed)


def test_snapped_locations_warn_and_flag_the_result():
    rng = np.random.default_rng(2)
    x, y, t = rng.uniform(0, 500, 60), rng.uniform(0, 500, 60), rng.integers(0, 30, 60)
    with pytest.warns(SnappedLocationWarning, match="snapped"):
        result = near_repeat(
            x,
            y,
            t,
            distance_bands=DISTANCE_EDGES,
            time_bands=TIME_EDGES,
            iterations=9,
            snapped=True,
        )
    assert result.snapping_warning
    assert result.parameters["snapped"] is True


def test_many_events_at_identical_points_warn_even_if_not_declared_snapped():
    rng = np.random.default_rng(2)
    points = rng.uniform(0, 2000, (15, 2))
    pick = rng.integers(0, 15, 100)
    x, y, t = points[pick, 0], points[pick, 1], rng.integers(0, 60, 100)
    with pytest.warns(SnappedLocationWarning, match="share their exact coordinates"):
        result = near_repeat(
            x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=9
        )
    assert result.snapping_warning
    assert result.parameters["shared_location_fraction"] > 0.9


def test_dates_all_on_the_first_of_a_month_warn_as_probably_monthly():
    rng = np.random.default_rng(6)
    months = np.datetime64("2023-01", "M") + rng.integers(0, 12, 40).astype("timedelta64[M]")
    x, y = rng.uniform(0, 500, 40), rng.uniform(0, 500, 40)
    with pytest.warns(NearRepeatDataWarning, match="first of a month"):
        result = near_repeat(
            x,
            y,
            months.astype("datetime64[D]"),
            distance_bands=DISTANCE_EDGES,
            time_bands=TIME_EDGES,
            iterations=9,
        )
    assert any("first of a month" in w for w in result.parameters["warnings"])


def test_exact_distinct_locations_do_not_warn():
    rng = np.random.default_rng(2)
    x, y, t = rng.uniform(0, 500, 60), rng.uniform(0, 500, 60), rng.integers(0, 30, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = near_repeat(
            x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=9
        )
    assert not result.snapping_warning
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distance_bands": [50, 100]}, "start at 0"),
        ({"time_bands": [0, 14, 7]}, "increasing"),
        ({"metric": "chebyshev"}, "metric"),
        ({"iterations": 0}, "iterations"),
    ],
)
def test_bad_parameters_are_refused(kwargs, message):
    params = {"distance_bands": DISTANCE_EDGES, "time_bands": TIME_EDGES, "iterations": 9}
    params.update(kwargs)
    with pytest.raises(ValueError, match=message):
        near_repeat(np.arange(5.0), np.arange(5.0), np.arange(5), **params)


# --------------------------------------------------------------------------------------------
# Output forms
# --------------------------------------------------------------------------------------------


def small_result(**kwargs):
    rng = np.random.default_rng(9)
    x, y, t = rng.uniform(0, 700, 150), rng.uniform(0, 700, 150), rng.integers(0, 50, 150)
    return near_repeat(
        x, y, t, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=49, **kwargs
    )


def test_nrc_table_uses_the_calculators_labels():
    table = small_result().to_nrc_table()
    assert list(table.index) == [
        "Same location",
        "1 to 100",
        "101 to 200",
        "201 to 300",
        "301 to 400",
        "More than 400",
    ]
    assert list(table.columns) == ["0 to 7", "8 to 14", "15 to 21", "22 to 28", "More than 28"]
    without = small_result(same_location=False).to_nrc_table("observed")
    assert list(without.index)[:2] == ["0 to 100", "101 to 200"]


def test_dict_has_the_documented_json_form():
    result = small_result()
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"cells", "beyond", "parameters"}
    assert len(data["cells"]) == 5 * 4  # bounded bands: every edge is a number
    assert len(data["beyond"]) == 6 * 5 - 5 * 4
    assert all(v is not None for c in data["cells"] for v in (*c["distance_band"], *c["time_band"]))
    first, last = data["cells"][0], data["beyond"][-1]
    assert set(first) == {
        "distance_band",
        "time_band",
        "observed",
        "expected",
        "knox_ratio",
        "p_value",
    }
    assert first["distance_band"] == [0.0, 0.0]  # same location
    assert data["cells"][4]["distance_band"] == [0.0, 100.0]
    assert last["distance_band"] == [400.0, None] and last["time_band"] == [28.0, None]
    assert sum(c["observed"] for c in data["cells"] + data["beyond"]) == 150 * 149 // 2
    assert data["parameters"]["iterations"] == 49
    assert data["parameters"]["n_events"] == 150
    assert "Knox" in " ".join(data["parameters"]["references"])


def test_result_tables_cannot_be_altered_after_the_fact():
    result = small_result()
    with pytest.raises(ValueError, match="read-only"):
        result.observed[0, 0] = 10**6


def test_long_frame_matches_the_arrays():
    result = small_result()
    frame = result.to_frame()
    assert len(frame) == result.observed.size
    np.testing.assert_array_equal(frame["observed"].to_numpy(), result.observed.ravel())
    np.testing.assert_allclose(frame["p_value"].to_numpy(), result.p_value.ravel())


def test_incident_table_input_refuses_police_uk_months_and_accepts_local_days():
    rng = np.random.default_rng(4)
    n = 80
    incidents = pd.DataFrame(
        {
            "x": rng.uniform(0, 600, n),
            "y": rng.uniform(0, 600, n),
            "occurred": pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
            "precision": "day",
            "source": "local",
        }
    )
    result = near_repeat_incidents(
        incidents, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES, iterations=19
    )
    direct = near_repeat(
        incidents["x"],
        incidents["y"],
        incidents["occurred"].to_numpy(),
        distance_bands=DISTANCE_EDGES,
        time_bands=TIME_EDGES,
        iterations=19,
    )
    np.testing.assert_array_equal(result.observed, direct.observed)
    police = incidents.assign(precision="month", source="police-uk")
    with pytest.raises(ValueError, match="month"):
        near_repeat_incidents(police, distance_bands=DISTANCE_EDGES, time_bands=TIME_EDGES)

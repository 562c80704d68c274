"""Two-rate Poisson tests and Benjamini–Hochberg, against published values and statsmodels."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.multitest import multipletests

from saferplaces.analysis.stats import benjamini_hochberg, poisson_ctest, poisson_etest

CASES = [  # count1, count2, exposure1, exposure2
    (0, 3, 1.0, 1.0), (6, 2, 1.0, 1.0), (30, 12, 2.0, 1.5), (5, 20, 3.0, 1.0),
    (1, 0, 1.0, 1.0), (308, 207, 1.0, 1.0), (240, 260, 12.0, 12.0), (900, 850, 1.0, 1.1),
]
ALTERNATIVES = ["two-sided", "larger", "smaller"]


@pytest.mark.parametrize(("counts", "published"), [((0, 3), 0.0884), ((6, 2), 0.1749)])
def test_etest_reproduces_krishnamoorthy_thomson_examples(counts, published):
    result = poisson_etest(*counts)
    assert result.p_value == pytest.approx(published, abs=5e-5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statsmodels divides by a zero count
@pytest.mark.parametrize(("c1", "c2", "e1", "e2"), CASES)
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("statistic", ["wald", "score"])
def test_etest_agrees_with_statsmodels(c1, c2, e1, e2, alternative, statistic):
    ours = poisson_etest(c1, c2, exposure1=e1, exposure2=e2, alternative=alternative,
                         statistic=statistic)
    theirs = sm_rates.test_poisson_2indep(c1, e1, c2, e2, method=f"etest-{statistic}",
                                 alternative=alternative)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-7, abs=1e-12)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-9)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(("c1", "c2", "e1", "e2"), CASES)
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_ctest_agrees_with_statsmodels_exact_conditional(c1, c2, e1, e2, alternative):
    ours = poisson_ctest(c1, c2, exposure1=e1, exposure2=e2, alternative=alternative)
    theirs = sm_rates.test_poisson_2indep(c1, e1, c2, e2, method="exact-cond",
                                          alternative=alternative)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-15)


def test_ctest_hand_worked_binomial_tails():
    # Given 8 incidents in all and equal exposure, count1 ~ Binomial(8, 1/2).
    # P(X >= 6) = (28 + 8 + 1) / 256; two-sided doubles it by symmetry.
    assert poisson_ctest(6, 2, alternative="larger").p_value == pytest.approx(37 / 256)
    assert poisson_ctest(6, 2).p_value == pytest.approx(74 / 256)
    # (0, 3): the outcomes 0 and 3 each have probability 1/8.
    assert poisson_ctest(0, 3).p_value == pytest.approx(0.25)


def test_ctest_null_ratio_shifts_the_binomial_probability():
    # H0 rate1/rate2 = 2 with equal exposure: count1 ~ Binomial(n, 2/3).
    expected = stats.binom.cdf(3, 9, 2 / 3)
    assert poisson_ctest(3, 6, ratio=2.0, alternative="smaller").p_value == pytest.approx(expected)


@pytest.mark.parametrize("mean", [2.0, 8.0, 15.0])
def test_ctest_exact_size_is_at_most_nominal(mean):
    # Exact rejection probability under H0 (equal means), summed over the Poisson grid.
    grid = np.arange(int(stats.poisson.isf(1e-12, mean)) + 1)
    pmf = stats.poisson.pmf(grid, mean)
    size = sum(pmf[a] * pmf[b] for a in grid for b in grid
               if poisson_ctest(int(a), int(b)).p_value <= 0.05)
    assert size <= 0.05


def test_both_counts_zero_is_no_evidence():
    assert poisson_ctest(0, 0).p_value == 1.0
    assert poisson_etest(0, 0).p_value == 1.0


def test_rate_ratio_and_result_dict():
    result = poisson_etest(30, 12, exposure1=2.0, exposure2=1.5)
    assert result.rate_ratio == pytest.approx((30 / 2.0) / (12 / 1.5))
    assert json.loads(json.dumps(result.to_dict()))["count1"] == 30
    assert "Krishnamoorthy" in result.method


@pytest.mark.parametrize("bad", [dict(count1=-1, count2=2), dict(count1=1.5, count2=2),
                                 dict(count1=1, count2=2, exposure1=0.0)])
def test_invalid_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        poisson_etest(**bad)
    with pytest.raises(ValueError):
        poisson_ctest(**bad)


def test_etest_handles_large_counts_in_bounded_memory():
    ours = poisson_etest(50_000, 49_000)
    approx = 2 * stats.norm.sf(1000 / np.sqrt(99_000))  # normal approximation
    assert ours.p_value == pytest.approx(approx, rel=0.05)


def test_benjamini_hochberg_hand_worked():
    # Sorted: 0.01, 0.03, 0.04, 0.2 -> m*p/rank = 0.04, 0.06, 0.0533, 0.2 -> running minimum
    # from the top: 0.04, 0.0533, 0.0533, 0.2.
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    np.testing.assert_allclose(adjusted, [0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_benjamini_hochberg_agrees_with_statsmodels_and_keeps_missing_values():
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(size=40), rng.uniform(0, 0.01, size=10)])
    expected = multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(benjamini_hochberg(p), expected, rtol=1e-12)
    with_gap = np.insert(p, 3, np.nan)
    out = benjamini_hochberg(with_gap)
    assert np.isnan(out[3])
    np.testing.assert_allclose(np.delete(out, 3), expected, rtol=1e-12)


def test_benjamini_hochberg_refuses_impossible_p_values():
    with pytest.raises(ValueError):
        benjamini_hochberg([0.2, 1.3])

"""The impact's words do not claim more than its intervals show: a displacement quotient is
read as displacement or diffusion of benefit only when its bootstrap interval excludes 0."""

from __future__ import annotations

from saferplaces.analysis.evaluation import WDQResult
from saferplaces.analysis.impact_text import _wdq_sentence


def _wdq(value: float, low: float, high: float, reading: str) -> WDQResult:
    return WDQResult(wdq=value, success_measure=-0.3, buffer_measure=-0.006, net_effect=40.0,
                     interpretation=reading, ci_low=low, ci_high=high, net_effect_ci_low=20.0,
                     net_effect_ci_high=60.0, share_no_success=0.0, share_undefined=0.0,
                     n_boot=2000, seed=1, alpha=0.05, counts={})


def test_quotient_whose_interval_includes_zero_names_no_displacement_or_diffusion():
    text = _wdq_sentence(_wdq(0.02, -0.18, 0.20, "diffusion of benefit"), 0.05)
    assert "0.02, no clear displacement or diffusion of benefit" in text
    assert "0.02, diffusion" not in text
    text = _wdq_sentence(_wdq(-0.1, -0.4, 0.1, "displacement, smaller than the direct benefit "
                              "(net benefit)"), 0.05)
    assert "no clear displacement or diffusion" in text


def test_quotient_whose_interval_excludes_zero_is_named():
    assert "0.40, diffusion of benefit (95%" in _wdq_sentence(
        _wdq(0.4, 0.1, 0.7, "diffusion of benefit"), 0.05)
    assert "displacement, smaller" in _wdq_sentence(
        _wdq(-0.5, -0.8, -0.2, "displacement, smaller than the direct benefit (net benefit)"),
        0.05)

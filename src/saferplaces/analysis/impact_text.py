"""Plain English for an operation's impact: what changed, each test and its result, limitations.

Written for a councillor on the crime and disorder panel: counts rounded to whole incidents,
percentages to whole numbers, p-values to three places, every test named with its source, and
"could be chance" rather than "not significant". The numbers come from
:func:`saferplaces.analysis.impact.operation_impact`; nothing here computes a statistic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from saferplaces.analysis.comparison import ComparisonChoice
from saferplaces.analysis.evaluation import WDDResult, WDQResult
from saferplaces.analysis.harm import HarmWeights
from saferplaces.analysis.stats import PoissonTestResult
from saferplaces.analysis.synthetic import SyntheticControlResult
from saferplaces.periods import period_label

__all__ = ["ImpactText", "describe"]

#: Below this many incidents in all, the WDD's normal approximation is rough (as in
#: ``evaluate_intervention``).
FEW_INCIDENTS = 50
#: Above this share of bootstrap draws without a reduction the WDQ is called unstable.
UNSTABLE_WDQ_SHARE = 0.2
#: A synthetic control should be fitted on at least a year, a full cycle of the seasons
#: (Abadie 2021, section 4: a good fit over an extended pre-intervention period).
SYNTHETIC_PRE_MONTHS = 12
#: A synthetic pre-period error above this many Poisson standard deviations (√level) is a
#: fit worse than chance variation alone explains.
POOR_FIT_SDS = 2.0
#: True of every before-and-after evaluation of recorded incidents: listed after the
#: limitations particular to a result.
GENERIC_LIMITATIONS = (
    "The comparison areas and the synthetic control are matched on the months before the "
    "operation; they cannot rule out something else that changed only in the treated area "
    "at the same time (another initiative, a change in recording or reporting).",
    "These are recorded incidents: more patrols can mean more incidents found and "
    "reported, which hides a real reduction, and fewer reports need not mean less harm.",
)


@dataclass(frozen=True)
class ImpactText:
    """The words of an impact result."""

    headline: str
    sentences: tuple[str, ...]
    conclusion: str
    limitations: tuple[str, ...]


def _count(x: float, unit: str = "incidents") -> str:
    """``-12.3`` as ``"12 fewer incidents"``."""
    n = round(abs(x))
    if n == 0:
        return f"about the same number of {unit}"
    return f"{n:,} {'fewer' if x < 0 else 'more'} {unit}"


def _count_range(lo: float, hi: float, less: str = "fewer", more: str = "more") -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "no interval"
    if hi < 0:
        return f"between {round(-hi):,} and {round(-lo):,} {less}"
    if lo > 0:
        return f"between {round(lo):,} and {round(hi):,} {more}"
    return f"from {round(-lo):,} {less} to {round(hi):,} {more}"


def _change(pct: float) -> str:
    if not math.isfinite(pct):
        return "no change can be measured (none before)"
    if round(pct) == 0:
        return "no change"
    return f"{'down' if pct < 0 else 'up'} {abs(pct):.0f}%"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _verdict(p: float, alpha: float) -> str:
    if not math.isfinite(p):
        return "no test was possible"
    if p < alpha:
        return "unlikely to be chance alone"
    return "this could be chance"


def _list(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _in_sentence(category: str) -> str:
    """A category name inside a sentence: first letter lower case unless it starts an
    abbreviation ("Anti-social behaviour" → "anti-social behaviour", "ASB" stays)."""
    if len(category) > 1 and category[1].islower():
        return category[0].lower() + category[1:]
    return category


def _how_chosen(choice: ComparisonChoice, name: str) -> str:
    fixed = sum(a.fixed for a in choice.chosen)
    if fixed == len(choice.chosen):
        return "chosen by the user"
    similar = ("chosen as the most like " + name + " before the operation in "
               + _list([{"population": "population", "level": "the level",
                         "trend": "the trend"}[f] for f in choice.features])
               + " of these incidents")
    return similar + (f" ({fixed} of them chosen by the user)" if fixed else "")


def _row(table: pd.DataFrame, group: str) -> pd.Series:
    return table[(table["group"] == group) & (table["category"] == "All")].iloc[0]


def _synthetic_sentence(sc: SyntheticControlResult, name: str, label: Mapping[str, str]) -> str:
    mix = sorted(((w, d) for d, w in sc.weights.items() if w >= 0.005), reverse=True)
    parts = ", ".join(f"{label.get(d, d)} {100 * w:.0f}%" for w, d in mix[:4])
    more = f" and {len(mix) - 4} more" if len(mix) > 4 else ""
    scaled = {"ratio": f", each scaled in proportion to {name}'s level before the operation "
                       "(Ferman & Pinto 2021)",
              "demeaned": f", each shifted to {name}'s level before the operation "
                          "(Ferman & Pinto 2021)"}.get(sc.fit, "")
    text = (f"Synthetic control (Abadie, Diamond & Hainmueller 2010): a weighted mix of "
            f"untreated areas ({parts}{more}){scaled} followed {name} before the operation to within "
            f"{sc.pre_rmspe:.1f} incidents a month (root mean squared error). During the "
            f"operation {name} had {sc.observed_post:,.0f} incidents against "
            f"{sc.synthetic_post:,.0f} expected from the mix: {_count(sc.effect)} "
            f"({_change(sc.effect_pct)})")
    lo, hi = sc.interval_pct
    if math.isfinite(lo) and math.isfinite(hi):
        text += (f"; the placebo interval, from {_placebo_count(sc)}, runs from {lo:+.0f}% "
                 f"to {hi:+.0f}% (it covers about {100 * sc.interval_coverage:.0f}% of cases)")
    text += "."
    if sc.n_placebos and sc.rank is not None:
        others = sc.rank - 1
        shown = ("none of them" if others == 0 else "one of them" if others == 1
                 else f"{others} of them")
        text += (f" Treating each of the {sc.n_placebos} untreated areas in turn as if it had "
                 f"had the operation, {shown} showed a change as large for how well it was "
                 f"followed: {_p(sc.p_value)}")
        if sc.rank == 1 and sc.p_value_floor >= sc.alpha:
            text += f", the smallest possible with {sc.n_placebos} areas"
        text += "."
    return text


def _wdd_sentence(plain: WDDResult, name: str, buffer: bool, months: int, alpha: float) -> str:
    scope = f"{name} and the surrounding area together" if buffer else name
    return (f"Weighted Displacement Difference test (Wheeler & Ratcliffe 2018): against the "
            f"average change in the comparison areas, {scope} had {_count(plain.total)} over the "
            f"{months} months of the operation ({100 * (1 - alpha):.0f}% interval "
            f"{_count_range(plain.ci_low, plain.ci_high)}); {_p(plain.p_value)}: "
            f"{_verdict(plain.p_value, alpha)}.")


def _harm_sentence(harm: WDDResult, weights: HarmWeights, alpha: float) -> str:
    size = round(abs(harm.total))
    score = ("about the same harm score as" if size == 0 else
             f"a harm score {size:,} {'lower' if harm.total < 0 else 'higher'} than")
    return (f"Weighted by harm (each incident counted by the seriousness of its offence, "
            f"'{weights.name}' weights), the same test gives {score} predicted "
            f"({100 * (1 - alpha):.0f}% interval "
            f"{_count_range(harm.ci_low, harm.ci_high, 'lower', 'higher')}); "
            f"{_p(harm.p_value)}: {_verdict(harm.p_value, alpha)}.")


def _wdq_sentence(q: WDQResult, alpha: float) -> str:
    level = f"{100 * (1 - alpha):.0f}%"
    if math.isfinite(q.wdq):
        quotient = (f"Weighted Displacement Quotient (Bowers & Johnson 2003): {q.wdq:.2f}, "
                    f"{_wdq_reading(q)} ({level} bootstrap interval {q.ci_low:.2f} to "
                    f"{q.ci_high:.2f}).")
    else:
        quotient = (f"Weighted Displacement Quotient (Bowers & Johnson 2003): not defined "
                    f"({q.interpretation}).")
    return (f"{quotient} Net effect over the treated and surrounding areas: "
            f"{_count(-q.net_effect)} than the comparison areas' trend predicts ({level} "
            f"interval {_count_range(-q.net_effect_ci_high, -q.net_effect_ci_low)}).")


def _wdq_reading(q: WDQResult) -> str:
    """Bowers & Johnson's reading of the quotient, named only when its bootstrap interval
    excludes 0 (no displacement or diffusion): a quotient whose interval straddles 0 cannot
    tell displacement from diffusion of benefit."""
    named = q.interpretation.startswith(("diffusion", "displacement"))
    if named and q.ci_low <= 0 <= q.ci_high:
        return "no clear displacement or diffusion of benefit (the interval includes 0)"
    if named and not (math.isfinite(q.ci_low) and math.isfinite(q.ci_high)):
        return f"{q.interpretation}, though without an interval to show it is clear"
    return q.interpretation


def _placebo_count(sc: SyntheticControlResult) -> str:
    """How many placebos the interval rests on, and why fewer than the untreated areas."""
    dropped = sc.n_placebos - sc.interval_placebos
    if dropped <= 0:
        return f"all {sc.n_placebos} untreated areas"
    return (f"{sc.interval_placebos} of the {sc.n_placebos} untreated areas ({dropped} left out "
            f"as fitting more than {sc.max_placebo_mspe_ratio:g} times worse before the "
            "operation than the treated area, as Abadie, Diamond & Hainmueller 2010 do)")


def _etest_sentence(test: PoissonTestResult, name: str, alpha: float) -> str:
    ratio = (f"the monthly rate changed by a factor of {test.rate_ratio:.2f}"
             if math.isfinite(test.rate_ratio) else "no rate ratio (none before)")
    return (f"Before and after in {name} alone (E-test of two Poisson rates, Krishnamoorthy & "
            f"Thomson 2004): {ratio}; {_p(test.p_value)}: {_verdict(test.p_value, alpha)}. "
            "This test ignores what happened elsewhere at the same time (seasons, town-wide "
            "trends); the comparisons above allow for it.")


def describe(
    *,
    name: str,
    operation_name: str | None,
    label: Mapping[str, str],
    categories: tuple[str, ...],
    pre: pd.PeriodIndex,
    post: pd.PeriodIndex,
    table: pd.DataFrame,
    choice: ComparisonChoice,
    buffer: Sequence[str],
    plain: WDDResult,
    harm: WDDResult | None,
    harm_weights: HarmWeights | None,
    unweighted: tuple[str, ...],
    wdq_result: WDQResult | None,
    etests: Mapping[str, PoissonTestResult],
    synthetic: SyntheticControlResult | None,
    alpha: float,
    has_categories: bool,
) -> ImpactText:
    """The headline, sentences, conclusion and limitations of one impact result."""
    what = (f"incidents of {_list([_in_sentence(c) for c in categories])}" if has_categories
            else "target incidents")
    during, before = (period_label(str(post[0]), str(post[-1])),
                      period_label(str(pre[0]), str(pre[-1])))
    op = operation_name or "the operation"
    t, c = _row(table, "treated"), _row(table, "comparison")
    comp_names = _list([label.get(a, a) for a in choice.codes])
    sentences = [
        f"In {name}, {what} averaged {t['after_per_month']:.1f} a month during {op} ({during}) "
        f"against {t['before_per_month']:.1f} a month before ({before}): "
        f"{_change(t['change_pct'])}.",
        f"In the {len(choice.codes)} comparison areas ({comp_names}), "
        f"{_how_chosen(choice, name)}, the change was {_change(c['change_pct'])}.",
    ]
    if buffer:
        b = _row(table, "buffer")
        sentences.append(f"In the surrounding area ({_list([label.get(a, a) for a in buffer])}),"
                         f" watched in case the problem moved there, the change was "
                         f"{_change(b['change_pct'])}.")
    sentences.append(_wdd_sentence(plain, name, bool(buffer), len(post), alpha))
    if harm is not None and harm_weights is not None:
        sentences.append(_harm_sentence(harm, harm_weights, alpha))
    if wdq_result is not None:
        sentences.append(_wdq_sentence(wdq_result, alpha))
    if synthetic is not None:
        sentences.append(_synthetic_sentence(synthetic, name, label))
    sentences.append(_etest_sentence(etests["treated"], name, alpha))

    if synthetic is not None and math.isfinite(synthetic.effect_pct):
        lo, hi = synthetic.interval_pct
        span = (f" (placebo interval {lo:+.0f}% to {hi:+.0f}%)"
                if math.isfinite(lo) and math.isfinite(hi) else "")
        headline = (f"During {op} ({during}), {what} in {name} were "
                    f"{_change(synthetic.effect_pct)} against what similar areas predict"
                    f"{span}.")
    else:
        headline = (f"During {op} ({during}), {name} had {_count(plain.total)} than the "
                    f"comparison areas' trend predicts ({_p(plain.p_value)}).")
    conclusion = _conclusion(plain, synthetic, alpha)
    limitations = _limitations(harm, harm_weights, unweighted, wdq_result, synthetic,
                               table, buffer, has_categories, alpha)
    return ImpactText(headline=headline, sentences=tuple(sentences), conclusion=conclusion,
                      limitations=tuple(limitations))


def _synthetic_clear(sc: SyntheticControlResult) -> bool | None:
    """Whether the synthetic control's placebo interval excludes no change (``None``: no
    interval)."""
    lo, hi = sc.interval
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    return hi < 0 or lo > 0


def _conclusion(plain: WDDResult, sc: SyntheticControlResult | None, alpha: float) -> str:
    wdd_clear = plain.p_value < alpha
    sc_clear = None if sc is None else _synthetic_clear(sc)
    direction = "fall" if plain.total < 0 else "rise"
    if sc_clear is None:
        if wdd_clear:
            return f"The comparison-area test points to a real {direction}."
        return "The comparison-area test shows no change beyond what chance explains."
    if wdd_clear and sc_clear and sc is not None and (sc.effect < 0) == (plain.total < 0):
        return (f"Both the comparison-area test and the synthetic control point to a real "
                f"{direction}.")
    if not wdd_clear and not sc_clear:
        return ("Neither the comparison-area test nor the synthetic control shows a change "
                "beyond what chance explains.")
    return "The tests disagree, so treat the result as uncertain."


def _limitations(harm: WDDResult | None, harm_weights: HarmWeights | None,
                 unweighted: tuple[str, ...], q: WDQResult | None,
                 sc: SyntheticControlResult | None, table: pd.DataFrame,
                 buffer: Sequence[str], has_categories: bool, alpha: float) -> list[str]:
    """The limitations, those about this result (its fit, the areas left out, its data) first
    and those true of every such evaluation last: a page showing only the first few still
    shows what is particular to this one."""
    out = _synthetic_limitations(sc, alpha)
    if not buffer:
        out.append("No surrounding area was given, so crime moving next door is not measured.")
    counted = table[table["category"] == "All"][["before", "after"]].to_numpy().sum()
    if counted < FEW_INCIDENTS:
        out.append(f"Fewer than {FEW_INCIDENTS} incidents in all: the Weighted Displacement "
                   "Difference test's normal approximation is rough.")
    if q is not None and q.share_no_success > UNSTABLE_WDQ_SHARE:
        out.append(f"The displacement quotient is unstable: in {100 * q.share_no_success:.0f}% "
                   "of bootstrap draws the treated area did not improve against the comparison.")
    if not has_categories:
        out.append("The counts were not split by category, so no harm-weighted test was run.")
    elif harm_weights is None:
        out.append("No harm weights were used, so no harm-weighted test was run.")
    elif harm is None:
        out.append(f"The '{harm_weights.name}' harm weights have no weight for any of these "
                   "categories, so no harm-weighted test was run.")
    elif unweighted:
        out.append(f"The '{harm_weights.name}' harm weights have no weight for "
                   f"{_list(list(unweighted))}; the harm-weighted test leaves them out.")
    if sc is not None and sc.n_placebos and sc.p_value_floor >= alpha:
        out.append(f"With {sc.n_placebos} untreated areas the synthetic control's placebo test "
                   f"cannot give a p-value below {sc.p_value_floor:.3f}, so it can never reach "
                   f"the usual {alpha:g} level on its own.")
    return [*out, *GENERIC_LIMITATIONS]


def _synthetic_limitations(sc: SyntheticControlResult | None, alpha: float) -> list[str]:
    """What limits this synthetic control: its pre-period fit first, then the placebos left
    out of its interval, then a short pre-period."""
    if sc is None:
        return ["Too few untreated areas for a synthetic control."]
    out = []
    pre_months = len(sc.observed) - len(_post(sc))
    level = float(sc.observed.iloc[:pre_months].mean())
    if level > 0 and sc.pre_rmspe > POOR_FIT_SDS * math.sqrt(level):
        out.append("The synthetic control follows the treated area less closely before the "
                   "operation than chance variation explains; its estimate is less reliable.")
    if math.isfinite(sc.interval_coverage) and sc.interval_coverage < 1 - alpha:
        out.append(f"The synthetic control's interval rests on {_placebo_count(sc)}, so it "
                   f"covers about {100 * sc.interval_coverage:.0f}% of cases, not "
                   f"{100 * (1 - alpha):.0f}%.")
    if pre_months < SYNTHETIC_PRE_MONTHS:
        out.append(f"Only {pre_months} months before the operation: a synthetic control fitted "
                   f"on fewer than {SYNTHETIC_PRE_MONTHS} (a full year of seasons) can follow "
                   "chance ups and downs, and its placebo test is then weak.")
    return out


def _post(sc: SyntheticControlResult) -> list[str]:
    return [m for m in sc.observed.index if sc.post[0] <= m <= sc.post[1]]

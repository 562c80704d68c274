"""Plain-English findings: one sentence or two per candidate, for analysts and for the public.

The analyst version names the test and its adjusted p-value; the public version says the same
in words ("too large a change to be chance") and leaves out figures that could identify anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from saferplaces.strategic.measures import AreaRow, Measured

__all__ = ["finding", "finding_plain", "fmt_p", "fmt_pct", "hot_areas_by_rate", "size_words"]


def fmt_p(p: float | None) -> str:
    """``p<0.001`` or ``p=0.012`` (None: ``p not available``)."""
    if p is None or p != p:
        return "p not available"
    if p < 0.001:
        return "p<0.001"
    return f"p={p:.3f}"


def fmt_pct(pct: float | None) -> str:
    """``+24%``, ``-3%``, ``0%`` (None: ``n/a``)."""
    if pct is None or pct != pct:
        return "n/a"
    if abs(pct) < 0.5:
        return "0%"
    return f"{pct:+.0f}%"


def size_words(pct: float) -> str:
    """A change in everyday words: "about a quarter", "about a third", ..."""
    a = abs(pct)
    for limit, words in ((7, "slightly"), (15, "by about a tenth"), (22, "by about a fifth"),
                         (30, "by about a quarter"), (42, "by about a third"),
                         (65, "by about a half"), (150, "by about double" if pct > 0
                                                  else "by more than half")):
        if a < limit:
            return words
    return "several times over" if pct > 0 else "almost entirely"


def _change_clause(m: Measured, period_words: str, comparison: str,
                   test_words: str) -> str:
    direction = m.direction
    count, prev = m.count, m.previous
    if direction == "insufficient data" or prev is None:
        return f"{count:,} incidents {period_words} (nothing comparable from {comparison})"
    verb = {"rising": "rose", "falling": "fell"}.get(direction, "changed little")
    pct = m.pct_change
    test = f"{test_words} {fmt_p(m.p_adj)}"
    if direction in ("rising", "falling") and pct is not None:
        return f"{verb} {abs(pct):.0f}% ({count:,} against {prev:,} {comparison}; {test})"
    change = f", {fmt_pct(pct)}" if pct is not None else ""
    return (f"{count:,} incidents against {prev:,} {comparison}{change}: not a significant "
            f"change ({test})")


def hot_areas_by_rate(hot_codes: Iterable[str], ranked: Sequence[AreaRow],
                      names: Mapping[str, str]) -> list[str]:
    """Names of the areas holding hot cells, highest rate first (the order of the area table,
    ``ranked``); areas without a rank follow in code order. Every "where" statement of a
    finding comes from this one sorted source, so a finding never lists the first codes
    instead of the worst areas."""
    order = {a.code: i for i, a in enumerate(ranked)}
    return [names[code] for code in sorted(dict.fromkeys(hot_codes),
                                           key=lambda code: (order.get(code, len(order)), code))]


def finding(name: str, m: Measured, *, hot_cells: int | None, hot_share: float | None,
            hot_areas: list[str], top_area: AreaRow | None,
            period_words: str = "in the assessment year", comparison: str = "the year before",
            test_words: str = "exact Poisson test, BH-adjusted") -> str:
    """The analyst's finding: change and its test, concentration, where, repeats."""
    parts = [f"{name} {_change_clause(m, period_words, comparison, test_words)}"]
    if hot_cells:
        where = f" in {', '.join(hot_areas[:3])}" if hot_areas else ""
        parts.append(f"concentrated in {hot_cells} Getis–Ord Gi* hot "
                     f"cell{'s' if hot_cells != 1 else ''}{where} holding "
                     f"{100 * (hot_share or 0):.0f}% of incidents")
    elif m.top_share is not None:
        parts.append(f"{100 * m.top_share:.0f}% of located incidents fell in the top "
                     f"{100 * m.top_fraction:.0f}% of grid cells")
    if top_area and top_area.rate is not None:
        parts.append(f"highest rate in {top_area.name} ({top_area.rate:.1f} per 1,000 "
                     f"residents, {top_area.count:,} incidents)")
    elif top_area:
        parts.append(f"most incidents in {top_area.name} ({top_area.count:,})")
    rr = m.repeat_rate
    if rr is not None and rr >= 0.1:
        parts.append(f"{100 * rr:.0f}% of incidents with a victim or complainant reference "
                     f"were repeats")
    if m.vulnerability_share is not None and m.vulnerability_share >= 0.15:
        parts.append(f"{100 * m.vulnerability_share:.0f}% affected someone vulnerable "
                     "(domestic, hate or a vulnerability category)")
    text = parts[0]
    if len(parts) > 1:
        text += "; " + "; ".join(parts[1:])
    return text + "."


def finding_plain(name: str, m: Measured, *, hot_cells: int | None,
                  top_area_name: str | None, when: str = "this year",
                  comparison: str = "the year before") -> str:
    """The public finding: the same facts in everyday words, no p-values, no small counts."""
    direction = m.direction
    count = m.count
    pct = m.pct_change
    if direction == "rising" and pct is not None:
        first = (f"{name}: {count:,} recorded {when}, up {size_words(pct)} on {comparison} "
                 "— too large a rise to be chance.")
    elif direction == "falling" and pct is not None:
        first = (f"{name}: {count:,} recorded {when}, down {size_words(pct)} on {comparison} "
                 "— too large a fall to be chance.")
    else:
        first = (f"{name}: {count:,} recorded {when}, about the same as {comparison} once "
                 "chance variation is allowed for.")
    extra = []
    if hot_cells:
        extra.append("It is concentrated in a small number of places")
    if top_area_name:
        extra.append(("and " if extra else "It is ") + f"most common, for the number of people "
                     f"living there, in {top_area_name}")
    return first + (" " + " ".join(extra) + "." if extra else "")

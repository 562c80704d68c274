"""An operation's impact, measured: the store's counts (``impact_data``) handed to the impact
engine — comparison areas chosen by similarity (``analysis.comparison``; the user's choice
fixed over it), then before/after against them and the displacement buffer with the WDD,
harm-weighted WDD, WDQ with bootstrap, Poisson E-tests and the synthetic control with its
placebo-in-space interval (``analysis.impact.operation_impact``) — and its chart.

The WDQ bootstrap is seeded with the operation's number, so the same data give the same
result on the page and in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from saferplaces.apps.operations.impact_data import (
    BUFFER_M,
    ImpactData,
    ImpactDataError,
    impact_data,
)
from saferplaces.apps.operations.models import Operation

if TYPE_CHECKING:
    from saferplaces.analysis.impact import OperationImpact

__all__ = ["COMPARISON_AREAS", "Measured", "comparison_refusals", "measure"]

#: How many comparison areas are chosen automatically.
COMPARISON_AREAS = 5


@dataclass(frozen=True)
class Measured:
    data: ImpactData
    result: OperationImpact
    chart: str
    fixed: tuple[str, ...]

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return self.result.comparison.codes

    @property
    def table_rows(self) -> list[dict[str, str]]:
        """Before and after a month, and the change, of each group (all target problems)."""
        words = {"treated": self.result.treated_name,
                 "comparison": f"Comparison areas ({len(self.result.comparison.codes)} together)",
                 "buffer": f"Buffer ({BUFFER_M:,.0f} m around)"}
        rows = []
        for row in self.result.table.to_dict(orient="records"):
            if row["category"] != "All":
                continue
            change = row["change_pct"]
            rows.append({"group": words.get(row["group"], row["group"]),
                         "before": f"{row['before_per_month']:.1f}",
                         "after": f"{row['after_per_month']:.1f}",
                         "change": "no incidents before" if change != change
                         else f"{change:+.0f}%"})
        return rows

    @property
    def comparison_rows(self) -> list[dict[str, Any]]:
        names = self.data.names
        return [{"code": a.code, "name": names.get(a.code, a.code), "reason": a.reason,
                 "fixed": a.fixed} for a in self.result.comparison.chosen]

    @property
    def left_out_rows(self) -> list[dict[str, str]]:
        """The areas left out of the comparison and the donor pool as treated elsewhere."""
        names = self.data.names
        return [{"code": code, "name": names.get(code, code), "reason": why}
                for code, why in sorted(self.data.left_out.items())]

    @property
    def pspo_limitations(self) -> list[str]:
        """A sentence for each area where a PSPO was made or ended in the window."""
        names, used = self.data.names, set(self.result.comparison.codes) | {self.data.treated}
        return [f"{names.get(code, code)}{' (a comparison area)' if code in used else ''}: {why}"
                " — its change may be the order's, not the operation's; untick it if so"
                for code, why in sorted(self.data.pspo_changes.items())]


def comparison_refusals(data: ImpactData, codes: list[str]) -> list[str]:
    """Why each of ``codes`` cannot be a comparison area, one sentence each (none: all can).

    A comparison area is a store area of the comparison kind, not the operation's own place or
    its buffer, not touching them, not treated by something else in the periods compared
    (``ImpactData.left_out``) and with incidents of the target problems to compare."""
    present = set(data.counts.index.get_level_values(0)) if len(data.counts) else set()
    refusals = []
    for code in codes:
        name = f"{data.names[code]} ({code})" if code in data.names else code[:30]
        if code in (data.treated, *data.own):
            refusals.append(f"{name} is the operation's own area")
        elif code == data.buffer:
            refusals.append(f"{code} is the {BUFFER_M:,.0f} m buffer around the operation")
        elif code not in data.names:
            refusals.append(f"{name} is not a {data.comparison_kind} area of the incident store")
        elif code in data.left_out:
            refusals.append(f"{name}: {data.left_out[code]}")
        elif code not in data.candidates:
            refusals.append(f"{name} touches the operation or its {BUFFER_M:,.0f} m buffer")
        elif code not in present:
            refusals.append(f"{name} has no incidents of the target problems in the periods "
                            "compared")
    return refusals


def measure(user: Any, operation: Operation) -> Measured:
    """Measure ``operation``'s impact from the incidents ``user`` may count; raises
    :class:`ImpactDataError` (with the reason in words) when it cannot be measured."""
    # the statistics stack loads only when an impact is measured, not with the site's URLs
    from saferplaces.analysis.comparison import choose_comparison_areas
    from saferplaces.analysis.impact import operation_impact
    from saferplaces.apps.operations.chart import impact_chart

    data = impact_data(user, operation)
    present = set(data.counts.index.get_level_values(0)) if len(data.counts) else set()
    if data.treated not in present:
        raise ImpactDataError("there are no incidents of the target problems in the operation's "
                              "area in the periods compared")
    donors = [c for c in data.candidates if c in present]
    fixed = tuple(c for c in operation.comparison_codes if c in donors)
    buffer = data.buffer if data.buffer in present else None
    try:
        choice = choose_comparison_areas(
            data.counts, data.population or None, data.treated, pre=data.pre,
            k=len(fixed) or COMPARISON_AREAS, exclude=[buffer] if buffer else (),
            fixed=fixed)
        result = operation_impact(
            data.counts, data.treated, pre=data.pre, post=data.post,
            buffer=buffer or (), comparison=choice, population=data.population or None,
            donors=donors, names=data.names, treated_name=data.names.get(data.treated),
            operation_name=operation.name, seed=operation.pk)
    except ValueError as exc:
        raise ImpactDataError(str(exc)) from None
    series = result.series
    comparisons = {"comparison areas (average)": list(series["comparison"])}
    if "synthetic" in series:
        comparisons["synthetic control"] = list(series["synthetic"])
    chart = impact_chart(list(series.index), list(series["treated"]), comparisons,
                         result.post, f"{', '.join(data.categories)}: incidents a month")
    return Measured(data, result, chart, fixed)

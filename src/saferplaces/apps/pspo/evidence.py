"""The evidence base and review pack of an order, from the incident store.

Rules:

- **Incidents** come through the store's access helper (``incidents_for_user``). For readers
  who may not see exact locations of sensitive incidents (``sensitive_filter``) those incidents
  are left out of every count here, and the page says so: a zone can be drawn around one house,
  and a count inside it would place a sensitive incident.
- **Zone**: incidents whose British National Grid point lies inside any of the order's zones.
  **Displacement buffer**: a ring ``buffer_m`` wide around the zones (Bowers & Johnson 2003).
  **Comparison areas**: up to :data:`COMPARISON_AREAS` stored areas of the first loaded kind of
  :data:`COMPARISON_KINDS` that touch neither the zone nor the buffer, those whose before-period
  count is closest to the zone's (a like-for-like level, as Wheeler & Ratcliffe 2018 advise).
- **Periods**: the before period is the :data:`BEFORE_MONTHS` whole months before the month the
  order was made; the after period runs from the month it was made to the last whole month
  stored (at most to the expiry). With no after month yet, only the before period is shown (the
  evidence base for making the order).
- **Targets**: only the incidents the order's terms target are counted (``targets``: each term
  mapped to incident categories and flags in ``data/targets.toml``); the page states the
  mapping. An order whose terms map to nothing (free text only) counts every incident, and says so.
- **Comparison areas left out**: an area where an operation (``operations.Operation``, by its
  areas or outline) or a Street Week (``assessments.StreetWeek``) ran during the before or after
  period is not a fair comparison, so it is left out, and the page names it.
- **Tests**: ``analysis.evaluation.evaluate_intervention``: WDD, harm-weighted WDD (the strategic
  assessment's harm table: ``harm.weights`` with ``harm.extra_weights``, so every page weighs
  harm the same way), WDQ with a seeded bootstrap interval, and the E-tests.
- **WDQ shown only when meaningful**: the WDQ is buffer change / zone change (each relative to
  the comparison areas). When the zone's relative change is not clearly a fall (in more than
  :data:`WDQ_MAX_NO_SUCCESS` of the bootstrap redraws it is zero or a rise) the ratio's
  denominator sits near zero, the ratio swings without bound and its percentile interval means
  nothing (it need not even contain the estimate); the page then says the WDQ is not meaningful
  here and why, never a number (Bowers & Johnson 2003: the WDQ reads displacement only given
  success in the treated area).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.ops import unary_union

from saferplaces.analysis.evaluation import (
    InterventionEvaluation,
    WDQResult,
    evaluate_intervention,
)
from saferplaces.analysis.frame import local_wall_clock
from saferplaces.analysis.harm import HarmWeights, normalise_category
from saferplaces.apps.incidents.access import incidents_for_user, sensitive_filter
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.pspo.geometry import to_bng_geometry
from saferplaces.apps.pspo.models import Order
from saferplaces.apps.pspo.services import zone_polygon_bng
from saferplaces.apps.pspo.targets import FLAGS, Targets, targets_of
from saferplaces.casework.months import add_months
from saferplaces.strategic.config import load_config
from saferplaces.strategic.context import harm_table

__all__ = ["BEFORE_MONTHS", "BUFFERS_M", "COMPARISON_AREAS", "COMPARISON_KINDS", "Evidence",
           "evidence_for", "wdq_not_meaningful"]

#: Before period: a year of whole months, so each season counts once.
BEFORE_MONTHS = 12
#: Buffer widths a reader may choose (metres); 400 m is about a five-minute walk.
BUFFERS_M = (200, 400, 800)
DEFAULT_BUFFER_M = 400
COMPARISON_AREAS = 3
COMPARISON_KINDS = ("neighbourhood", "msoa", "ward", "lsoa")
#: Bootstrap draws and seed of the WDQ interval (seeded: the same pack gives the same interval).
N_BOOT = 2000
SEED = 13
#: Largest share of bootstrap redraws in which the zone did not fall (relative to the
#: comparison areas) for the WDQ still to be read: the two-sided 95% level of the interval.
WDQ_MAX_NO_SUCCESS = 0.025


@functools.cache
def _harm() -> HarmWeights:
    return harm_table(load_config())


@dataclass
class Evidence:
    before: tuple[datetime.date, datetime.date]
    after: tuple[datetime.date, datetime.date] | None
    buffer_m: int
    exact_sensitive: bool
    comparison: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)  # month, zone, buffer, comparison
    before_counts: dict[str, int] = field(default_factory=dict)
    evaluation: InterventionEvaluation | None = None
    notes: list[str] = field(default_factory=list)
    targets: Targets | None = None
    excluded: list[dict[str, Any]] = field(default_factory=list)  # code, name, why
    wdq_not_meaningful: str = ""  # the reason, when the WDQ is not shown


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _frame(user: Any, first: datetime.date, last: datetime.date,
           targets: Targets) -> tuple[pd.DataFrame, bool]:
    scope = incidents_for_user(user, public_view=False)
    found = scope.incidents.filter(month__gte=first, month__lte=last, x__isnull=False,
                                   y__isnull=False)
    if not scope.exact_sensitive:
        found = found.exclude(sensitive_filter(scope.rules))
    columns = ["id", "category", "occurred", "month", "precision", "source", "x", "y", "point_id",
               *FLAGS]
    frame = pd.DataFrame.from_records(list(found.values_list(*columns)), columns=columns)
    if not targets.empty:
        wanted = {normalise_category(c) for c in targets.categories}
        keep = frame["category"].map(lambda c: normalise_category(c) in wanted).astype(bool)
        for flag in targets.flags:
            keep |= frame[flag].astype(bool)
        frame = frame[keep].drop(columns=list(FLAGS)).reset_index(drop=True)
    frame["month"] = pd.to_datetime(frame["month"])
    frame["occurred"] = local_wall_clock(frame["occurred"], frame["precision"])
    return frame, scope.exact_sensitive


def _comparison(zone_and_buffer: Any) -> tuple[str | None, list[tuple[str, str, Any]]]:
    kinds = set(Area.objects.filter(kind__in=COMPARISON_KINDS).values_list("kind", flat=True))
    kind = next((k for k in COMPARISON_KINDS if k in kinds), None)
    if kind is None:
        return None, []
    found = []
    for code, name, geometry in Area.objects.filter(kind=kind).values_list("code", "name", "geometry"):
        try:
            outline = to_bng_geometry(shape(geometry))
        except (ValueError, TypeError, AttributeError):
            continue
        if not outline.intersects(zone_and_buffer):
            found.append((code, name, outline))
    return kind, found


def _operation_outlines(first: datetime.date, last: datetime.date) -> list[tuple[str, Any]]:
    """(what, BNG outline) of each operation and Street Week overlapping ``first``..``last``.
    Every operation counts, seen by this reader or not: the page names only the areas left out."""
    from django.apps import apps  # the operations app depends on this one, not the reverse

    operation_model = apps.get_model("operations", "Operation")
    street_week_model = apps.get_model("assessments", "StreetWeek")
    outlines: list[tuple[str, Any]] = []

    def outline(geometry: Any) -> Any:
        try:
            return to_bng_geometry(shape(geometry))
        except (ValueError, TypeError, AttributeError, KeyError):
            return None

    for operation in (operation_model.objects.filter(start__lte=last, end__gte=first)
                      .prefetch_related("areas")):
        parts = [outline(a.geometry) for a in operation.areas.all()]
        if operation.polygon:
            parts.append(outline(operation.polygon))
        parts = [p for p in parts if p is not None]
        if parts:
            outlines.append(("an operation", unary_union(parts)))
    weeks = list(street_week_model.objects.filter(start__lte=last, end__gte=first)
                 .values_list("area_code", flat=True))
    for geometry in Area.objects.filter(code__in=weeks).values_list("geometry", flat=True):
        found = outline(geometry)
        if found is not None:
            outlines.append(("a Street Week", found))
    return outlines


def _leave_out_operations(areas: list[tuple[str, str, Any]], evidence: Evidence,
                          first: datetime.date, last: datetime.date) -> list[tuple[str, str, Any]]:
    operations = _operation_outlines(first, last)
    kept = []
    for code, name, area in areas:
        why = next((what for what, op in operations
                    if area.intersects(op) and area.intersection(op).area > 1.0), None)
        if why is None:
            kept.append((code, name, area))
        else:
            evidence.excluded.append({"code": code, "name": name, "why": why})
    return kept


def wdq_not_meaningful(result: WDQResult | None) -> str:
    """Why the WDQ cannot be read here (module rules); "" when it can."""
    if result is None:
        return ""
    if not np.isfinite(result.wdq):
        return ("the comparison areas or the zone had no incidents in a period, so the ratio "
                "is undefined")
    if result.share_no_success > WDQ_MAX_NO_SUCCESS:
        return (f"the zone did not clearly fall relative to the comparison areas (in "
                f"{result.share_no_success:.0%} of the bootstrap redraws it stayed level or "
                "rose), so the ratio divides by a change near zero and swings without bound")
    if not (result.ci_low <= result.wdq <= result.ci_high):
        return ("the estimate lies outside its own bootstrap interval, a sign the ratio is "
                "unstable with these counts")
    return ""


def _last_stored_month(user: Any) -> datetime.date | None:
    scope = incidents_for_user(user, public_view=False)
    last = scope.incidents.order_by("-month").values_list("month", flat=True).first()
    return last


def evidence_for(user: Any, order: Order, *, buffer_m: int = DEFAULT_BUFFER_M,
                 today: datetime.date | None = None) -> Evidence:
    """The evidence (module rules) as ``user`` may see it."""
    today = today or datetime.date.today()
    made_month = _month_start(order.made)
    before = (add_months(made_month, -BEFORE_MONTHS), made_month - datetime.timedelta(days=1))
    last_month = _last_stored_month(user)
    after: tuple[datetime.date, datetime.date] | None = None
    if last_month is not None:
        end_month = min(_month_start(last_month), _month_start(min(today, order.current_expiry)))
        if end_month >= made_month:
            after = (made_month, add_months(end_month, 1) - datetime.timedelta(days=1))
    evidence = Evidence(before, after, buffer_m, exact_sensitive=False)
    evidence.targets = targets_of(list(order.terms.values_list("key", flat=True)))
    if evidence.targets.empty:
        evidence.notes.append("The order's terms name no incident categories this pack knows, "
                              "so every incident is counted, not only the problems it targets.")
    zones = [zone_polygon_bng(zone) for zone in order.zones.all()]
    if not zones:
        evidence.notes.append("The order has no zone yet.")
        return evidence
    zone = unary_union(zones)
    ring = zone.buffer(buffer_m).difference(zone)
    kind, areas = _comparison(zone.buffer(buffer_m))
    last_day = after[1] if after else before[1]
    areas = _leave_out_operations(areas, evidence, before[0], last_day)
    frame, evidence.exact_sensitive = _frame(user, before[0], last_day, evidence.targets)
    if not evidence.exact_sensitive:
        evidence.notes.append("Incidents whose exact location is sensitive are left out of "
                              "these counts: you may not see their locations.")
    x, y = frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    rows = [pd.DataFrame({"incident_id": frame["id"][shapely.contains_xy(zone, x, y)],
                          "area_kind": "pspo", "area_code": "zone"}),
            pd.DataFrame({"incident_id": frame["id"][shapely.contains_xy(ring, x, y)],
                          "area_kind": "pspo", "area_code": "buffer"})]
    before_mask = frame["month"] < pd.Timestamp(made_month)
    zone_before = int(shapely.contains_xy(zone, x[before_mask], y[before_mask]).sum())
    ranked = []
    for code, name, outline in areas:
        inside = shapely.contains_xy(outline, x, y)
        ranked.append((abs(int(inside[before_mask.to_numpy()].sum()) - zone_before), code, name, inside))
    ranked.sort(key=lambda r: (r[0], r[1]))
    for _, code, name, inside in ranked[:COMPARISON_AREAS]:
        rows.append(pd.DataFrame({"incident_id": frame["id"][inside], "area_kind": "pspo",
                                  "area_code": f"cmp:{code}"}))
        evidence.comparison.append({"code": code, "name": name, "kind": kind,
                                    "before": int(inside[before_mask.to_numpy()].sum())})
    membership = pd.concat(rows, ignore_index=True)
    _trend(evidence, frame, membership)
    evidence.before_counts = {"zone": zone_before,
                              "buffer": int(shapely.contains_xy(ring, x[before_mask], y[before_mask]).sum())}
    if not evidence.comparison:
        evidence.notes.append("No comparison areas are loaded (load neighbourhoods, MSOAs, wards "
                              "or LSOAs with saferplaces areas), so no test can be run.")
        return evidence
    if after is None:
        evidence.notes.append("The order has no whole month of data since it was made yet: this "
                              "is the evidence base before it.")
        return evidence
    try:
        evidence.evaluation = evaluate_intervention(
            frame, membership, treatment="zone", buffer="buffer",
            control=[f"cmp:{c['code']}" for c in evidence.comparison],
            before=(str(before[0]), str(before[1])), after=(str(after[0]), str(after[1])),
            harm=_harm(), n_boot=N_BOOT, seed=SEED, whole_months=True)
    except ValueError as exc:
        evidence.notes.append(f"The tests could not be run: {exc}")
        return evidence
    evidence.wdq_not_meaningful = wdq_not_meaningful(evidence.evaluation.wdq)
    return evidence


def _trend(evidence: Evidence, frame: pd.DataFrame, membership: pd.DataFrame) -> None:
    months = frame.set_index("id")["month"]
    table: dict[str, dict[str, int]] = {}
    for group, ids in (("zone", membership[membership["area_code"] == "zone"]["incident_id"]),
                       ("buffer", membership[membership["area_code"] == "buffer"]["incident_id"]),
                       ("comparison", membership[membership["area_code"].str.startswith("cmp:")]
                        ["incident_id"].drop_duplicates())):
        counted = months.loc[np.asarray(ids)].dt.strftime("%Y-%m").value_counts()
        for month, n in counted.items():
            table.setdefault(str(month), {})[group] = int(n)
    evidence.trend = [{"month": month, "zone": table[month].get("zone", 0),
                       "buffer": table[month].get("buffer", 0),
                       "comparison": table[month].get("comparison", 0)}
                      for month in sorted(table)]

"""What the impact engine is given for one operation, built from the incident store through its
access helper (``incidents_for_user``): counts of the target categories by area and month, the
areas' populations, the treated area, the displacement buffer and the candidate comparison
areas, and the periods.

Rules:

- **Treated area**: the operation's one store area when it names exactly one and no polygon
  (counted through the store's own area membership), otherwise the union of its areas and
  polygon, counted by point in polygon on the incidents' grid coordinates, as the unit
  ``OPERATION``.
- **Displacement buffer**: the ring :data:`BUFFER_M` metres around the treated area (Bowers &
  Johnson 2003 take a surrounding ring of similar size; 500 m is about one neighbourhood
  block in a town the size of Colchester), counted by point in polygon as ``BUFFER``.
- **Comparison candidates**: the areas of the comparison kind (the kind of the operation's
  areas when it is a ward, neighbourhood or MSOA; otherwise the first of those in the store)
  that do not touch the treated area or its buffer, so that displacement and diffusion of
  benefit cannot leak into them, and that nothing else treated in the before or after period
  (another operation, a Street Week: ``treated_elsewhere``; those left out are listed with the
  reason in ``left_out``, and areas where a PSPO was made or ended in ``pspo_changes``).
- **Periods**: the post-period runs from the month of the first day to the month of the last
  day, and at least :data:`MIN_POST_MONTHS` months (a Street Week aims to leave a legacy: its
  effect is looked for over the months that follow), cut at the last month of data; the
  pre-period is the :data:`PRE_MONTHS` months before (fewer when the data start later, at least
  :data:`MIN_PRE_MONTHS`).
- **Sensitive incidents** (``incidents/sensitive.py``) are counted only for readers who may see
  their exact locations (analysts, co-ordinators), as in the PSPO evidence pack; others get the
  counts without them, and a note says so.
- **Population** of a drawn area: the populations of the LSOAs it overlaps, shared by the share
  of each LSOA's area inside it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from django.db.models import Count, Max, Min
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from saferplaces.apps.incidents.access import incidents_for_user, sensitive_filter
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.operations.geometry import area_shape_bng, to_bng_shape
from saferplaces.apps.operations.models import Operation
from saferplaces.apps.operations.treated_elsewhere import treated_elsewhere

__all__ = ["BUFFER", "BUFFER_M", "ImpactData", "ImpactDataError", "MIN_POST_MONTHS",
           "MIN_PRE_MONTHS", "PRE_MONTHS", "TREATED", "impact_data", "periods"]

TREATED = "OPERATION"
BUFFER = "BUFFER"
BUFFER_M = 500.0
PRE_MONTHS = 12
MIN_PRE_MONTHS = 3
MIN_POST_MONTHS = 3
COMPARISON_KINDS = ("ward", "neighbourhood", "msoa")


class ImpactDataError(ValueError):
    """The impact cannot be measured yet; the message says why, for the user."""


@dataclass(frozen=True)
class ImpactData:
    """``counts``: (area code, month) × category counts; ``names`` area code → name."""

    counts: pd.DataFrame
    population: dict[str, float]
    treated: str
    buffer: str
    candidates: tuple[str, ...]
    names: dict[str, str]
    pre: tuple[str, str]
    post: tuple[str, str]
    categories: tuple[str, ...]
    comparison_kind: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: code → why an area is not a comparison area though it is far enough away
    left_out: dict[str, str] = field(default_factory=dict)
    #: code → the PSPO made or ended in it in the window (kept; a limitation)
    pspo_changes: dict[str, str] = field(default_factory=dict)
    #: the store areas that are the operation's own place
    own: tuple[str, ...] = field(default_factory=tuple)


def _month(day: datetime.date) -> pd.Period:
    return pd.Period(day, freq="M")


def periods(operation: Operation, first_data: pd.Period, last_data: pd.Period
            ) -> tuple[tuple[str, str], tuple[str, str], list[str]]:
    """The pre- and post-period (module docstring) and notes on how they were cut."""
    notes: list[str] = []
    start, end = _month(operation.start), _month(operation.end)
    if start > last_data:
        raise ImpactDataError(f"the data end in {last_data:%B %Y}, before the operation starts: "
                              "load later data to measure its impact")
    end = max(end, start + MIN_POST_MONTHS - 1)
    if end > last_data:
        notes.append(f"the after period is cut at {last_data:%B %Y}, the last month of data")
        end = last_data
    pre_start = max(start - PRE_MONTHS, first_data)
    if (start - pre_start).n < MIN_PRE_MONTHS:
        raise ImpactDataError(f"the data start in {first_data:%B %Y}: at least {MIN_PRE_MONTHS} "
                              "months before the operation are needed")
    if (start - pre_start).n < PRE_MONTHS:
        notes.append(f"the before period has {(start - pre_start).n} months, not {PRE_MONTHS}: "
                     "the data start later")
    return (str(pre_start), str(start - 1)), (str(start), str(end)), notes


def _comparison_kind(operation: Operation, kinds_present: set[str]) -> str:
    own = [a.kind for a in operation.areas.all() if a.kind in COMPARISON_KINDS]
    if own:
        return own[0]
    for kind in COMPARISON_KINDS:
        if kind in kinds_present:
            return kind
    raise ImpactDataError("comparison areas are wards, neighbourhoods or MSOAs, and the store "
                          "has none: import their boundaries")


def _treated_shape(operation: Operation) -> BaseGeometry:
    shapes = [area_shape_bng(a.geometry) for a in operation.areas.all() if a.geometry]
    if operation.polygon:
        shapes.append(shapely.make_valid(to_bng_shape(shape(operation.polygon))))
    if not shapes:
        raise ImpactDataError("the operation has no place: choose its areas or draw its polygon")
    return shapely.union_all(shapes)


def _points_in(query: Any, shape: BaseGeometry, code: str) -> list[dict[str, Any]]:
    x0, y0, x1, y1 = shape.bounds
    rows = list(query.filter(x__gte=x0, x__lte=x1, y__gte=y0, y__lte=y1)
                .values_list("x", "y", "month", "category"))
    if not rows:
        return []
    xs = np.array([r[0] for r in rows], float)
    ys = np.array([r[1] for r in rows], float)
    inside = shapely.contains_xy(shape, xs, ys)
    return [{"area": code, "month": r[2], "category": r[3]}
            for r, keep in zip(rows, inside, strict=True) if keep]


def _lsoa_population(shape: BaseGeometry) -> float | None:
    total, found = 0.0, False
    x0, y0, x1, y1 = shape.bounds
    for area in Area.objects.filter(kind="lsoa", population__isnull=False):
        geometry = area_shape_bng(area.geometry)
        gx0, gy0, gx1, gy1 = geometry.bounds
        if gx1 < x0 or gx0 > x1 or gy1 < y0 or gy0 > y1 or geometry.area <= 0:
            continue
        share = geometry.intersection(shape).area / geometry.area
        if share > 0:
            total, found = total + share * float(area.population or 0), True
    return total if found else None


def impact_data(user: Any, operation: Operation) -> ImpactData:
    """The engine's inputs for ``operation`` as ``user`` may count them (403 without
    ``incidents.view``); raises :class:`ImpactDataError` when the impact cannot be measured."""
    categories = tuple(operation.target_categories)
    if not categories:
        raise ImpactDataError("choose the operation's target problems (incident categories) "
                              "to measure its impact")
    scope = incidents_for_user(user, public_view=False)
    span = scope.incidents.aggregate(first=Min("month"), last=Max("month"))
    if span["last"] is None:
        raise ImpactDataError("the incident store is empty")
    pre, post, notes = periods(operation, _month(span["first"]), _month(span["last"]))
    first_day = pd.Period(pre[0], freq="M").start_time.date()
    last_day = pd.Period(post[1], freq="M").start_time.date()
    incidents = scope.incidents.filter(category__in=list(categories),
                                       month__gte=first_day, month__lte=last_day)
    if not scope.exact_sensitive:
        # a drawn polygon could be drawn round one address: counts by point in polygon must
        # not tell where a sensitive incident was to someone who may not see it
        incidents = incidents.exclude(sensitive_filter(scope.rules, list(categories)))
        notes.append("incidents whose location is sensitive are left out of these counts: you "
                     "may not see their locations")

    kinds_present = set(Area.objects.values_list("kind", flat=True).distinct())
    kind = _comparison_kind(operation, kinds_present)
    treated_shape = _treated_shape(operation)
    ring = treated_shape.buffer(BUFFER_M).difference(treated_shape)
    reach = treated_shape.buffer(BUFFER_M)
    own = list(operation.areas.all())
    single = len(own) == 1 and not operation.polygon and own[0].kind == kind
    treated = own[0].code if single else TREATED

    names: dict[str, str] = {treated: own[0].name if single else operation.name,
                             BUFFER: f"{BUFFER_M:,.0f} m around the operation"}
    population: dict[str, float] = {}
    away: dict[str, BaseGeometry] = {}
    for area in Area.objects.filter(kind=kind).order_by("code"):
        names[area.code] = area.name
        if area.population:
            population[area.code] = float(area.population)
        geometry = area_shape_bng(area.geometry)
        if area.code != treated and not geometry.intersects(reach):
            away[area.code] = geometry
    elsewhere = treated_elsewhere(operation, away, first_day,
                                  pd.Period(post[1], freq="M").end_time.date())
    candidates = [code for code in away if code not in elsewhere.left_out]
    rows = [{"area": r["point__areas__code"], "month": r["month"], "category": r["category"],
             "n": r["n"]}
            for r in incidents.filter(point__areas__kind=kind, point__areas__code__in=candidates
                                      + ([treated] if single else []))
            .values("point__areas__code", "month", "category").annotate(n=Count("id")).order_by()]
    placed = [] if single else _points_in(incidents, treated_shape, TREATED)
    placed += _points_in(incidents, ring, BUFFER)
    rows += [{**r, "n": 1} for r in placed]
    if not single:
        known = [float(a.population) for a in own if a.population]
        people = (sum(known) if own and not operation.polygon and len(known) == len(own)
                  else _lsoa_population(treated_shape))
        if people:
            population[TREATED] = people
    counts = _table(rows, categories)
    return ImpactData(counts=counts, population=population, treated=treated, buffer=BUFFER,
                      candidates=tuple(candidates), names=names, pre=pre, post=post,
                      categories=categories, comparison_kind=kind, notes=tuple(notes),
                      left_out=elsewhere.left_out, pspo_changes=elsewhere.pspo,
                      own=tuple(a.code for a in own))


def _table(rows: list[dict[str, Any]], categories: tuple[str, ...]) -> pd.DataFrame:
    """(area, month) × category counts, months as ``YYYY-MM``."""
    if not rows:
        index = pd.MultiIndex.from_arrays([[], []], names=["area", "month"])
        return pd.DataFrame(columns=list(categories), index=index, dtype=int)
    frame = pd.DataFrame(rows)
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    table = (frame.pivot_table(index=["area", "month"], columns="category", values="n",
                               aggfunc="sum", fill_value=0)
             .reindex(columns=list(categories), fill_value=0).astype(int))
    table.columns.name = None
    return table

"""Areas treated by something else while an operation is measured: they are not like-for-like
comparisons, so they leave the comparison areas and the synthetic control's donor pool.

Rules (a comparison area must be "untreated" over the whole window compared — Abadie,
Diamond & Hainmueller 2010 on the donor pool; Ratcliffe, Breen & Taniguchi 2017 on the WDD's
control area):

- **Left out**: every candidate area overlapped by another operation of any kind, or by a
  Street Week (``assessments.StreetWeek``, planned or held), whose days overlap the before or
  the after period. Overlap is by shape: an area is touched when the other place covers more
  than :data:`OVERLAP_SHARE` of it or of the other place (shared borders and rounding slivers
  do not count). The operation's own Street Week record is the operation itself.
- **Listed as a limitation, kept**: areas holding a zone of a Public Spaces Protection Order
  made, discharged or ended in the window. An order changes what is enforced, not necessarily
  what is done on the street, so leaving the area out is a judgement for the analyst: the page
  names the areas so they can untick them.
- Other operations are not named (the reader may not be entitled to see them): the reason says
  "another operation" and its dates. Street Weeks and PSPOs are public, and are named.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.operations.geometry import area_shape_bng, to_bng_shape
from saferplaces.apps.operations.models import Operation
from saferplaces.apps.pspo.models import Order, OrderStatus, Zone
from saferplaces.apps.pspo.services import zone_polygon_bng

__all__ = ["OVERLAP_SHARE", "TreatedElsewhere", "treated_elsewhere"]

#: Share of an area (or of the other place) that counts as overlapping it.
OVERLAP_SHARE = 0.01


@dataclass(frozen=True)
class TreatedElsewhere:
    """``left_out``: area code → why it is not a comparison area; ``pspo``: area code → the
    PSPO change in it (a limitation)."""

    left_out: dict[str, str] = field(default_factory=dict)
    pspo: dict[str, str] = field(default_factory=dict)


def _day(day: datetime.date) -> str:
    return f"{day:%-d %b %Y}"


def _overlaps(area: BaseGeometry, other: BaseGeometry) -> bool:
    if area.is_empty or other.is_empty or not area.intersects(other):
        return False
    shared = float(area.intersection(other).area)
    smaller = float(min(area.area, other.area))
    return smaller > 0 and shared > OVERLAP_SHARE * smaller


def _operation_shape(operation: Operation) -> BaseGeometry | None:
    shapes = [area_shape_bng(a.geometry) for a in operation.areas.all() if a.geometry]
    if operation.polygon:
        shapes.append(shapely.make_valid(to_bng_shape(shape(operation.polygon))))
    return shapely.union_all(shapes) if shapes else None


def _touched(shapes: dict[str, BaseGeometry], place: BaseGeometry | None,
             direct: set[str]) -> list[str]:
    return [code for code, geometry in shapes.items()
            if code in direct or (place is not None and _overlaps(geometry, place))]


def treated_elsewhere(operation: Operation, shapes: dict[str, BaseGeometry],
                      first: datetime.date, last: datetime.date) -> TreatedElsewhere:
    """Which of the areas ``shapes`` (code → BNG shape) were treated by something else between
    ``first`` and ``last`` (module docstring)."""
    result = TreatedElsewhere()
    others = (Operation.objects.exclude(pk=operation.pk)
              .filter(start__lte=last, end__gte=first).prefetch_related("areas"))
    for other in others:
        why = f"another operation ran there ({_day(other.start)} to {_day(other.end)})"
        direct = {a.code for a in other.areas.all()}
        for code in _touched(shapes, _operation_shape(other), direct):
            result.left_out.setdefault(code, why)
    weeks = (StreetWeek.objects.filter(start__lte=last, end__gte=first)
             .exclude(pk=operation.street_week_id or 0))
    week_areas = {a.code: a for a in Area.objects.filter(code__in=[w.area_code for w in weeks])}
    for week in weeks:
        why = (f"a Street Week in {week.area_name} ({_day(week.start)} to {_day(week.end)}) "
               "overlaps the periods compared")
        area = week_areas.get(week.area_code)
        place = area_shape_bng(area.geometry) if area is not None and area.geometry else None
        for code in _touched(shapes, place, {week.area_code}):
            result.left_out.setdefault(code, why)
    _pspo_changes(operation, shapes, first, last, result)
    return result


def _pspo_changes(operation: Operation, shapes: dict[str, BaseGeometry], first: datetime.date,
                  last: datetime.date, result: TreatedElsewhere) -> None:
    orders = Order.objects.filter(status__in=[OrderStatus.MADE, OrderStatus.DISCHARGED])
    for order in orders.exclude(pk=operation.pspo_id or 0):
        events = [("made", order.made)]
        end = order.discharged_on or order.current_expiry
        events.append(("discharged" if order.discharged_on else "ended", end))
        changes = [f"{what} {_day(day)}" for what, day in events if first <= day <= last]
        if not changes:
            continue
        for zone in Zone.objects.filter(order=order):
            for code in _touched(shapes, zone_polygon_bng(zone), set()):
                result.pspo.setdefault(
                    code, f"the PSPO “{order.title}” ({', '.join(changes)}) covers part of it")

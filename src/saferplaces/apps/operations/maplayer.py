"""The ``operation-areas`` layer of the one map: the place of each operation the signed-in
user's agency leads or joins (``access.operations_for_user``), overlapping the months shown.
Anyone else gets an empty collection, so the map cannot be used to find an operation."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import shapely
from django.http import HttpRequest
from django.urls import reverse
from shapely.geometry import shape

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW
from saferplaces.apps.operations.access import operations_for_user
from saferplaces.apps.operations.geometry import to_wgs84_json
from saferplaces.apps.operations.models import Operation
from saferplaces.web.maplayers import MapLayer, register

__all__ = ["KEY", "features", "operation_geometry", "register_layer"]

KEY = "operation-areas"


def _entitled(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and agency_of(user) is not None
                and has_capability(user, ASSESSMENTS_VIEW))


def _month(text: str | None, last: bool) -> datetime.date | None:
    try:
        year, month = (int(part) for part in str(text).split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None
    if not last:
        return first
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def operation_geometry(operation: Operation) -> dict[str, Any] | None:
    """The operation's place (its areas and polygon together) as WGS84 GeoJSON."""
    shapes = [shape(area.geometry) for area in operation.areas.all() if area.geometry]
    if operation.polygon:
        shapes.append(shape(operation.polygon))
    if not shapes:
        return None
    return to_wgs84_json(shapely.union_all([shapely.make_valid(s) for s in shapes]))


def features(request: HttpRequest, params: Mapping[str, str]) -> dict[str, Any]:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if not _entitled(request):
        return collection
    operations = operations_for_user(request.user).prefetch_related("areas")
    start, end = _month(params.get("start"), False), _month(params.get("end"), True)
    if start is not None:
        operations = operations.filter(end__gte=start)
    if end is not None:
        operations = operations.filter(start__lte=end)
    for operation in operations.order_by("start", "pk")[:500]:
        geometry = operation_geometry(operation)
        if geometry is None:
            continue
        collection["features"].append({"type": "Feature", "geometry": geometry, "properties": {
            "name": f"{operation.name} ({operation.get_kind_display()}, "
                    f"{operation.start:%-d %b %Y} to {operation.end:%-d %b %Y})",
            "url": reverse("operations:operation", args=[operation.pk]),
            "kind": operation.kind, "start": operation.start.isoformat(),
            "end": operation.end.isoformat()}})
    return collection


def register_layer() -> None:
    register(MapLayer(KEY, "Operation areas", features, group="Places", order=40,
                      visible_to=_entitled, style={"color": "#f47738", "weight": 2},
                      description="Operations and Street Weeks your agency leads or joins"))

"""The ``pspo-zones`` map layer: every order's zones (public documents), for every member who
may read orders (``incidents.view``); an empty collection for everyone else. Orders in force
during the map's ``start``-``end`` months (YYYY-MM) when given; drafts are marked."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import INCIDENTS_VIEW
from saferplaces.apps.pspo.access import orders_for_user
from saferplaces.apps.pspo.models import OrderStatus, Zone
from saferplaces.web.maplayers import MapLayer, register

__all__ = ["register_layer", "zone_features"]


def _month(value: str | None, last: bool) -> datetime.date | None:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        return None
    if not last:
        return first
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def zone_features(request: HttpRequest, params: Mapping[str, str]) -> dict[str, Any]:
    try:
        orders = orders_for_user(request.user).exclude(status=OrderStatus.DISCHARGED)
    except PermissionDenied:
        return {"type": "FeatureCollection", "features": []}
    start, end = _month(params.get("start"), False), _month(params.get("end"), True)
    if end is not None:
        orders = orders.filter(made__lte=end)
    features = []
    for zone in Zone.objects.filter(order__in=orders).select_related("order").order_by("order_id", "pk"):
        order = zone.order
        if start is not None and order.current_expiry < start:
            continue
        features.append({"type": "Feature", "geometry": zone.geometry, "properties": {
            "name": f"{order.title}: {zone.name}", "url": reverse("pspo:order", args=[order.pk]),
            "order": order.pk, "status": order.get_status_display(),
            "made": order.made.isoformat(), "expires": order.current_expiry.isoformat()}})
    return {"type": "FeatureCollection", "features": features}


def _may_read(request: HttpRequest) -> bool:
    return has_capability(request.user, INCIDENTS_VIEW)


def register_layer() -> None:
    register(MapLayer(key="pspo-zones", label="PSPO zones", features=zone_features,
                      group="Places", order=50, visible_to=_may_read,
                      style={"color": "#912b88", "weight": 2, "fillOpacity": 0.1},
                      description="Public Spaces Protection Order zones (public documents)"))

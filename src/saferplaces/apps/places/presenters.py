"""What the Places pages show, shaped for the templates and the place map's script."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from saferplaces.apps.places import services
from saferplaces.apps.places.access import PlaceView
from saferplaces.apps.places.models import Place, PlaceKind
from saferplaces.apps.places.nearby import Nearby

__all__ = ["conflict_context", "map_config"]

_LABELS = {"kind": "What it is", "name": "Address or name", "postcode": "Postcode",
           "uprn": "UPRN", "x": "Easting", "y": "Northing", "description": "Description"}


def _shown(name: str, value: Any) -> Any:
    if name == "kind":
        return PlaceKind(value).label if value in PlaceKind.values else value
    if name in ("x", "y") and value is not None:
        return f"{value:.0f}"
    return value


def conflict_context(exc: services.Conflict) -> dict[str, Any]:
    """Both versions of a place, for ``web/_conflict.html``: what the user tried to save and
    what is stored now."""
    rows = [{"field": _LABELS[name], "mine": _shown(name, mine),
             "theirs": _shown(name, getattr(exc.current, name))}
            for name, mine in exc.attempted.items()]
    return {"conflict": exc, "conflict_rows": rows, "current": exc.current}


def map_config(place: Place | PlaceView, nearby: Nearby) -> dict[str, Any] | None:
    """The place map's data (``json_script``): the place's point, the map points within the
    distance chosen that the reader may see there, and for readers who may not see sensitive
    locations the area those are counted for, with the same counts (small ones withheld) as
    the page. Nothing for a place with no point, or one the reader may not see exactly."""
    if not place.located or place.lon is None or place.lat is None:
        return None
    area = None
    if nearby.area_geometry is not None:
        area = {"geometry": nearby.area_geometry, "label": nearby.area_label,
                "name": nearby.area_name, "suppressBelow": nearby.suppress_below,
                "counts": [{"category": a.category, "count": a.count}
                           for a in nearby.area_counts]}
    return {
        "place": {"lon": place.lon, "lat": place.lat, "name": place.name},
        "distance": nearby.distance_m,
        "points": [{"lon": p.lon, "lat": p.lat, "distance": p.distance_m,
                    "counts": [list(c) for c in p.counts], "sensitive": p.sensitive}
                   for p in nearby.points],
        "pointsTotal": nearby.points_total,
        "area": area,
        "tileUrl": settings.SAFERPLACES_TILE_URL,
        "tileAttribution": settings.SAFERPLACES_TILE_ATTRIBUTION,
    }

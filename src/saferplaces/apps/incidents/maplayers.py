"""The incident store's layers on the one map: incidents by category and month, and hot spots
(Gi* and kernel density) over the selected months.

Parameters (``saferplaces.web.maplayers``): ``month`` (the month shown; else ``end``),
``start``/``end`` (YYYY-MM, the months the hot spots analyse), ``category`` (one, or all when
empty), ``source`` (one source, or ``all``). Everything goes through the incidents' access helper
(``access.py``): sensitive incidents are counted by area for users who may not see them exactly,
and a public-site visitor gets police.uk counts by area only and no hot spots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from saferplaces.apps.agencies.declare import is_public_view
from saferplaces.apps.incidents import access, queries
from saferplaces.apps.incidents.hotspots import HotspotQuery, Method, hotspot_collection
from saferplaces.web.maplayers import FeatureCollection, InvalidParameters, MapLayer, register

__all__ = ["register_layers"]


def _month(params: Mapping[str, str], name: str) -> str:
    value = params.get(name) or ""
    try:
        queries.parse_month(value)
    except queries.InvalidMonth as exc:
        raise InvalidParameters(f"{name}: {exc}") from None
    return value


def _shown_month(params: Mapping[str, str]) -> str:
    return _month(params, "month" if params.get("month") else "end")


def _name(properties: Mapping[str, Any]) -> str:
    """What a screen reader lists for one feature (published location text only)."""
    if properties.get("aggregated"):
        place = properties["name"] if properties["area_label"] == properties["name"] \
            else f"{properties['area_label']} {properties['name']}"
        parts = []
        for entry in properties["counts"]:
            count = (f"fewer than {properties['suppress_below']}" if entry["count"] is None
                     else f"{entry['count']:,}")
            parts.append(f"{entry['category']} {count}")
        return f"{place}: {'; '.join(parts)}"
    n = properties["count"]
    where = f", {properties['location']}" if properties.get("location") else ""
    return f"{properties['category']}: {n:,} incident{'s' if n != 1 else ''}{where}"


def incident_features(request: HttpRequest, params: Mapping[str, str]) -> FeatureCollection:
    """One month's incidents as ``access.map_features_for_user`` answers them, each named."""
    collection = access.map_features_for_user(
        request.user, _shown_month(params), params.get("category") or None,
        params.get("source") or None, public_view=is_public_view(request))
    for feature in collection["features"]:
        feature["properties"]["name"] = _name(feature["properties"])
    return collection


def _hotspot_features(method: Method) -> Any:
    def features(request: HttpRequest, params: Mapping[str, str]) -> FeatureCollection:
        scope = access.incidents_for_user(request.user, public_view=is_public_view(request))
        end = _shown_month(params)
        start = _month(params, "start") if params.get("start") else end
        if start > end:
            raise InvalidParameters("start: the first month comes after the last")
        source = params.get("source") or None
        if source is None:
            source = queries.choose_source(None, queries.sources(scope.incidents))
        elif source == queries.ALL_SOURCES:
            source = None
        return hotspot_collection(scope, HotspotQuery(method, start, end,
                                                      params.get("category") or None, source))
    return features


def _signed_in_partner(request: HttpRequest) -> bool:
    return not is_public_view(request)


def register_layers() -> None:
    register(MapLayer(
        key="incidents", label="Incidents", group="Incidents", order=10,
        features=incident_features,
        description="The month on the time slider, coloured by category. Sensitive incidents "
                    "are counted by area unless you may see their exact locations."))
    register(MapLayer(
        key="hotspots-gistar", label="Hot spots (Gi*)", group="Incidents", order=20,
        features=_hotspot_features("gistar"), visible_to=_signed_in_partner,
        style={"weight": 1, "fillOpacity": 0.45},
        description="Grid cells with significantly more (red) or fewer (blue) incidents than "
                    "their surroundings over the chosen months (Getis–Ord Gi*, false discovery "
                    "rate 5%)."))
    register(MapLayer(
        key="hotspots-kde", label="Kernel density", group="Incidents", order=30,
        features=_hotspot_features("kde"), visible_to=_signed_in_partner,
        style={"weight": 0, "fillOpacity": 0.55},
        description="Where incidents concentrate over the chosen months, smoothed (quartic "
                    "kernel); darker is denser. A picture, not a test."))

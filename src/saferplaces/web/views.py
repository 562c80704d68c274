"""Pages for the store: the home page with totals, and the one map with its switchable layers
(``saferplaces.web.maplayers``: each app registers its own, each built through its app's access
helper; ``/map/layers/<key>.geojson`` answers 404 for a layer the user is not offered).

Every view reaches incidents through ``saferplaces.apps.incidents.access`` (who may count what,
and who sees exact locations of sensitive incidents); a public-site visitor
(``request.public_view``) gets police.uk only, and on the map counts by area only.
"""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from saferplaces.apps.agencies.declare import is_public_view, requires
from saferplaces.apps.agencies.roles import INCIDENTS_VIEW
from saferplaces.apps.incidents import access, queries
from saferplaces.periods import shift_month
from saferplaces.web import maplayers

__all__ = ["home", "incident_map", "incidents_geojson", "areas_geojson", "map_layer"]

#: Months the hot spots analyse by default: the year up to the month shown.
HOTSPOT_MONTHS = 12
#: The group of the incident store's layers (``apps/incidents/maplayers.py``).
INCIDENT_LAYERS = "Incidents"


def _public(request: HttpRequest) -> bool:
    """A signed-out visitor on a public site (set by DeclaredAccessMiddleware)."""
    return is_public_view(request)


@requires(INCIDENTS_VIEW, public_site=True)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = access.incidents_for_user(request.user, public_view=_public(request))
    return render(request, "web/home.html",
                  queries.home_summary(request.GET.get("source"), incidents=scope.incidents,
                                       public=scope.public))


@requires(INCIDENTS_VIEW, public_site=True)
@require_GET
def incident_map(request: HttpRequest) -> HttpResponse:
    scope = access.incidents_for_user(request.user, public_view=_public(request))
    context = queries.map_context(request.GET.get("month"), request.GET.get("category"),
                                  None if scope.public else request.GET.get("source"),
                                  incidents=scope.incidents)
    map_config = cast("dict[str, object]", context["map_config"])  # map_context builds it as a dict
    map_config.update(geojsonUrl=reverse("incidents-geojson"), areasUrl=reverse("areas-geojson"))
    context.update(public=scope.public, exact_sensitive=scope.exact_sensitive,
                   **access.aggregation_of(scope), **_layer_choices(request, context, map_config))
    return render(request, "web/map.html", context)


def _layer_choices(request: HttpRequest, context: dict[str, object],
                   map_config: dict[str, object]) -> dict[str, object]:
    """The layers this user may switch on (checked: those asked for, else incidents), the
    months for the time slider (oldest first) and the first month the hot spots analyse."""
    month = cast("str | None", context["month"])
    # with no incidents stored, the incident layers have nothing to show: the others stay
    offered = [each for each in maplayers.layers_for(request)
               if month or each.group != INCIDENT_LAYERS]
    asked = set(request.GET.getlist("layers")) if request.GET.get("shown") else {"incidents"}
    months = [m for m, _ in cast("list[tuple[str, str]]", context["months"])][::-1]
    start = request.GET.get("start")
    if month and (start not in months or start > month):
        earliest = shift_month(month, 1 - HOTSPOT_MONTHS)
        start = next((m for m in months if m >= earliest), month)
    map_config.update(
        layers=[{"key": each.key, "label": each.label, "group": each.group,
                 "url": reverse("map-layer", args=[each.key]), "style": dict(each.style),
                 "checked": each.key in asked} for each in offered],
        sliderMonths=months, start=start)
    return {"map_layers": [(each, each.key in asked) for each in offered], "start": start}


@requires(INCIDENTS_VIEW, public_site=True)
@require_GET
def map_layer(request: HttpRequest, key: str) -> JsonResponse:
    """One switchable layer (``saferplaces.web.maplayers``) as GeoJSON: 404 for a layer that
    does not exist or that this user is not offered, 400 for a parameter it cannot use."""
    found = maplayers.layer(key)
    if found is None or not found.visible_to(request):
        raise Http404("No such map layer.")
    try:
        collection = found.features(request, request.GET.dict())
    except maplayers.InvalidParameters as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(collection)


@requires(INCIDENTS_VIEW, public_site=True)
@require_GET
def incidents_geojson(request: HttpRequest) -> JsonResponse:
    try:
        collection = access.map_features_for_user(
            request.user, request.GET.get("month"), request.GET.get("category") or None,
            request.GET.get("source") or None, public_view=_public(request))
    except queries.InvalidMonth as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(collection)


@requires(INCIDENTS_VIEW, public_site=True)
@require_GET
def areas_geojson(request: HttpRequest) -> JsonResponse:
    return JsonResponse(queries.areas_geojson())

"""Pages for the store: the home page with totals and the incident map.

Every view reaches incidents through ``saferplaces.apps.incidents.access`` (who may count what,
and who sees exact locations of sensitive incidents); a public-site visitor
(``request.public_view``) gets police.uk only, and on the map counts by area only.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from saferplaces.apps.agencies.declare import is_public_view, requires
from saferplaces.apps.agencies.roles import INCIDENTS_VIEW
from saferplaces.apps.incidents import access, queries

__all__ = ["home", "incident_map", "incidents_geojson", "areas_geojson"]


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
                   **access.aggregation_of(scope))
    return render(request, "web/map.html", context)


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

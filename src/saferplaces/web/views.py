"""Pages for the store: the home page with totals and the incident map."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from saferplaces.apps.incidents import queries

__all__ = ["home", "incident_map", "incidents_geojson", "areas_geojson"]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", queries.home_summary(request.GET.get("source")))


@require_GET
def incident_map(request: HttpRequest) -> HttpResponse:
    context = queries.map_context(request.GET.get("month"), request.GET.get("category"),
                                  request.GET.get("source"))
    map_config = cast("dict[str, object]", context["map_config"])  # map_context builds it as a dict
    map_config.update(geojsonUrl=reverse("incidents-geojson"), areasUrl=reverse("areas-geojson"))
    return render(request, "web/map.html", context)


@require_GET
def incidents_geojson(request: HttpRequest) -> JsonResponse:
    try:
        collection = queries.month_geojson(request.GET.get("month"), request.GET.get("category") or None,
                                           request.GET.get("source") or None)
    except queries.InvalidMonth as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(collection)


@require_GET
def areas_geojson(request: HttpRequest) -> JsonResponse:
    return JsonResponse(queries.areas_geojson())

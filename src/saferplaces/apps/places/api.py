"""The Places API: the same places, cases and nearby incidents as the pages, through the same
access helpers and rules, audited the same way.

``/api/places/``       GET every place (``cases.view``); POST add one (``cases.edit``)
``/api/places/<id>/``  GET one place, the cases involving it that the caller sees in full, and
                       the incidents near it by category (``distance`` in metres, ``from`` and
                       ``to`` months ``YYYY-MM``, ``category``), sensitive ones counted by area
                       for callers who may not see their exact locations

A place that may be where a protected person lives is given exactly only to those who may see
it exactly (``places.access``); anyone else gets ``exact`` false, its ``area`` and no name,
postcode, UPRN, point, description or incidents near it.

Members without ``cases.view`` get 403, an unknown place 404; a refused rule answers 400 with
the message the page would show.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.access import require_capability
from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.places import nearby, services
from saferplaces.apps.places.access import (
    PlaceView,
    cases_of_place,
    get_place_for_user,
    place_view,
    place_views,
    places_for_user,
)
from saferplaces.apps.places.models import PlaceKind

__all__ = ["PlaceDetail", "PlaceList"]

#: The most places one list answer holds.
MOST_LISTED = 500
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class PlaceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    name = serializers.CharField()
    postcode = serializers.CharField()
    uprn = serializers.CharField()
    x = serializers.FloatField(allow_null=True, help_text="British National Grid easting (m)")
    y = serializers.FloatField(allow_null=True, help_text="British National Grid northing (m)")
    lon = serializers.FloatField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    exact = serializers.BooleanField(help_text="False: withheld, shown only by its area")
    area = serializers.CharField(help_text="The area a withheld place is shown as (else blank)")
    owner_agency = serializers.CharField()
    url = serializers.URLField()
    page = serializers.URLField()


class PlaceInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PlaceKind.choices, default=PlaceKind.ADDRESS)
    name = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=10, required=False, default="", allow_blank=True)
    uprn = serializers.CharField(max_length=12, required=False, default="", allow_blank=True)
    x = serializers.FloatField(required=False, allow_null=True, default=None)
    y = serializers.FloatField(required=False, allow_null=True, default=None)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, default="", allow_blank=True)


class PlaceDetailSerializer(PlaceSerializer):
    cases = serializers.ListField(child=serializers.DictField(),
                                  help_text="Cases involving the place that the caller sees in full")
    incidents = serializers.DictField(help_text="Incidents near the place, as the caller may see them")


def _place(request: Request, place: PlaceView) -> dict[str, Any]:
    return {"id": place.pk, "kind": place.kind, "name": place.name, "postcode": place.postcode,
            "uprn": place.uprn, "x": place.x, "y": place.y, "lon": place.lon, "lat": place.lat,
            "exact": place.exact, "area": place.area_name,
            "owner_agency": place.owner_agency.name,
            "url": request.build_absolute_uri(reverse("api:place", args=[place.pk])),
            "page": request.build_absolute_uri(reverse("places:place", args=[place.pk]))}


class PlaceList(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="Every place (shared partnership knowledge)",
                   responses=PlaceSerializer(many=True))
    def get(self, request: Request) -> Response:
        places = place_views(request.user, places_for_user(request.user)[:MOST_LISTED])
        return Response([_place(request, place) for place in places])

    @extend_schema(summary="Add a place (cases.edit): an address or a named location",
                   request=PlaceInput, responses={201: PlaceSerializer})
    def post(self, request: Request) -> Response:
        require_capability(request.user, CASES_EDIT)
        data = PlaceInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            place = services.create_place(request.user, request=request, **data.validated_data)
        except services.PlaceRuleError as exc:
            return Response({"detail": str(exc), "field": exc.field},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(_place(request, place_view(request.user, place)),
                        status=status.HTTP_201_CREATED)


def _month(value: str | None) -> str | None:
    return value if value and _MONTH.match(value) else None


class PlaceDetail(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="One place, its cases and the incidents near it",
                   parameters=[OpenApiParameter("distance", int, description="metres, 0 to 2000"),
                               OpenApiParameter("from", str), OpenApiParameter("to", str),
                               OpenApiParameter("category", str)],
                   responses=PlaceDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        place = get_place_for_user(request.user, pk)
        view = place_view(request.user, place)
        record("view", request=request, object_type=services.RESOURCE, object_id=pk)
        raw = request.query_params.get("distance", "")
        distance = int(raw) if raw.isdigit() else nearby.DEFAULT_DISTANCE_M
        near = nearby.withheld(distance)
        if view.exact:
            near = nearby.incidents_near(
                request.user, place, distance_m=distance,
                first_month=_month(request.query_params.get("from")),
                last_month=_month(request.query_params.get("to")),
                category=request.query_params.get("category", ""))
        cases = [{"id": access.case.pk, "reference": access.case.reference,
                  "status": access.case.status, "owner_agency": access.case.owner_agency.name,
                  "url": request.build_absolute_uri(reverse("api:case", args=[access.case.pk]))}
                 for access in cases_of_place(request.user, place)]
        incidents = {
            "distance_m": near.distance_m, "located": near.located,
            "exact_sensitive_locations": near.exact_sensitive, "total": near.total,
            "by_category": [{"category": c, "count": n} for c, n in near.by_category],
            "nearest": [{"id": r.id, "source": r.source, "category": r.category,
                         "month": r.month.isoformat()[:7], "location": r.location,
                         "distance_m": r.distance_m, "sensitive": r.sensitive}
                        for r in near.rows],
        }
        if not near.exact_sensitive and near.located:
            incidents["sensitive_by_area"] = {
                "area": near.area_label, "name": near.area_name,
                "suppress_below": near.suppress_below,
                "counts": [{"category": a.category, "count": a.count, "withheld": a.count is None}
                           for a in near.area_counts]}
        return Response({**_place(request, view), "cases": cases, "incidents": incidents})

"""The intelligence API: the same entities and links as the pages, through the same access
helper, audited the same way.

``/api/intelligence/entities/``       GET every entity (``kind`` to filter)
``/api/intelligence/entities/<id>/``  GET one entity and its graded links
``/api/intelligence/links/``          GET every graded link
``/api/intelligence/links/<id>/``     GET one link

Every endpoint answers **404** to a caller without ``intelligence.view`` (never 403), 401
without credentials. Victims of exploitation carry ``victim_of_exploitation`` and a ``label``
that says so; a C link carries its ``handling_conditions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import signed_in_rule
from saferplaces.apps.intelligence.access import (
    ENTITY,
    LINK,
    get_entity_for_user,
    get_link_for_user,
    intelligence_for_user,
    links_for_user,
    record_list_read,
)
from saferplaces.apps.intelligence.models import (
    CuckooingRisk,
    Entity,
    HandlingCode,
    IntelligenceGrade,
    Kind,
    Link,
    NominalRole,
    SourceGrade,
)
from saferplaces.apps.intelligence.services import is_child

__all__ = ["EntityDetail", "EntityList", "LinkDetail", "LinkList"]

#: The most records one list answer holds.
MOST_LISTED = 1000


class IntelligenceEntitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="As listed: a victim of exploitation says so")
    victim_of_exploitation = serializers.BooleanField()
    child = serializers.BooleanField(help_text="A nominal under 18 today")
    role = serializers.ChoiceField(choices=[("", ""), *NominalRole.choices])
    phone_number = serializers.CharField()
    line_name = serializers.CharField()
    status = serializers.CharField()
    exporting_area = serializers.CharField()
    address_text = serializers.CharField()
    postcode = serializers.CharField()
    x = serializers.FloatField(allow_null=True, help_text="British National Grid easting (m)")
    y = serializers.FloatField(allow_null=True, help_text="British National Grid northing (m)")
    cuckooing_risk = serializers.ChoiceField(choices=[("", ""), *CuckooingRisk.choices])
    registration = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField()
    safeguarding_case = serializers.IntegerField(allow_null=True)
    review_date = serializers.DateField()
    retain_until = serializers.DateField()
    url = serializers.URLField()


class IntelligenceLinkSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    a = serializers.IntegerField()
    b = serializers.IntegerField()
    kind = serializers.CharField()
    date = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]
    source_grade = serializers.ChoiceField(choices=SourceGrade.choices)
    intelligence_grade = serializers.ChoiceField(choices=IntelligenceGrade.choices)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices)
    handling_conditions = serializers.CharField(help_text="Handling code C: the conditions "
                                                "every recipient must meet")
    review_date = serializers.DateField()
    agency = serializers.CharField()
    url = serializers.URLField()


class IntelligenceEntityDetailSerializer(IntelligenceEntitySerializer):
    links = IntelligenceLinkSerializer(many=True)


def _entity(request: Request, entity: Entity) -> dict[str, Any]:
    return {"id": entity.pk, "kind": entity.kind, "label": entity.display_label,
            "victim_of_exploitation": entity.victim_of_exploitation,
            "child": is_child(entity, timezone.localdate()), "role": entity.role,
            "phone_number": entity.phone_number, "line_name": entity.line_name,
            "status": entity.status, "exporting_area": entity.exporting_area,
            "address_text": entity.address_text, "postcode": entity.postcode,
            "x": entity.x, "y": entity.y, "cuckooing_risk": entity.cuckooing_risk,
            "registration": entity.registration, "name": entity.name,
            "agency": entity.agency.name, "safeguarding_case": entity.safeguarding_case_id,
            "review_date": entity.review_date, "retain_until": entity.retain_until,
            "url": request.build_absolute_uri(reverse("api:intelligence-entity",
                                                      args=[entity.pk]))}


def _link(request: Request, link: Link) -> dict[str, Any]:
    return {"id": link.pk, "a": link.a_id, "b": link.b_id, "kind": link.kind, "date": link.date,
            "source": link.source, "source_grade": link.source_grade,
            "intelligence_grade": link.intelligence_grade, "handling_code": link.handling_code,
            "handling_conditions": link.handling_conditions, "review_date": link.review_date,
            "agency": link.agency.name,
            "url": request.build_absolute_uri(reverse("api:intelligence-link", args=[link.pk]))}


class EntityList(APIView):
    access = signed_in_rule()

    @extend_schema(summary="Every intelligence entity (intelligence.view; 404 otherwise)",
                   parameters=[OpenApiParameter("kind", str, enum=Kind.values)],
                   responses=IntelligenceEntitySerializer(many=True))
    def get(self, request: Request) -> Response:
        entities = intelligence_for_user(request.user).select_related("person")
        kind = request.query_params.get("kind", "")
        if kind:
            entities = entities.filter(kind=kind)
        shown = list(entities[:MOST_LISTED])
        record_list_read(request.user, ENTITY, [e.pk for e in shown], "API list",
                         request=request)
        return Response([_entity(request, e) for e in shown])


class EntityDetail(APIView):
    access = signed_in_rule()

    @extend_schema(summary="One intelligence entity and its graded links",
                   responses=IntelligenceEntityDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        entity = get_entity_for_user(request.user, pk, request=request, reason="API")
        links = list(links_for_user(request.user).filter(Q(a=entity) | Q(b=entity)))
        record_list_read(request.user, LINK, [link.pk for link in links],
                         f"API links of entity {entity.pk}", request=request)
        return Response({**_entity(request, entity),
                         "links": [_link(request, link) for link in links]})


class LinkList(APIView):
    access = signed_in_rule()

    @extend_schema(summary="Every graded intelligence link (intelligence.view; 404 otherwise)",
                   responses=IntelligenceLinkSerializer(many=True))
    def get(self, request: Request) -> Response:
        shown = list(links_for_user(request.user)[:MOST_LISTED])
        record_list_read(request.user, LINK, [link.pk for link in shown], "API list",
                         request=request)
        return Response([_link(request, link) for link in shown])


class LinkDetail(APIView):
    access = signed_in_rule()

    @extend_schema(summary="One graded intelligence link", responses=IntelligenceLinkSerializer)
    def get(self, request: Request, pk: int) -> Response:
        link = get_link_for_user(request.user, pk, request=request, reason="API")
        return Response(_link(request, link))

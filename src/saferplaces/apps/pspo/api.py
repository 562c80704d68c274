"""The PSPO API: the same orders and breaches as the pages, through the same access helper.

``/api/pspo/orders/``                  GET every order (``incidents.view``: public documents)
``/api/pspo/orders/<id>/``             GET one order with its zones (WGS84 GeoJSON), terms,
                                       extensions and consultation
``/api/pspo/orders/<id>/breaches/``    GET its breaches (``cases.view``, owner agency or an
                                       agency it is shared with; 404 for anyone else); POST
                                       record one (``cases.edit``), the fixed penalty checked
                                       against the maximum in force on the day it was issued
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW, INCIDENTS_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.pspo import services
from saferplaces.apps.pspo.access import breaches_for_user, get_order_for_user, orders_for_user
from saferplaces.apps.pspo.models import Breach, Order, PenaltyStatus

__all__ = ["BreachList", "OrderDetail", "OrderList"]


class PspoOrderSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    made = serializers.DateField()
    expires = serializers.DateField(help_text="As extended")
    owner_agency = serializers.CharField()
    synthetic = serializers.BooleanField()
    url = serializers.URLField()
    page = serializers.URLField()


class PspoOrderDetailSerializer(PspoOrderSerializer):
    zones = serializers.ListField(child=serializers.DictField())
    terms = serializers.ListField(child=serializers.DictField())
    extensions = serializers.ListField(child=serializers.DictField())
    consultations = serializers.ListField(child=serializers.DictField())


class PspoBreachSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    term = serializers.IntegerField()
    occurred_on = serializers.DateField()
    person_name = serializers.CharField()
    location = serializers.CharField()
    penalty_status = serializers.CharField()
    penalty_amount = serializers.IntegerField(allow_null=True)
    penalty_issued_on = serializers.DateField(allow_null=True)


class PspoBreachInput(serializers.Serializer[Any]):
    term = serializers.IntegerField()
    occurred_on = serializers.DateField()
    person_name = serializers.CharField(max_length=200)
    location = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    officer = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    penalty_status = serializers.ChoiceField(choices=PenaltyStatus.choices, default=PenaltyStatus.NONE)
    penalty_amount = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    penalty_issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, default="", allow_blank=True)


def _order(request: Request, order: Order) -> dict[str, Any]:
    return {"id": order.pk, "title": order.title, "status": order.status,
            "made": order.made, "expires": order.current_expiry,
            "owner_agency": order.owner_agency.name, "synthetic": order.synthetic,
            "url": request.build_absolute_uri(reverse("api:pspo-order", args=[order.pk])),
            "page": request.build_absolute_uri(reverse("pspo:order", args=[order.pk]))}


def _breach(breach: Breach) -> dict[str, Any]:
    return {"id": breach.pk, "term": breach.term_id, "occurred_on": breach.occurred_on,
            "person_name": breach.person_name, "location": breach.location,
            "penalty_status": breach.penalty_status, "penalty_amount": breach.penalty_amount,
            "penalty_issued_on": breach.penalty_issued_on}


class OrderList(APIView):
    access = requires_rule(INCIDENTS_VIEW)

    @extend_schema(summary="Every Public Spaces Protection Order (public documents)",
                   responses=PspoOrderSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([_order(request, order) for order in orders_for_user(request.user)])


class OrderDetail(APIView):
    access = requires_rule(INCIDENTS_VIEW)

    @extend_schema(summary="One order with its zones, terms, extensions and consultation",
                   responses=PspoOrderDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        order = get_order_for_user(request.user, pk)
        record("view", request=request, object_type=services.RESOURCE, object_id=pk)
        return Response(_order(request, order) | {
            "zones": [{"id": z.pk, "name": z.name, "geometry": z.geometry, "area_m2": z.area_m2}
                      for z in order.zones.all()],
            "terms": [{"id": t.pk, "key": t.key, "kind": t.kind, "text": t.text}
                      for t in order.terms.all()],
            "extensions": [{"decided": e.decided, "previous_expiry": e.previous_expiry,
                            "new_expiry": e.new_expiry, "review": e.review}
                           for e in order.extensions.all()],
            "consultations": [{"consultee": c.consultee, "consulted_on": c.consulted_on,
                               "summary": c.summary} for c in order.consultations.all()]})


class BreachList(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="An order's breaches (owner agency and agencies it is shared with)",
                   responses=PspoBreachSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        order = get_order_for_user(request.user, pk)
        breaches = list(breaches_for_user(request.user, order))
        record("view", request=request, object_type=services.RESOURCE, object_id=pk,
               reason="breach list")
        return Response([_breach(b) for b in breaches])

    @extend_schema(summary="Record a breach and any fixed penalty (cases.edit)",
                   request=PspoBreachInput, responses={201: PspoBreachSerializer})
    def post(self, request: Request, pk: int) -> Response:
        order = get_order_for_user(request.user, pk)
        breaches_for_user(request.user, order, CASES_EDIT)
        data = PspoBreachInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        values = dict(data.validated_data)
        term = order.terms.filter(pk=values.pop("term")).first()
        if term is None:
            return Response({"detail": "Choose a term of this order.", "field": "term"},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            breach = services.record_breach(request.user, order, term=term, request=request,
                                            **values)
        except services.PspoRuleError as exc:
            return Response({"detail": str(exc), "field": exc.field},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(_breach(breach), status=status.HTTP_201_CREATED)

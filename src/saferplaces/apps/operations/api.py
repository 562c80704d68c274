"""The operations API: the same operations, activity and impact as the pages, through the same
access helper and services, audited the same way.

``/api/operations/``                 GET the operations the caller's agency leads or joins;
                                     POST record one (``operations.record``), led by their agency
``/api/operations/<id>/``            GET one: details, activity totals, legacy actions and the
                                     cases the caller sees in full
``/api/operations/<id>/activity/``   POST a count of activity (``operations.record``)
``/api/operations/<id>/impact/``     GET the impact: comparison areas, WDD, harm-weighted WDD,
                                     WDQ, E-tests, synthetic control, sentences and limitations

An agency neither leading nor joining an operation gets 404; a member without the capability
403; a refused rule answers 400 with its message (and the field), an impact that cannot be
measured 409 with the reason.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, OPERATIONS_RECORD
from saferplaces.apps.audit.services import record
from saferplaces.apps.operations import services
from saferplaces.apps.operations.access import (
    cases_of_operation,
    get_operation_for_user,
    operations_for_user,
)
from saferplaces.apps.operations.models import Kind, Operation
from saferplaces.apps.operations.vocab import activity_kinds

__all__ = ["OperationActivity", "OperationDetail", "OperationImpactView", "OperationList"]

MOST_LISTED = 500


class OperationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    purpose = serializers.CharField()
    target_categories = serializers.ListField(child=serializers.CharField())
    area_codes = serializers.ListField(child=serializers.CharField())
    polygon = serializers.JSONField(allow_null=True, help_text="GeoJSON geometry in WGS84")
    start = serializers.DateField()
    end = serializers.DateField()
    lead_agency = serializers.CharField()
    partner_agencies = serializers.ListField(child=serializers.CharField())
    pspo_id = serializers.IntegerField(allow_null=True)
    comparison_codes = serializers.ListField(child=serializers.CharField(),
                                             help_text="Chosen by a user; empty: automatic")
    version = serializers.IntegerField()


class TotalSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    unit = serializers.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class LegacySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner_agency = serializers.CharField()
    follow_up_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()


class OperationDetailSerializer(OperationSerializer):
    activity_totals = TotalSerializer(many=True)
    legacy_actions = LegacySerializer(many=True)
    case_references = serializers.ListField(child=serializers.CharField(),
                                            help_text="Linked cases the caller sees in full")


class OperationInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices)
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    target_categories = serializers.ListField(child=serializers.CharField(), required=False,
                                              default=list)
    area_ids = serializers.ListField(child=serializers.IntegerField(), required=False,
                                     default=list, help_text="Ids of store areas")
    polygon = serializers.JSONField(required=False, allow_null=True, default=None,
                                    help_text="GeoJSON in WGS84 or EPSG:27700")
    start = serializers.DateField()
    end = serializers.DateField()
    partner_agency_ids = serializers.ListField(child=serializers.IntegerField(), required=False,
                                               default=list)
    pspo_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class ActivityInput(serializers.Serializer[Any]):
    day = serializers.DateField()
    kind = serializers.CharField(help_text="One of: " + ", ".join(
        f"{k.key} ({k.unit})" for k in activity_kinds()))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ActivitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    day = serializers.DateField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    agency = serializers.CharField()


def _operation(op: Operation) -> dict[str, Any]:
    return {"id": op.pk, "name": op.name, "kind": op.kind, "purpose": op.purpose,
            "target_categories": list(op.target_categories),
            "area_codes": [a.code for a in op.areas.all()], "polygon": op.polygon,
            "start": op.start, "end": op.end, "lead_agency": op.lead_agency.name,
            "partner_agencies": [a.name for a in op.partner_agencies.order_by("name")],
            "pspo_id": op.pspo_id, "comparison_codes": list(op.comparison_codes),
            "version": op.version}


def _refused(exc: services.OperationRuleError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


class OperationList(APIView):
    access = requires_rule(ASSESSMENTS_VIEW)

    @extend_schema(summary="The operations the caller's agency leads or joins",
                   responses=OperationSerializer(many=True))
    def get(self, request: Request) -> Response:
        operations = (operations_for_user(request.user)
                      .prefetch_related("areas", "partner_agencies")[:MOST_LISTED])
        record("view", request=request, object_type="operation")
        return Response([_operation(op) for op in operations])

    @extend_schema(summary="Record an operation led by the caller's agency (operations.record)",
                   request=OperationInput, responses={201: OperationSerializer})
    def post(self, request: Request) -> Response:
        from saferplaces.apps.agencies.access import require_capability

        require_capability(request.user, OPERATIONS_RECORD)
        data = OperationInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        v = data.validated_data
        try:
            made = services.create_operation(request.user, services.OperationDetails(
                name=v["name"], kind=v["kind"], purpose=v["purpose"], start=v["start"],
                end=v["end"], categories=v["target_categories"], area_ids=v["area_ids"],
                polygon=v["polygon"], partner_ids=v["partner_agency_ids"],
                pspo_id=v["pspo_id"]), request=request)
        except services.OperationRuleError as exc:
            return _refused(exc)
        return Response(_operation(made), status=status.HTTP_201_CREATED)


class OperationDetail(APIView):
    access = requires_rule(ASSESSMENTS_VIEW)

    @extend_schema(summary="One operation, its activity totals, legacy actions and cases",
                   responses=OperationDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        op = get_operation_for_user(request.user, pk).operation
        record("view", request=request, object_type="operation", object_id=pk)
        return Response({
            **_operation(op),
            "activity_totals": [{"kind": t.key, "kind_label": t.label, "unit": t.unit,
                                 "total": t.total} for t in services.activity_totals(op)],
            "legacy_actions": [{"id": a.pk, "description": a.description,
                                "owner_agency": a.owner_agency.name,
                                "follow_up_on": a.follow_up_on, "done_on": a.done_on,
                                "outcome": a.outcome}
                               for a in op.legacy_actions.select_related("owner_agency")],
            "case_references": [c.case.reference for c in cases_of_operation(request.user, op)],
        })


class OperationActivity(APIView):
    access = requires_rule(OPERATIONS_RECORD)

    @extend_schema(summary="Record a count of activity on an operation (operations.record)",
                   request=ActivityInput, responses={201: ActivitySerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
        data = ActivityInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            made = services.record_activity(access, request.user, request=request,
                                            **data.validated_data)
        except services.OperationRuleError as exc:
            return _refused(exc)
        return Response({"id": made.pk, "day": made.day, "kind": made.kind,
                         "amount": made.amount, "agency": made.agency.name},
                        status=status.HTTP_201_CREATED)


class OperationImpactView(APIView):
    access = requires_rule(ASSESSMENTS_VIEW)

    @extend_schema(summary="An operation's impact against its comparison areas (every test)",
                   responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        from saferplaces.apps.operations.evaluation import measure
        from saferplaces.apps.operations.impact_data import ImpactDataError

        access = get_operation_for_user(request.user, pk)
        record("view", request=request, object_type="operation", object_id=pk,
               fields=["impact"])
        try:
            measured = measure(request.user, access.operation)
        except ImpactDataError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({**measured.result.to_dict(), "names": measured.data.names,
                         "comparison_kind": measured.data.comparison_kind,
                         "data_notes": list(measured.data.notes)})

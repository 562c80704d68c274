"""The repeat proposals API: the same queue, proposal and decisions as the pages, through the
same access helper (``repeats.access``: ``cases.manage`` of the agency holding the records;
anyone else 404, never a hint that the proposal exists), audited the same way.

``/api/repeats/proposals/``                 GET the agency's proposals (``?status=open``,
                                            ``accepted`` or ``dismissed``; open by default)
``/api/repeats/proposals/<id>/``            GET one proposal with its evidence
``/api/repeats/proposals/<id>/accept/``     POST the page's accept form: ``decision`` (``link``
                                            or ``new``), ``case_type``, ``title``, ``risk``,
                                            ``version``
``/api/repeats/proposals/<id>/dismiss/``    POST ``reason`` and ``version``

A stale ``version`` (or a proposal already decided) answers 409 with the proposal as it is
now; nothing is saved. Places are withheld as on the pages (presenters.subject and the
incident store's rows).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_MANAGE
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import linking
from saferplaces.apps.cases.access import cases_for_user
from saferplaces.apps.cases.models import Risk
from saferplaces.apps.repeats import presenters, services
from saferplaces.apps.repeats.access import RECORD_TYPE, get_proposal_for_user, proposals_for_user
from saferplaces.apps.repeats.forms import LINK, NEW
from saferplaces.apps.repeats.models import Kind, Proposal, Status

__all__ = ["ProposalAccept", "ProposalDetail", "ProposalDismiss", "ProposalList"]

#: The most proposals one answer lists (as the queue page).
MOST_LISTED = 200


class EvidenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    store_source = serializers.CharField(help_text="The store source of the incident")
    category = serializers.CharField()
    month = serializers.DateField()
    place = serializers.CharField(help_text="The street, or the area when it is withheld")
    exact = serializers.BooleanField()


class ProposalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField()
    subject = serializers.CharField(help_text="The reference or place, withheld as on the page")
    store_source = serializers.CharField(help_text="The store source whose records it is from")
    first_on = serializers.DateField()
    last_on = serializers.DateField()
    categories = serializers.ListField(child=serializers.CharField())
    rule = serializers.CharField(help_text="The rule that found it, with its source")
    status = serializers.ChoiceField(choices=Status.choices)
    existing_case = serializers.CharField(allow_null=True, help_text="The reference of the case "
                                          "some incidents are already on (if your agency sees it)")
    case = serializers.CharField(allow_null=True, help_text="The case made or linked on "
                                                            "acceptance (if your agency sees it)")
    reason = serializers.CharField(help_text="Why it was dismissed")
    incidents = serializers.IntegerField()
    version = serializers.IntegerField()


class ProposalDetailSerializer(ProposalSerializer):
    evidence = EvidenceSerializer(many=True)


class AcceptInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[(LINK, "Link to the existing case"),
                                                (NEW, "Open a new case")])
    case_type = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=60, help_text="For a new case")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                  help_text="For a new case; avoid names and health details")
    risk = serializers.ChoiceField(choices=Risk.choices, required=False, default=Risk.STANDARD)
    version = serializers.IntegerField(min_value=1)


class DismissInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1)


class AcceptedSerializer(serializers.Serializer[Any]):
    case_id = serializers.IntegerField()
    case = serializers.CharField(help_text="The case's reference")


def _visible_reference(request: Request, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    case = cases_for_user(request.user).filter(pk=case_id).first()
    return case.reference if case is not None else None


def _row(request: Request, proposal: Proposal, incidents: int) -> dict[str, Any]:
    return {"id": proposal.pk, "kind": proposal.kind, "kind_label": proposal.get_kind_display(),
            "subject": presenters.subject(proposal, request.user), "store_source": proposal.source,
            "first_on": proposal.first_on, "last_on": proposal.last_on,
            "categories": list(proposal.categories), "rule": proposal.rule,
            "status": proposal.status,
            "existing_case": _visible_reference(request, proposal.existing_case_id),
            "case": _visible_reference(request, proposal.case_id), "reason": proposal.reason,
            "incidents": incidents, "version": proposal.version}


def _detail(request: Request, proposal: Proposal) -> dict[str, Any]:
    evidence = services.evidence_of(proposal).order_by("occurred", "pk")
    rows = linking.incident_rows(request.user, evidence)
    return {**_row(request, proposal, evidence.count()),
            "evidence": [{"id": r.id, "store_source": r.source, "category": r.category,
                          "month": r.month, "place": r.place, "exact": r.exact} for r in rows]}


def _conflict(request: Request, exc: services.Conflict) -> Response:
    return Response({"detail": "The proposal changed or was decided since you read it: "
                               "nothing was saved.",
                     "current": _detail(request, exc.current)}, status=status.HTTP_409_CONFLICT)


def _refused(exc: services.RepeatRuleError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


class ProposalList(APIView):
    access = requires_rule(CASES_MANAGE)

    @extend_schema(summary="Your agency's repeat proposals (cases.manage)",
                   parameters=[OpenApiParameter("status", str, enum=Status.values,
                                                description="open (default), accepted or "
                                                            "dismissed")],
                   responses=ProposalSerializer(many=True))
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", Status.OPEN)
        if wanted not in Status.values:
            return Response({"detail": "status is open, accepted or dismissed.",
                             "field": "status"}, status=status.HTTP_400_BAD_REQUEST)
        found = (proposals_for_user(request.user).filter(status=wanted)
                 .annotate(incidents_count=Count("evidence"))[:MOST_LISTED])
        record("view", request=request, object_type=RECORD_TYPE, reason=f"queue: {wanted}")
        return Response([_row(request, p, p.incidents_count) for p in found])


class ProposalDetail(APIView):
    access = requires_rule(CASES_MANAGE)

    @extend_schema(summary="One repeat proposal with its evidence (cases.manage)",
                   responses=ProposalDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        proposal = get_proposal_for_user(request.user, pk)
        record("view", request=request, object_type=RECORD_TYPE, object_id=pk)
        return Response(_detail(request, proposal))


class ProposalAccept(APIView):
    access = requires_rule(CASES_MANAGE)

    @extend_schema(summary="Accept a repeat proposal: link its incidents to the existing case "
                           "or open a new case (cases.manage and cases.edit)",
                   request=AcceptInput, responses={200: AcceptedSerializer})
    def post(self, request: Request, pk: int) -> Response:
        proposal = get_proposal_for_user(request.user, pk)
        data = AcceptInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        values = data.validated_data
        try:
            case = services.accept(request.user, proposal, version=values["version"],
                                   link=values["decision"] == LINK,
                                   case_type=values["case_type"], title=values["title"],
                                   risk=values["risk"], request=request)
        except services.Conflict as exc:
            return _conflict(request, exc)
        except services.RepeatRuleError as exc:
            return _refused(exc)
        return Response({"case_id": case.pk, "case": case.reference})


class ProposalDismiss(APIView):
    access = requires_rule(CASES_MANAGE)

    @extend_schema(summary="Dismiss a repeat proposal with a reason (cases.manage)",
                   request=DismissInput, responses={200: ProposalSerializer})
    def post(self, request: Request, pk: int) -> Response:
        proposal = get_proposal_for_user(request.user, pk)
        data = DismissInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.dismiss(request.user, proposal, version=data.validated_data["version"],
                             reason=data.validated_data["reason"], request=request)
        except services.Conflict as exc:
            return _conflict(request, exc)
        except services.RepeatRuleError as exc:
            return _refused(exc)
        proposal.refresh_from_db()
        return Response(_row(request, proposal, services.evidence_of(proposal).count()))

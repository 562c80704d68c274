"""The Case Review API: the complaints and reviews of a case, through the same access helpers
as the pages (``full_case_for_user``), audited the same way.

``/api/cases/<id>/complaints/``    GET the threshold, every complaint (qualifying or not, and
                                   why) and the second-report prompts still to be explained
``/api/cases/<id>/case-reviews/``  GET the case's ASB Case Reviews and their stages

An outsider agency gets 404, a member without ``cases.view`` 403, and so does a limited share
of the case: it sees no complaint and no review (404).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.casereview.access import full_case_for_user
from saferplaces.apps.casereview.models import CaseReview
from saferplaces.apps.casereview.services import standing

__all__ = ["CaseComplaints", "CaseReviews"]


class RouteSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField(help_text="The law-file key of the rule")
    route = serializers.CharField(help_text="What the route needs, in words")
    needed = serializers.IntegerField()
    found = serializers.IntegerField()
    met = serializers.BooleanField()
    legal_source = serializers.CharField()


class ComplaintSerializer(serializers.Serializer[Any]):
    made_to = serializers.CharField(help_text="The agency or register it was made to")
    reported_on = serializers.DateField()
    behaviour_on = serializers.DateField(allow_null=True)
    complainant = serializers.CharField(help_text="A party's name, or a numbered label for a "
                                                  "register's complainant (never its reference)")
    qualifies = serializers.BooleanField()
    reason = serializers.CharField()


class PromptSerializer(serializers.Serializer[Any]):
    complainant = serializers.CharField()
    first_report_on = serializers.DateField()
    second_report_on = serializers.DateField()


class ComplaintsSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(help_text="The day assessed (today)")
    threshold_met = serializers.BooleanField()
    routes = RouteSerializer(many=True)
    complaints = ComplaintSerializer(many=True)
    explanations_due = PromptSerializer(many=True)


class ReviewSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    applied_on = serializers.DateField()
    channel = serializers.CharField()
    acknowledged_on = serializers.DateField(allow_null=True)
    threshold_decided_on = serializers.DateField(allow_null=True)
    threshold_met = serializers.BooleanField(allow_null=True)
    meeting_on = serializers.DateField(allow_null=True)
    recommendations = serializers.ListField(child=serializers.CharField())
    recommendations_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    outcome_on = serializers.DateField(allow_null=True)
    escalated_on = serializers.DateField(allow_null=True)
    escalated_to = serializers.CharField()
    version = serializers.IntegerField()


class CaseComplaints(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's complaints from every agency and the ASB Case Review "
                           "threshold (a full view of the case)",
                   responses=ComplaintsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        access = full_case_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk, fields=["complaints"])
        now = standing(access.case)
        label = now.labels.get
        return Response({
            "on": now.assessment.on, "threshold_met": now.assessment.met,
            "routes": [{"rule": str(r.rule), "route": r.label, "needed": r.needed,
                        "found": r.found, "met": r.met, "legal_source": r.source}
                       for r in now.assessment.routes],
            "complaints": [{"made_to": c.complaint.source, "reported_on": c.complaint.reported_on,
                            "behaviour_on": c.complaint.behaviour_on,
                            "complainant": label(c.complaint.complainant or "",
                                                 "No complainant recorded"),
                            "qualifies": c.qualifies, "reason": c.reason}
                           for c in now.assessment.complaints],
            "explanations_due": [{"complainant": label(p.complainant, ""),
                                  "first_report_on": p.first.reported_on,
                                  "second_report_on": p.second.reported_on} for p in now.due],
        })


class CaseReviews(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's ASB Case Reviews (a full view of the case)",
                   responses=ReviewSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = full_case_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk,
               fields=["case_review"])
        return Response([{
            "id": r.pk, "reference": r.reference, "applied_on": r.applied_on,
            "channel": r.channel, "acknowledged_on": r.acknowledged_on,
            "threshold_decided_on": r.threshold_decided_on, "threshold_met": r.threshold_met,
            "meeting_on": r.meeting_on, "recommendations": list(r.recommendation_list),
            "recommendations_on": r.recommendations_on, "outcome": r.outcome,
            "outcome_on": r.outcome_on, "escalated_on": r.escalated_on,
            "escalated_to": r.escalated_to, "version": r.version}
            for r in CaseReview.objects.filter(case=access.case)])

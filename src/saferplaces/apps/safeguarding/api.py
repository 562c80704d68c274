"""The safeguarding API: the MASH referrals and MARAC referrals of a case, through the same
access helper and audit as the pages.

``/api/cases/<id>/mash-referrals/``   GET the case's MASH referrals (screening, targets, outcome)
``/api/cases/<id>/marac-referrals/``  GET the case's MARAC referrals and its repeat-MARAC flags

Whoever cannot see the case in full gets 404 (an outsider agency, a limited share); a member
without ``cases.view`` 403. People are named only by the party name the case page shows.
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
from saferplaces.apps.safeguarding import presenters, services
from saferplaces.apps.safeguarding.access import get_case_in_full
from saferplaces.apps.safeguarding.models import MaracReferral

__all__ = ["CaseMaracReferrals", "CaseMashReferrals"]


class MashReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    person = serializers.CharField(help_text="The person concerned, by name only")
    concern_on = serializers.DateField()
    child = serializers.BooleanField(help_text="A child on the date of the concern")
    exploitation_types = serializers.ListField(child=serializers.CharField(),
                                               help_text="Keys of the exploitation_types vocabulary")
    referring_agency = serializers.CharField()
    mash_agency = serializers.CharField()
    received_at = serializers.DateTimeField()
    decision_due_on = serializers.DateField(allow_null=True)
    rag = serializers.CharField(help_text="red, amber, green; empty until screened")
    response_due_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    answered_late = serializers.BooleanField()
    outcome = serializers.CharField(help_text="Key of the mash_outcomes vocabulary, or empty")
    strategy_at = serializers.DateTimeField(allow_null=True)
    strategy_attendees = serializers.ListField(child=serializers.CharField())
    strategy_decision = serializers.CharField()


class MaracReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    victim = serializers.CharField(help_text="By name only")
    referred_on = serializers.DateField()
    meeting_on = serializers.DateField(allow_null=True)
    checklist_yes_answers = serializers.IntegerField(allow_null=True)


class RepeatSerializer(serializers.Serializer[Any]):
    occurred_on = serializers.DateField()
    what = serializers.CharField()
    referred_on = serializers.DateField()
    referral_case = serializers.CharField()


class CaseMaracSerializer(serializers.Serializer[Any]):
    referrals = MaracReferralSerializer(many=True)
    repeat_marac = serializers.BooleanField(help_text="A new incident within the repeat window "
                                            "(marac.repeat_window_months) of the last referral")
    repeats = RepeatSerializer(many=True)


class CaseMashReferrals(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's MASH referrals (readers of the case in full)",
                   responses=MashReferralSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_in_full(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk,
               fields=["mash_referrals"])
        who = presenters.names(request.user, access)
        rows = []
        for row in presenters.mash_rows(access, who):
            item, concern = row.referral, row.referral.concern
            rows.append({
                "id": item.pk, "case_reference": access.case.reference,
                "person": who.get(concern.person_id, ""), "concern_on": concern.concern_on,
                "child": concern.child, "exploitation_types": list(concern.exploitation_types),
                "referring_agency": item.referring_agency.name,
                "mash_agency": item.mash_agency.name, "received_at": item.received_at,
                "decision_due_on": item.decision_due_on, "rag": item.rag,
                "response_due_at": item.response_due_at, "responded_at": item.responded_at,
                "overdue": row.overdue, "answered_late": row.answered_late,
                "outcome": item.outcome, "strategy_at": item.strategy_at,
                "strategy_attendees": row.attendees, "strategy_decision": item.strategy_decision})
        return Response(MashReferralSerializer(rows, many=True).data)


class CaseMaracReferrals(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's MARAC referrals and repeat-MARAC flags (readers of the "
                           "case in full)", responses=CaseMaracSerializer)
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_in_full(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk,
               fields=["marac_referrals"])
        who = presenters.names(request.user, access)
        referrals = [{"id": item.pk, "case_reference": access.case.reference,
                      "victim": who.get(item.victim_id, ""), "referred_on": item.referred_on,
                      "meeting_on": item.meeting_on,
                      "checklist_yes_answers": item.checklist.yes_answers if item.checklist else None}
                     for item in MaracReferral.objects.filter(case=access.case)
                     .select_related("checklist")]
        found = services.repeats(request.user, access)
        body = {"referrals": referrals, "repeat_marac": bool(found),
                "repeats": [vars(item) for item in found]}
        return Response(CaseMaracSerializer(body).data)

"""The modern-slavery API: the same referrals, decisions and Duty to Notify records as the
pages, through the same access helpers and services, audited the same way.

``/api/cases/<id>/nrm/``             GET the case's NRM referrals; POST refer a party (an adult
                                     who declines: an anonymous Duty to Notify record instead)
``/api/slavery/referrals/<id>/``     GET one referral; PUT its decisions and support outcome
                                     (with its ``version``)
``/api/slavery/duty-to-notify/``     GET the caller's agency's Duty to Notify records

An outsider agency gets 404, a member without the capability 403, a limited share 403; a refused
rule answers 400 with its message, a stale version 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.cases.presenters import parties_of
from saferplaces.apps.slavery import services
from saferplaces.apps.slavery.models import DutyToNotify, NrmReferral

__all__ = ["CaseNrm", "DutyToNotifyList", "NrmReferralDetail"]


class NrmReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    party_id = serializers.IntegerField()
    victim = serializers.CharField(help_text="The party's name as the caller may see it")
    first_responder = serializers.CharField()
    referred_on = serializers.DateField()
    exploitation_types = serializers.ListField(child=serializers.CharField())
    child = serializers.BooleanField()
    consented = serializers.BooleanField()
    reasonable_grounds_due = serializers.DateField()
    reasonable_grounds_overdue = serializers.BooleanField()
    rg_decided_on = serializers.DateField(allow_null=True)
    rg_positive = serializers.BooleanField(allow_null=True)
    recovery_period_ends = serializers.DateField(allow_null=True, help_text="At least this day "
                                                 "(and until the conclusive decision)")
    cg_decided_on = serializers.DateField(allow_null=True)
    cg_positive = serializers.BooleanField(allow_null=True)
    support_outcome = serializers.CharField()
    version = serializers.IntegerField()


class NrmReferInput(serializers.Serializer[Any]):
    party_id = serializers.IntegerField()
    first_responder = serializers.CharField()
    referred_on = serializers.DateField()
    exploitation_types = serializers.ListField(child=serializers.CharField(), min_length=1)
    consented = serializers.BooleanField(allow_null=True, required=False, default=None,
                                         help_text="An adult's answer; null for a child")
    believed_child = serializers.BooleanField(required=False, default=False)


class NrmReferOutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["referral", "duty-to-notify"])
    referral = NrmReferralSerializer(allow_null=True)
    duty_to_notify_id = serializers.IntegerField(allow_null=True)


class NrmDecisionsInput(serializers.Serializer[Any]):
    rg_decided_on = serializers.DateField(allow_null=True, required=False, default=None)
    rg_positive = serializers.BooleanField(allow_null=True, required=False, default=None)
    cg_decided_on = serializers.DateField(allow_null=True, required=False, default=None)
    cg_positive = serializers.BooleanField(allow_null=True, required=False, default=None)
    support_outcome = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField()


class DutyToNotifySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    notified_on = serializers.DateField()
    organisation = serializers.CharField()
    exploitation_types = serializers.ListField(child=serializers.CharField())
    statutory = serializers.BooleanField()


def _referral(item: NrmReferral, names: dict[int, str]) -> dict[str, Any]:
    progress = services.progress(item, timezone.localdate())
    return {"id": item.pk, "case_reference": item.case.reference, "party_id": item.party_id,
            "victim": names.get(item.party_id, "[a party]"),
            "first_responder": item.first_responder, "referred_on": item.referred_on,
            "exploitation_types": list(item.exploitation_types), "child": item.child,
            "consented": item.consented,
            "reasonable_grounds_due": progress.reasonable_grounds_due,
            "reasonable_grounds_overdue": progress.overdue,
            "rg_decided_on": item.rg_decided_on, "rg_positive": item.rg_positive,
            "recovery_period_ends": progress.recovery_period_ends,
            "cg_decided_on": item.cg_decided_on, "cg_positive": item.cg_positive,
            "support_outcome": item.support_outcome, "version": item.version}


def _names(request: Request, access: CaseAccess) -> dict[int, str]:
    return {row.id: row.name for row in parties_of(request.user, access)}


def _full(request: Request, pk: int, capability: str) -> CaseAccess:
    access = get_case_for_user(request.user, pk, capability)
    if not access.full:
        raise PermissionDenied("NRM referrals need a full share of the case.")
    return access


def _refused(exc: services.NrmRuleError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


class CaseNrm(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="A modern-slavery case's NRM referrals",
                   responses=NrmReferralSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = _full(request, pk, CASES_VIEW)
        record("view", request=request, object_type="case", object_id=pk, fields=["nrm_referral"])
        names = _names(request, access)
        return Response([_referral(item, names)
                         for item in NrmReferral.objects.filter(case=access.case)])

    @extend_schema(summary="Refer a party to the NRM (cases.edit); an adult who declines "
                           "becomes an anonymous Duty to Notify record",
                   request=NrmReferInput, responses={201: NrmReferOutcomeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = _full(request, pk, CASES_EDIT)
        data = NrmReferInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            made = services.refer(access, request.user, request=request, **data.validated_data)
        except services.NrmRuleError as exc:
            return _refused(exc)
        body: dict[str, Any]
        if isinstance(made, DutyToNotify):
            body = {"outcome": "duty-to-notify", "referral": None, "duty_to_notify_id": made.pk}
        else:
            body = {"outcome": "referral", "referral": _referral(made, _names(request, access)),
                    "duty_to_notify_id": None}
        return Response(body, status=status.HTTP_201_CREATED)


class NrmReferralDetail(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="One NRM referral", responses=NrmReferralSerializer)
    def get(self, request: Request, pk: int) -> Response:
        item, access = services.get_referral_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=access.case.pk,
               fields=["nrm_referral"])
        return Response(_referral(item, _names(request, access)))

    @extend_schema(summary="Record a referral's decisions and support outcome (cases.edit)",
                   request=NrmDecisionsInput, responses={200: NrmReferralSerializer})
    def put(self, request: Request, pk: int) -> Response:
        item, access = services.get_referral_for_user(request.user, pk, CASES_EDIT)
        data = NrmDecisionsInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            current = services.decide(access, request.user, item, request=request,
                                      **data.validated_data)
        except services.Conflict as exc:
            return Response({"detail": str(exc),
                             "current": _referral(exc.current, _names(request, access))},
                            status=status.HTTP_409_CONFLICT)
        except services.NrmRuleError as exc:
            return _refused(exc)
        return Response(_referral(current, _names(request, access)))


class DutyToNotifyList(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The caller's agency's Duty to Notify records (anonymous)",
                   responses=DutyToNotifySerializer(many=True))
    def get(self, request: Request) -> Response:
        notices = services.duty_to_notify_for_user(request.user)[:500]
        record("view", request=request, object_type="duty-to-notify")
        return Response([{"id": n.pk, "notified_on": n.notified_on, "organisation": n.organisation,
                          "exploitation_types": list(n.exploitation_types),
                          "statutory": n.statutory} for n in notices])

"""The hate API: the same details, repeats and figures as the pages, through the same access
helper (``get_case_for_user``) and services, audited the same way.

``/api/cases/<id>/hate/``  GET a hate case's details and repeats; PUT record or change them
                           (``version`` of the details changed; none for the first record)
``/api/hate/figures/``     GET the figures by strand for ``from``..``to`` (ISO dates: whole
                           months only; counts from 1 to ``suppress_below - 1`` withheld)

An outsider agency gets 404, a member without the capability 403, a limited share 403 (hate
details are case content); a refused rule answers 400 with its message, a stale version 409.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.hate import services
from saferplaces.apps.hate.figures import disclosed, figures, month_end, whole_months_problem
from saferplaces.apps.hate.models import HateDetails, Kind, Perceiver
from saferplaces.apps.hate.repeats import repeat_places, repeat_victims
from saferplaces.casework.vocabularies import vocabulary

__all__ = ["CaseHate", "HateFiguresView"]


class HateDetailsSerializer(serializers.Serializer[Any]):
    recorded_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    strands = serializers.ListField(child=serializers.CharField(), min_length=1,
                                    help_text="Keys of the vocabulary hate_strands")
    perceived_by = serializers.ChoiceField(choices=Perceiver.choices)
    perceiver = serializers.ChoiceField(
        choices=vocabulary("hate_perceivers").choices(), required=False, allow_blank=True,
        default="", help_text="Who else perceived it, by role (vocabulary hate_perceivers): "
                              "never a name")
    nchi_ground = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="Key of the vocabulary nchi_grounds")
    nchi_reasoning = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class HateRepeatVictimSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    references = serializers.ListField(child=serializers.CharField())


class HateRepeatPlaceSerializer(serializers.Serializer[Any]):
    place_id = serializers.IntegerField()
    name = serializers.CharField()
    references = serializers.ListField(child=serializers.CharField())
    flagged_incidents = serializers.IntegerField(allow_null=True)


class CaseHateSerializer(serializers.Serializer[Any]):
    case_reference = serializers.CharField()
    details = HateDetailsSerializer(allow_null=True)
    repeat_victims = HateRepeatVictimSerializer(many=True)
    repeat_places = HateRepeatPlaceSerializer(many=True)


def _details(details: HateDetails | None) -> dict[str, Any] | None:
    if details is None:
        return None
    return {"recorded_on": details.recorded_on, "kind": details.kind,
            "strands": list(details.strands), "perceived_by": details.perceived_by,
            "perceiver": details.perceiver, "nchi_ground": details.nchi_ground,
            "nchi_reasoning": details.nchi_reasoning, "version": details.version}


def _full(request: Request, pk: int, capability: str) -> CaseAccess:
    access = get_case_for_user(request.user, pk, capability)
    if not access.full:
        raise PermissionDenied("Hate details need a full share of the case.")
    return access


def _body(request: Request, access: CaseAccess) -> dict[str, Any]:
    return {"case_reference": access.case.reference,
            "details": _details(HateDetails.objects.filter(case=access.case).first()),
            "repeat_victims": [{"name": v.name, "references": list(v.references)}
                               for v in repeat_victims(request.user, access)],
            "repeat_places": [{"place_id": p.place.pk, "name": p.place.name,
                               "references": list(p.references),
                               "flagged_incidents": p.flagged_incidents}
                              for p in repeat_places(request.user, access)]}


class CaseHate(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="A hate case's details, repeat victims and repeat locations",
                   responses=CaseHateSerializer)
    def get(self, request: Request, pk: int) -> Response:
        access = _full(request, pk, CASES_VIEW)
        record("view", request=request, object_type="case", object_id=pk, fields=["hate_details"])
        return Response(_body(request, access))

    @extend_schema(summary="Record or change a hate case's details (cases.edit, an agency "
                           "working on the case)",
                   request=HateDetailsSerializer, responses={200: CaseHateSerializer})
    def put(self, request: Request, pk: int) -> Response:
        access = _full(request, pk, CASES_EDIT)
        data = HateDetailsSerializer(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.save_details(access, request.user, request=request, **data.validated_data)
        except services.Conflict as exc:
            return Response({"detail": str(exc), "current": _details(exc.current)},
                            status=status.HTTP_409_CONFLICT)
        except services.HateRuleError as exc:
            return Response({"detail": str(exc), "field": exc.field},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(_body(request, access))


class HateFiguresSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    figures = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="hate_total, hate_crimes, hate_non_crime and hate_strand_<key> for each "
                  "strand; null where the count is from 1 to suppress_below - 1 (withheld)")
    suppress_below = serializers.IntegerField(help_text="Counts below this (but not 0) are "
                                                        "withheld, as in the public report")


class HateFiguresView(APIView):
    access = requires_rule(ASSESSMENTS_VIEW)

    @extend_schema(summary="Hate cases by strand in whole months: aggregate counts only, "
                           "small counts withheld",
                   parameters=[OpenApiParameter("from", datetime.date),
                               OpenApiParameter("to", datetime.date)],
                   responses=HateFiguresSerializer)
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        try:
            start = datetime.date.fromisoformat(request.query_params.get("from")
                                                or f"{today.year}-01-01")
            end = (datetime.date.fromisoformat(request.query_params["to"])
                   if request.query_params.get("to") else month_end(today))
        except ValueError:
            return Response({"detail": "Give from and to as dates: YYYY-MM-DD."},
                            status=status.HTTP_400_BAD_REQUEST)
        problem = whole_months_problem(start, end)
        if problem:
            return Response({"detail": problem}, status=status.HTTP_400_BAD_REQUEST)
        record("view", request=request, object_type="hate-figures")
        shown, threshold = disclosed(figures(start, end))
        return Response({"start": start, "end": end, "figures": shown,
                         "suppress_below": threshold})

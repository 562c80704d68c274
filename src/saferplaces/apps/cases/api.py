"""The Cases API: the same cases, parties, notes and referrals as the pages, through the same
access helpers and rules (``get_case_for_user``, ``services``), audited the same way.

``/api/cases/``                          GET the caller's cases (``type``, ``status`` filters); POST a new case
``/api/cases/<id>/``                     GET one case: full, or limited (existence, type, status, owner, lead officer)
``/api/cases/<id>/parties/``             GET the parties (names only); POST add one
``/api/cases/<id>/notes/``               GET the notes the caller may read; POST add one
``/api/cases/<id>/referrals/``           GET the case's referrals (owner agency); POST refer it
``/api/cases/referrals/``                GET referrals to and from the caller's agency
``/api/cases/referrals/<id>/decision/``  POST accept or decline (the receiving agency)
``/api/cases/<id>/attachments/...``      the case's files (:mod:`saferplaces.apps.cases.attachment_api`)

An outsider agency gets 404 for every case it cannot see, a member without ``cases.view`` 403;
changes need the same capability as on the pages (403 otherwise), and a refused rule answers
400 with the message the page would show.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import presenters, services
from saferplaces.apps.cases.access import (
    CaseAccess,
    cases_for_user,
    get_case_for_user,
    get_referral_for_user,
    referrals_for_user,
)
from saferplaces.apps.cases.models import Case, Note, NoteVisibility, Referral, Risk
from saferplaces.apps.cases.services import CaseRuleError

__all__ = ["CaseDetail", "CaseList", "CaseNotes", "CaseParties", "CaseReferrals",
           "ReferralDecision", "ReferralList"]


# --- shapes -----------------------------------------------------------------------------------------


class CaseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    case_type = serializers.CharField(help_text="Key of the case type (configuration)")
    case_type_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    risk = serializers.CharField()
    owner_agency = serializers.CharField()
    lead_officer = serializers.CharField()
    opened_on = serializers.DateField()
    url = serializers.URLField()
    page = serializers.URLField()


class PartySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    name = serializers.CharField(help_text="The name only; a locked-down profile's stub name")
    role = serializers.CharField()
    role_label = serializers.CharField()
    locked_down = serializers.BooleanField()


class NoteSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices)
    agency = serializers.CharField()
    written_by = serializers.CharField()
    written_at = serializers.DateTimeField()


class ReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    from_agency = serializers.CharField()
    to_agency = serializers.CharField()
    reason = serializers.CharField()
    basis = serializers.CharField()
    overridden = serializers.BooleanField(help_text="Made without consent or a basis (override)")
    referred_at = serializers.DateTimeField()
    respond_by = serializers.DateField()
    overdue = serializers.BooleanField()
    status = serializers.CharField()
    decision_reason = serializers.CharField()


class CaseDetailSerializer(CaseSerializer):
    full = serializers.BooleanField(help_text="False: a limited share (no parties, notes, "
                                              "incidents or timeline)")
    title = serializers.CharField(allow_null=True)
    summary = serializers.CharField(allow_null=True)
    parties = PartySerializer(many=True)
    notes = NoteSerializer(many=True)
    incidents = serializers.ListField(child=serializers.DictField())
    timeline = serializers.ListField(child=serializers.DictField())


class CreateCaseInput(serializers.Serializer[Any]):
    case_type = serializers.CharField()
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    risk = serializers.ChoiceField(choices=Risk.choices, default=Risk.STANDARD)
    lead_officer = serializers.IntegerField(required=False, allow_null=True, default=None)


class PartyInput(serializers.Serializer[Any]):
    person_id = serializers.IntegerField()
    role = serializers.CharField()
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="Only when an agency the case is disclosed to is not covered for the person "
                  "(cases.share_without_basis): why")


class NoteInput(serializers.Serializer[Any]):
    text = serializers.CharField()
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices,
                                         default=NoteVisibility.SHARED)


class ReferralInput(serializers.Serializer[Any]):
    agency = serializers.IntegerField(help_text="The receiving agency's id")
    reason = serializers.CharField()
    basis = serializers.CharField(required=False, allow_blank=True, default="",
                                  help_text="Key of a lawful basis; empty: consent")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionInput(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- helpers ----------------------------------------------------------------------------------------


def _case_fields(request: Request, case: Case) -> dict[str, Any]:
    return {**presenters.case_summary(case),
            "url": request.build_absolute_uri(reverse("api:case", args=[case.pk])),
            "page": request.build_absolute_uri(reverse("cases:case", args=[case.pk]))}


def _refused(exc: CaseRuleError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


def _invalid(serializer: serializers.Serializer[Any]) -> Response:
    return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)


def _party(row: presenters.PartyRow) -> dict[str, Any]:
    return {"id": row.id, "person_id": row.person_id, "name": row.name, "role": row.role,
            "role_label": row.role_label, "locked_down": row.locked_down}


def _note(note: Note) -> dict[str, Any]:
    return {"id": note.pk, "text": note.text, "visibility": note.visibility,
            "agency": note.agency.name, "written_by": presenters.user_label(note.written_by),
            "written_at": note.written_at}


def _referral(item: Referral) -> dict[str, Any]:
    return {"id": item.pk, "case_reference": item.case.reference,
            "from_agency": item.from_agency.name, "to_agency": item.to_agency.name,
            "reason": item.reason, "basis": item.basis, "overridden": bool(item.override_reason),
            "referred_at": item.referred_at, "respond_by": item.respond_by,
            "overdue": services.is_overdue(item), "status": item.status,
            "decision_reason": item.decision_reason}


def _detail(request: Request, access: CaseAccess) -> dict[str, Any]:
    user = request.user
    case = access.case
    full = access.full
    return {**_case_fields(request, case), "full": full,
            "title": case.title if full else None, "summary": case.summary if full else None,
            "parties": [_party(row) for row in presenters.parties_of(user, access)],
            "notes": [_note(note) for note in access.notes()],
            "incidents": [{"id": row.id, "source": row.source, "category": row.category,
                           "month": row.month.isoformat()[:7], "place": row.place}
                          for row in presenters.incidents_of(user, access)],
            "timeline": [{"when": entry.when.isoformat(), "kind": entry.kind, "text": entry.text,
                          "agency": entry.agency.name if entry.agency else ""}
                         for entry in access.timeline()]}


# --- endpoints --------------------------------------------------------------------------------------


class CaseList(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The caller's cases (owned, shared with their agency, break-glass)",
                   parameters=[OpenApiParameter("type", str), OpenApiParameter("status", str)],
                   responses=CaseSerializer(many=True))
    def get(self, request: Request) -> Response:
        wanted = {"case_type_key": request.query_params.get("type", ""),
                  "status": request.query_params.get("status", "")}
        cases = services.cases_filtered(cases_for_user(request.user), **wanted)
        record("search", request=request, object_type="case",
               fields=[name for name, value in wanted.items() if value])
        return Response([_case_fields(request, case) for case in cases[:500]])

    @extend_schema(summary="Open a case (cases.edit); the reference is given by the service",
                   request=CreateCaseInput, responses={201: CaseSerializer})
    def post(self, request: Request) -> Response:
        from saferplaces.apps.agencies.access import agency_of

        data = CreateCaseInput(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        values = data.validated_data
        lead = None
        if values["lead_officer"]:
            agency = agency_of(request.user)
            lead = services.lead_officers(agency).filter(pk=values["lead_officer"]).first() \
                if agency else None
            if lead is None:
                return _refused(CaseRuleError("Choose a lead officer from your agency.",
                                              "lead_officer"))
        try:
            case = services.create_case(request.user, case_type_key=values["case_type"],
                                        title=values["title"], summary=values["summary"],
                                        risk=values["risk"], lead_officer=lead, request=request)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_case_fields(request, case), status=status.HTTP_201_CREATED)


class CaseDetail(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="One case as the caller may see it (full or limited)",
                   responses=CaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk)
        return Response(_detail(request, access))


class CaseParties(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's parties, by name only", responses=PartySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk, fields=["parties"])
        return Response([_party(row) for row in presenters.parties_of(request.user, access)])

    @extend_schema(summary="Add a party (cases.edit; a person the caller may see, covered by "
                           "consent or the basis of every share, waiting referral and transfer)",
                   request=PartyInput, responses={201: PartySerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        data = PartyInput(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        try:
            party = services.add_party(access, request.user, person_id=data.validated_data["person_id"],
                                       role=data.validated_data["role"],
                                       override_reason=data.validated_data["override_reason"],
                                       request=request)
        except CaseRuleError as exc:
            return _refused(exc)
        row = next(r for r in presenters.parties_of(request.user, access) if r.id == party.pk)
        return Response(_party(row), status=status.HTTP_201_CREATED)


class CaseNotes(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The notes the caller may read (owner-only notes: the owner agency)",
                   responses=NoteSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk, fields=["notes"])
        return Response([_note(note) for note in access.notes()])

    @extend_schema(summary="Add a note (cases.edit)", request=NoteInput,
                   responses={201: NoteSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        data = NoteInput(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        try:
            note = services.add_note(access, request.user, text=data.validated_data["text"],
                                     visibility=data.validated_data["visibility"], request=request)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_note(note), status=status.HTTP_201_CREATED)


class CaseReferrals(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(operation_id="cases_case_referrals_list",
                   summary="The case's referrals (the owner agency; others see none)",
                   responses=ReferralSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk, fields=["referrals"])
        items = presenters.sharing_of(access)["referrals"]
        return Response([_referral(item) for item in items])

    @extend_schema(summary="Refer the case to another agency (cases.manage of the owner; "
                           "consent or a lawful basis for every party)",
                   request=ReferralInput, responses={201: ReferralSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        data = ReferralInput(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        values = data.validated_data
        agency = Agency.objects.filter(pk=values["agency"], active=True).first()
        if agency is None:
            return _refused(CaseRuleError("Choose another active agency.", "agency"))
        try:
            item = services.refer_case(access, request.user, agency=agency,
                                       reason=values["reason"], basis=values["basis"],
                                       override_reason=values["override_reason"],
                                       request=request)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_referral(item), status=status.HTTP_201_CREATED)


class ReferralList(APIView):
    access = requires_rule(CASES_MANAGE)

    @extend_schema(summary="Referrals to and from the caller's agency",
                   responses=ReferralSerializer(many=True))
    def get(self, request: Request) -> Response:
        record("view", request=request, object_type="referral")
        return Response([_referral(item) for item in referrals_for_user(request.user)])


class ReferralDecision(APIView):
    access = requires_rule(CASES_MANAGE)

    @extend_schema(summary="Accept (a full share) or decline with a reason (receiving agency)",
                   request=DecisionInput, responses=ReferralSerializer)
    def post(self, request: Request, pk: int) -> Response:
        item = get_referral_for_user(request.user, pk)
        data = DecisionInput(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        try:
            item = services.decide_referral(request.user, item,
                                            accept=data.validated_data["accept"],
                                            reason=data.validated_data["reason"], request=request)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_referral(item))

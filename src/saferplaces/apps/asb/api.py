"""The repeat-ASB API: a case's risk assessments and 2014 Act actions, through the same access
helpers and services as the pages, audited the same way.

``/api/cases/<id>/risk-assessments/``  GET the assessments (newest first); POST a new one
``/api/cases/<id>/asb-actions/``       GET the actions with their breaches; POST record one

A full view of a repeat-ASB case is needed (outsiders and limited shares 404, members without
``cases.view`` 403); recording needs ``cases.edit`` and an agency working on the case (403).
A broken rule answers 400 with the message; an action the Act refuses lists each rule and
source under ``refusals``; an assessment saved meanwhile answers 409.
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
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.asb import actions, presenters, risk
from saferplaces.apps.asb.models import ActionKind, AsbAction, Issuer, RiskAssessment
from saferplaces.apps.asb.views import full_access, writer_access
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.services import CaseRuleError

__all__ = ["CaseAsbActions", "CaseRiskAssessments"]


class RiskAssessmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    name = serializers.CharField(help_text="As the case page shows it")
    questionnaire = serializers.CharField()
    questionnaire_version = serializers.CharField()
    assessed_on = serializers.DateField()
    answers = serializers.DictField(child=serializers.CharField())
    section_scores = serializers.DictField(child=serializers.IntegerField())
    score = serializers.IntegerField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    set_by = serializers.ListField(child=serializers.CharField())
    judgement_reason = serializers.CharField()
    alert = serializers.BooleanField()
    contact_by = serializers.DateField()
    reassess_on = serializers.DateField()
    reassessment_overdue = serializers.BooleanField()
    current = serializers.BooleanField(help_text="False: superseded by a later assessment")
    agency = serializers.CharField()


#: The largest id a database key holds (a 64-bit signed integer): a bigger one is a 400, never
#: an overflow in the database driver.
ID_MAX = 2**63 - 1


class RiskAssessmentInput(serializers.Serializer[Any]):
    person_id = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="A victim, complainant or vulnerable person "
                                                   "of the case")
    answers = serializers.DictField(child=serializers.CharField(),
                                    help_text="Question key → option key, every question")
    raise_to = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="A higher band by professional judgement")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    opened_on_latest = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="The current assessment's id the answers were given against (0: none); "
                  "when another was saved since, 409")


class BreachSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    on = serializers.DateField()
    description = serializers.CharField()
    penalty_amount = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    penalty_on = serializers.DateField(allow_null=True)


class AsbActionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    kind_label = serializers.CharField()
    person_id = serializers.IntegerField(allow_null=True)
    place_id = serializers.IntegerField(allow_null=True)
    body_name = serializers.CharField(help_text="A body the action is about (empty: a person "
                                                "or premises)")
    body_company_number = serializers.CharField()
    about = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)
    officer = serializers.CharField()
    agency = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    ends_on = serializers.DateField(allow_null=True)
    review_on = serializers.DateField(allow_null=True)
    comply_by = serializers.DateField(allow_null=True)
    next_review = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField()
    breaches = BreachSerializer(many=True)
    page = serializers.URLField()


class AsbActionInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    person_id = serializers.IntegerField(required=False, allow_null=True, default=None,
                                         min_value=1, max_value=ID_MAX)
    place_id = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        min_value=1, max_value=ID_MAX,
                                        help_text="Premises linked to the case (closure)")
    body_name = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=200,
                                      help_text="A body (company or organisation) the action is "
                                                "about instead of a person: warning letter, "
                                                "Community Protection Warning or Notice only "
                                                "(2014 Act s.43(1); law rule powers.about_a_body)")
    body_company_number = serializers.CharField(required=False, allow_blank=True, default="",
                                                max_length=20)
    officer = serializers.CharField(max_length=120)
    agency = serializers.IntegerField(min_value=1, max_value=ID_MAX,
                                      help_text="The id of the agency that took the action: "
                                                "the case's owner or an agency with a live full "
                                                "share")
    conditions = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="One a line")
    on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    review_on = serializers.DateField(required=False, allow_null=True)
    comply_by = serializers.DateField(required=False)
    yot_consulted_on = serializers.DateField(required=False, allow_null=True)
    without_notice = serializers.BooleanField(required=False)
    at = serializers.DateTimeField(required=False)
    excluded_until = serializers.DateTimeField(required=False)
    taken_home = serializers.BooleanField(required=False)
    believed_under_16 = serializers.BooleanField(required=False)
    locality = serializers.CharField(required=False, max_length=200)
    authorised_at = serializers.DateTimeField(required=False)
    authorised_until = serializers.DateTimeField(required=False)
    authorising_rank = serializers.CharField(required=False, max_length=40)
    authorising_officer = serializers.CharField(required=False, max_length=120)
    issuer = serializers.ChoiceField(choices=Issuer.choices, required=False)
    signed_by = serializers.CharField(required=False, max_length=40)
    hours = serializers.IntegerField(required=False, min_value=1)
    extended_to_hours = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    extended_by = serializers.CharField(required=False, allow_blank=True, max_length=40)
    heard_at = serializers.DateTimeField(required=False)


def _assessment(item: RiskAssessment, names: dict[int, str], current_ids: set[int]) -> dict[str, Any]:
    return {"id": item.pk, "person_id": item.person_id, "name": names.get(item.person_id, ""),
            "questionnaire": item.questionnaire,
            "questionnaire_version": item.questionnaire_version,
            "assessed_on": item.assessed_on, "answers": item.answers,
            "section_scores": item.section_scores, "score": item.score, "band": item.band,
            "band_label": item.band_label, "set_by": item.set_by,
            "judgement_reason": item.judgement_reason, "alert": item.alert,
            "contact_by": item.contact_by, "reassess_on": item.reassess_on,
            "reassessment_overdue": item.pk in current_ids and risk.is_reassessment_overdue(item),
            "current": item.pk in current_ids, "agency": item.agency.name}


def _action(request: Request, action: AsbAction, names: dict[int, str]) -> dict[str, Any]:
    row = presenters.action_row(action, names)
    return {"id": action.pk, "kind": action.kind, "kind_label": row.label,
            "person_id": action.person_id, "place_id": action.place_id,
            "body_name": action.body_name, "body_company_number": action.body_company_number,
            "about": row.about,
            "on": action.on, "at": action.at, "officer": action.officer,
            "agency": action.agency.name, "conditions": list(action.condition_list()),
            "ends_on": action.ends_on, "review_on": action.review_on,
            "comply_by": action.comply_by, "next_review": row.next_review,
            "review_overdue": row.review_overdue,
            "breaches": [{"id": b.pk, "on": b.on, "description": b.description,
                          "penalty_amount": b.penalty_amount, "penalty_on": b.penalty_on}
                         for b in row.breaches],
            "page": request.build_absolute_uri(reverse("asb:action",
                                                       args=[action.case_id, action.pk]))}


def _refused(exc: CaseRuleError) -> Response:
    body: dict[str, Any] = {"detail": str(exc), "field": exc.field}
    if isinstance(exc, actions.ActionRefused):
        body["refusals"] = [{"rule": r.rule, "source": r.source, "message": r.message}
                            for r in exc.refusals]
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class CaseRiskAssessments(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's ASB victim risk assessments, newest first (full view "
                           "of a repeat-ASB case)", responses=RiskAssessmentSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = full_access(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk,
               fields=["risk_assessments"])
        items = (RiskAssessment.objects.filter(case=access.case).select_related("agency")
                 .order_by("-assessed_on", "-pk"))
        current = {a.pk for a in risk.current_assessments(access.case.pk)}
        names = presenters.names(request.user, access)
        return Response([_assessment(item, names, current) for item in items])

    @extend_schema(summary="Assess a victim, complainant or vulnerable person (cases.edit; "
                           "every question answered)", request=RiskAssessmentInput,
                   responses={201: RiskAssessmentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = writer_access(request.user, pk)
        data = RiskAssessmentInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        values = data.validated_data
        try:
            made = risk.assess_person(access, request.user, person_id=values["person_id"],
                                      answers=values["answers"], raise_to=values["raise_to"],
                                      reason=values["reason"],
                                      opened_on_latest=values["opened_on_latest"],
                                      request=request)
        except risk.AssessmentConflict as exc:
            return Response({"detail": str(exc),
                             "current": exc.current.pk if exc.current else None},
                            status=status.HTTP_409_CONFLICT)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_assessment(made, presenters.names(request.user, access), {made.pk}),
                        status=status.HTTP_201_CREATED)


class CaseAsbActions(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="The case's 2014 Act actions with next review and breaches (full "
                           "view of a repeat-ASB case)", responses=AsbActionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = full_access(request.user, pk)
        record("view", request=request, object_type="case", object_id=pk, fields=["asb_actions"])
        items = (AsbAction.objects.filter(case=access.case)
                 .select_related("person", "place", "agency", "review_task")
                 .prefetch_related("breaches"))
        names = presenters.names(request.user, access)
        return Response([_action(request, item, names) for item in items])

    @extend_schema(summary="Record an action (cases.edit); checked against the 2014 Act's "
                           "rules and the earlier actions about the same person or premises",
                   request=AsbActionInput, responses={201: AsbActionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = writer_access(request.user, pk)
        data = AsbActionInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        values = dict(data.validated_data)
        kind = values.pop("kind")
        wanted = values.pop("agency")
        agency = next((item for item in actions.acting_agencies(access.case)
                       if item.pk == wanted), None)
        if agency is None:
            return _refused(CaseRuleError("Choose the agency that took the action: the owner or "
                                          "an agency that works on this case with a full share.",
                                          "agency"))
        common = {name: values.pop(name) for name in ("person_id", "place_id", "officer",
                                                       "conditions", "body_name",
                                                       "body_company_number")}
        try:
            made = actions.record_action(access, request.user, kind=kind, agency=agency,
                                         request=request, **common, **values)
        except CaseRuleError as exc:
            return _refused(exc)
        made = (AsbAction.objects.select_related("person", "place", "agency", "review_task")
                .prefetch_related("breaches").get(pk=made.pk))
        return Response(_action(request, made, presenters.names(request.user, access)),
                        status=status.HTTP_201_CREATED)

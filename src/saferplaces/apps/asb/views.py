"""The repeat-ASB pages under a case: a person's risk assessments and a new one, and the 2014 Act
actions (record one, see one with its breaches, record a breach).

Each page opens the case through ``get_case_for_user`` (outsiders 404, members without the
capability 403) and needs a **full** view of a repeat-ASB case: a limited share, or a case of
another type, gets 404, as if the page did not exist. Recording needs an agency working on the
case (owner or full share) with ``cases.edit`` (403 otherwise, break-glass included). Every read
and change is audited; numeric ids only in addresses.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.asb import actions, forms, presenters, risk
from saferplaces.apps.asb.models import ActionKind, AsbAction
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.cases.models import Party
from saferplaces.apps.cases.services import CaseRuleError


def full_access(user: Any, pk: int, capability: str = CASES_VIEW) -> CaseAccess:
    """The case in full, if it is a repeat-ASB case: 404 otherwise (limited share included)."""
    access = get_case_for_user(user, pk, capability)
    if not access.full or access.case.case_type not in risk.ASB_CASE_TYPES:
        raise Http404("No such page.")
    return access


def writer_access(user: Any, pk: int) -> CaseAccess:
    access = full_access(user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    return access


def _party(access: CaseAccess, party_pk: int) -> Party:
    party = risk.assessed_people(access.case.pk).filter(pk=party_pk).first()
    if party is None:
        raise Http404("No such party.")
    return party


def _errors(form: Any, exc: CaseRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


# --- risk assessments ------------------------------------------------------------------------------


@requires(CASES_VIEW)
@require_GET
def risk_history(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """A person's assessments on the case, newest first, each with its answers."""
    access = full_access(request.user, pk)
    party = _party(access, party_pk)
    record("view", request=request, object_type="person", object_id=party.person_id,
           fields=["risk_assessments"])
    items = risk.history_of(access.case.pk, party.person_id)
    return render(request, "asb/risk_history.html", {
        "case": access.case, "party": party, "name": presenters.names(request.user, access)
        .get(party.person_id, ""), "items": presenters.assessment_rows(items),
        "can_assess": access.contributes and has_capability(request.user, CASES_EDIT)})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """A new assessment of the person, from the questionnaire file."""
    access = writer_access(request.user, pk)
    party = _party(access, party_pk)
    case = access.case
    latest = risk.latest_of(case.pk, party.person_id)
    form = forms.RiskAssessmentForm(request.POST or None, questionnaire=risk.questionnaire(),
                                    initial={"opened_on_latest": latest.pk if latest else 0})
    context: dict[str, Any] = {"case": case, "party": party, "form": form, "latest": latest,
                               "name": presenters.names(request.user, access).get(party.person_id, ""),
                               "questionnaire": risk.questionnaire()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            risk.assess_person(access, request.user, person_id=party.person_id,
                               answers=form.answers(), raise_to=data["raise_to"],
                               reason=data["reason"], opened_on_latest=data["opened_on_latest"],
                               request=request)
        except risk.AssessmentConflict as exc:
            context |= presenters.assessment_conflict(exc, form)
            return render(request, "asb/assess.html", context, status=409)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("asb:risk-history", case.pk, party.pk)
    return render(request, "asb/assess.html", context, status=400 if form.errors else 200)


# --- 2014 Act actions ------------------------------------------------------------------------------


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def record_action(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Record one kind of action; a refusal names each broken rule and its source."""
    if kind not in ActionKind.values:
        raise Http404("No such kind of action.")
    access = writer_access(request.user, pk)
    case = access.case
    subjects = presenters.subjects(request.user, access, kind)
    form = forms.ActionForm(request.POST or None, kind=kind, subjects=subjects,
                            agencies=actions.acting_agencies(case),
                            initial={"agency": agency_of(request.user)})
    refused: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        premises = kind in actions.PREMISES_KINDS
        body = data["subject"] == forms.BODY
        subject = None if body else int(data["subject"])
        try:
            made = actions.record_action(
                access, request.user, kind=kind, agency=data["agency"], officer=data["officer"],
                conditions=data["conditions"], person_id=None if premises else subject,
                place_id=subject if premises else None, request=request,
                body_name=data.get("body_name", "") if body else "",
                body_company_number=data.get("body_company_number", "") if body else "",
                **{k: v for k, v in form.values().items() if v not in (None, "")})
        except actions.ActionRefused as exc:
            refused = exc.refusals
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("asb:action", case.pk, made.pk)
    bad = bool(form.errors or refused)
    return render(request, "asb/record_action.html", {
        "case": case, "form": form, "kind": ActionKind(kind), "refused": refused,
        "no_subjects": not subjects and kind in actions.PREMISES_KINDS}, status=400 if bad else 200)


def _action(access: CaseAccess, action_pk: int) -> AsbAction:
    action = (AsbAction.objects.select_related("person", "place", "agency", "review_task")
              .prefetch_related("breaches").filter(pk=action_pk, case=access.case).first())
    if action is None:
        raise Http404("No such action.")
    return action


@requires(CASES_VIEW)
@require_GET
def action_page(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    access = full_access(request.user, pk)
    action = _action(access, action_pk)
    record("view", request=request, object_type="asb-action", object_id=action.pk)
    return render(request, "asb/action.html", {
        "case": access.case, "row": presenters.action_row(action, presenters.names(request.user, access)),
        "can_breach": (access.contributes and has_capability(request.user, CASES_EDIT)
                       and action.kind in actions.BREACHABLE),
        "can_correct": access.contributes and has_capability(request.user, CASES_EDIT),
        "corrections": presenters.correction_rows(action)})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_breach(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    access = writer_access(request.user, pk)
    action = _action(access, action_pk)
    if action.kind not in actions.BREACHABLE:
        raise Http404("This kind of action has no breaches.")
    form = forms.BreachForm(request.POST or None, penalty=action.kind == ActionKind.CPN,
                            initial={"version": action.version})
    context: dict[str, Any] = {"case": access.case, "action": action, "form": form,
                               "kind": ActionKind(action.kind), "refused": []}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_breach(access, request.user, action, version=data["version"],
                               breach=actions.BreachInput(
                                   on=data["on"], description=data["description"],
                                   penalty_amount=data.get("penalty_amount"),
                                   penalty_on=data.get("penalty_on")), request=request)
        except actions.ActionConflict as exc:
            context |= presenters.breach_conflict(exc, data)
            return render(request, "asb/breach.html", context, status=409)
        except actions.ActionRefused as exc:
            context["refused"] = exc.refusals
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("asb:action", access.case.pk, action.pk)
    bad = bool(form.errors or context["refused"])
    return render(request, "asb/breach.html", context, status=400 if bad else 200)

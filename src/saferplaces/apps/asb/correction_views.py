"""The pages that correct a recorded 2014 Act action or one of its breaches (the rules are in
:mod:`saferplaces.apps.asb.corrections`). Found through the case's access helper like every
repeat-ASB page: outsiders and limited shares 404, members without ``cases.edit`` 403."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.asb import actions, corrections, forms
from saferplaces.apps.asb.models import ActionKind, AsbAction
from saferplaces.apps.asb.views import _action, _errors, writer_access
from saferplaces.apps.cases.services import CaseRuleError


def _conflict(exc: actions.ActionConflict, data: dict[str, Any]) -> dict[str, Any]:
    current: AsbAction = exc.current
    rows = [{"field": "Version of the action", "mine": f"The one you opened ({data['version']})",
             "theirs": f"Now {current.version}: reload to see the changes"}]
    return {"conflict": exc, "conflict_rows": rows}


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def correct_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    access = writer_access(request.user, pk)
    action = _action(access, action_pk)
    agencies = actions.acting_agencies(access.case)
    if action.agency not in agencies:
        agencies = [action.agency, *agencies]
    form = forms.ActionCorrectionForm(request.POST or None, kind=action.kind, agencies=agencies,
                                      initial=forms.correction_initial(action))
    context: dict[str, Any] = {"case": access.case, "action": action, "form": form,
                               "kind": ActionKind(action.kind), "refused": []}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrections.correct_action(
                access, request.user, action, version=data["version"], reason=data["reason"],
                officer=data["officer"], agency=data["agency"], conditions=data["conditions"],
                request=request, **form.values())
        except actions.ActionConflict as exc:
            context |= _conflict(exc, data)
            return render(request, "asb/correct.html", context, status=409)
        except actions.ActionRefused as exc:
            context["refused"] = exc.refusals
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("asb:action", access.case.pk, action.pk)
    bad = bool(form.errors or context["refused"])
    return render(request, "asb/correct.html", context, status=400 if bad else 200)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def correct_breach(request: HttpRequest, pk: int, action_pk: int, breach_pk: int) -> HttpResponse:
    access = writer_access(request.user, pk)
    action = _action(access, action_pk)
    breach = next((item for item in action.breaches.all() if item.pk == breach_pk), None)
    if breach is None:
        raise Http404("No such breach.")
    form = forms.BreachCorrectionForm(
        request.POST or None, penalty=action.kind == ActionKind.CPN,
        initial={"version": action.version, "on": breach.on, "description": breach.description,
                 "penalty_amount": breach.penalty_amount, "penalty_on": breach.penalty_on})
    context: dict[str, Any] = {"case": access.case, "action": action, "form": form,
                               "kind": ActionKind(action.kind), "refused": [], "breach": breach}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrections.correct_breach(
                access, request.user, breach, version=data["version"], reason=data["reason"],
                corrected=actions.BreachInput(on=data["on"], description=data["description"],
                                              penalty_amount=data.get("penalty_amount"),
                                              penalty_on=data.get("penalty_on")),
                request=request)
        except actions.ActionConflict as exc:
            context |= _conflict(exc, data)
            return render(request, "asb/correct.html", context, status=409)
        except actions.ActionRefused as exc:
            context["refused"] = exc.refusals
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("asb:action", access.case.pk, action.pk)
    bad = bool(form.errors or context["refused"])
    return render(request, "asb/correct.html", context, status=400 if bad else 200)

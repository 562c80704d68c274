"""The safeguarding pages. Each reaches its record through the access helpers (whoever cannot see
the case in full gets 404; members without the capability 403), calls a rule in ``services``,
and writes every read to the audit log. Addresses carry numeric ids only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.presenters import parties_of
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.apps.safeguarding import forms, presenters, services
from saferplaces.apps.safeguarding.access import (
    Seen,
    get_case_in_full,
    get_concern_for_user,
    get_marac_referral_for_user,
    get_mash_referral_for_user,
    is_mash_screener,
)
from saferplaces.apps.safeguarding.models import Concern, RiskChecklist


def _errors(form: Any, exc: CaseRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _page(request: HttpRequest, context: dict[str, Any], status: int | None = None) -> HttpResponse:
    bad = context["form"].errors
    return render(request, "safeguarding/form.html", context,
                  status=status or (400 if bad else 200))


def _contributor(request: HttpRequest, pk: int, types: frozenset[str]) -> CaseAccess:
    access = get_case_in_full(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    if access.case.case_type not in types:
        raise PermissionDenied("This type of case has no such record.")
    return access


def _seen_for_change(seen: Seen) -> Seen:
    if not seen.case_access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    return seen


def _conflict(exc: services.Conflict, labels: dict[str, str], shown: dict[str, Any]) -> dict[str, Any]:
    rows = [{"field": label, "mine": shown.get(name, ""),
             "theirs": getattr(exc.current, name, "")} for name, label in labels.items()]
    return {"conflict": exc, "conflict_rows": rows}


# --- concerns ------------------------------------------------------------------------------------


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_concern(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk, services.SAFEGUARDING_TYPES)
    form = forms.ConcernForm(request.POST or None, parties=parties_of(request.user, access))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_concern(access, request.user, person_id=data["person"],
                                    concern_on=data["concern_on"],
                                    exploitation_types=data["exploitation_types"], request=request)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", pk)
    return _page(request, {"case": access.case, "form": form, "heading": "Record a safeguarding "
                           "concern", "submit": "Record the concern"})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def edit_concern(request: HttpRequest, pk: int) -> HttpResponse:
    seen = _seen_for_change(get_concern_for_user(request.user, pk, CASES_EDIT))
    concern: Concern = seen.record
    case = seen.case_access.case
    form = forms.ConcernEditForm(request.POST or None,
                                 initial=forms.ConcernEditForm.initial_for(concern))
    context: dict[str, Any] = {"case": case, "form": form, "thing": "concern",
                               "heading": "Change the safeguarding concern", "submit": "Save changes"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_concern(seen, request.user, version=data["version"],
                                    concern_on=data["concern_on"],
                                    exploitation_types=data["exploitation_types"], request=request)
        except services.Conflict as exc:
            context |= _conflict(exc, {"concern_on": "Date of the concern",
                                       "exploitation_types": "Exploitation or abuse"}, data)
            return _page(request, context, status=409)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, context)


# --- MASH referrals --------------------------------------------------------------------------------------


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_mash(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk, services.SAFEGUARDING_TYPES)
    who = presenters.names(request.user, access)
    concerns = [(item.pk, presenters.concern_label(item, who))
                for item in Concern.objects.filter(case=access.case)]
    agencies = services.mash_agencies(access.case)
    form = forms.MashReferralForm(request.POST or None, concerns=concerns, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        received_at = form.received_at()
        if received_at is not None:
            try:
                referral = services.refer_to_mash(
                    access, request.user, concern_id=form.cleaned_data["concern"],
                    mash_agency=Agency.objects.filter(pk=form.cleaned_data["mash_agency"]).first(),
                    received_at=received_at, request=request)
            except CaseRuleError as exc:
                _errors(form, exc)
            else:
                return redirect("safeguarding:mash", referral.pk)
    return _page(request, {"case": access.case, "form": form, "heading": "Refer to the MASH",
                           "submit": "Make the referral",
                           "intro": "" if concerns else "Record a safeguarding concern first."})


@requires(CASES_VIEW)
@require_GET
def mash(request: HttpRequest, pk: int) -> HttpResponse:
    seen = get_mash_referral_for_user(request.user, pk)
    access = seen.case_access
    record("view", request=request, object_type="case", object_id=access.case.pk,
           fields=["mash_referrals"])
    who = presenters.names(request.user, access)
    row = presenters.mash_row(seen.record, who)
    return render(request, "safeguarding/mash.html", {
        "case": access.case, "row": row, "referral": seen.record,
        "types": presenters.type_labels(list(seen.record.concern.exploitation_types)),
        "can_screen": is_mash_screener(request.user, seen.record, access), "now": timezone.now()})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def edit_mash(request: HttpRequest, pk: int) -> HttpResponse:
    seen = get_mash_referral_for_user(request.user, pk, CASES_EDIT)
    referral = seen.record
    access = seen.case_access
    if not is_mash_screener(request.user, referral, access):
        raise PermissionDenied("Only the MASH agency the referral was made to records its "
                               "screening and response.")
    agencies = services.mash_agencies(access.case)
    form = forms.MashUpdateForm(request.POST or None, agencies=agencies,
                                child=referral.concern.child,
                                initial=forms.MashUpdateForm.initial_for(referral))
    context: dict[str, Any] = {"case": access.case, "form": form, "thing": "MASH referral",
                               "heading": "Screening, strategy discussion and response",
                               "submit": "Save"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        strategy_at = forms.moment(form, "strategy_on", "strategy_time")
        responded_at = forms.moment(form, "responded_on", "responded_time")
        if not form.errors:
            try:
                services.update_mash(
                    seen, request.user, version=data["version"], rag=data["rag"],
                    strategy_at=strategy_at,
                    strategy_attendees=list(Agency.objects.filter(pk__in=data["strategy_attendees"])),
                    strategy_decision=data["strategy_decision"], responded_at=responded_at,
                    outcome=data["outcome"], request=request)
            except services.Conflict as exc:
                context |= _conflict(exc, {"rag": "RAG screening", "strategy_at": "Strategy discussion",
                                           "strategy_decision": "Decision",
                                           "responded_at": "Response", "outcome": "Outcome"},
                                     {**data, "strategy_at": strategy_at,
                                      "responded_at": responded_at})
                return _page(request, context, status=409)
            except CaseRuleError as exc:
                _errors(form, exc)
            else:
                return redirect("safeguarding:mash", referral.pk)
    return _page(request, context)


# --- domestic abuse --------------------------------------------------------------------------------


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk, services.DOMESTIC_ABUSE_TYPES)
    form = forms.ChecklistForm(request.POST or None, parties=parties_of(request.user, access))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_checklist(access, request.user, victim_id=data["victim"],
                                      completed_on=data["completed_on"],
                                      completed_by=data["completed_by"],
                                      yes_answers=data["yes_answers"],
                                      police_callouts=data["police_callouts"] or 0,
                                      professional_judgement=data["professional_judgement"],
                                      request=request)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", pk)
    return _page(request, {"case": access.case, "form": form,
                           "heading": "Record a risk checklist score", "submit": "Record the score",
                           "intro": "Enter how many questions were answered yes on your licensed "
                                    "copy of the risk checklist. The MARAC referral threshold is "
                                    "set by the partnership's rules."})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_marac(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk, services.DOMESTIC_ABUSE_TYPES)
    form = forms.MaracForm(request.POST or None, parties=parties_of(request.user, access),
                           checklists=list(RiskChecklist.objects.filter(case=access.case)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_to_marac(access, request.user, victim_id=data["victim"],
                                    referred_on=data["referred_on"], meeting_on=data["meeting_on"],
                                    checklist_id=data["checklist"], request=request)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", pk)
    return _page(request, {"case": access.case, "form": form, "heading": "Record a MARAC referral",
                           "submit": "Record the referral"})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def edit_marac(request: HttpRequest, pk: int) -> HttpResponse:
    seen = _seen_for_change(get_marac_referral_for_user(request.user, pk, CASES_EDIT))
    referral = seen.record
    case = seen.case_access.case
    form = forms.MaracEditForm(request.POST or None, initial={
        "version": referral.version, "referred_on": referral.referred_on,
        "meeting_on": referral.meeting_on})
    context: dict[str, Any] = {"case": case, "form": form, "thing": "MARAC referral",
                               "heading": "Change the MARAC referral", "submit": "Save changes"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_marac(seen, request.user, version=data["version"],
                                  referred_on=data["referred_on"], meeting_on=data["meeting_on"],
                                  request=request)
        except services.Conflict as exc:
            context |= _conflict(exc, {"referred_on": "Day of the referral",
                                       "meeting_on": "MARAC meeting"}, data)
            return _page(request, context, status=409)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, context)

"""The Case Review pages. Each finds its case through the case's access helper (outsiders 404,
members without the capability 403, a limited share 404), calls a rule in ``services`` and
audits every read. Addresses carry numeric ids and the stage's name only."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.casereview import forms, services
from saferplaces.apps.casereview.access import full_case_for_user, get_review_for_user
from saferplaces.apps.casereview.complaints import source_label, store_rows
from saferplaces.apps.casereview.figures import annual
from saferplaces.apps.cases.access import CaseAccess

STAGE_TITLES = {
    "acknowledgement": "Record the acknowledgement",
    "threshold": "Record the threshold decision",
    "meeting": "Record the review meeting",
    "recommendations": "Record the recommendations",
    "outcome": "Record the outcome",
    "escalation": "Record an escalation",
}


def _contributor(request: HttpRequest, pk: int) -> CaseAccess:
    access = full_case_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    return access


def _refused(form: Any, exc: services.ReviewRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _page(request: HttpRequest, template: str, context: dict[str, Any], form: Any,
          status: int | None = None) -> HttpResponse:
    return render(request, f"casereview/{template}", context,
                  status=status or (400 if form.errors else 200))


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk)
    case = access.case
    form = forms.ComplaintForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_complaint(access, request.user, complainant_id=int(data["complainant"]),
                                   behaviour_on=data["behaviour_on"],
                                   reported_on=data["reported_on"], channel=data["channel"],
                                   hate=data["hate"] == "yes", request=request)
        except services.ReviewRuleError as exc:
            _refused(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "add_complaint.html", {"case": case, "form": form}, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def record_explanation(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that you explained the Case Review to a complainant whose second report within
    six months asks for it."""
    access = _contributor(request, pk)
    case = access.case
    now = services.standing(case)
    due = [(p.complainant, now.labels.get(p.complainant, "A complainant")) for p in now.due]
    form = forms.ExplanationForm(request.POST or None, due=due,
                                 initial={"explained_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_explanation(access, request.user,
                                        complainant_key=data["complainant"],
                                        explained_on=data["explained_on"], how=data["how"],
                                        request=request)
        except services.ReviewRuleError as exc:
            _refused(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "explain.html", {"case": case, "form": form, "due": due}, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def link_complainant(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a party to their complainant reference in a log linked to the case, so their
    reports there and on the case count as one complainant's."""
    access = _contributor(request, pk)
    case = access.case
    found = sorted({row.source for row in store_rows(case) if row.victim_ref.strip()})
    sources = [(source, source_label(source).capitalize()) for source in found]
    form = forms.LinkForm(request.POST or None, case=case, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.link_complainant(access, request.user, person_id=int(data["person"]),
                                      source=data["source"], reference=data["reference"],
                                      request=request)
        except services.ReviewRuleError as exc:
            _refused(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "link_complainant.html", {"case": case, "form": form,
                                                    "sources": sources}, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def remove_link(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    """Remove a wrong complainant link, with the reason (kept; the count is recomputed)."""
    access = _contributor(request, pk)
    case = access.case
    found = next((item for item in services.current_links(case) if item.pk == link), None)
    if found is None:
        raise Http404("No such complainant link on this case.")
    form = forms.RemoveLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_complainant_link(access, request.user, found.pk,
                                             reason=form.cleaned_data["reason"], request=request)
        except services.ReviewRuleError as exc:
            _refused(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "remove_link.html", {"case": case, "form": form,
                                               "source": source_label(found.source)}, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk)
    case = access.case
    form = forms.ApplicationForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.apply(access, request.user, applied_on=data["applied_on"],
                                    channel=data["channel"],
                                    applicant_id=int(data["applicant"]) if data["applicant"]
                                    else None, request=request)
        except services.ReviewRuleError as exc:
            _refused(form, exc)
        else:
            return redirect("casereview:review", review.pk)
    return _page(request, "apply.html", {"case": case, "form": form}, form)


@requires(CASES_VIEW)
@require_GET
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = get_review_for_user(request.user, pk)
    record("view", request=request, object_type="case", object_id=review.case_id,
           fields=["case_review"])
    now = services.standing(access.case, review.applied_on)
    return render(request, "casereview/review.html", {
        "review": review, "case": access.case, "assessment": now.assessment,
        "stages": STAGE_TITLES,
        "can_record": access.contributes and has_capability(request.user, CASES_EDIT)})


def _stage_initial(review: Any, stage: str) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": review.version}
    for name in services.STAGES[stage]:
        value = getattr(review, name)
        if name == "threshold_met":
            value = "" if value is None else ("yes" if value else "no")
        initial[name] = value
    return initial


def _values(stage: str, data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in services.STAGES[stage]}
    if "threshold_met" in values:
        values["threshold_met"] = values["threshold_met"] == "yes"
    for name in ("threshold_reason", "recommendations", "outcome", "escalated_to"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def stage(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    """One stage of the review, guarded by its version: a stale save shows both versions."""
    if stage not in services.STAGES:
        raise Http404("No such stage.")
    review, access = get_review_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    form = forms.stage_form(stage)(request.POST or None, initial=_stage_initial(review, stage))
    context: dict[str, Any] = {"case": access.case, "review": review, "form": form,
                               "title": STAGE_TITLES[stage]}
    if request.method == "POST" and form.is_valid():
        try:
            services.record_stage(access, review, request.user, stage=stage,
                                  version=form.cleaned_data["version"],
                                  values=_values(stage, form.cleaned_data), request=request)
        except services.Conflict as exc:
            context |= {"conflict": exc, "conflict_rows": [
                {"field": form.fields[name].label, "mine": _shown(mine),
                 "theirs": _shown(getattr(exc.current, name))}
                for name, mine in exc.attempted.items()]}
            return _page(request, "stage.html", context, form, status=409)
        except services.ReviewRuleError as exc:
            _refused(form, exc)
        else:
            return redirect("casereview:review", review.pk)
    return _page(request, "stage.html", context, form)


def _shown(value: Any) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, bool):
        return "Met" if value else "Not met"
    return "" if value is None else str(value)


@requires(ASSESSMENTS_VIEW)
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    """The annual published figures for the whole partnership (aggregate only)."""
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    year = int(raw) if raw.isdigit() and 2014 <= int(raw) <= this_year + 1 else this_year - 1
    record("view", request=request, object_type="case-review-figures", fields=["year"])
    return render(request, "casereview/figures.html", {
        "figures": annual(year), "year": year,
        "years": list(range(this_year, 2013, -1))})

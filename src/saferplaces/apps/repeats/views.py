"""The repeat proposals pages: the agency's queue and one proposal (its evidence, accept and
dismiss). Each finds proposals through ``access`` (``cases.manage`` of the agency holding the
records; others 404), cases through ``get_case_for_user`` and incidents through the store's
access helper (``cases.linking``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_MANAGE
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import linking
from saferplaces.apps.cases.access import cases_for_user
from saferplaces.apps.repeats import forms, presenters, services
from saferplaces.apps.repeats.access import RECORD_TYPE, get_proposal_for_user, proposals_for_user
from saferplaces.apps.repeats.models import Proposal, Status

#: The most proposals the queue lists at once.
MOST_LISTED = 200


@requires(CASES_MANAGE)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's proposals waiting for a decision (or those accepted or dismissed)."""
    status = request.GET.get("status", Status.OPEN)
    if status not in Status.values:
        status = Status.OPEN
    found = (proposals_for_user(request.user).filter(status=status)
             .annotate(incidents_count=Count("evidence")))
    rows = [{"proposal": p, "subject": presenters.subject(p, request.user)}
            for p in found[:MOST_LISTED]]
    record("view", request=request, object_type=RECORD_TYPE, reason=f"queue: {status}")
    return render(request, "repeats/queue.html", {
        "rows": rows, "status": status, "statuses": Status.choices, "most": MOST_LISTED,
        "total": found.count()})


def _existing_case(request: HttpRequest, proposal: Proposal) -> Any:
    """The proposal's existing case, if the user's agency still sees it."""
    if proposal.existing_case_id is None:
        return None
    return cases_for_user(request.user).filter(pk=proposal.existing_case_id).first()


def _page(request: HttpRequest, proposal: Proposal, *, accept_form: Any = None,
          dismiss_form: Any = None, conflict: services.Conflict | None = None,
          status: int = 200) -> HttpResponse:
    existing = _existing_case(request, proposal)
    evidence = services.evidence_of(proposal).order_by("occurred", "pk")
    context = {
        "proposal": proposal, "subject": presenters.subject(proposal, request.user),
        "existing": existing, "rows": linking.incident_rows(request.user, evidence),
        "count": evidence.count(), "most": linking.MOST_FOUND,
        "accept_form": accept_form or forms.AcceptForm(
            proposal=proposal, case_reference=existing.reference if existing else None),
        "dismiss_form": dismiss_form or forms.DismissForm(initial={"version": proposal.version}),
        "decided_case": (cases_for_user(request.user).filter(pk=proposal.case_id).first()
                         if proposal.case_id else None),
    }
    if conflict is not None:
        context |= {"conflict": conflict, "conflict_rows": [
            {"field": "Status", "mine": dict(Status.choices).get(conflict.attempted["status"]),
             "theirs": conflict.current.get_status_display()},
            {"field": "Incidents", "mine": "the evidence as you saw it",
             "theirs": f"{context['count']} incidents now"}]}
    return render(request, "repeats/proposal.html", context, status=status)


@requires(CASES_MANAGE)
@require_GET
def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    record("view", request=request, object_type=RECORD_TYPE, object_id=pk)
    return _page(request, proposal)


@requires(CASES_MANAGE)
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    existing = _existing_case(request, proposal)
    form = forms.AcceptForm(request.POST, proposal=proposal,
                            case_reference=existing.reference if existing else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.accept(request.user, proposal, version=data["version"],
                                   link=data["decision"] == forms.LINK,
                                   case_type=data["case_type"], title=data["title"],
                                   risk=data["risk"], request=request)
        except services.Conflict as exc:
            return _page(request, exc.current, conflict=exc, status=409)
        except services.RepeatRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("cases:case", case.pk)
    return _page(request, proposal, accept_form=form, status=400)


@requires(CASES_MANAGE)
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    form = forms.DismissForm(request.POST)
    if form.is_valid():
        try:
            services.dismiss(request.user, proposal, version=form.cleaned_data["version"],
                             reason=form.cleaned_data["reason"], request=request)
        except services.Conflict as exc:
            return _page(request, exc.current, conflict=exc, status=409)
        except services.RepeatRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("repeats:queue")
    return _page(request, proposal, dismiss_form=form, status=400)

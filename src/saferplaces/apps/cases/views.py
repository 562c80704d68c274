"""The Cases pages. Each finds its case through ``get_case_for_user`` (outsiders 404, members
without the capability 403), calls a rule in ``services`` and writes every read to the audit
log. Search terms go in the body of a POST, never in the address."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import forms, linking, list_tags, presenters, services
from saferplaces.apps.cases.access import (
    CaseAccess,
    cases_for_user,
    get_case_for_user,
    get_referral_for_user,
    get_transfer_for_user,
    live_shares,
    referrals_for_user,
    transfers_for_user,
)
from saferplaces.apps.cases.models import Decision
from saferplaces.apps.cases.panels import panels_for
from saferplaces.apps.cases.sharing import lawful_bases
from saferplaces.apps.cases.types import case_type
from saferplaces.apps.people.access import people_for_user

PAGE_SIZE = 50


def _view(request: HttpRequest, pk: int, capability: str = CASES_VIEW) -> CaseAccess:
    return get_case_for_user(request.user, pk, capability)


def _errors(form: Any, exc: services.CaseRuleError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


def _page(request: HttpRequest, template: str, context: dict[str, Any],
          form: Any = None, status: int | None = None) -> HttpResponse:
    bad = form is not None and form.errors
    return render(request, f"cases/{template}", context, status=status or (400 if bad else 200))


@requires(CASES_VIEW)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case the user's agency owns, has a share of, or broke the glass for."""
    form = forms.CaseFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    cases = services.cases_filtered(cases_for_user(request.user), chosen.get("case_type", ""),
                                    chosen.get("status", ""))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    record("search", request=request, object_type="case",
           fields=[name for name, value in chosen.items() if value])
    agency = agency_of(request.user)
    rows = [{"case": case, "type": presenters.type_label(case),
             "lead": presenters.user_label(case.lead_officer),
             "ours": agency is not None and case.owner_agency_id == agency.pk,
             "tags": list_tags.tags_for(get_case_for_user(request.user, case.pk))}
            for case in page]
    return render(request, "cases/list.html", {
        "form": form, "rows": rows, "page": page,
        "can_create": has_capability(request.user, CASES_EDIT)})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    agency = agency_of(request.user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    form = forms.CreateCaseForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.create_case(request.user, case_type_key=data["case_type"],
                                        title=data["title"], summary=data["summary"],
                                        risk=data["risk"], lead_officer=data["lead_officer"],
                                        request=request)
        except services.CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "create.html", {"form": form, "agency": agency}, form)


@requires(CASES_VIEW)
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = _view(request, pk)
    record("view", request=request, object_type="case", object_id=pk)
    user = request.user
    case = access.case
    owner_edit = access.is_owner and has_capability(user, CASES_EDIT)
    context = {
        "access": access, "case": case, "type": presenters.type_label(case),
        "lead": presenters.user_label(case.lead_officer),
        "parties": presenters.parties_of(user, access),
        "incidents": presenters.incidents_of(user, access),
        "notes": access.notes(), "timeline": access.timeline(),
        "tasks": presenters.tasks_of(user, access),
        "can_edit": owner_edit,
        "can_contribute": access.contributes and has_capability(user, CASES_EDIT),
        "can_manage": access.is_owner and has_capability(user, CASES_MANAGE),
        "note_form": forms.NoteForm(owner=access.is_owner),
        **presenters.sharing_of(access),
        "panels": panels_for(request, access),
    }
    return render(request, "cases/case.html", context)


def _conflict_context(exc: services.Conflict) -> dict[str, Any]:
    current = exc.current
    rows = []
    for name, mine in exc.attempted.items():
        theirs = getattr(current, name, "")
        if name == "lead_officer_id":
            mine = presenters.user_label(_user(mine))
            theirs = presenters.user_label(current.lead_officer)
            name = "lead_officer"
        rows.append({"field": name.replace("_", " ").capitalize(), "mine": mine,
                     "theirs": theirs})
    return {"conflict": exc, "conflict_rows": rows, "current": current}


def _user(pk: int | None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk).first() if pk else None


def _owner_access(request: HttpRequest, pk: int, capability: str) -> CaseAccess:
    access = _view(request, pk, capability)
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns the case can do this.")
    return access


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's details, guarded by its version: a stale save shows both versions."""
    access = _owner_access(request, pk, CASES_EDIT)
    case = access.case
    form = forms.EditCaseForm(request.POST or None, initial=forms.EditCaseForm.initial_for(case),
                              agency=case.owner_agency)
    context: dict[str, Any] = {"case": case, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_details(access, request.user, version=data["version"],
                                    title=data["title"], summary=data["summary"],
                                    risk=data["risk"], lead_officer=data["lead_officer"],
                                    request=request)
        except services.Conflict as exc:
            context |= _conflict_context(exc)
            return _page(request, "edit.html", context, status=409)
        except services.CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "edit.html", context, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, pk: int) -> HttpResponse:
    access = _owner_access(request, pk, CASES_EDIT)
    case = access.case
    form = forms.StatusForm(request.POST or None, case=case, initial={"version": case.version})
    context: dict[str, Any] = {"case": case, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(access, request.user, version=data["version"],
                                   status=data["status"], closure_reason=data["closure_reason"],
                                   outcome=data["outcome"], request=request)
        except services.Conflict as exc:
            context |= _conflict_context(exc)
            return _page(request, "status.html", context, status=409)
        except services.CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "status.html", context, form)


def _contributor(request: HttpRequest, pk: int) -> CaseAccess:
    access = _view(request, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    return access


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_party(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk)
    case = access.case
    people = [(person.pk, person.name) for person in people_for_user(request.user)]
    form = forms.PartyForm(request.POST or None, people=people, kind=case_type(case.case_type),
                           user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_party(access, request.user, person_id=form.cleaned_data["person"],
                               role=form.cleaned_data["role"],
                               override_reason=form.cleaned_data.get("override_reason", ""),
                               request=request)
        except services.CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "add_party.html", {"case": case, "form": form,
                                             "is_owner": access.is_owner}, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def link_incidents(request: HttpRequest, pk: int) -> HttpResponse:
    """Search the store (POST: the place searched stays out of the address) and link what was
    found; only incidents the user may see can be listed or linked."""
    access = _contributor(request, pk)
    case = access.case
    cats = linking.categories(request.user)
    searching = request.method == "POST" and "link" not in request.POST
    form = forms.IncidentSearchForm(request.POST if searching else None, categories=cats)
    rows: list[linking.IncidentRow] | None = None
    if request.method == "POST" and "link" in request.POST:
        ids = [int(v) for v in request.POST.getlist("incident") if v.isdigit()]
        chosen = linking.visible_incidents(request.user).filter(pk__in=ids)
        services.link_incidents(access, request.user, chosen, request=request)
        return redirect("cases:case", case.pk)
    if searching and form.is_valid():
        data = form.cleaned_data
        found = linking.search_incidents(request.user, place=data["place"],
                                         first_month=data["first_month"] or None,
                                         last_month=data["last_month"] or None,
                                         category=data["category"])
        record("search", request=request, object_type="incident",
               fields=[name for name, value in data.items() if value])
        rows = linking.incident_rows(request.user, found)
    return _page(request, "link_incidents.html",
                 {"case": case, "form": form, "rows": rows, "most": linking.MOST_FOUND}, form)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    access = _contributor(request, pk)
    case = access.case
    form = forms.NoteForm(request.POST or None, owner=access.is_owner)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(access, request.user, text=form.cleaned_data["text"],
                              visibility=form.cleaned_data["visibility"], request=request)
        except services.CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, "add_note.html", {"case": case, "form": form}, form)


def _basis_context(exc: services.BasisRefused | None) -> dict[str, Any]:
    return {"refused": exc.check if exc else None, "bases": lawful_bases()}


def _disclose(request: HttpRequest, pk: int, form_class: type[forms.BasisForm], template: str,
              act: Callable[[CaseAccess, dict[str, Any]], object],
              extra: Callable[[CaseAccess], dict[str, Any]] = lambda access: {}) -> HttpResponse:
    """The share, refer and transfer pages (owner case managers): the other agency, the
    lawful basis or consent, and the override for those who hold it. A refusal shows, party
    by party, who is not covered, and saves nothing."""
    access = _owner_access(request, pk, CASES_MANAGE)
    case = access.case
    form = form_class(request.POST or None, user=request.user, case=case)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            act(access, form.cleaned_data)
        except services.BasisRefused as exc:
            refused = exc
            _errors(form, exc)
        except services.CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("cases:case", case.pk)
    return _page(request, template, {"case": case, "form": form, **extra(access),
                                     **_basis_context(refused)}, form)


def _on_basis(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {"agency": data["agency"], "basis": data["basis"],
            "override_reason": data.get("override_reason", ""), "request": request}


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share with another agency, on consent or a lawful basis for every person party."""
    return _disclose(request, pk, forms.ShareForm, "share.html",
                     lambda access, data: services.share_case(
                         access, request.user, level=data["level"], **_on_basis(request, data)),
                     presenters.sharing_of)


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def end_share(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    """End a share: a GET asks first (GOV.UK confirmation page, no script needed), the POST from
    it ends the share. A share already ended goes back to the sharing page."""
    access = _owner_access(request, pk, CASES_MANAGE)
    if request.method == "GET":
        ending = live_shares(access.case).filter(pk=share_pk).select_related("agency").first()
        if ending is None:
            return redirect("cases:share", access.case.pk)
        return render(request, "cases/end_share.html", {"case": access.case, "share": ending})
    with suppress(services.CaseRuleError):  # already ended: the page shows them as they are
        services.end_share(access, request.user, share_pk, request=request)
    return redirect("cases:share", access.case.pk)


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    return _disclose(request, pk, forms.ReferForm, "refer.html",
                     lambda access, data: services.refer_case(
                         access, request.user, reason=data["reason"], **_on_basis(request, data)),
                     lambda access: {"kind": case_type(access.case.case_type)})


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer ownership: it discloses every party, so consent or a basis as for a share."""
    return _disclose(request, pk, forms.TransferForm, "transfer.html",
                     lambda access, data: services.offer_transfer(
                         access, request.user, reason=data["reason"], **_on_basis(request, data)))


@requires(CASES_MANAGE)
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """Referrals to and from the user's agency; overdue ones marked for both."""
    agency = agency_of(request.user)
    items = list(referrals_for_user(request.user))
    for item in items:
        item.overdue = services.is_overdue(item)  # type: ignore[attr-defined]
    record("view", request=request, object_type="referral")
    return render(request, "cases/referrals.html", {
        "incoming": [r for r in items if agency and r.to_agency_id == agency.pk],
        "outgoing": [r for r in items if agency and r.from_agency_id == agency.pk]})


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_referral_for_user(request.user, pk)
    agency = agency_of(request.user)
    answerable = (agency is not None and item.to_agency_id == agency.pk
                  and item.status == Decision.PENDING)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST":
        if not answerable:
            raise PermissionDenied("Only the agency it was made to can answer it, once.")
        if form.is_valid():
            try:
                services.decide_referral(request.user, item,
                                         accept=form.cleaned_data["decision"] == "accept",
                                         reason=form.cleaned_data["reason"], request=request)
            except services.CaseRuleError as exc:
                _errors(form, exc)
            else:
                return redirect("cases:referral", item.pk)
    else:
        record("view", request=request, object_type="referral", object_id=item.pk)
    item.overdue = services.is_overdue(item)  # type: ignore[attr-defined]
    return _page(request, "referral.html", {"item": item, "form": form,
                                            "answerable": answerable,
                                            "type": presenters.type_label(item.case)}, form)


@requires(CASES_MANAGE)
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    agency = agency_of(request.user)
    items = list(transfers_for_user(request.user))
    record("view", request=request, object_type="transfer")
    return render(request, "cases/transfers.html", {
        "incoming": [t for t in items if agency and t.to_agency_id == agency.pk],
        "outgoing": [t for t in items if agency and t.from_agency_id == agency.pk]})


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def transfer_offer(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_transfer_for_user(request.user, pk)
    agency = agency_of(request.user)
    answerable = (agency is not None and item.to_agency_id == agency.pk
                  and item.status == Decision.PENDING)
    form = forms.DecisionForm(request.POST or None, decline_label="Reject")
    if request.method == "POST":
        if not answerable:
            raise PermissionDenied("Only the agency it was offered to can answer it, once.")
        if form.is_valid():
            try:
                services.decide_transfer(request.user, item,
                                         accept=form.cleaned_data["decision"] == "accept",
                                         reason=form.cleaned_data["reason"], request=request)
            except services.CaseRuleError as exc:
                _errors(form, exc)
            else:
                return redirect("cases:transfer-offer", item.pk)
    else:
        record("view", request=request, object_type="transfer", object_id=item.pk)
    return _page(request, "transfer_offer.html", {"item": item, "form": form,
                                                  "answerable": answerable,
                                                  "type": presenters.type_label(item.case)}, form)


"""The data protection pages: exports of case and people lists, subject access for one person,
and the retention review with deletion. Thin views over :mod:`.exports`, :mod:`.sar` and
:mod:`.retention`; records are reached only through the access helpers (outsiders 404,
members without the capability 403). Nothing personal in an address or a file name."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
from saferplaces.apps.dataprotection import exports, retention, review, sar
from saferplaces.apps.dataprotection.forms import (
    CaseFilterForm,
    PeopleFilterForm,
    ReasonForm,
    ReviewForm,
    SubjectAccessForm,
)
from saferplaces.apps.people.access import get_person_for_user

__all__ = ["cases_csv", "cases_xlsx", "exports_page", "people_csv", "people_xlsx",
           "retention_delete", "retention_review", "subject_access"]

GET_POST = require_http_methods(["GET", "POST"])
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
}


def _download(content: bytes | str, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------ exports


def _exports_page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = {"case_filters": CaseFilterForm(), "people_filters": PeopleFilterForm(),
               "cases_reason": ReasonForm(prefix="cases"),
               "people_reason": ReasonForm(prefix="people"),
               "can_unredact": has_capability(request.user, CASES_MANAGE)}
    context.update(forms)
    return render(request, "dataprotection/exports.html", context, status=status)


@requires(CASES_VIEW)
@require_GET
@never_cache
def exports_page(request: HttpRequest) -> HttpResponse:
    """What can be exported, redacted or not, and the forms to do it."""
    return _exports_page(request)


def _export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """GET: the redacted list; POST (``cases.manage``, a reason): the unredacted one."""
    unredacted = request.method == "POST"
    if unredacted:
        require_capability(request.user, CASES_MANAGE)
    source = request.POST if unredacted else request.GET
    filters: CaseFilterForm | PeopleFilterForm = (
        CaseFilterForm(source) if kind == "cases" else PeopleFilterForm(source))
    reason = ReasonForm(request.POST, prefix=kind) if unredacted else None
    if not filters.is_valid() or (reason is not None and not reason.is_valid()):
        forms: dict[str, Any] = {f"{'case' if kind == 'cases' else 'people'}_filters": filters}
        if reason is not None:
            forms[f"{kind}_reason"] = reason
        return _exports_page(request, status=400, **forms)
    data = filters.cleaned_data
    if kind == "cases":
        table = exports.case_table(request.user, redact=not unredacted,
                                   case_type_key=data["case_type"], status=data["status"])
    else:
        table = exports.people_table(request.user, redact=not unredacted,
                                     owned_only=data["held"] == "ours")
    why = exports.describe(table, fmt, filters.filters())
    why += f"; unredacted: {reason.cleaned_data['reason']}" if reason is not None else "; redacted"
    record("export", request=request, object_type="case-list" if kind == "cases" else "person-list",
           reason=why)
    content = exports.csv_bytes(table) if fmt == "csv" else exports.xlsx_bytes(table)
    return _download(content, fmt, exports.file_name(kind, fmt, not unredacted))


@requires(CASES_VIEW)
@GET_POST
@never_cache
def cases_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "cases", "csv")


@requires(CASES_VIEW)
@GET_POST
@never_cache
def cases_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "cases", "xlsx")


@requires(CASES_VIEW)
@GET_POST
@never_cache
def people_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "people", "csv")


@requires(CASES_VIEW)
@GET_POST
@never_cache
def people_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "people", "xlsx")


# ------------------------------------------------------------------------------ subject access


@requires(CASES_MANAGE)
@GET_POST
@never_cache
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """A subject access copy of one person, by a case manager of the agency holding them: a
    draft for review, then the release with each note and file disclosed or withheld."""
    access = get_person_for_user(request.user, pk, CASES_MANAGE)
    if access.scope != "owner":
        raise PermissionDenied("The agency that holds the record answers its subject access "
                               "requests.")
    person = access.person
    form = SubjectAccessForm(request.POST or None)
    redact = form.data.get("others", "redact") != "include"
    data = sar.subject_access(person, redact=redact, viewer=request.user)
    # bound (checked) only for a release; a draft keeps the choices made so far as they are
    releasing = request.method == "POST" and request.POST.get("stage") == "release"
    review_form = ReviewForm(review.items(data), request.POST if releasing else None,
                             initial=request.POST.dict() if request.method == "POST" else None)
    if (request.method == "POST" and form.is_valid()
            and (not releasing or review_form.is_valid())):
        summary = None
        if releasing:
            decisions = review_form.decisions()
            data = review.release(data, decisions)
            summary = review.audit_summary(decisions)
        sar.audit_export(person, redact=redact, reason=form.cleaned_data["reason"],
                         request=request, where=" (web)", released=summary)
        stem = sar.file_stem(person.pk, timezone.localdate(), draft=not releasing)
        if form.cleaned_data["format"] == "json":
            return _download(sar.to_json(data), "json", f"{stem}.json")
        return _download(sar.render_pdf(data), "pdf", f"{stem}.pdf")
    record("view", request=request, object_type="person", object_id=person.pk,
           reason="subject access page")
    failed = bool(form.errors) or (releasing and bool(review_form.errors))
    return render(request, "dataprotection/subject_access.html",
                  {"person": person, "form": form, "review": review_form},
                  status=400 if failed else 200)


# ------------------------------------------------------------------------------ retention


@requires(CASES_MANAGE)
@require_GET
@never_cache
def retention_review(request: HttpRequest) -> HttpResponse:
    """The agency's closed cases past their retention period, and those it cannot work out."""
    agency = agency_of(request.user)
    cases = cases_for_user(request.user, CASES_MANAGE).filter(owner_agency=agency)
    found = retention.review(cases)
    record("view", request=request, object_type="case-list",
           reason=f"retention review: {len(found.due)} due, {len(found.undecided)} undecided")
    return render(request, "dataprotection/retention.html", {"review": found})


@requires(CASES_MANAGE)
@GET_POST
@never_cache
def retention_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one due case of the user's agency, with a reason (audited)."""
    access = get_case_for_user(request.user, pk, CASES_MANAGE)
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns a case deletes it.")
    case = access.case
    due = retention.assess(case)
    today = timezone.localdate()
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = retention.delete_case(case, reason=form.cleaned_data["reason"],
                                         request=request, today=today)
        except retention.RetentionError as error:
            form.add_error("reason" if "reason" in str(error) else None, str(error))
        else:
            messages.success(request, f"{done.reference} deleted, with {done.people} "
                                      f"{'person' if done.people == 1 else 'people'} held only "
                                      f"in it")
            return redirect("dataprotection:retention")
    return render(request, "dataprotection/retention_delete.html",
                  {"case": case, "due": due, "is_due": due is not None and due.is_due(today),
                   "form": form}, status=400 if form.errors else 200)

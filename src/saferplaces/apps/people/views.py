"""The people pages (``/people/``): thin views over :mod:`.access`, :mod:`.services`,
:mod:`.duplicates` and :mod:`.merging`.

Every person is reached through ``get_person_for_user`` (an outsider gets 404, a member without
the capability 403); every page that shows a person records a read, every change an audit
event. Addresses hold numeric ids only. Pages with personal data are never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW, USERS_MANAGE
from saferplaces.apps.audit.services import record
from saferplaces.apps.people import merging, services
from saferplaces.apps.people.access import (
    RECORD_TYPE,
    PersonAccess,
    agencies_working_with,
    get_person_for_user,
    people_for_user,
)
from saferplaces.apps.people.duplicates import Proposal, check_for_user, person_from_token
from saferplaces.apps.people.forms import (
    AccessRequestForm,
    AddressForm,
    AliasForm,
    CloseAddressForm,
    ConsentForm,
    DecisionForm,
    MergeForm,
    PersonForm,
    ReasonForm,
    RestrictionsForm,
)
from saferplaces.apps.people.models import AccessRequestStatus, Person, ProfileAccessRequest
from saferplaces.apps.people.presenters import detail_rows, person_summary, visible_cases

__all__ = ["add_address", "add_alias", "close_address", "consent", "decide", "edit", "index",
           "merge", "merge_record", "merges", "new", "person", "request_access",
           "request_match_access", "requests", "restrictions", "reveal_address"]

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 50


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one), else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _form_error(form: Any, error: ValidationError, field: str | None = None) -> None:
    for message in error.messages:
        form.add_error(field, message)


# ------------------------------------------------------------------------------ list and create


@requires(CASES_VIEW)
@require_GET
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    """Everyone in the agency's scope, by name; locked-down profiles as their name only."""
    page = Paginator(people_for_user(request.user).select_related("owner_agency"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [person_summary(get_person_for_user(request.user, person.pk), timezone.localdate())
            for person in page.object_list]
    record("view", request=request, object_type="person-list",
           reason=f"page {page.number}, {len(rows)} people")
    return render(request, "people/index.html", {
        "rows": rows, "page": page, "can_add": has_capability(request.user, CASES_EDIT),
        "can_manage": has_capability(request.user, CASES_MANAGE)})


@requires(CASES_EDIT)
@GET_POST
@never_cache
def new(request: HttpRequest) -> HttpResponse:
    """Add a person: the duplicate check runs first; the user may then go on anyway."""
    form = PersonForm(_posted(request), new=True)
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "create_anyway" not in request.POST:
            check = check_for_user(request.user, Proposal(
                given_name=data["given_name"], family_name=data["family_name"],
                aliases=tuple(data["aliases"]), date_of_birth=data["date_of_birth"],
                estimated_age=data["estimated_age"],
                postcodes=(data["postcode"],) if data["postcode"] else (),
                addresses=(data["address"],) if data["address"] else ()))
            record("search", request=request, object_type=RECORD_TYPE,
                   reason=f"duplicate check: {len(check.visible)} visible, "
                          f"{len(check.held_by)} held by other agencies")
        if not check:
            person = services.create_person(request.user, data, request=request)
            messages.success(request, "Person added")
            return redirect("people:person", pk=person.pk)
    return render(request, "people/new.html", {"form": form, "check": check},
                  status=400 if form.errors else 200)


@requires(CASES_VIEW)
@require_POST
@never_cache
def request_match_access(request: HttpRequest) -> HttpResponse:
    """Ask the agency holding a possible duplicate for access (the duplicate check's token names
    the record; the user never learns more than the agency's name)."""
    form = AccessRequestForm(request.POST)
    target = person_from_token(request.user, request.POST.get("token", ""))
    if target is None:
        raise Http404("This possible match can no longer be asked about: run the check again.")
    if form.is_valid():
        try:
            services.request_access(request.user, target, form.cleaned_data["reason"],
                                    request=request)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, f"Request sent to {target.owner_agency.name}")
        return redirect("people:index")
    return render(request, "people/request_access.html",
                  {"form": form, "agency": target.owner_agency, "action": "people:request-match"},
                  status=400)


# ------------------------------------------------------------------------------ one person


def _person_page(request: HttpRequest, access: PersonAccess, *, revealed: list[Any] | None = None,
                 reveal_form: ReasonForm | None = None, status: int = 200) -> HttpResponse:
    person = access.person
    today = timezone.localdate()
    user = request.user
    agency = agency_of(user)
    context: dict[str, Any] = {"access": access, "person": person, "today": today,
                               "owner": access.scope == "owner"}
    if person.merged_into_id is not None:
        return render(request, "people/merged.html", context, status=status)
    if not access.full:
        context["agencies"] = agencies_working_with(person)
        context["pending"] = ProfileAccessRequest.objects.filter(
            person=person, agency=agency, status=AccessRequestStatus.PENDING).exists()
        return render(request, "people/stub.html", context, status=status)
    context.update({
        "summary": person_summary(access, today),
        "rows": detail_rows(person, today),
        "aliases": person.aliases.all(),
        "addresses": (revealed if revealed is not None
                      else None if access.address_hidden else person.addresses.all()),
        "revealed": revealed is not None,
        "reveal_form": reveal_form or ReasonForm(),
        "consents": person.consents.select_related("recorded_by"),
        "cases": visible_cases(user, person),
        "can_edit": (has_capability(user, CASES_EDIT) and access.scope != "break-glass"),
        "can_change_address": (has_capability(user, CASES_EDIT) and access.scope != "break-glass"
                               and (not person.confidential_address or access.can_reveal_address)),
        "can_manage": access.scope == "owner" and has_capability(user, CASES_MANAGE),
        "can_record_consent": access.scope == "owner" and has_capability(user, CASES_EDIT),
    })
    if context["can_manage"]:
        context["pending_requests"] = person.access_requests.filter(
            status=AccessRequestStatus.PENDING).count()
    return render(request, "people/person.html", context, status=status)


@requires(CASES_VIEW)
@require_GET
@never_cache
def person(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_person_for_user(request.user, pk)
    services.record_read(request.user, access, request=request)
    return _person_page(request, access)


@requires(CASES_MANAGE)
@require_POST
@never_cache
def reveal_address(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a confidential address, this once, to an owner case manager who gives a reason."""
    access = get_person_for_user(request.user, pk)
    if not access.can_reveal_address:
        raise PermissionDenied("You may not see this address.")
    form = ReasonForm(request.POST)
    if form.is_valid():
        addresses = services.reveal_address(request.user, access, form.cleaned_data["reason"],
                                            request=request)
        return _person_page(request, access, revealed=addresses)
    services.record_read(request.user, access, request=request)
    return _person_page(request, access, reveal_form=form, status=400)


def _changeable(request: HttpRequest, pk: int) -> PersonAccess:
    access = get_person_for_user(request.user, pk, CASES_EDIT)
    if not access.full or access.scope == "break-glass" or access.person.merged_into_id:
        raise PermissionDenied("You may read this record but not change it.")
    return access


@requires(CASES_EDIT)
@GET_POST
@never_cache
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the details; a save made from an older version saves nothing and shows both."""
    access = _changeable(request, pk)
    person = access.person
    form = PersonForm(_posted(request), new=False, initial=PersonForm.initial_for(person))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_person(request.user, access, form.cleaned_data,
                                 form.cleaned_data["version"], request=request)
        except services.EditConflict as error:
            conflict = error.current
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form = PersonForm(data, new=False)
            form.is_valid()
        else:
            messages.success(request, "Details saved")
            return redirect("people:person", pk=pk)
    else:
        services.record_read(request.user, access, request=request)
    context = {"form": form, "person": person, "conflict": conflict,
               "current_rows": detail_rows(conflict, timezone.localdate()) if conflict else None}
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "people/edit.html", context, status=status)


def _small_form(request: HttpRequest, access: PersonAccess, form: Any, template: str,
                save: Any, done: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, done)
            return redirect("people:person", pk=access.person.pk)
    return render(request, template, {"form": form, "person": access.person},
                  status=400 if form.errors else 200)


@requires(CASES_EDIT)
@GET_POST
@never_cache
def add_alias(request: HttpRequest, pk: int) -> HttpResponse:
    access = _changeable(request, pk)
    return _small_form(request, access, AliasForm(_posted(request)), "people/alias.html",
                       lambda data: services.add_alias(request.user, access, data["name"],
                                                       request=request), "Other name added")


@requires(CASES_EDIT)
@GET_POST
@never_cache
def add_address(request: HttpRequest, pk: int) -> HttpResponse:
    access = _changeable(request, pk)
    if access.person.confidential_address and not access.can_reveal_address:
        raise PermissionDenied("This person's address is confidential.")
    form = AddressForm(_posted(request), initial={"current": True})
    return _small_form(request, access, form, "people/address.html",
                       lambda data: services.add_address(
                           request.user, access, data["text"], data["postcode"], data["since"],
                           current=data["current"], request=request), "Address added")


@requires(CASES_EDIT)
@GET_POST
@never_cache
def close_address(request: HttpRequest, pk: int, address_id: int) -> HttpResponse:
    access = _changeable(request, pk)
    if access.person.confidential_address and not access.can_reveal_address:
        raise PermissionDenied("This person's address is confidential.")
    if not access.person.addresses.filter(pk=address_id, until__isnull=True).exists():
        raise Http404("No such current address.")
    return _small_form(request, access, CloseAddressForm(_posted(request)),
                       "people/close_address.html",
                       lambda data: services.close_address(request.user, access, address_id,
                                                           data["until"], request=request),
                       "Address closed")


@requires(CASES_EDIT)
@GET_POST
@never_cache
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record consent to share: the agency that holds the person only (others 403)."""
    access = _changeable(request, pk)
    if access.scope != "owner":
        raise PermissionDenied("Only the agency that holds this person's record may record "
                               "their consent.")
    form = ConsentForm(_posted(request), initial={"recorded_on": timezone.localdate()},
                       person=access.person)
    return _small_form(request, access, form, "people/consent.html",
                       lambda data: services.record_consent(
                           request.user, access, data["status"], data["recorded_on"],
                           data["note"], request=request), "Consent recorded")


@requires(CASES_MANAGE)
@GET_POST
@never_cache
def restrictions(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock the profile down and mark the address confidential (owner case managers)."""
    access = get_person_for_user(request.user, pk, CASES_MANAGE)
    if access.scope != "owner" or access.person.merged_into_id:
        raise PermissionDenied("Only the agency that owns this record may change this.")
    person = access.person
    form = RestrictionsForm(_posted(request), initial={
        "locked_down": person.locked_down, "confidential_address": person.confidential_address,
        "version": person.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_restrictions(request.user, access, locked_down=data["locked_down"],
                                      confidential_address=data["confidential_address"],
                                      version=data["version"], request=request)
        except services.EditConflict as error:
            conflict = True
            person = error.current
            form = RestrictionsForm(initial={"locked_down": person.locked_down,
                                             "confidential_address": person.confidential_address,
                                             "version": person.version})
        else:
            messages.success(request, "Restrictions saved")
            return redirect("people:person", pk=pk)
    return render(request, "people/restrictions.html",
                  {"form": form, "person": person, "conflict": conflict},
                  status=409 if conflict else 200)


@requires(CASES_VIEW)
@GET_POST
@never_cache
def request_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the owner of a locked-down profile for the full record."""
    access = get_person_for_user(request.user, pk)
    if access.full:
        return redirect("people:person", pk=pk)
    form = AccessRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_access(request.user, access.person, form.cleaned_data["reason"],
                                    request=request)
        except ValidationError as error:
            _form_error(form, error, "reason")
        else:
            messages.success(request, f"Request sent to {access.person.owner_agency.name}")
            return redirect("people:person", pk=pk)
    return render(request, "people/request_access.html",
                  {"form": form, "agency": access.person.owner_agency, "person": access.person},
                  status=400 if form.errors else 200)


# ------------------------------------------------------------------------------ requests


@requires(CASES_MANAGE)
@require_GET
@never_cache
def requests(request: HttpRequest) -> HttpResponse:
    """Requests for the agency's locked-down profiles, waiting for an answer."""
    return render(request, "people/requests.html",
                  {"pending": services.pending_requests_for(request.user)})


@requires(CASES_MANAGE)
@GET_POST
@never_cache
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    asked = services.get_request_for_user(request.user, pk)
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_request(request.user, asked, grant=data["decision"] == "grant",
                                    until=data["until"], reason=data["reason"], request=request)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Access given" if data["decision"] == "grant"
                             else "Request declined")
            return redirect("people:requests")
    return render(request, "people/decide.html", {"form": form, "asked": asked},
                  status=400 if form.errors else 200)


# ------------------------------------------------------------------------------ merging


@requires(CASES_MANAGE)
@GET_POST
@never_cache
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge another of the agency's records into this one (or this into it)."""
    first = get_person_for_user(request.user, pk, CASES_MANAGE)
    if first.scope != "owner" or first.person.merged_into_id:
        raise PermissionDenied("Only the agency that holds both records may merge them.")
    other_id = request.POST.get("with") or request.GET.get("with")
    if not other_id or not str(other_id).isdigit():
        choices = (people_for_user(request.user, CASES_MANAGE)
                   .filter(owner_agency=first.person.owner_agency).exclude(pk=pk))
        return render(request, "people/merge_pick.html",
                      {"person": first.person, "choices": choices})
    second = get_person_for_user(request.user, int(other_id), CASES_MANAGE)
    if second.scope != "owner" or second.person.merged_into_id or second.person.pk == pk:
        raise Http404("No such record to merge.")
    differing = merging.differing_fields(first.person, second.person)
    form = MergeForm(_posted(request), first=first.person, second=second.person,
                     differing=differing)
    if request.method == "POST" and form.is_valid():
        keep = int(form.cleaned_data["keep"])
        kept, gone = (first, second) if keep == first.person.pk else (second, first)
        sources = {name: "kept" if int(form.cleaned_data[f"field_{name}"] or keep) == keep
                   else "merged" for name in differing}
        try:
            merging.merge_people(request.user, kept, gone, sources, request=request)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Record {gone.person.pk} merged into record "
                                      f"{kept.person.pk}")
            return redirect("people:person", pk=kept.person.pk)
    for side in (first, second):
        services.record_read(request.user, side, request=request)
    today = timezone.localdate()
    rows = [{"field": form[f"field_{name}"], "first": cell_a, "second": cell_b}
            for name, cell_a, cell_b in _compare(first.person, second.person, differing, today)]
    return render(request, "people/merge.html", {
        "form": form, "first": first.person, "second": second.person, "rows": rows},
        status=400 if form.errors else 200)


def _compare(first: Person, second: Person, names: list[str], today: Any
             ) -> list[tuple[str, str, str]]:
    cells_a = {row["name"]: row["value"] for row in detail_rows(first, today, raw=True)}
    cells_b = {row["name"]: row["value"] for row in detail_rows(second, today, raw=True)}
    return [(name, cells_a.get(name, ""), cells_b.get(name, "")) for name in names]


@requires(USERS_MANAGE)
@require_GET
@never_cache
def merges(request: HttpRequest) -> HttpResponse:
    """The agency's merges (a site administrator's: all), each of which can be undone."""
    return render(request, "people/merges.html",
                  {"merges": merging.merges_for_user(request.user)[:200]})


@requires(USERS_MANAGE)
@GET_POST
@never_cache
def merge_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One merge: where each field came from; undo it."""
    merge_ = merging.get_merge_for_user(request.user, pk)
    if request.method == "POST":
        try:
            merging.undo_merge(request.user, merge_, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Merge undone: records {merge_.kept_id} and "
                                      f"{merge_.merged_id} are separate again")
        return redirect("people:merge-record", pk=pk)
    sources = sorted(merge_.field_sources.items())
    return render(request, "people/merge_record.html", {"merge": merge_, "sources": sources})

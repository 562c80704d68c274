"""The operations pages: the list, an operation (details, activity, legacy actions, linked
cases), recording and changing one. Operations come through ``get_operation_for_user``
(outsiders 404, members without the capability 403); cases through ``get_case_for_user``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, CASES_EDIT, OPERATIONS_RECORD
from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import cases_for_user
from saferplaces.apps.incidents.access import stored_categories
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.operations import forms, services
from saferplaces.apps.operations.access import (
    OperationAccess,
    cases_of_operation,
    get_operation_for_user,
    operations_for_user,
)
from saferplaces.apps.operations.models import LegacyAction
from saferplaces.apps.operations.presenters import (
    activity_label,
    dates_label,
    legacy_rows,
    place_label,
)
from saferplaces.apps.pspo.access import orders_for_user

#: Area kinds offered as an operation's areas (LSOAs are too many to tick: draw a polygon).
AREA_KINDS = ("ward", "neighbourhood", "msoa", "town-centre", "pspo", "custom")


def _errors(form: Any, exc: services.OperationRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@requires(ASSESSMENTS_VIEW)
@require_GET
def operation_list(request: HttpRequest) -> HttpResponse:
    """The operations the user's agency leads or joins, latest first."""
    operations = list(operations_for_user(request.user).prefetch_related("areas")[:500])
    record("view", request=request, object_type="operation")
    rows = [{"operation": op, "dates": dates_label(op.start, op.end), "place": place_label(op)}
            for op in operations]
    return render(request, "operations/list.html", {
        "rows": rows, "can_record": has_capability(request.user, OPERATIONS_RECORD)
        and agency_of(request.user) is not None})


def _form(request: HttpRequest, data: Any = None, initial: dict[str, Any] | None = None,
          lead: Agency | None = None) -> forms.OperationForm:
    lead = lead or agency_of(request.user)
    areas = Area.objects.filter(kind__in=AREA_KINDS).order_by("kind", "name")
    partners = Agency.objects.filter(active=True)
    if lead is not None:
        partners = partners.exclude(pk=lead.pk)
    return forms.OperationForm(
        data, initial=initial,
        categories=[(c, c) for c in stored_categories()],
        areas=[(a.pk, f"{a.name} ({a.get_kind_display()})") for a in areas],
        partners=[(a.pk, a.name) for a in partners.order_by("name")],
        orders=[(o.pk, o.title) for o in orders_for_user(request.user).order_by("title")])


def _days() -> int:
    return services.street_week_days(timezone.localdate())


def _details(data: dict[str, Any]) -> services.OperationDetails:
    return services.OperationDetails(
        name=data["name"], kind=data["kind"], purpose=data.get("purpose", ""),
        start=data["start"], end=data["end"], categories=data.get("categories", []),
        area_ids=data.get("areas", []), polygon=data.get("polygon") or None,
        partner_ids=data.get("partners", []), pspo_id=data.get("pspo"))


def _adopted(request: HttpRequest) -> StreetWeek | None:
    raw = request.GET.get("street_week") or request.POST.get("street_week")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404("No such Street Week.")
    week = StreetWeek.objects.filter(pk=int(raw), operation__isnull=True).first()
    if week is None:
        raise Http404("No such Street Week.")
    return week


@requires(OPERATIONS_RECORD)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Record an operation led by the user's agency (or take over a Street Week recorded on the
    ranking page: ``?street_week=<id>``)."""
    if agency_of(request.user) is None:
        raise PermissionDenied("Only a member of a partner agency can record an operation.")
    week = _adopted(request)
    initial: dict[str, Any] = {}
    if week is not None:
        area = Area.objects.filter(code=week.area_code).order_by("pk").first()
        initial = {"name": f"Street Week in {week.area_name}", "kind": "street-week",
                   "start": week.start, "end": week.end, "areas": [area.pk] if area else []}
    form = _form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.create_operation(request.user, _details(form.cleaned_data),
                                                  adopt=week, request=request)
        except services.OperationRuleError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{operation.name} recorded.")
            return redirect("operations:operation", operation.pk)
    return render(request, "operations/form.html", {"form": form, "week": week,
                                                    "street_week_days": _days()},
                  status=400 if form.errors else 200)


def _operation_page(request: HttpRequest, access: OperationAccess, *,
                    activity_form: forms.ActivityForm | None = None,
                    legacy_form: forms.LegacyForm | None = None,
                    link_form: forms.LinkCaseForm | None = None, status: int = 200
                    ) -> HttpResponse:
    operation = access.operation
    agencies = [operation.lead_agency, *operation.partner_agencies.order_by("name")]
    months = services.legacy_follow_up_months(operation.end)
    activities = [{"activity": a, "label": activity_label(a.kind)}
                  for a in operation.activities.select_related("agency").order_by("-day", "-pk")[:200]]
    context = {
        "operation": operation, "access": access, "dates": dates_label(operation.start, operation.end),
        "place": place_label(operation), "partners": agencies[1:],
        "totals": services.activity_totals(operation), "activities": activities,
        "legacy": legacy_rows(operation.legacy_actions.select_related("owner_agency", "owner")),
        "cases": cases_of_operation(request.user, operation),
        "can_link": access.records and has_capability(request.user, CASES_EDIT),
        "activity_form": activity_form or forms.ActivityForm(initial={"day": operation.start}),
        "legacy_form": legacy_form or forms.LegacyForm(
            agencies=[(a.pk, a.name) for a in agencies], months=months),
        "link_form": link_form or forms.LinkCaseForm(),
        "follow_up_default": services.default_follow_up(operation),
    }
    return render(request, "operations/operation.html", context, status=status)


@requires(ASSESSMENTS_VIEW)
@require_GET
def operation(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_operation_for_user(request.user, pk)
    record("view", request=request, object_type="operation", object_id=pk)
    return _operation_page(request, access)


def _conflict_rows(exc: services.Conflict) -> list[dict[str, Any]]:
    return [{"field": name.replace("_", " ").capitalize(), "mine": mine,
             "theirs": getattr(exc.current, name)} for name, mine in exc.attempted.items()]


@requires(OPERATIONS_RECORD)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an operation (its lead agency)."""
    access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
    access.require_edits()
    op = access.operation
    initial = {"name": op.name, "kind": op.kind, "purpose": op.purpose,
               "categories": op.target_categories, "areas": [a.pk for a in op.areas.all()],
               "polygon": "" if not op.polygon else json.dumps(op.polygon),
               "start": op.start, "end": op.end,
               "partners": [a.pk for a in op.partner_agencies.all()], "pspo": op.pspo_id,
               "version": op.version}
    form = _form(request, request.POST or None, initial=initial, lead=op.lead_agency)
    context: dict[str, Any] = {"form": form, "operation": op, "street_week_days": _days()}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_operation(access, request.user, _details(form.cleaned_data),
                                      version=form.cleaned_data.get("version") or 0,
                                      request=request)
        except services.Conflict as exc:
            context |= {"conflict": exc, "conflict_rows": _conflict_rows(exc)}
            return render(request, "operations/form.html", context, status=409)
        except services.OperationRuleError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{op.name} changed.")
            return redirect("operations:operation", op.pk)
    return render(request, "operations/form.html", context, status=400 if form.errors else 200)


@requires(OPERATIONS_RECORD)
@require_POST
def add_activity(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
    access.require_records()
    form = forms.ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_activity(access, request.user, day=data["day"], kind=data["kind"],
                                     amount=data["amount"], note=data["note"], request=request)
        except services.OperationRuleError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Activity recorded.")
            return redirect("operations:operation", pk)
    return _operation_page(request, access, activity_form=form, status=400)


@requires(OPERATIONS_RECORD)
@require_POST
def add_legacy(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
    access.require_records()
    op = access.operation
    agencies = [op.lead_agency, *op.partner_agencies.order_by("name")]
    form = forms.LegacyForm(request.POST, agencies=[(a.pk, a.name) for a in agencies],
                            months=services.legacy_follow_up_months(op.end))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_legacy_action(access, request.user, description=data["description"],
                                       owner_agency_id=data["owner_agency"],
                                       follow_up_on=data["follow_up_on"], request=request)
        except services.OperationRuleError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Legacy action added.")
            return redirect("operations:operation", pk)
    return _operation_page(request, access, legacy_form=form, status=400)


@requires(OPERATIONS_RECORD)
@require_http_methods(["GET", "POST"])
def legacy_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a legacy action's follow-up."""
    found = LegacyAction.objects.filter(pk=pk).values_list("operation_id", flat=True).first()
    if found is None:
        raise Http404("No such legacy action.")
    access = get_operation_for_user(request.user, found, OPERATIONS_RECORD)
    access.require_records()
    action = LegacyAction.objects.select_related("owner_agency").get(pk=pk)
    form = forms.FollowUpForm(request.POST or None, initial={
        "done_on": action.done_on, "outcome": action.outcome,
        "follow_up_on": action.follow_up_on, "version": action.version})
    context: dict[str, Any] = {"form": form, "action": action, "operation": access.operation}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.complete_legacy_action(access, request.user, action, version=data["version"],
                                            done_on=data["done_on"], outcome=data["outcome"],
                                            follow_up_on=data["follow_up_on"], request=request)
        except services.Conflict as exc:
            context |= {"conflict": exc, "conflict_rows": _conflict_rows(exc)}
            return render(request, "operations/legacy_action.html", context, status=409)
        except services.OperationRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("operations:operation", access.operation.pk)
    return render(request, "operations/legacy_action.html", context,
                  status=400 if form.errors else 200)


@requires(OPERATIONS_RECORD)
@require_POST
def link_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a case (by its reference) the user's agency works on."""
    access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
    access.require_records()
    form = forms.LinkCaseForm(request.POST)
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        case_id = (cases_for_user(request.user, CASES_EDIT).filter(reference=reference)
                   .values_list("pk", flat=True).first()
                   if has_capability(request.user, CASES_EDIT) else None)
        if case_id is None:
            form.add_error("reference", "No case with that reference that your agency works on")
        else:
            try:
                services.link_case(access, request.user, case_id, request=request)
            except services.OperationRuleError as exc:
                form.add_error("reference", str(exc))
            else:
                messages.success(request, f"Case {reference} linked.")
                return redirect("operations:operation", pk)
    return _operation_page(request, access, link_form=form, status=400)


@requires(OPERATIONS_RECORD)
@require_POST
def unlink_case(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
    try:
        services.unlink_case(access, request.user, case_pk, request=request)
    except services.OperationRuleError as exc:
        raise PermissionDenied(str(exc)) from None
    return redirect("operations:operation", pk)


@requires(OPERATIONS_RECORD)
@require_POST
def link_from_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    """From a case's page: link the case to one of the user's agency's operations."""
    raw = request.POST.get("operation", "")
    if not raw.isdigit():
        messages.error(request, "Choose the operation")
        return redirect("cases:case", case_pk)
    access = get_operation_for_user(request.user, int(raw), OPERATIONS_RECORD)
    try:
        services.link_case(access, request.user, case_pk, request=request)
    except services.OperationRuleError as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, f"Linked to {access.operation.name}.")
    return redirect("cases:case", case_pk)


"""The PSPO pages, under ``/pspo/`` (numeric ids only). Each finds its order through
``access.get_order_for_user`` and its breaches through ``access.breaches_for_user``; the rules
are in ``services``; incidents come through the store's access helper (``evidence``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW, INCIDENTS_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.pspo import forms, services
from saferplaces.apps.pspo.access import (
    breaches_for_user,
    get_breach_for_user,
    get_order_for_user,
    orders_for_user,
)
from saferplaces.apps.pspo.evidence import DEFAULT_BUFFER_M, evidence_for
from saferplaces.apps.pspo.geometry import ZoneFileError, read_zones
from saferplaces.apps.pspo.models import Consultee, PenaltyStatus
from saferplaces.apps.pspo.presenters import breach_conflict, order_context, zones_config


def _errors(form: Any, exc: services.PspoRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _status(form: Any) -> int:
    return 400 if form.errors else 200


@requires(INCIDENTS_VIEW)
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = list(orders_for_user(request.user))
    return render(request, "pspo/list.html", {
        "orders": orders, "can_add": has_capability(request.user, CASES_EDIT),
        "synthetic": any(order.synthetic for order in orders)})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    agency = agency_of(request.user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    form = forms.OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.create_order(request.user, request=request, **form.cleaned_data)
        except services.PspoRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("pspo:order", order.pk)
    return render(request, "pspo/create.html", {"form": form, "agency": agency},
                  status=_status(form))


@requires(INCIDENTS_VIEW)
@require_GET
def order_page(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk)
    record("view", request=request, object_type=services.RESOURCE, object_id=pk)
    return render(request, "pspo/order.html", order_context(request, order))


@requires(CASES_EDIT)
@require_POST
def make(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk, change=True)
    try:
        services.make_order(request.user, order, request=request)
    except services.PspoRuleError as exc:
        context = order_context(request, order) | {"make_error": str(exc)}
        return render(request, "pspo/order.html", context, status=400)
    return redirect("pspo:order", order.pk)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def draw_zone(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw a zone on the map (Leaflet-Geoman); the outline travels as GeoJSON in a hidden
    field and is checked as an imported one is."""
    order = get_order_for_user(request.user, pk, change=True)
    form = forms.DrawZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_drawn_zone(request.user, order, request=request, **form.cleaned_data)
        except services.PspoRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("pspo:order", order.pk)
    return render(request, "pspo/draw.html", {
        "order": order, "form": form, "map_config": zones_config(order)}, status=_status(form))


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def import_zones(request: HttpRequest, pk: int) -> HttpResponse:
    """Import zones from a GeoJSON file: every refused feature is listed and nothing is saved
    until there are none."""
    order = get_order_for_user(request.user, pk, change=True)
    form = forms.ImportZonesForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    notice = ""
    if request.method == "POST" and form.is_valid():
        try:
            zones, refused = read_zones(form.cleaned_data["file"].read())
        except ZoneFileError as exc:
            form.add_error("file", str(exc))
        else:
            if refused:
                problems = [str(problem) for problem in refused]
                form.add_error("file", f"{len(refused)} feature{'s' if len(refused) != 1 else ''} "
                                       "refused: nothing was saved")
            else:
                added = services.add_zones(request.user, order, zones, request=request)
                if len(added) == len(zones):
                    return redirect("pspo:order", order.pk)
                already = len(zones) - len(added)
                notice = (f"{len(added)} zone{'s' if len(added) != 1 else ''} added. "
                          f"{already} {'were' if already != 1 else 'was'} already on the order "
                          "(same name and outline) and not added again."
                          if added else "Every zone in this file is already on the order (same "
                                        "name and outline): nothing was added.")
    return render(request, "pspo/import.html", {"order": order, "form": form,
                                                 "problems": problems, "notice": notice},
                  status=_status(form))


def _order_form(request: HttpRequest, order: Any, form: Any, act: Any,
                page: dict[str, str]) -> HttpResponse:
    """A form that changes an order: ``act(**cleaned_data)`` on a valid POST (a refused rule
    goes back onto the form), then the order's page; otherwise ``pspo/form.html`` with
    ``page``'s heading, intro and button."""
    if request.method == "POST" and form.is_valid():
        try:
            act(**form.cleaned_data)
        except services.PspoRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("pspo:order", order.pk)
    return render(request, "pspo/form.html", {"order": order, "form": form, **page},
                  status=_status(form))


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk, change=True)
    return _order_form(
        request, order, forms.ConsultationForm(request.POST or None),
        lambda **data: services.add_consultation(request.user, order, request=request, **data), {
            "heading": "Record a consultation",
            "intro": "Section 72(3) of the 2014 Act: the chief officer of police, the Police and "
                     "Crime Commissioner and community representatives are consulted, and "
                     "reasonable steps taken to consult the owners and occupiers of the land, "
                     "before an order is made, extended, varied or discharged.",
            "button": "Record the consultation"})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk, change=True)
    return _order_form(
        request, order, forms.ExtensionForm(request.POST or None),
        lambda **data: services.extend_order(request.user, order, request=request, **data), {
            "heading": "Extend the order after a review",
            "intro": f"The order expires on {order.current_expiry:%-d %B %Y}. It may be "
                     "extended before then, after a review, for up to 3 years at a time "
                     "(s.60(2), (4)); consult again first (s.72(3)).",
            "button": "Extend the order"})


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk, manage=True)
    taken = set(order.shares.values_list("agency_id", flat=True)) | {order.owner_agency_id}
    agencies = [(a.pk, a.name) for a in Agency.objects.filter(active=True).order_by("name")
                if a.pk not in taken]
    form = forms.ShareForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        agency = Agency.objects.get(pk=int(form.cleaned_data["agency"]))
        services.share_order(request.user, order, agency, request=request)
        return redirect("pspo:order", order.pk)
    return render(request, "pspo/form.html", {
        "order": order, "form": form, "heading": "Share the breaches with an agency",
        "intro": "The order is public; its breaches name people. Share them only with an "
                 "agency that enforces the order.", "button": "Share"}, status=_status(form))


@requires(CASES_VIEW)
@require_GET
def breach_list(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk)
    breaches = list(breaches_for_user(request.user, order))
    record("view", request=request, object_type=services.RESOURCE, object_id=pk,
           reason="breach list")
    return render(request, "pspo/breaches.html", {
        "order": order, "breaches": breaches,
        "can_record": has_capability(request.user, CASES_EDIT)})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def record_breach(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for_user(request.user, pk)
    breaches_for_user(request.user, order, CASES_EDIT)  # 404 for an agency not shared with
    terms = list(order.terms.values_list("pk", "text"))
    form = forms.BreachForm(request.POST or None, terms=terms)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["term"] = order.terms.get(pk=int(data["term"]))
        try:
            breach = services.record_breach(request.user, order, request=request, **data)
        except services.PspoRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("pspo:breach", order.pk, breach.pk)
    return render(request, "pspo/record_breach.html", {
        "order": order, "form": form, "limit": services.max_penalty(order.made)},
        status=_status(form))


@requires(CASES_VIEW)
@require_http_methods(["GET", "POST"])
def breach_page(request: HttpRequest, pk: int, breach_pk: int) -> HttpResponse:
    """One breach and its fixed penalty; the penalty's progress changed with its version."""
    breach = get_breach_for_user(request.user, pk, breach_pk)
    record("view", request=request, object_type=services.BREACH_RESOURCE, object_id=breach_pk)
    may_change = has_capability(request.user, CASES_EDIT)
    initial = {"version": breach.version, "penalty_status": breach.penalty_status,
               "penalty_amount": breach.penalty_amount,
               "penalty_issued_on": breach.penalty_issued_on, "notes": breach.notes}
    form = forms.PenaltyForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"order": breach.order, "breach": breach, "form": form,
                               "may_change": may_change}
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("You may not change breaches.")
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.update_breach(request.user, breach, version=version, request=request,
                                       **data)
            except services.Conflict as exc:
                return render(request, "pspo/breach.html", context | breach_conflict(exc),
                              status=409)
            except services.PspoRuleError as exc:
                _errors(form, exc)
            else:
                return redirect("pspo:breach", pk, breach_pk)
    return render(request, "pspo/breach.html", context, status=_status(form))


@requires(INCIDENTS_VIEW)
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence base and review pack: the trend in the zone, the buffer and the comparison
    areas, the tests, breaches and penalties counted per term, and the consultation due."""
    order = get_order_for_user(request.user, pk)
    form = forms.EvidenceForm(request.GET or None)
    buffer_m = form.cleaned_data["buffer"] if form.is_valid() else DEFAULT_BUFFER_M
    record("view", request=request, object_type=services.RESOURCE, object_id=pk,
           reason="evidence pack")
    pack = evidence_for(request.user, order, buffer_m=buffer_m)
    last = order.extensions.order_by("-decided").first()
    return render(request, "pspo/evidence.html", order_context(request, order) | {
        "form": form, "pack": pack,
        "consultation_due": services.consultation_due(order, since=last.decided if last else order.made),
        "consultees": Consultee.choices, "penalty_statuses": PenaltyStatus.choices,
        "tile_url": settings.SAFERPLACES_TILE_URL}, status=_status(form))


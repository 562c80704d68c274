"""The impact page (comparison areas chosen automatically, overridable) and the one-page result
for the crime and disorder panel (HTML, and PDF by WeasyPrint)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, OPERATIONS_RECORD
from saferplaces.apps.audit.services import record
from saferplaces.apps.incidents.services import store_is_synthetic
from saferplaces.apps.operations import forms, services
from saferplaces.apps.operations.access import get_operation_for_user
from saferplaces.apps.operations.evaluation import Measured, measure
from saferplaces.apps.operations.impact_data import BUFFER_M, ImpactDataError
from saferplaces.apps.operations.presenters import dates_label, place_label

#: The one-page result is a document of its own: its chart is a data: image, nothing else loads.
RESULT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")


#: How many of each list the one-page result shows before "and N more", so that it stays one
#: A4 page for the crime and disorder panel whatever was recorded (the rest is on the
#: operation and impact pages).
RESULT_LISTS = {"totals": 8, "legacy": 3, "limitations": 4, "comparison_names": 8, "left_out": 6}


def _first(key: str, items: Iterable[Any], limit: int) -> dict[str, Any]:
    """``{key: the first limit items, key_more: how many more}``."""
    items = list(items)
    return {key: items[:limit], f"{key.removesuffix('_names')}_more": max(0, len(items) - limit)}


def _measured(request: HttpRequest, access: Any) -> tuple[Measured | None, str]:
    try:
        return measure(request.user, access.operation), ""
    except ImpactDataError as exc:
        return None, str(exc)


@requires(ASSESSMENTS_VIEW)
@require_GET
def impact(request: HttpRequest, pk: int) -> HttpResponse:
    """Before and after in the operation's area against its comparison areas."""
    access = get_operation_for_user(request.user, pk)
    record("view", request=request, object_type="operation", object_id=pk, fields=["impact"])
    measured, problem = _measured(request, access)
    context: dict[str, Any] = {"operation": access.operation, "access": access,
                               "measured": measured, "problem": problem,
                               "dates": dates_label(access.operation.start, access.operation.end),
                               "buffer_m": f"{BUFFER_M:,.0f}"}
    if measured is not None and access.edits:
        context["form"] = forms.ComparisonForm(
            initial={"codes": list(measured.choice_codes)},
            areas=[(code, measured.data.names.get(code, code)) for code in measured.data.candidates])
    return render(request, "operations/impact.html", context)


@requires(OPERATIONS_RECORD)
@require_POST
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the comparison areas over the automatic choice (none ticked: automatic again)."""
    access = get_operation_for_user(request.user, pk, OPERATIONS_RECORD)
    access.require_edits()
    codes = [c for c in request.POST.getlist("codes") if c]
    try:
        services.set_comparison(access, request.user, codes, request=request)
    except services.OperationRuleError as exc:
        messages.error(request, str(exc))
        return redirect("operations:impact", pk)
    messages.success(request, "Comparison areas chosen." if codes
                     else "Comparison areas chosen automatically again.")
    return redirect("operations:impact", pk)


@requires(ASSESSMENTS_VIEW)
@require_GET
def result(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    """The one-page result: what was done, what changed, the test and its result, limitations."""
    access = get_operation_for_user(request.user, int(pk))
    operation = access.operation
    measured, problem = _measured(request, access)
    context: dict[str, Any] = {
        "operation": operation, "dates": dates_label(operation.start, operation.end),
        "place": place_label(operation), "measured": measured, "problem": problem,
        "synthetic": store_is_synthetic(),
        "partners": list(operation.partner_agencies.order_by("name"))}
    context.update(_first("totals", services.activity_totals(operation), RESULT_LISTS["totals"]))
    context.update(_first("legacy", operation.legacy_actions.select_related("owner_agency"),
                          RESULT_LISTS["legacy"]))
    if measured is not None:
        limitations = [*measured.result.limitations, *measured.pspo_limitations,
                       *(f"{note[:1].upper()}{note[1:]}." for note in measured.data.notes)]
        context.update(_first("limitations", limitations, RESULT_LISTS["limitations"]))
        context.update(_first("comparison_names",
                              [row["name"] for row in measured.comparison_rows],
                              RESULT_LISTS["comparison_names"]))
        context.update(_first("left_out", [row["name"] for row in measured.left_out_rows],
                              RESULT_LISTS["left_out"]))
    html = render_to_string("operations/result.html", context)
    record("export" if fmt == "pdf" else "view", request=request, object_type="operation",
           object_id=operation.pk, fields=["result"])
    if fmt == "pdf":
        from saferplaces.strategic.report import render_pdf

        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"operation-{operation.pk}-result.pdf")
    else:
        response = HttpResponse(html)
        response["Content-Security-Policy"] = RESULT_CSP
    patch_cache_control(response, private=True, no_store=True)
    return response

"""The Street Weeks planner page (``planner.py`` has its rules) and its exclusions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, OPERATIONS_RECORD
from saferplaces.apps.assessments import access as assessments_access
from saferplaces.apps.assessments import presenters as assessments_presenters
from saferplaces.apps.assessments.services import latest_year, rank_street_weeks
from saferplaces.apps.audit.services import record
from saferplaces.apps.operations import forms, planner, services
from saferplaces.apps.operations.presenters import legacy_rows
from saferplaces.periods import period_label
from saferplaces.vocab import AREA_KIND_LABELS


def _page(request: HttpRequest, form: forms.ExclusionForm | None = None) -> HttpResponse:
    user = request.user
    kind, areas = assessments_access.street_week_areas_for_user(user)
    label = AREA_KIND_LABELS.get(kind or "", "Area")
    exclusions = list(planner.active_exclusions())
    can_record = has_capability(user, OPERATIONS_RECORD) and agency_of(user) is not None
    context: dict[str, Any] = {
        "area_kind": kind, "area_label": label, "exclusions": exclusions,
        "calendar": planner.calendar(user), "can_record": can_record,
        "follow_ups": legacy_rows(planner.follow_ups_due(user)),
        "form": (form or forms.ExclusionForm(areas=[(a.code, a.name) for a in areas]))
        if can_record else None,
    }
    year = latest_year()
    context["has_data"] = year is not None
    if year is not None and kind is not None:
        try:
            result = rank_street_weeks(*year, exclude=tuple(sorted({e.area_code for e in exclusions})))
        except ValueError as exc:
            context["problem"] = str(exc)
        else:
            top = int(result.parameters.get("top", 5))
            reasons = {e.area_code: e for e in exclusions}
            context.update(period=period_label(*year), top=top,
                           ranked=assessments_presenters.ranked_rows(result.ranked, top)[:top * 3],
                           left_out=[{"name": a.name, "code": a.code,
                                      "why": (f"Excluded: {reasons[a.code].reason}"
                                              if a.code in reasons
                                              else "A Street Week in the last 12 months, or planned")}
                                     for a in result.excluded])
    return render(request, "operations/street_weeks.html", context,
                  status=400 if form is not None and form.errors else 200)


@requires(ASSESSMENTS_VIEW)
@require_GET
def street_weeks(request: HttpRequest) -> HttpResponse:
    """The Street Weeks planner."""
    record("view", request=request, object_type="street-week-planner")
    return _page(request)


@requires(OPERATIONS_RECORD)
@require_POST
def add_exclusion(request: HttpRequest) -> HttpResponse:
    """Leave an area out of the ranking, with the reason."""
    _, areas = assessments_access.street_week_areas_for_user(request.user)
    by_code = {a.code: a for a in areas}
    form = forms.ExclusionForm(request.POST, areas=[(a.code, a.name) for a in areas])
    if form.is_valid():
        try:
            made = services.add_exclusion(request.user, area=by_code[form.cleaned_data["area"]],
                                          reason=form.cleaned_data["reason"],
                                          until=form.cleaned_data["until"], request=request)
        except services.OperationRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"{made.area_name} is left out of the ranking.")
            return redirect("operations:street-weeks")
    return _page(request, form)


@requires(OPERATIONS_RECORD)
@require_POST
def lift_exclusion(request: HttpRequest, pk: int) -> HttpResponse:
    exclusion = planner.active_exclusions().filter(pk=pk).first()
    if exclusion is None:
        raise Http404("No such exclusion.")
    services.lift_exclusion(request.user, exclusion, request=request)
    messages.success(request, f"{exclusion.area_name} is ranked again.")
    return redirect("operations:street-weeks")

"""Pages for tracking recommendations (``tracking``): the list with each one's lead, due date,
status and latest progress; one recommendation with its progress updates; reporting progress
and editing (analysts and co-ordinators, ``assessments.run``). New recommendations are added on
the entries page, as before. Objects come through ``access``; changes are audited (field names
only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_RUN, ASSESSMENTS_VIEW
from saferplaces.apps.assessments import access, presenters, tracking
from saferplaces.apps.assessments.models import Recommendation
from saferplaces.apps.assessments.results import load_annual
from saferplaces.apps.assessments.tracking_forms import ProgressUpdateForm, RecommendationEditForm
from saferplaces.apps.audit.services import record

__all__ = ["edit_recommendation", "recommendation", "recommendations", "report_progress"]


def _finding_names(request: HttpRequest) -> dict[str, str]:
    """Candidate names of the latest assessment, as the entries page names findings."""
    latest = access.latest_finished_run_for_user(request.user)
    return presenters.candidate_choices(load_annual(latest.result) if latest else None).names


@requires(ASSESSMENTS_VIEW)
@require_GET
def recommendations(request: HttpRequest) -> HttpResponse:
    names = _finding_names(request)
    rows = [{"item": r, "name": names.get(r.finding, r.finding), "latest": tracking.latest_update(r)}
            for r in access.recommendations_for_user(request.user)]
    return render(request, "assessments/recommendations.html",
                  {"rows": rows, "can_enter": access.can_run_assessments(request.user),
                   "today": timezone.localdate()})


def _page(request: HttpRequest, item: Recommendation, *, progress: ProgressUpdateForm | None = None,
          edit: RecommendationEditForm | None = None, status: int = 200,
          conflict: list[dict[str, Any]] | None = None) -> HttpResponse:
    can_enter = access.can_run_assessments(request.user)
    context = {
        "item": item, "name": _finding_names(request).get(item.finding, item.finding),
        "updates": item.updates.select_related("entered_by").order_by("-on", "-id"),
        "can_enter": can_enter,
        "progress_form": (progress or ProgressUpdateForm(initial={"on": timezone.localdate(),
                                                                   "status": item.status}))
        if can_enter else None,
        "edit_form": (edit or RecommendationEditForm(instance=item)) if can_enter else None,
        "conflict": bool(conflict), "conflict_rows": conflict or [],
    }
    return render(request, "assessments/recommendation.html", context, status=status)


@requires(ASSESSMENTS_VIEW)
@require_GET
def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.get_recommendation_for_user(request.user, pk))


@requires(ASSESSMENTS_RUN)
@require_POST
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a dated progress update; it sets the status when it is the latest."""
    item = access.get_recommendation_for_analyst(request.user, pk)
    form = ProgressUpdateForm(request.POST)
    if not form.is_valid():
        return _page(request, item, progress=form, status=400)
    data = form.cleaned_data
    update = tracking.add_update(item, request.user, on=data["on"], status=data["status"],
                                 note=data["note"].strip(), reason=(data.get("reason") or "").strip())
    record("create", request=request, object_type="recommendation-update", object_id=update.pk,
           fields=["on", "status", "note", "reason"])
    messages.success(request, f"Progress saved. The recommendation is now {item.get_status_display().lower()}.")
    return redirect("assessments:recommendation", pk=item.pk)


@requires(ASSESSMENTS_RUN)
@require_POST
def edit_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the wording, lead, agency or due date; refused, showing both versions, when
    someone changed the recommendation since the form was opened."""
    item = access.get_recommendation_for_analyst(request.user, pk)
    form = RecommendationEditForm(request.POST, instance=Recommendation.objects.get(pk=item.pk))
    if not form.is_valid():
        return _page(request, item, edit=form, status=400)
    data = form.cleaned_data
    changes = {name: data[name] for name in ("text", "owner", "agency", "due")}
    try:
        changed = tracking.edit_recommendation(item, data["version"], changes)
    except tracking.Stale as stale:
        rows = [{"field": form.fields[name].label, "mine": changes[name] or "",
                 "theirs": getattr(stale.current, name) or ""} for name in changes]
        return _page(request, stale.current, conflict=rows, status=409)
    if changed:
        record("update", request=request, object_type="recommendation", object_id=item.pk, fields=changed)
    messages.success(request, "Recommendation saved." if changed else "Nothing was changed.")
    return redirect("assessments:recommendation", pk=item.pk)

"""The hate pages: a hate case's details (through ``get_case_for_user``: outsiders 404, members
without the capability 403, limited shares and break-glass 403 for changes), and the figures by
strand.

The figures page needs ``assessments.view``: its counts are partnership-wide aggregates of the
kind the strategic assessment reports (no names, no references, no case a reader could open),
so the people who read the assessment may read them, whichever agency owns the cases; it lists
nothing a case reader could not see in the assessment.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, CASES_EDIT
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.hate import forms, services
from saferplaces.apps.hate.figures import disclosed, figures, month_end
from saferplaces.apps.hate.models import HateDetails
from saferplaces.apps.hate.presenters import strand_labels
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.casework.vocabularies import vocabulary


def _conflict_rows(exc: services.Conflict) -> list[dict[str, Any]]:
    rows = []
    mine: Any
    for name, mine in exc.attempted.items():
        theirs: Any = getattr(exc.current, name, "")
        if name == "strands":
            mine, theirs = ", ".join(strand_labels(mine)), ", ".join(strand_labels(theirs))
        rows.append({"field": name.replace("_", " ").capitalize(), "mine": mine, "theirs": theirs})
    return rows


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or change a hate case's details (agencies working on the case)."""
    access = get_case_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    case = access.case
    if case.case_type != services.CASE_TYPE:
        raise PermissionDenied("Hate details are recorded on hate cases only.")
    current = HateDetails.objects.filter(case=case).first()
    form = forms.DetailsForm(request.POST or None,
                             initial=forms.DetailsForm.initial_for(current, timezone.localdate()))
    context: dict[str, Any] = {"case": case, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_details(access, request.user, version=data["version"],
                                  recorded_on=data["recorded_on"], kind=data["kind"],
                                  strands=data["strands"], perceived_by=data["perceived_by"],
                                  perceiver=data["perceiver"], nchi_ground=data["nchi_ground"],
                                  nchi_reasoning=data["nchi_reasoning"], request=request)
        except services.Conflict as exc:
            context |= {"conflict": exc, "conflict_rows": _conflict_rows(exc)}
            return render(request, "hate/details.html", context, status=409)
        except services.HateRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("cases:case", case.pk)
    else:
        record("view", request=request, object_type="case", object_id=pk, fields=["hate_details"])
    return render(request, "hate/details.html", context, status=400 if form.errors else 200)


@requires(ASSESSMENTS_VIEW)
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    """Hate cases by strand for whole months (default: this calendar year to the end of this
    month), small counts withheld (:func:`~saferplaces.apps.hate.figures.disclosed`)."""
    today = timezone.localdate()
    start, end = datetime.date(today.year, 1, 1), month_end(today)
    form = forms.PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    counts: dict[str, Any] | None = None
    rows = []
    threshold = suppress_below()
    if not form.errors:
        shown, _ = disclosed(figures(start, end))
        counts = {key: f"fewer than {threshold}" if value is None else value
                  for key, value in shown.items()}
        rows = [{"label": term.label, "count": counts[f"hate_strand_{key}"]}
                for key, term in vocabulary("hate_strands").terms.items()]
    record("view", request=request, object_type="hate-figures")
    return render(request, "hate/figures.html", {"form": form, "counts": counts, "rows": rows,
                                                 "threshold": threshold,
                                                 "start": start, "end": end},
                  status=400 if form.errors else 200)

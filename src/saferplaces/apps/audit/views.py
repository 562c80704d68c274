"""The audit log pages: search (``/audit/``) and the same search as a CSV file
(``/audit/export.csv``). Both need ``audit.view``; ``access.events_for_user`` limits an agency
administrator to their own agency's events. Exporting is itself recorded as an ``export`` event.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.audit import access
from saferplaces.apps.audit.forms import SearchForm
from saferplaces.apps.audit.models import Action
from saferplaces.apps.audit.services import Filters, csv_lines, filter_events, record

__all__ = ["export_csv", "index"]

#: Events on one page of the search results.
PAGE_SIZE = 50


def _form(request: HttpRequest) -> SearchForm:
    agencies = None
    if access.sees_every_agency(request.user):
        agencies = list(Agency.objects.order_by("name").values_list("pk", "name"))
    return SearchForm(request.GET or None, agencies=agencies)


def _filters(form: SearchForm) -> Filters:
    return form.filters() if form.is_bound and form.is_valid() else Filters()


@require_GET
@requires(access.VIEW_AUDIT)
def index(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    events = access.events_for_user(request.user)
    page = None
    if not form.is_bound or form.is_valid():
        found = filter_events(events, _filters(form))
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/index.html", {
        "form": form, "page": page, "every_agency": access.sees_every_agency(request.user),
        "elided": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        if page else [],
    })


@require_GET
@requires(access.VIEW_AUDIT)
def export_csv(request: HttpRequest) -> HttpResponseBase:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/index.html", {"form": form, "page": None}, status=400)
    filters = _filters(form)
    events = filter_events(access.events_for_user(request.user), filters)
    record(Action.EXPORT, request=request, object_type="audit-log", reason=filters.describe())
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(csv_lines(events.iterator(chunk_size=2000)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response

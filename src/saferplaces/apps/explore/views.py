"""The Explore page: any range of months, source and category, as tables, charts of those
tables and a CSV of each.

Incidents come only through ``saferplaces.apps.incidents.access.incidents_for_user``; the pages
need ``incidents.view`` and are not on the public site. A CSV download is audited as an export
(what was counted, never a person). The map itself is the map page's: the page links to it with
the same source, category and months.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import INCIDENTS_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.explore import charts
from saferplaces.apps.explore.forms import ExploreForm
from saferplaces.apps.explore.groups import load_groups
from saferplaces.apps.explore.tables import (
    TABLES,
    Selection,
    Table,
    explore_tables,
    overview,
    timed_sources,
)
from saferplaces.apps.incidents import access, queries
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.ingest.policeuk import SOURCE as POLICE_UK
from saferplaces.periods import period_label
from saferplaces.web.csvcells import safe_row

__all__ = ["chart", "download", "explore"]

FIELDS = ("source", "first", "last", "group", "category")


def _form(request: HttpRequest) -> tuple[access.IncidentScope, ExploreForm]:
    scope = access.incidents_for_user(request.user, public_view=False)
    store = overview(scope)
    stored = store.months
    months = Selection(stored[0], stored[-1]).months() if stored else []  # gaps included
    bound = any(name in request.GET for name in FIELDS)
    form = ExploreForm(request.GET if bound else None, sources=store.sources, months=months,
                       categories=access.stored_categories(), grouping=load_groups(),
                       default_source=queries.choose_source(None, store.sources),
                       latest=store.latest)
    return scope, form


def _selection(request: HttpRequest) -> tuple[access.IncidentScope, Selection, dict[str, Table]]:
    """The selection of a download or chart; 404 when it is not one the page offers."""
    scope, form = _form(request)
    if not form.default.last_month or (form.is_bound and not form.is_valid()):
        raise Http404("Choose the months, source and category on the Explore page.")
    selection = form.selection()
    return scope, selection, explore_tables(scope, selection, load_groups())


def _map_url(selection: Selection) -> str:
    """The map with the same source, category and months (the map shows one month at a time:
    the last; its hot spots analyse from the first)."""
    params = {"month": selection.last_month, "start": selection.first_month,
              "source": selection.source or queries.ALL_SOURCES}
    if selection.category:
        params["category"] = selection.category
    return reverse("map") + "?" + urlencode(params)


@requires(INCIDENTS_VIEW)
@require_GET
def explore(request: HttpRequest) -> HttpResponse:
    scope, form = _form(request)
    context: dict[str, Any] = {"form": form, "has_data": bool(form.default.last_month)}
    if not context["has_data"] or (form.is_bound and not form.is_valid()):
        return render(request, "explore/explore.html", context)
    selection = form.selection()
    grouping = load_groups()
    tables = explore_tables(scope, selection, grouping)
    query = urlencode(selection.params())
    sources = tables["sources"]
    labels = queries.source_labels()
    timed = [key for key in timed_sources(scope, selection) if key != selection.source]
    context.update(
        selection=selection, tables=tables, query=query,
        period=period_label(selection.first_month, selection.last_month),
        source_label=labels.get(selection.source, selection.source) if selection.source
        else "all sources together",
        together=selection.source is None and len(sources.rows) > 1,
        groups=[g for g in grouping.groups if g.label in tables["trend"].header],
        heat=tables["heat"], heat_rows=[(row[0], list(zip(row[1:8], shades, strict=True)), row[8])
                   for row, shades in zip(tables["heat"].rows, tables["heat"].shades, strict=True)],
        timed_total=sources.foot[1] if sources.foot else 0,
        day_only=sources.foot[2] if sources.foot else 0,
        month_only=sources.foot[3] if sources.foot else 0,
        police_uk_in=any(row[0] == labels.get(POLICE_UK) for row in sources.rows),
        timed_sources=[(labels.get(key, key), key) for key in timed],
        withholding=not scope.exact_sensitive, suppress_below=suppress_below(),
        withheld_any=any(v is None for row in tables["heat"].rows for v in row),
        map_url=_map_url(selection),
        downloads={key: reverse("explore:csv", args=[key]) + "?" + query for key in tables},
        chart_urls={key: reverse("explore:chart", args=[key]) + "?" + query for key in charts.CHARTS},
    )
    return render(request, "explore/explore.html", context)


@requires(INCIDENTS_VIEW)
@require_GET
def download(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the page as CSV, the same rows and cells (a withheld count reads
    "withheld")."""
    if table not in TABLES:
        raise Http404("No such table.")
    _, selection, tables = _selection(request)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(safe_row(row) for row in tables[table].csv_rows())
    record("export", request=request, object_type="incident-counts", object_id=table,
           fields=sorted(selection.params()))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"explore-{table}-{selection.first_month}-to-{selection.last_month}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    patch_cache_control(response, private=True, no_store=True)
    return response


@requires(INCIDENTS_VIEW)
@require_GET
def chart(request: HttpRequest, name: str) -> HttpResponse:
    """One chart of the page as SVG, drawn from the table it pictures."""
    if name not in charts.CHARTS:
        raise Http404("No such chart.")
    _, _, tables = _selection(request)
    table = tables[charts.CHARTS[name]]
    content = (charts.trend_chart(table, load_groups()) if name == "trend"
               else charts.hours_chart(table))
    response = HttpResponse(content, content_type="image/svg+xml")
    patch_cache_control(response, private=True, no_store=True)
    return response

"""The intelligence network pages: the graph (Cytoscape.js) with the same network as tables for
screen-reader users, filtered by date and grading, a "how does this connect to that" path
query, and the same data as JSON.

Declared ``@signed_in``, not ``@requires``: everyone without ``intelligence.view`` must get 404
(never a 403 that says the network exists), which the access helper answers. Every entity and
link shown is audited by :func:`~saferplaces.apps.intelligence.graph.network_for_user`. The
query string holds dates, grades and numeric entity ids only.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from saferplaces.analysis.network import INTELLIGENCE_GRADES, SOURCE_GRADES, LinkFilter
from saferplaces.apps.agencies.declare import signed_in
from saferplaces.apps.intelligence.access import require_intelligence
from saferplaces.apps.intelligence.graph import Network, PathStep, network_for_user, network_json
from saferplaces.apps.intelligence.models import IntelligenceGrade, SourceGrade
from saferplaces.web.govuk import DAY_PARTS, DayField, mark_invalid

__all__ = ["FilterForm", "PathForm", "network_data", "network_page"]

#: How many of the most central entities the page lists.
TOP = 10
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class FilterForm(forms.Form):
    """Which links make the network: dated between two days (both included) and graded at least
    as well as asked (3x5x2). Every field is optional."""

    start = DayField(label="Links from", name="The first day", required=False,
                     help_text="For example 1 6 2025")
    end = DayField(label="Links to", name="The last day", required=False,
                   help_text="Included")
    source_grade = forms.ChoiceField(
        label="Source evaluation at least", required=False,
        choices=[("", "Any"), *[(g, SourceGrade(g).label) for g in SOURCE_GRADES]])
    intelligence_grade = forms.ChoiceField(
        label="Intelligence assessment at least", required=False,
        choices=[("", "Any"), *[(g, IntelligenceGrade(g).label) for g in INTELLIGENCE_GRADES]])

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        # ``start=2025-06-01`` (how a script or the JSON's own "filter" writes a day) means the
        # same as the page's day, month and year boxes; anything else there is refused, never
        # silently dropped (a filter that is ignored shows more than was asked for).
        self.unreadable: list[str] = []
        if data is not None:
            data = data.copy()
            for name in ("start", "end"):
                if name not in data:
                    continue
                text = data.pop(name)[-1].strip()
                day = _ISO_DAY.fullmatch(text)
                if day is None or any(f"{name}_{part}" in data for part in DAY_PARTS):
                    self.unreadable.append(name)
                    continue
                for part, value in zip(("year", "month", "day"), day.groups(), strict=True):
                    data[f"{name}_{part}"] = value
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        for name in self.unreadable:
            field = cast(DayField, self.fields[name])
            mark_invalid(self, name, f"{field.name} must be a date written as 2025-06-01")
        first, last = cleaned.get("start"), cleaned.get("end")
        if first and last and last < first:
            mark_invalid(self, "end", "The last day must be the same as or after the first day")
        return cleaned

    def link_filter(self) -> LinkFilter:
        """The filter (call after ``is_valid``)."""
        data = self.cleaned_data
        return LinkFilter(start=data.get("start"), end=data.get("end"),
                          source_grade=data.get("source_grade") or None,
                          intelligence_grade=data.get("intelligence_grade") or None)


class PathForm(forms.Form):
    """Two entities of the network, by number, to connect."""

    origin = forms.TypedChoiceField(label="From", coerce=int, required=True,
                                    error_messages={"required": "Select where the path starts"})
    target = forms.TypedChoiceField(label="To", coerce=int, required=True,
                                    error_messages={"required": "Select where the path ends"})

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Select an entity"),
                   *[(row.id, f"{row.label} ({row.kind_label.lower()}"
                      + "".join(f"; {mark.lower()}" for mark in row.marks
                                if mark != "Victim of exploitation") + ")")
                     for row in sorted(network.nodes.values(),
                                       key=lambda r: (r.kind_label, r.label, r.id))]]
        for name in ("origin", "target"):
            cast(forms.TypedChoiceField, self.fields[name]).choices = choices

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        if cleaned.get("origin") is not None and cleaned.get("origin") == cleaned.get("target"):
            self.add_error("target", "Select a different entity from the first one")
        return cleaned


def _network(request: HttpRequest) -> tuple[FilterForm, Network | None]:
    require_intelligence(request.user)  # 404 before anything is read or validated
    form = FilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    keep = form.link_filter() if request.GET else LinkFilter()
    return form, network_for_user(request.user, keep, request=request)


def _path(query: QueryDict, network: Network) -> tuple[PathForm, list[PathStep] | None, bool]:
    """The path form and, when it was filled in correctly, the path (``None``: no path)."""
    asked = "origin" in query or "target" in query
    form = PathForm(query if asked else None, network=network)
    if not asked or not form.is_valid():
        return form, None, False
    return form, network.path(form.cleaned_data["origin"], form.cleaned_data["target"]), True


def _graph_data(network: Network, path: list[PathStep] | None) -> dict[str, Any]:
    data = network_json(network, path)
    return {"elements": data["elements"], "path": data["path"]}


@signed_in
@require_GET
def network_page(request: HttpRequest) -> HttpResponse:
    """The network: graph, tables, path query."""
    form, network = _network(request)
    context: dict[str, Any] = {"form": form, "network": network, "top": TOP}
    status = 400 if form.errors else 200
    if network is not None:
        path_form, path, asked = _path(request.GET, network)
        status = 400 if path_form.errors else status
        context.update({
            "path_form": path_form, "path": path, "path_asked": asked,
            "central": network.top(TOP), "graph": _graph_data(network, path),
            "filter_query": request.GET.urlencode() if not form.errors else "",
            "filter_fields": [(k, v) for k, v in request.GET.items()
                              if k not in ("origin", "target")],
        })
    return render(request, "intelligence/graph.html", context, status=status)


@signed_in
@require_GET
def network_data(request: HttpRequest) -> JsonResponse:
    """The network as JSON (Cytoscape.js elements and the measures); ``origin`` and ``target``
    (entity numbers) add the shortest path between them."""
    form, network = _network(request)
    if network is None:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    path_form, path, _ = _path(request.GET, network)
    if path_form.errors:
        return JsonResponse({"errors": path_form.errors.get_json_data()}, status=400)
    return JsonResponse(network_json(network, path))

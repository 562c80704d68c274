"""The search page (``/search/``) and its suggestions (``/search/suggest.json``).

A search term is usually a name, so it travels in the body of a POST, never in the address:
addresses end up in browser history, bookmarks, proxy and server logs and the ``Referer`` sent
to other sites, none of which the partnership controls or can erase. (The site's own access log
already drops query strings; the others do not.) Every search, suggestions included, is
audited as "search" with the number of results of each kind, never the term
(:func:`~saferplaces.apps.workbench.search.audit_search`). Result pages are never cached.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.workbench import search
from saferplaces.apps.workbench.forms import SearchForm

__all__ = ["search_page", "suggest"]


@requires(CASES_VIEW)
@require_http_methods(["GET", "POST"])
@never_cache
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search.search(request.user, search.clean_term(form.cleaned_data["term"]))
        search.audit_search(request, {"people": results.people_count,
                                      "cases": results.cases_count,
                                      "places": results.places_count})
    return render(request, "workbench/search.html", {"form": form, "results": results},
                  status=400 if form.errors else 200)


@requires(CASES_VIEW)
@require_POST
@never_cache
def suggest(request: HttpRequest) -> JsonResponse:
    """Suggestions for the search box (``term`` in the POST body; CSRF token required)."""
    term = search.clean_term(request.POST.get("term", ""))
    found = search.suggest(request.user, term)
    if term:
        search.audit_search(request, found["counts"], kind="search-suggest")
    return JsonResponse(found)

"""The Places pages. Each finds its place through ``get_place_for_user`` and its cases through
the cases' access helper; incidents come through the store's (``nearby.incidents_near``).
Search terms go in the body of a POST, never in the address; the place page's distance, months
and category are not personal and travel in the address so a view can be bookmarked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import linking
from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
from saferplaces.apps.cases.models import CaseShare, ShareLevel
from saferplaces.apps.places import forms, nearby, presenters, services
from saferplaces.apps.places.access import (
    cases_of_place,
    get_place_for_user,
    place_view,
    place_views,
    places_for_user,
    unsearchable_places,
)
from saferplaces.apps.places.models import CasePlace, Place

PAGE_SIZE = 50
#: The most places one search lists.
MOST_FOUND = 100


def _errors(form: Any, exc: services.PlaceRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def search(user: Any, places: Any, term: str) -> Any:
    """Places whose name, postcode or UPRN holds ``term`` (a postcode matches with or without
    its space), never a place ``user`` may not see exactly (``places.access``)."""
    places = places.exclude(pk__in=unsearchable_places(user).values("pk"))
    squeezed = "".join(term.upper().split())
    query = Q(name__icontains=term) | Q(uprn=term.strip())
    if squeezed:
        query |= Q(postcode__iexact=term.strip()) | Q(postcode__istartswith=term.strip())
        if len(squeezed) > 3:
            query |= Q(postcode__iexact=f"{squeezed[:-3]} {squeezed[-3:]}")
    return places.filter(query)


@requires(CASES_VIEW)
@require_http_methods(["GET", "POST"])
def place_list(request: HttpRequest) -> HttpResponse:
    """Every place (GET, a page at a time), or those matching a search (POST)."""
    places = places_for_user(request.user)
    form = forms.PlaceSearchForm(request.POST or None)
    searched = request.method == "POST" and form.is_valid()
    if searched:
        found = list(search(request.user, places, form.cleaned_data["term"])[:MOST_FOUND])
        record("search", request=request, object_type=services.RESOURCE, fields=["term"])
        page = None
    else:
        page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
        found = list(page)
    return render(request, "places/list.html", {
        "form": form, "places": place_views(request.user, found), "page": page, "searched": searched,
        "most": MOST_FOUND, "can_add": has_capability(request.user, CASES_EDIT)},
        status=400 if form.errors else 200)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    agency = agency_of(request.user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    form = forms.PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.create_place(request.user, request=request, **form.cleaned_data)
        except services.PlaceRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("places:place", place.pk)
    return render(request, "places/create.html", {"form": form, "agency": agency},
                  status=400 if form.errors else 200)


@requires(CASES_VIEW)
@require_GET
def place_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A place: its details, the cases involving it that the reader sees in full, and the
    incidents near it as the reader may see them."""
    place = get_place_for_user(request.user, pk)
    view = place_view(request.user, place)
    record("view", request=request, object_type=services.RESOURCE, object_id=pk)
    form = forms.NearbyForm(request.GET or None, categories=linking.categories(request.user))
    chosen = form.chosen()
    near = (nearby.incidents_near(request.user, place, distance_m=chosen["distance"],
                                  first_month=chosen["first_month"] or None,
                                  last_month=chosen["last_month"] or None,
                                  category=chosen["category"]) if view.exact
            else nearby.withheld(chosen["distance"]))
    can_manage = has_capability(request.user, CASES_MANAGE)
    return render(request, "places/place.html", {
        "place": view, "form": form, "nearby": near,
        "cases": cases_of_place(request.user, place),
        "can_link": has_capability(request.user, CASES_EDIT),
        "can_unlink": can_manage,
        "can_edit": (view.exact and has_capability(request.user, CASES_EDIT)
                     and services.is_owner(request.user, place)),
        "map_config": presenters.map_config(view, near)},
        status=400 if form.errors else 200)


def _workable_cases(user: Any, place: Place) -> list[tuple[int, str]]:
    """Cases the user's agency works on (owner or a full share), not yet linked to ``place``."""
    agency = agency_of(user)
    if agency is None:
        return []
    full = CaseShare.objects.filter(agency=agency, ended_at__isnull=True, level=ShareLevel.FULL)
    cases = (cases_for_user(user, CASES_EDIT)
             .filter(Q(owner_agency=agency) | Q(pk__in=full.values("case")))
             .exclude(place_links__place=place).order_by("-opened_on", "-pk")[:500])
    return [(case.pk, f"{case.reference}: {case.title}") for case in cases]


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the place to a case the user's agency works on. Only those cases are choices (any
    other id is "not a valid choice", whether or not it exists), and the one chosen is checked
    again through ``get_case_for_user``."""
    place = get_place_for_user(request.user, pk, CASES_EDIT)
    form = forms.LinkForm(request.POST or None, cases=_workable_cases(request.user, place))
    if request.method == "POST" and form.is_valid():
        access = get_case_for_user(request.user, form.cleaned_data["case"], CASES_EDIT)
        try:
            services.link_place(access, request.user, place, request=request)
        except services.PlaceRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("places:place", place.pk)
    return render(request, "places/link.html", {"place": place_view(request.user, place),
                                                 "form": form},
                  status=400 if form.errors else 200)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the place (its owner agency only), guarded by its version: a stale save saves
    nothing and shows both versions."""
    place = get_place_for_user(request.user, pk, CASES_EDIT)
    if not services.is_owner(request.user, place):
        raise PermissionDenied("Only the agency that recorded this place can change it.")
    if not place_view(request.user, place).exact:
        raise PermissionDenied("Only those who may see this place exactly can change it.")
    form = forms.EditPlaceForm(request.POST or None, initial=forms.EditPlaceForm.initial_for(place))
    context: dict[str, Any] = {"place": place, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_place(request.user, place, request=request, **form.cleaned_data)
        except services.Conflict as exc:
            context |= presenters.conflict_context(exc)
            return render(request, "places/edit.html", context, status=409)
        except services.PlaceRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("places:place", place.pk)
    return render(request, "places/edit.html", context, status=400 if form.errors else 200)


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def unlink(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Unlink the place from a case: the case's owner agency's case managers, with a reason.
    A case the user's agency cannot see is 404, as is a place not linked to it."""
    place = get_place_for_user(request.user, pk, CASES_MANAGE)
    access = get_case_for_user(request.user, case_pk, CASES_MANAGE)
    if not access.full or not CasePlace.objects.filter(case=access.case, place=place).exists():
        raise Http404("No such link.")
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns the case can unlink its places.")
    form = forms.UnlinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unlink_place(access, request.user, place, reason=form.cleaned_data["reason"],
                                  request=request)
        except services.PlaceRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("places:place", place.pk)
    return render(request, "places/unlink.html", {"place": place_view(request.user, place),
                                                   "case": access.case, "form": form},
                  status=400 if form.errors else 200)

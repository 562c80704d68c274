"""The case-locations layer of the one map: the located places linked to cases the reader's
agency sees in full.

Rules (the cases' and places' access helpers decide who sees what; this layer only draws it):
- Only cases the reader sees **in full** (``get_case_for_user``: owner, full share,
  break-glass) put their places on the map, as on a place's page (``places.access``): a
  limited share shows no places. An outsider agency, a signed-out visitor and anyone without
  ``cases.view`` get an empty collection; the public site is never offered the layer.
- A place is never drawn exactly to a reader who may not see it exactly: the one rule of
  ``places.access`` (``place_views``), the same for the place page, the list, search and the
  API. It is drawn as the outline of the area it falls in, or not at all when it falls in
  none. The outline's name and link give the case reference and the case page, not the place.
- Each fetch of the layer is audited as a view of places (no single record), as a list is.
- Names listed under the map carry no address: a named location (a park, a shop front) by its
  name, an address as "An address", each with the case references.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.declare import is_public_view
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
from saferplaces.apps.places.access import Areas, place_views
from saferplaces.apps.places.models import CasePlace, Place, PlaceKind
from saferplaces.apps.places.services import RESOURCE
from saferplaces.web.maplayers import FeatureCollection, MapLayer, empty, register

__all__ = ["case_location_features", "register_layers"]

#: The most places drawn (a layer of thousands of case places is a matter for the case lists).
MOST_PLACES = 2000


def _offered(request: HttpRequest) -> bool:
    return (not is_public_view(request) and request.user.is_authenticated
            and has_capability(request.user, CASES_VIEW))


def case_location_features(request: HttpRequest, params: Mapping[str, str]) -> FeatureCollection:
    """The reader's case places (module docstring); ``params`` are not used."""
    if not _offered(request):
        return empty()
    user = request.user
    record("view", request=request, object_type=RESOURCE)  # as a list of places is
    visible = cases_for_user(user).values("pk")
    links = (CasePlace.objects.filter(case__in=visible, place__lat__isnull=False,
                                      place__lon__isnull=False)
             .select_related("place", "case").order_by("place_id", "case__reference"))
    cases_by_place: dict[int, list[tuple[str, int]]] = defaultdict(list)
    places: dict[int, Place] = {}
    full: dict[int, bool] = {}
    for link in links:
        if link.case_id not in full:  # a limited share shows no places
            full[link.case_id] = get_case_for_user(user, link.case_id).full
        if full[link.case_id]:
            cases_by_place[link.place_id].append((link.case.reference, link.case_id))
            places[link.place_id] = link.place
    ids = sorted(places)[:MOST_PLACES]
    features: list[dict[str, Any]] = []
    outlines: dict[int, dict[str, Any]] = {}
    for view in place_views(user, [places[pk] for pk in ids], Areas()):
        pk, place, cases = view.pk, view.place, cases_by_place[view.pk]
        refs = ", ".join(ref for ref, _ in cases)
        if not view.exact:
            area = view.area
            if area is None:
                continue
            outline = outlines.setdefault(area.pk, {
                "type": "Feature", "geometry": area.geometry,
                "properties": {"exact": False, "cases": [], "area": view.area_name,
                               "url": reverse("cases:case", args=[cases[0][1]])}})
            outline["properties"]["cases"].extend(ref for ref, _ in cases)
            continue
        label = place.name if place.kind == PlaceKind.LOCATION else "An address"
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(place.lon or 0.0, 6),
                                                          round(place.lat or 0.0, 6)]},
            "properties": {"exact": True, "name": f"{label} (case {refs})",
                           "cases": [ref for ref, _ in cases],
                           "url": reverse("places:place", args=[pk])}})
    for outline in outlines.values():
        props = outline["properties"]
        props["cases"] = sorted(set(props["cases"]))
        props["name"] = (f"A place on case {', '.join(props['cases'])}, shown only as "
                         f"{props.pop('area')}")
        features.append(outline)
    return {"type": "FeatureCollection", "features": features,
            "truncated": len(places) > MOST_PLACES}


def register_layers() -> None:
    register(MapLayer(
        key="case-locations", label="Case locations", group="Cases", order=60,
        features=case_location_features, visible_to=_offered,
        style={"color": "#0b0c0c", "fillColor": "#ffdd00", "weight": 2, "fillOpacity": 0.25,
               "dashArray": "4 4"},
        description="Places linked to cases your agency sees in full. A place that may be "
                    "where someone with a confidential address or a locked-down profile lives "
                    "is shown only as the outline of its area, unless you manage every case "
                    "that protects it."))

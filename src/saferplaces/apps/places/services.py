"""The rules of places: adding one, linking it to a case, and finding the incidents near it.

- **Adding** a place needs ``cases.edit``; it belongs to the user's agency (who recorded it) and
  is read by every agency (places are shared knowledge: ``access``). A place is typed in: an
  address (optional UPRN and postcode) or a named location, with its point given as British
  National Grid easting/northing or as longitude/latitude; the other pair is computed with
  pyproj (:mod:`saferplaces.geo`), and a point outside Great Britain is refused. There is no
  way to make a place from a person's address, so a confidential address can never become one.
- **Linking** a place to a case needs ``cases.edit`` and an agency that works on the case
  (owner or a full share; ``get_case_for_user`` gives outsiders 404). The case's timeline says a
  place was linked, naming the case and agency, never the address.
- **Incidents near a place** come through the store's access helper
  (``incidents_for_user``), within a distance in metres measured in British National Grid
  (``0``: the same map point, within :data:`SAME_POINT_M`), by months and category. Incidents
  whose exact location is sensitive (``incidents.sensitive``) are listed with their distance
  only to users with ``incidents.view_sensitive_locations``. Everyone else gets them counted for
  the whole area that holds the place (the first loaded kind of the file's ``area_kinds``, else
  its grid cell), whatever distance was chosen, with counts from 1 to ``suppress_below - 1``
  withheld, as on the map: a distance search could otherwise be moved around a street to find
  where a sensitive incident happened.
- Every change is one audit event (field names only); reads are audited by the pages.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.models import TimelineEntry
from saferplaces.apps.incidents.access import (
    IncidentScope,
    aggregation_of,
    incidents_for_user,
    sensitive_filter,
)
from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.places.models import CasePlace, Place, PlaceKind
from saferplaces.geo import in_great_britain, to_bng, to_wgs84
from saferplaces.strategic.disclosure import public_rows

__all__ = ["DEFAULT_DISTANCE_M", "DISTANCES_M", "MOST_SHOWN", "SAME_POINT_M", "AreaCount",
           "Nearby", "NearRow", "PlaceRuleError", "create_place", "incidents_near",
           "link_place"]

RESOURCE = "place"

#: Distances a reader may choose (metres). 0 is "the same map point"; 2 km is the most: beyond
#: that the question is about an area, which the map and the assessments answer.
DISTANCES_M = (0, 25, 50, 100, 250, 500, 1000, 2000)
DEFAULT_DISTANCE_M = 100
#: "The same map point": within a metre (stored points are rounded to the metre or finer).
SAME_POINT_M = 1.0
#: The most incidents one place page lists, nearest first (the counts cover them all).
MOST_SHOWN = 200

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_UPRN = re.compile(r"^[0-9]{1,12}$")


class PlaceRuleError(ValueError):
    """A place the rules refuse; the message says what to do, for the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- adding a place --------------------------------------------------------------------------------


def _postcode(text: str) -> str:
    code = " ".join(text.upper().split())
    if not code:
        return ""
    if not _POSTCODE.match(code):
        raise PlaceRuleError("Enter a real postcode, like CO1 1AA.", "postcode")
    if " " not in code:
        code = f"{code[:-3]} {code[-3:]}"
    return code


def _point(x: float | None, y: float | None, lon: float | None, lat: float | None
           ) -> tuple[float | None, float | None, float | None, float | None]:
    """Both pairs of coordinates from whichever pair was given (British National Grid first)."""
    if (x is None) != (y is None):
        raise PlaceRuleError("Enter both the easting and the northing, or neither.", "x")
    if (lon is None) != (lat is None):
        raise PlaceRuleError("Enter both the longitude and the latitude, or neither.", "lon")
    if x is not None and y is not None:
        lons, lats = to_wgs84(np.array([x]), np.array([y]))
        lon, lat = float(lons[0]), float(lats[0])
    elif lon is not None and lat is not None:
        xs, ys = to_bng(np.array([lon]), np.array([lat]))
        x, y = float(xs[0]), float(ys[0])
    else:
        return None, None, None, None
    if not (math.isfinite(lon) and math.isfinite(lat)) or not bool(
            in_great_britain(np.array([lon]), np.array([lat]))[0]):
        raise PlaceRuleError("That point is not in Great Britain: check the numbers (and that "
                             "easting and northing, or longitude and latitude, are not swapped).",
                             "x" if x is not None else "lon")
    return round(x, 1), round(y, 1), round(lon, 6), round(lat, 6)


def create_place(user: Any, *, name: str, kind: str = PlaceKind.ADDRESS, postcode: str = "",
                 uprn: str = "", x: float | None = None, y: float | None = None,
                 lon: float | None = None, lat: float | None = None, description: str = "",
                 request: HttpRequest | None = None) -> Place:
    """A new place recorded by the user's agency (``cases.edit``); see the module for the rule."""
    require_capability(user, CASES_EDIT)
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You need to belong to an agency to add a place.")
    name = " ".join(name.split())
    if not name:
        raise PlaceRuleError("Enter the address or the location's name.", "name")
    if kind not in PlaceKind.values:
        raise PlaceRuleError("Choose an address or a named location.", "kind")
    uprn = uprn.strip()
    if uprn and not _UPRN.match(uprn):
        raise PlaceRuleError("A UPRN is a number of up to 12 digits.", "uprn")
    px, py, plon, plat = _point(x, y, lon, lat)
    values = {"kind": kind, "name": name, "postcode": _postcode(postcode), "uprn": uprn,
              "x": px, "y": py, "lon": plon, "lat": plat, "description": description.strip()}
    with transaction.atomic():
        place = Place.objects.create(owner_agency=agency, created_by=user, **values)
        record("create", user=user, request=request, object_type=RESOURCE, object_id=place.pk,
               fields=[key for key, value in values.items() if value not in (None, "")])
    return place


# --- linking a place to a case ------------------------------------------------------------------


def link_place(access: CaseAccess, user: Any, place: Place, *,
               request: HttpRequest | None = None) -> CasePlace:
    """Link ``place`` to the case (``cases.edit``; an agency that works on the case)."""
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    case = access.case
    if CasePlace.objects.filter(case=case, place=place).exists():
        raise PlaceRuleError(f"This place is already linked to {case.reference}.", "case")
    agency = agency_of(user)
    try:
        with transaction.atomic():
            link = CasePlace.objects.create(case=case, place=place, linked_by=user)
            TimelineEntry.objects.create(
                case=case, user=user, agency=agency, kind="place",
                text=f"A place was linked to {case.reference} by {agency.name if agency else 'an agency'}")
            record("update", user=user, request=request, object_type="case", object_id=case.pk,
                   fields=["places"])
            record("update", user=user, request=request, object_type=RESOURCE,
                   object_id=place.pk, fields=["cases"])
    except IntegrityError:  # linked by someone else a moment ago
        raise PlaceRuleError(f"This place is already linked to {case.reference}.", "case") from None
    return link


# --- incidents near a place ----------------------------------------------------------------------


@dataclass(frozen=True)
class NearRow:
    id: int
    source: str
    category: str
    month: datetime.date
    location: str
    distance_m: float
    sensitive: bool


@dataclass(frozen=True)
class AreaCount:
    category: str
    count: int | None  # None: withheld (from 1 to suppress_below - 1)


@dataclass
class Nearby:
    """What one reader may learn of the incidents near a place."""

    located: bool
    distance_m: int
    exact_sensitive: bool
    rows: list[NearRow] = field(default_factory=list)
    total: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    area_label: str = ""
    area_name: str = ""
    area_counts: list[AreaCount] = field(default_factory=list)
    suppress_below: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _filtered(scope: IncidentScope, first_month: str | None, last_month: str | None,
              category: str) -> QuerySet[Incident]:
    found = scope.incidents
    if first_month:
        found = found.filter(month__gte=datetime.date.fromisoformat(f"{first_month}-01"))
    if last_month:
        found = found.filter(month__lte=datetime.date.fromisoformat(f"{last_month}-01"))
    if category:
        found = found.filter(category=category)
    return found


def _hidden(scope: IncidentScope, incidents: QuerySet[Incident]) -> Q:
    cats = list(incidents.values_list("category", flat=True).distinct().order_by())
    return sensitive_filter(scope.rules, cats)


def _area_of(place: Place, kind: str | None) -> Area | None:
    """The loaded area of ``kind`` that holds the place's point (its edge counts as inside)."""
    if kind is None or place.lon is None or place.lat is None:
        return None
    import shapely
    from shapely.geometry import shape

    point = shapely.Point(place.lon, place.lat)
    for area in Area.objects.filter(kind=kind).only("id", "kind", "code", "name", "geometry"):
        try:
            if shape(area.geometry).covers(point):
                return area
        except (ValueError, TypeError, AttributeError, KeyError):
            continue  # a malformed stored geometry holds nothing
    return None


def _area_counts(scope: IncidentScope, found: QuerySet[Incident], place: Place,
                 nearby: Nearby) -> None:
    """Sensitive incidents counted for the whole area (or grid cell) holding the place."""
    aggregation = aggregation_of(scope)
    area = _area_of(place, aggregation["area_kind"])
    if area is not None:
        within = found.filter(point__areas=area)
        nearby.area_label, nearby.area_name = aggregation["area_label"], area.name
    else:
        cell = int(aggregation["grid_cell_m"])
        i, j = int(place.x // cell), int(place.y // cell)  # type: ignore[operator]
        within = found.filter(x__gte=i * cell, x__lt=(i + 1) * cell,
                              y__gte=j * cell, y__lt=(j + 1) * cell)
        nearby.area_label = f"{cell:,} m grid cell"
        nearby.area_name = f"{i * cell}-{j * cell}"
    counts = [{"category": row["category"], "count": row["n"]} for row in
              within.filter(_hidden(scope, within)).values("category")
              .annotate(n=Count("id")).order_by("category")]
    nearby.suppress_below = int(aggregation["suppress_below"])
    public_rows(counts, ("count",), nearby.suppress_below)
    nearby.area_counts = [AreaCount(str(c["category"]), c["count"]) for c in counts]


def incidents_near(user: Any, place: Place, *, distance_m: int = DEFAULT_DISTANCE_M,
                   first_month: str | None = None, last_month: str | None = None,
                   category: str = "") -> Nearby:
    """The incidents within ``distance_m`` metres of ``place`` that ``user`` may see where they
    happened, nearest first, and (for readers who may not see sensitive locations) the
    sensitive ones counted by area. See the module docstring for the rule."""
    scope = incidents_for_user(user, public_view=False)
    distance_m = max(0, min(int(distance_m), max(DISTANCES_M)))
    nearby = Nearby(located=place.located, distance_m=distance_m,
                    exact_sensitive=scope.exact_sensitive)
    if not place.located:
        return nearby
    px, py = float(place.x), float(place.y)  # type: ignore[arg-type]
    found = _filtered(scope, first_month, last_month, category)
    reach = max(float(distance_m), SAME_POINT_M)
    box = found.filter(x__gte=px - reach, x__lte=px + reach, y__gte=py - reach, y__lte=py + reach)
    hidden = set(box.filter(_hidden(scope, box)).values_list("pk", flat=True))
    rows = []
    for row in box.values("id", "source", "category", "month", "location", "x", "y"):
        sensitive = row["id"] in hidden
        if sensitive and not scope.exact_sensitive:
            continue
        x, y = row["x"], row["y"]
        if x is None or y is None:  # the box holds located incidents only; for the type checker
            continue
        distance = math.hypot(x - px, y - py)
        if distance <= reach:
            rows.append(NearRow(row["id"], row["source"], row["category"], row["month"],
                                row["location"], round(distance, 1), sensitive))
    rows.sort(key=lambda r: (r.distance_m, -r.month.toordinal(), r.id))
    nearby.total = len(rows)
    nearby.rows = rows[:MOST_SHOWN]
    nearby.by_category = sorted(Counter(r.category for r in rows).items(),
                                key=lambda pair: (-pair[1], pair[0]))
    if not scope.exact_sensitive:
        _area_counts(scope, found, place, nearby)
    return nearby

"""The incidents near a place, as one reader may see them.

- They come through the store's access helper (``incidents_for_user``), within a distance in
  metres measured in British National Grid (``0``: the same map point, within
  :data:`SAME_POINT_M`), by months and category.
- Incidents whose exact location is sensitive (``incidents.sensitive``) are listed and mapped
  only for users with ``incidents.view_sensitive_locations``. Everyone else gets them counted
  for the whole area that holds the place (the first loaded kind of the file's ``area_kinds``,
  else its grid cell), whatever distance was chosen, with counts from 1 to
  ``suppress_below - 1`` withheld (``strategic.disclosure.public_rows``), as on the incident
  map: a distance search could otherwise be moved around a street to find where a sensitive
  incident happened. Which incidents are sensitive is the store's rule (``sensitive_filter``).
- Speed: the store is read through its grid index (``incident_grid_point`` on x, y): a box
  around the place first, then the exact distance in Python. The counts for an area are read
  through a box around the area's map points (an incident's grid point is its map point's
  longitude and latitude in British National Grid), or no point at all.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from saferplaces.apps.incidents.access import (
    IncidentScope,
    aggregation_of,
    incidents_for_user,
    sensitive_filter,
)
from saferplaces.apps.incidents.models import Area, Incident, MapPoint
from saferplaces.apps.places.models import Place
from saferplaces.geo import to_bng, to_wgs84
from saferplaces.strategic.disclosure import public_rows

__all__ = ["DEFAULT_DISTANCE_M", "DISTANCES_M", "MOST_MAPPED", "MOST_SHOWN", "SAME_POINT_M",
           "AreaCount", "NearPoint", "NearRow", "Nearby", "incidents_near", "withheld"]

#: Distances a reader may choose (metres). 0 is "the same map point"; 2 km is the most: beyond
#: that the question is about an area, which the map and the assessments answer.
DISTANCES_M = (0, 25, 50, 100, 250, 500, 1000, 2000)
DEFAULT_DISTANCE_M = 100
#: "The same map point": within a metre (stored points are rounded to the metre or finer).
SAME_POINT_M = 1.0
#: The most incidents one place page lists, nearest first (the counts cover them all).
MOST_SHOWN = 200
#: The most map points the place's map draws, nearest first (the counts cover them all).
MOST_MAPPED = 1000
#: Slack around the box of an area's map points: an incident's grid point is computed from the
#: same longitude and latitude as its map point, so they differ by rounding only.
_POINT_SLACK_M = 1.0


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
class NearPoint:
    """One map point near the place and the incidents at it the reader may see there."""

    lon: float
    lat: float
    distance_m: float
    counts: tuple[tuple[str, int], ...]
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
    points: list[NearPoint] = field(default_factory=list)
    points_total: int = 0
    area_label: str = ""
    area_name: str = ""
    area_geometry: dict[str, Any] | None = None
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


def _hidden(scope: IncidentScope) -> Q:
    return sensitive_filter(scope.rules)


def _box(incidents: QuerySet[Incident], x0: float, x1: float, y0: float, y1: float
         ) -> QuerySet[Incident]:
    return incidents.filter(x__gte=x0, x__lte=x1, y__gte=y0, y__lte=y1)


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


def _in_area(found: QuerySet[Incident], area: Area) -> QuerySet[Incident]:
    """The incidents of ``found`` in ``area`` (through their map points), read through a box
    around the area's located map points, or with no grid point (a map point with an LSOA code
    only). Same answer as ``point__areas=area`` alone, without reading the whole table."""
    located = list(MapPoint.objects.filter(areas=area, lon__isnull=False, lat__isnull=False)
                   .values_list("lon", "lat"))
    within = found.filter(point__areas=area)
    if not located:
        return within.filter(x__isnull=True)
    xs, ys = to_bng(np.array([p[0] for p in located], float), np.array([p[1] for p in located], float))
    s = _POINT_SLACK_M
    return within.filter(Q(x__gte=float(xs.min()) - s, x__lte=float(xs.max()) + s,
                           y__gte=float(ys.min()) - s, y__lte=float(ys.max()) + s)
                         | Q(x__isnull=True))


def _cell_outline(i: int, j: int, cell: int) -> dict[str, Any]:
    """A grid cell's outline in WGS84, for the map."""
    x = np.array([i, i + 1, i + 1, i, i], float) * cell
    y = np.array([j, j, j + 1, j + 1, j], float) * cell
    lon, lat = to_wgs84(x, y)
    return {"type": "Polygon", "coordinates": [[[round(float(a), 6), round(float(b), 6)]
                                                for a, b in zip(lon, lat, strict=True)]]}


def _area_counts(scope: IncidentScope, found: QuerySet[Incident], place: Place,
                 nearby: Nearby) -> None:
    """Sensitive incidents counted for the whole area (or grid cell) holding the place."""
    aggregation = aggregation_of(scope)
    area = _area_of(place, aggregation["area_kind"])
    if area is not None:
        within = _in_area(found, area)
        nearby.area_label, nearby.area_name = aggregation["area_label"], area.name
        nearby.area_geometry = area.geometry
    else:
        cell = int(aggregation["grid_cell_m"])
        i, j = int(place.x // cell), int(place.y // cell)  # type: ignore[operator]
        within = found.filter(x__gte=i * cell, x__lt=(i + 1) * cell,
                              y__gte=j * cell, y__lt=(j + 1) * cell)
        nearby.area_label = f"{cell:,} m grid cell"
        nearby.area_name = f"{i * cell}-{j * cell}"
        nearby.area_geometry = _cell_outline(i, j, cell)
    counts = [{"category": row["category"], "count": row["n"]} for row in
              within.filter(_hidden(scope)).values("category")
              .annotate(n=Count("id")).order_by("category")]
    nearby.suppress_below = int(aggregation["suppress_below"])
    public_rows(counts, ("count",), nearby.suppress_below)
    nearby.area_counts = [AreaCount(str(c["category"]), c["count"]) for c in counts]


# (distance rounded to 0.1 m, id, lon, lat, category, sensitive)
_Near = tuple[float, int, float | None, float | None, str, bool]


def _within(box: QuerySet[Incident], scope: IncidentScope, px: float, py: float,
            reach: float) -> list[_Near]:
    """The incidents of ``box`` within ``reach`` of the point that the reader may see where
    they happened (a light row each: the full rows are read for those listed only)."""
    hidden = _hidden(scope)
    if scope.exact_sensitive:
        rows = box.annotate(sensitive=Case(When(hidden, then=Value(True)), default=Value(False),
                                           output_field=BooleanField()))
    else:
        rows = box.exclude(hidden).annotate(sensitive=Value(False, output_field=BooleanField()))
    near = []
    for pk, x, y, lon, lat, category, sensitive in rows.values_list(
            "id", "x", "y", "lon", "lat", "category", "sensitive"):
        if x is None or y is None:  # the box holds located incidents only; for the type checker
            continue
        distance = math.hypot(x - px, y - py)
        if distance <= reach:
            near.append((round(distance, 1), pk, lon, lat, category, bool(sensitive)))
    near.sort()
    return near


def _listed(found: QuerySet[Incident], near: list[_Near], px: float, py: float) -> list[NearRow]:
    """The nearest :data:`MOST_SHOWN` of ``near`` in full, nearest first then newest: read
    through a box as wide as the farthest of them (ties at that distance included)."""
    if not near:
        return []
    farthest = near[min(len(near), MOST_SHOWN) - 1][0]
    wanted = {row[1]: row for row in near if row[0] <= farthest}
    reach = farthest + 0.1
    full = []
    for pk, source, category, month, location in _box(
            found, px - reach, px + reach, py - reach, py + reach).values_list(
            "id", "source", "category", "month", "location"):
        row = wanted.get(pk)
        if row is not None:
            full.append(NearRow(pk, source, category, month, location, row[0], row[5]))
    full.sort(key=lambda r: (r.distance_m, -r.month.toordinal(), r.id))
    return full[:MOST_SHOWN]


def _points(near: list[_Near]) -> list[NearPoint]:
    """The incidents of ``near`` by map point, nearest first."""
    at: dict[tuple[float, float], list[_Near]] = defaultdict(list)
    for row in near:
        lon, lat = row[2], row[3]
        if lon is not None and lat is not None:
            at[(lon, lat)].append(row)
    points = []
    for (lon, lat), rows in at.items():
        counts = Counter(row[4] for row in rows)
        points.append(NearPoint(lon, lat, min(row[0] for row in rows),
                                tuple(sorted(counts.items(), key=lambda c: (-c[1], c[0]))),
                                any(row[5] for row in rows)))
    points.sort(key=lambda p: (p.distance_m, p.lon, p.lat))
    return points


def withheld(distance_m: int = DEFAULT_DISTANCE_M) -> Nearby:
    """Nothing near a place whose location the reader may not see (``places.access``): the
    incidents around a point would give the point away."""
    return Nearby(located=False, distance_m=distance_m, exact_sensitive=False)


def incidents_near(user: Any, place: Place, *, distance_m: int = DEFAULT_DISTANCE_M,
                   first_month: str | None = None, last_month: str | None = None,
                   category: str = "") -> Nearby:
    """The incidents within ``distance_m`` metres of ``place`` that ``user`` may see where they
    happened, nearest first, by map point, and (for readers who may not see sensitive
    locations) the sensitive ones counted by area. See the module docstring for the rule."""
    scope = incidents_for_user(user, public_view=False)
    distance_m = max(0, min(int(distance_m), max(DISTANCES_M)))
    nearby = Nearby(located=place.located, distance_m=distance_m,
                    exact_sensitive=scope.exact_sensitive)
    if not place.located:
        return nearby
    px, py = float(place.x), float(place.y)  # type: ignore[arg-type]
    found = _filtered(scope, first_month, last_month, category)
    reach = max(float(distance_m), SAME_POINT_M)
    box = _box(found, px - reach, px + reach, py - reach, py + reach)
    near = _within(box, scope, px, py, reach)
    nearby.total = len(near)
    nearby.rows = _listed(found, near, px, py)
    nearby.by_category = sorted(Counter(row[4] for row in near).items(),
                                key=lambda pair: (-pair[1], pair[0]))
    points = _points(near)
    nearby.points_total = len(points)
    nearby.points = points[:MOST_MAPPED]
    if not scope.exact_sensitive:
        _area_counts(scope, found, place, nearby)
    return nearby

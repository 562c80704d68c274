"""Who may see what of the incident store: the one access helper every page, download and map
that shows incidents goes through.

- Signed-in users need ``incidents.view``; they may count every source.
- Exact locations of sensitive incidents (``sensitive.py``: listed categories and flags, and any
  record with a victim or complainant reference) go only to users with
  ``incidents.view_sensitive_locations`` (analysts, co-ordinators). Everyone else gets those
  incidents counted by area (the first loaded kind of ``[aggregation] area_kinds``, else grid
  cells), with counts from 1 to ``suppress_below - 1`` withheld by the public report's rule
  (``saferplaces.strategic.disclosure.public_rows``). Ordinary incidents keep their points.
- A signed-out visitor on a public site (``SAFERPLACES_PUBLIC_SITE``, ``request.public_view``)
  sees police.uk only, and on the map only counts by area: no point at all, no partner data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Max, Q, QuerySet

from saferplaces.apps.agencies.access import has_capability, require_capability
from saferplaces.apps.agencies.roles import INCIDENTS_VIEW, SENSITIVE_LOCATIONS
from saferplaces.apps.incidents import queries
from saferplaces.apps.incidents.models import Area, Incident, MapPointArea
from saferplaces.apps.incidents.sensitive import SensitiveRules, load_rules, suppress_below
from saferplaces.geo import to_bng, to_wgs84
from saferplaces.ingest.policeuk import SOURCE as POLICE_UK
from saferplaces.strategic.disclosure import public_rows
from saferplaces.vocab import AREA_KIND_LABELS

__all__ = ["IncidentScope", "aggregation_of", "incidents_for_user", "map_features_for_user", "sensitive_filter",
           "sensitive_rules", "store_state", "stored_categories"]

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class IncidentScope:
    """What one user may see: ``incidents`` they may count, whether they may see exact
    locations of sensitive incidents, and whether they are a public-site visitor."""

    incidents: QuerySet[Incident]
    exact_sensitive: bool
    public: bool
    rules: SensitiveRules


def sensitive_rules() -> SensitiveRules:
    """The partnership's file (``SAFERPLACES_SENSITIVE_CATEGORIES_FILE``) or the shipped one."""
    return load_rules(getattr(settings, "SAFERPLACES_SENSITIVE_CATEGORIES_FILE", "") or None)


def incidents_for_user(user: User, *, public_view: bool) -> IncidentScope:
    """The incidents ``user`` may count: every source for ``incidents.view`` (403 without it),
    police.uk only for a public-site visitor."""
    rules = sensitive_rules()
    if public_view:
        return IncidentScope(Incident.objects.filter(source=POLICE_UK), False, True, rules)
    require_capability(user, INCIDENTS_VIEW)
    return IncidentScope(Incident.objects.all(), has_capability(user, SENSITIVE_LOCATIONS),
                         False, rules)


_categories_cache: dict[tuple[int, int], list[str]] = {}


def store_state() -> tuple[int, int]:
    """The store's row count and newest id: an ingest or a retention deletion changes one of
    them, so results kept under this key are dropped when the data changes."""
    state = Incident.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (state["n"] or 0, state["last"] or 0)


def stored_categories() -> list[str]:
    """Every category in the store, sorted. Reading them means reading every incident, so the
    list is kept until the store changes (``store_state``)."""
    key = store_state()
    if key not in _categories_cache:
        _categories_cache.clear()
        _categories_cache[key] = list(Incident.objects.values_list("category", flat=True)
                                      .distinct().order_by("category"))
    return list(_categories_cache[key])


def sensitive_filter(rules: SensitiveRules, categories: list[str] | None = None) -> Q:
    """Incidents whose exact location is sensitive, among stored ``categories`` (the names
    are matched in Python, so the database compares plain values)."""
    sensitive = ~Q(victim_ref="")
    if categories is None:
        # The cached list may miss a category stored since: such incidents count as sensitive,
        # so a stale list can only withhold a street, never show one.
        categories = stored_categories()
        sensitive |= ~Q(category__in=categories)
    listed = Q(category__in=[c for c in categories if rules.category_is_sensitive(c)])
    for flag in rules.flags:
        listed |= Q(**{flag: True})
    return sensitive | (listed & ~Q(source__in=sorted(rules.published_sources)))


def map_features_for_user(user: User, month: str | None, category: str | None = None,
                          source: str | None = None, *, public_view: bool) -> dict[str, Any]:
    """One month's incidents as GeoJSON for ``user``: points where they may see them, counts by
    area otherwise (module docstring). Raises ``queries.InvalidMonth``."""
    scope = incidents_for_user(user, public_view=public_view)
    day = queries.parse_month(month)
    located = scope.incidents.filter(month=day, lat__isnull=False, lon__isnull=False)
    if scope.public:
        source = POLICE_UK
    if source and source != queries.ALL_SOURCES:
        located = located.filter(source=source)
    if category:
        located = located.filter(category=category)
    if scope.public:
        points, grouped = located.none(), located
    elif scope.exact_sensitive:
        points, grouped = located, located.none()
    else:
        hidden = sensitive_filter(scope.rules)
        points, grouped = located.exclude(hidden), located.filter(hidden)
    collection = queries.point_features(points, month or "")
    aggregation = aggregation_of(scope)
    features = list(collection["features"]) + _area_features(
        grouped, scope, aggregation["area_kind"], aggregation["suppress_below"])
    return collection | {
        "features": features,
        "exact_sensitive_locations": scope.exact_sensitive,
        "public": scope.public,
        "aggregation": aggregation,
    }


def aggregation_of(scope: IncidentScope) -> dict[str, Any]:
    """How counted incidents are grouped for this scope: ``area_kind`` (the first of the
    configured kinds that is loaded; None: grid cells only), its label in words, the grid
    cell size and the public report's threshold ``suppress_below``."""
    kinds = scope.rules.area_kinds
    loaded = set(Area.objects.filter(kind__in=kinds).values_list("kind", flat=True)
                 .distinct().order_by())
    kind = next((k for k in kinds if k in loaded), None)
    cell = scope.rules.grid_cell_m
    return {"area_kind": kind,
            "area_label": AREA_KIND_LABELS[kind] if kind else f"{cell:,} m grid cell",
            "grid_cell_m": cell, "suppress_below": suppress_below()}


def _withheld(scope: IncidentScope, category: str, source: str) -> bool:
    """Whether small counts of this entry are withheld: every entry a signed-in user sees
    counted (all are sensitive); on the public site, sensitive categories of unpublished
    sources (police.uk carries no references or flags)."""
    if not scope.public:
        return True
    return (scope.rules.category_is_sensitive(category)
            and source not in scope.rules.published_sources)


def _area_features(grouped: QuerySet[Incident], scope: IncidentScope, kind: str | None,
                   threshold: int) -> list[dict[str, Any]]:
    """Counts by area of ``kind`` (grid cells for incidents in none), one feature per area."""
    rows = list(grouped.values("point_id", "category", "source")
                .annotate(n=Count("id"), x=Max("x"), y=Max("y"), lon=Max("lon"), lat=Max("lat"))
                .order_by())
    if not rows:
        return []
    area_of: dict[int, int] = {}
    if kind is not None:
        links = (MapPointArea.objects.filter(area__kind=kind,
                                             point_id__in=grouped.values("point_id"))
                 .values_list("point_id", "area_id").order_by("point_id", "area_id"))
        for point_id, area_id in links:
            area_of.setdefault(point_id, area_id)
    cell = scope.rules.grid_cell_m
    missing = [r for r in rows if r["point_id"] not in area_of and r["x"] is None]
    if missing:
        xs, ys = to_bng(np.array([r["lon"] for r in missing]), np.array([r["lat"] for r in missing]))
        for r, x, y in zip(missing, xs, ys, strict=True):
            r["x"], r["y"] = float(x), float(y)
    bins: dict[tuple[Any, ...], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        found = area_of.get(r["point_id"])
        key: tuple[Any, ...] = (("area", found) if found is not None
                                else ("cell", int(r["x"] // cell), int(r["y"] // cell)))
        bins[key][(r["category"], r["source"])] += r["n"]
    areas = {a["id"]: a for a in Area.objects.filter(id__in=[k[1] for k in bins if k[0] == "area"])
             .values("id", "kind", "code", "name", "geometry")}
    features = []
    for key in sorted(bins, key=str):
        counts = [{"category": c, "source": s, "count": n}
                  for (c, s), n in sorted(bins[key].items())]
        public_rows([e for e in counts if _withheld(scope, str(e["category"]), str(e["source"]))],
                    ("count",), threshold)
        for entry in counts:
            entry["suppressed"] = bool(entry.get("suppressed"))
        if key[0] == "area":
            area = areas[key[1]]
            geometry, place = area["geometry"], {
                "area_kind": area["kind"], "area_label": AREA_KIND_LABELS.get(area["kind"], area["kind"]),
                "code": area["code"], "name": area["name"]}
        else:
            geometry = _cell_polygon(key[1], key[2], cell)
            place = {"area_kind": "grid", "area_label": f"{cell:,} m grid cell",
                     "code": f"{key[1] * cell}-{key[2] * cell}", "name": f"{cell:,} m grid cell"}
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"aggregated": True, **place, "counts": counts,
                                        "suppress_below": threshold}})
    return features


def _cell_polygon(i: int, j: int, cell: int) -> dict[str, Any]:
    """A grid cell's outline in WGS84 (British National Grid cell ``(i, j)`` of ``cell`` m)."""
    x = np.array([i, i + 1, i + 1, i, i], float) * cell
    y = np.array([j, j, j + 1, j + 1, j], float) * cell
    lon, lat = to_wgs84(x, y)
    return {"type": "Polygon",
            "coordinates": [[[round(float(a), 5), round(float(b), 5)] for a, b in zip(lon, lat, strict=True)]]}

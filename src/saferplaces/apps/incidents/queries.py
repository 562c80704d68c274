"""Read-side queries for the web pages (kept out of views).

Sources are never added together by default: local police records repeat the police.uk crimes with
more detail, so a count across all sources would count those crimes twice. Pages show one source
at a time, police.uk when it is loaded, and say which.

Every function counts within ``incidents``, the records the user may see, which pages get from
the incidents' access helper (``saferplaces.apps.incidents.access.incidents_for_user``); the
default, the whole store, is for the command line and tests. Locations leave only through
``access.map_features_for_user``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet

from saferplaces.apps.incidents import summaries
from saferplaces.apps.incidents.models import Area, ImportBatch, Incident
from saferplaces.apps.incidents.services import store_is_synthetic
from saferplaces.ingest.mapped import load_mapping, shipped_mappings
from saferplaces.ingest.policeuk import SOURCE as POLICE_UK
from saferplaces.periods import MONTH_PATTERN as MONTH
from saferplaces.periods import month_label, shift_month
from saferplaces.vocab import AREA_KIND_LABELS

__all__ = [
    "ALL_SOURCES", "MAP_AREA_KINDS", "PALETTE", "InvalidMonth", "SourceCount", "AreaKindCount",
    "CategoryRow", "MonthTable", "CategoryCount", "parse_month", "month_label", "source_labels",
    "sources", "choose_source", "months_available", "category_colours", "month_table",
    "home_summary", "month_category_counts", "map_context", "point_features", "areas_geojson",
    "status_of",
]

ALL_SOURCES = "all"
MAP_AREA_KINDS = ("neighbourhood", "town-centre", "pspo")
TABLE_MONTHS = 12
# GOV.UK colour palette, most distinct first; yellow is left out (too little contrast on a map).
PALETTE = (
    "#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#d53880", "#28a197", "#b58840",
    "#003078", "#85994b", "#912b88", "#505a5f", "#5694ca", "#6f72af", "#f499be", "#0b0c0c",
)


class InvalidMonth(ValueError):
    """A month parameter that is not ``YYYY-MM``."""


@dataclass(frozen=True)
class SourceCount:
    source: str
    label: str
    incidents: int


@dataclass(frozen=True)
class AreaKindCount:
    kind: str
    label: str
    areas: int
    incident_links: int


@dataclass(frozen=True)
class CategoryRow:
    category: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class MonthTable:
    """Incidents of one source by category (rows) and calendar month (columns)."""

    source: str | None
    months: tuple[str, ...]
    rows: tuple[CategoryRow, ...]
    month_totals: tuple[int, ...]
    total: int

    @property
    def month_names(self) -> list[tuple[str, str, str, str]]:
        """``(YYYY-MM, "June 2024", "Jun", "2024")`` for each column."""
        return [(m, month_label(m), *_short_month_year(m)) for m in self.months]

    @property
    def period(self) -> str:
        return f"{month_label(self.months[0])} to {month_label(self.months[-1])}" if self.months else ""


@dataclass(frozen=True)
class CategoryCount:
    category: str
    colour: str
    incidents: int
    mapped: int


def parse_month(value: str | None) -> dt.date:
    """The first day of a ``YYYY-MM`` month; ``InvalidMonth`` for anything else."""
    if not value or not MONTH.match(value):
        raise InvalidMonth("choose a month as YYYY-MM, for example 2024-06")
    return dt.date(int(value[:4]), int(value[5:]), 1)


def _short_month_year(month: str) -> tuple[str, str]:
    """``2024-06`` as ``("Jun", "2024")``."""
    short, year = month_label(month, short=True).split()
    return short, year


def source_labels() -> dict[str, str]:
    """What each source is, in words: police.uk plus every shipped partner mapping."""
    labels = {POLICE_UK: "police.uk street-level crime and anti-social behaviour"}
    for path in shipped_mappings().values():
        mapping = load_mapping(path)
        labels.setdefault(mapping.source, mapping.description or mapping.source)
    return labels


def _all(incidents: QuerySet[Incident] | None) -> QuerySet[Incident]:
    return Incident.objects.all() if incidents is None else incidents


def sources(incidents: QuerySet[Incident] | None = None) -> list[SourceCount]:
    """Stored sources with their incident counts, police.uk first, then by size."""
    labels = source_labels()
    counts = _all(incidents).values_list("source").annotate(n=Count("id")).order_by()
    found = [SourceCount(s, labels.get(s, s), n) for s, n in counts]
    return sorted(found, key=lambda s: (s.source != POLICE_UK, -s.incidents, s.source))


def choose_source(requested: str | None, available: list[SourceCount]) -> str | None:
    """The source a page shows: the one asked for if stored, ``None`` for all, else police.uk.

    Falls back to the largest source when police.uk is not loaded.
    """
    names = [s.source for s in available]
    if requested == ALL_SOURCES:
        return None
    if requested in names:
        return requested
    return names[0] if names else None


def _source_filter(source: str | None) -> Q:
    return Q(source=source) if source else Q()


def months_available(source: str | None = None,
                     incidents: QuerySet[Incident] | None = None) -> list[str]:
    """Months with incidents (``YYYY-MM``), newest first."""
    # ``month`` is always the first of its month, so DISTINCT on the column needs no date truncation
    # (QuerySet.dates() truncates row by row, which is slow on SQLite).
    dates = (_all(incidents).filter(_source_filter(source)).order_by("-month")
             .values_list("month", flat=True).distinct())
    return [d.strftime("%Y-%m") for d in dates]


def _calendar_months(last: str, count: int) -> list[str]:
    """The ``count`` months ending with ``last`` (``YYYY-MM``), oldest first."""
    return [shift_month(last, -back) for back in range(count - 1, -1, -1)]


def category_colours(categories: list[str]) -> dict[str, str]:
    """A colour per category, in the given order (cycling when there are more than the palette)."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}


def month_table(source: str | None, months: int = TABLE_MONTHS,
                incidents: QuerySet[Incident] | None = None) -> MonthTable:
    """The last ``months`` calendar months up to the latest stored month, by category.

    Months with no incidents show as zeros rather than being skipped, so gaps in the data are seen.
    """
    # One grouped scan over every month (categories x months rows, a few hundred): cheaper than
    # asking for the latest month first and scanning again.
    grouped = list(_all(incidents).filter(_source_filter(source)).values_list("category", "month")
                   .annotate(n=Count("id")).order_by())
    if not grouped:
        return MonthTable(source, (), (), (), 0)
    latest = max(month for _, month, _ in grouped)
    columns = _calendar_months(latest.strftime("%Y-%m"), months)
    cells: dict[str, dict[str, int]] = {}
    for category, month, n in grouped:
        key = month.strftime("%Y-%m")
        if key >= columns[0]:
            cells.setdefault(category, {})[key] = n
    table = [CategoryRow(c, tuple(cells[c].get(m, 0) for m in columns), sum(cells[c].values()))
             for c in cells]
    table.sort(key=lambda r: (-r.total, r.category))
    totals = tuple(sum(r.counts[i] for r in table) for i in range(len(columns)))
    return MonthTable(source, tuple(columns), tuple(table), totals, sum(totals))


def status_of(incidents: QuerySet[Incident] | None = None, *, public: bool = False
              ) -> dict[str, Any]:
    """``services.store_status``'s figures for the incidents given (files imported: of the
    sources among them, for a public visitor police.uk's only)."""
    scope = _all(incidents)
    span = scope.aggregate(first=Min("month"), last=Max("month"))
    by_source = dict(scope.values_list("source").annotate(n=Count("id")).order_by("source"))
    areas = dict(Area.objects.values_list("kind").annotate(n=Count("id")).order_by("kind"))
    linked = dict(scope.filter(point__isnull=False).values_list("point__areas__kind")
                  .annotate(n=Count("id")).order_by("point__areas__kind"))
    imports = ImportBatch.objects.filter(source__in=list(by_source)) if public else ImportBatch.objects
    return {
        "incidents": {
            "total": sum(by_source.values()),
            "by_source": by_source,
            "first_month": span["first"].strftime("%Y-%m") if span["first"] else None,
            "last_month": span["last"].strftime("%Y-%m") if span["last"] else None,
        },
        "areas": {kind: {"areas": n, "incident_links": linked.get(kind, 0)} for kind, n in areas.items()},
        "imports": imports.count(),
        "synthetic": store_is_synthetic(),
    }


def home_summary(requested_source: str | None = None, *,
                 incidents: QuerySet[Incident] | None = None,
                 public: bool = False) -> dict[str, object]:
    """Everything the home page shows: totals and the month-by-category table, of
    ``incidents`` (``public``: a public-site visitor, who gets no source choice).

    Worked out once per change of the store's data and kept (``summaries.memoised``) for the
    same selection of incidents (its SQL), source asked for and kind of visitor."""
    selection = "all" if incidents is None else str(incidents.query)
    return summaries.memoised(
        "home", (selection, requested_source, public),
        lambda: _home_summary(requested_source, incidents=incidents, public=public))


def _home_summary(requested_source: str | None, *, incidents: QuerySet[Incident] | None,
                  public: bool) -> dict[str, object]:
    status = status_of(incidents, public=public)
    available = sources(incidents)
    source = choose_source(None if public else requested_source, available)
    labels = AREA_KIND_LABELS
    areas = [AreaKindCount(kind, labels.get(kind, kind), info["areas"], info["incident_links"])
             for kind, info in status["areas"].items()]
    first, last = status["incidents"]["first_month"], status["incidents"]["last_month"]
    return {
        "status": status,
        "total": status["incidents"]["total"],
        "sources": available,
        "source": source,
        "source_label": source_labels().get(source, source) if source else "all sources",
        "first_month": first,
        "last_month": last,
        "first_month_name": month_label(first) if first else None,
        "last_month_name": month_label(last) if last else None,
        "months_stored": len(months_available(None, incidents)),
        "areas": areas,
        "table": month_table(source, incidents=incidents),
        "public": public,
    }


def month_category_counts(month: str, source: str | None, category: str | None = None,
                          incidents: QuerySet[Incident] | None = None) -> list[CategoryCount]:
    """Incidents in one month by category, with how many have a map location; most first.

    Colours follow ``category_colours`` over the month's categories in name order, as the map does.
    """
    day = parse_month(month)
    rows = (_all(incidents).filter(_source_filter(source), month=day)
            .values_list("category").annotate(n=Count("id"), mapped=Count("id", filter=Q(lat__isnull=False)))
            .order_by())
    counts = {c: (n, mapped) for c, n, mapped in rows}
    colours = category_colours(sorted(counts))
    out = [CategoryCount(c, colours[c], n, mapped) for c, (n, mapped) in counts.items()
           if category is None or c == category]
    return sorted(out, key=lambda r: (-r.incidents, r.category))


def map_context(requested_month: str | None, requested_category: str | None = None,
                requested_source: str | None = None, *,
                incidents: QuerySet[Incident] | None = None) -> dict[str, object]:
    """The map page: chosen month (latest if none or unknown), source, category, counts and config."""
    available = sources(incidents)
    source = choose_source(requested_source, available)
    months = months_available(source, incidents)
    month = requested_month if requested_month in months else (months[0] if months else None)
    counts = month_category_counts(month, source, incidents=incidents) if month else []
    categories = sorted(c.category for c in counts)
    category = requested_category if requested_category in categories else None
    shown = [c for c in counts if category is None or c.category == category]
    config = {
        "geojsonUrl": None, "areasUrl": None,  # filled in by the view, which knows the URLs
        "month": month, "category": category, "source": source or ALL_SOURCES,
        "colours": category_colours(categories),
        "tileUrl": settings.SAFERPLACES_TILE_URL,
        "tileAttribution": settings.SAFERPLACES_TILE_ATTRIBUTION,
    }
    return {
        "sources": available,
        "source": source,
        "months": [(m, month_label(m)) for m in months],
        "month": month,
        "month_name": month_label(month) if month else None,
        "requested_month": (month_label(requested_month) if requested_month and MONTH.match(requested_month)
                            else requested_month),
        "month_not_found": bool(requested_month) and requested_month != month,
        "categories": categories,
        "category": category,
        "counts": shown,
        "count_total": sum(c.incidents for c in shown),
        "mapped_total": sum(c.mapped for c in shown),
        "map_config": config,
    }


def point_features(query: QuerySet[Incident], month: str) -> dict[str, Any]:
    """Located incidents (already chosen by the access helper) as GeoJSON points, one feature
    per map point, category and source.

    police.uk snaps crimes to anonymous map points, so many share a point: each feature carries
    ``count``. Only public fields leave the store: category, source, count, and the location text
    for police.uk rows (already published); never victim references or partner addresses.
    """
    limit = settings.SAFERPLACES_MAP_POINT_LIMIT
    points = list(query.values("lon", "lat", "category", "source")
                  .annotate(n=Count("id"), location=Max("location"))
                  .order_by("-n", "category", "lon", "lat")[: limit + 1])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(cast(float, p["lon"]), 6), round(cast(float, p["lat"]), 6)]},
            "properties": {
                "category": p["category"], "source": p["source"], "count": p["n"],
                "location": p["location"] if p["source"] == POLICE_UK else "",
            },
        }
        for p in points[:limit]
    ]
    return {"type": "FeatureCollection", "month": month, "features": features,
            "truncated": len(points) > limit}


def areas_geojson(kinds: tuple[str, ...] = MAP_AREA_KINDS) -> dict[str, object]:
    """Outlines of the areas drawn on the map (neighbourhoods, town centre, PSPO zones)."""
    labels = AREA_KIND_LABELS
    features = [
        {"type": "Feature", "geometry": geometry,
         "properties": {"kind": kind, "kind_label": labels.get(kind, kind), "code": code, "name": name}}
        for kind, code, name, geometry in Area.objects.filter(kind__in=kinds)
        .values_list("kind", "code", "name", "geometry").order_by("kind", "name")
    ]
    return {"type": "FeatureCollection", "features": features}

"""Read-side queries for the web pages (kept out of views)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Count

from saferplaces.incidents.models import Area, Incident
from saferplaces.incidents.services import store_status

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def months_available() -> list[str]:
    return [d.strftime("%Y-%m") for d in Incident.objects.dates("month", "month", order="DESC")]


def home_summary() -> dict:
    status = store_status()
    months = months_available()[:12]
    months.reverse()
    rows = Incident.objects.filter(month__in=[f"{m}-01" for m in months]).values_list("category", "month") \
        .annotate(n=Count("id"))
    table: dict[str, dict[str, int]] = {}
    for category, month, n in rows:
        table.setdefault(category, {})[month.strftime("%Y-%m")] = n
    categories = sorted(table, key=lambda c: -sum(table[c].values()))
    return {
        "status": status,
        "months": months,
        "month_table": [(c, [table[c].get(m, 0) for m in months], sum(table[c].values())) for c in categories],
        "month_totals": [sum(table[c].get(m, 0) for c in categories) for m in months],
    }


def map_context(month: str | None) -> dict:
    months = months_available()
    chosen = month if month in months else (months[0] if months else None)
    categories = list(Incident.objects.filter(month=f"{chosen}-01").values_list("category", flat=True)
                      .distinct().order_by("category")) if chosen else []
    return {
        "months": months, "month": chosen, "categories": categories,
        "tile_url": settings.SAFERPLACES_TILE_URL, "tile_attribution": settings.SAFERPLACES_TILE_ATTRIBUTION,
        "areas": [{"kind": a.kind, "name": a.name, "geometry": a.geometry}
                  for a in Area.objects.filter(kind__in=["neighbourhood", "town-centre", "pspo"])],
    }


def month_geojson(month: str | None, category: str | None) -> dict:
    if not month or not MONTH.match(month):
        return {"type": "FeatureCollection", "features": [], "error": "choose a month as YYYY-MM"}
    query = Incident.objects.filter(month=f"{month}-01", lat__isnull=False)
    if category:
        query = query.filter(category=category)
    limit = settings.SAFERPLACES_MAP_POINT_LIMIT
    rows = list(query.values_list("lon", "lat", "category", "source", "location")[: limit + 1])
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                 "properties": {"category": cat, "source": src,
                                "location": loc if src == "police-uk" else ""}}
                for lon, lat, cat, src, loc in rows[:limit]]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > limit}

"""The Explore page's tables, each shown on the page, drawn as a chart and downloaded as CSV
from the same ``Table`` (so the three always agree).

Every count is of ``scope.incidents`` (``saferplaces.apps.incidents.access.incidents_for_user``):

- **Trend**: incidents a month by category group (``groups``), every month of the range, zeros
  included; **categories** and **sources** (with how precisely each records time): counts over
  the range, as the home page counts (no location, so nothing withheld).
- **Time of day by day of week**: only incidents recorded to the minute
  (``Precision.MINUTE``), in UK local time (Europe/London, so a summer 23:30 is 23:30, not
  22:30 UTC). Records with a date only, or a month only (every police.uk record: police.uk
  publishes the month, never the day or time), are left out and counted in the note. A time
  and a day can single out one event, so for a user who may not see exact locations of
  sensitive incidents (``incidents.view_sensitive_locations``) a cell, hour total or day total
  with 1 to ``suppress_below - 1`` sensitive incidents (``incidents.sensitive``) is withheld,
  the threshold the map and the public report use (``strategic.disclosure``).
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core.cache import caches
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from saferplaces.apps.explore.groups import Grouping
from saferplaces.apps.incidents import summaries
from saferplaces.apps.incidents.access import (
    IncidentScope,
    sensitive_filter,
    stored_categories,
)
from saferplaces.apps.incidents.models import Incident, Precision
from saferplaces.apps.incidents.queries import SourceCount, source_labels
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.ingest.policeuk import SOURCE as POLICE_UK
from saferplaces.periods import month_label, shift_month

__all__ = ["DAYS", "HOURS", "LONDON", "TABLES", "Heat", "Selection", "Overview", "Table", "explore_tables", "forget", "overview", "timed_sources", "heat_counts",
           "selected"]

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOURS = tuple(f"{h:02d}:00 to {h:02d}:59" for h in range(24))
WITHHELD = "withheld"
#: The page's tables, in the order shown.
TABLES = ("trend", "categories", "sources", "heat")


@dataclass(frozen=True)
class Selection:
    """What the analyst chose: months ``first_month`` to ``last_month`` (``YYYY-MM``, both
    included), one ``source`` (None: all together), a category ``group`` key and one
    ``category`` (None: all)."""

    first_month: str
    last_month: str
    source: str | None = None
    group: str | None = None
    category: str | None = None

    def months(self) -> list[str]:
        out, month = [], self.first_month
        while month <= self.last_month:
            out.append(month)
            month = shift_month(month, 1)
        return out

    def params(self) -> dict[str, str]:
        """The page's query string for this selection."""
        out = {"first": self.first_month, "last": self.last_month, "source": self.source or "all"}
        if self.group:
            out["group"] = self.group
        if self.category:
            out["category"] = self.category
        return out


@dataclass
class Table:
    """One table: ``header`` then ``rows`` (first cell a label, the rest counts; None is a
    withheld count) and an optional ``foot`` row of totals."""

    key: str
    caption: str
    header: list[str]
    rows: list[list[Any]]
    foot: list[Any] | None = None
    shades: list[list[int]] = field(default_factory=list)

    def csv_rows(self) -> list[list[str]]:
        body = self.rows + ([self.foot] if self.foot else [])
        return [self.header] + [[WITHHELD if v is None else str(v) for v in row] for row in body]


def _day(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:]), 1)


def selected(scope: IncidentScope, selection: Selection, grouping: Grouping) -> QuerySet[Incident]:
    """The incidents of the selection among those the user may count."""
    query = scope.incidents.filter(month__gte=_day(selection.first_month),
                                   month__lte=_day(selection.last_month))
    if selection.source:
        query = query.filter(source=selection.source)
    if selection.group:
        query = query.filter(category__in=[c for c in stored_categories()
                                           if grouping.group_of(c).key == selection.group])
    if selection.category:
        query = query.filter(category=selection.category)
    return query


@dataclass(frozen=True)
class Heat:
    """Counts by hour (0–23) and ISO day of week (1 Monday – 7 Sunday), with the sensitive
    incidents among them."""

    counts: dict[tuple[int, int], int]
    sensitive: dict[tuple[int, int], int]


def heat_counts(query: QuerySet[Incident], sensitive: Q | None) -> Heat:
    """Incidents recorded to the minute by local hour and day of week (one grouped query)."""
    extra = {"s": Count("id", filter=sensitive)} if sensitive is not None else {}
    rows = (query.filter(precision=Precision.MINUTE)
            .annotate(hour=ExtractHour("occurred", tzinfo=LONDON),
                      weekday=ExtractIsoWeekDay("occurred", tzinfo=LONDON))
            .values("hour", "weekday").annotate(n=Count("id"), **extra).order_by())
    counts: dict[tuple[int, int], int] = {}
    hidden: dict[tuple[int, int], int] = {}
    for r in rows:
        counts[(r["hour"], r["weekday"])] = int(r["n"])
        hidden[(r["hour"], r["weekday"])] = int(cast(int, r.get("s", 0)))
    return Heat(counts, hidden)


def _shade(value: int | None, top: int) -> int:
    """0 (none) to 5 (the most) for the heat table's shading; the number is always shown."""
    if not value or not top:
        return 0
    return max(1, math.ceil(5 * value / top))


def _heat_table(heat: Heat, threshold: int, withhold: bool) -> Table:
    def shown(n: int, s: int) -> int | None:
        return None if withhold and 0 < s < threshold else n

    rows: list[list[Any]] = []
    for hour in range(24):
        cells = [shown(heat.counts.get((hour, d), 0), heat.sensitive.get((hour, d), 0))
                 for d in range(1, 8)]
        total = shown(sum(heat.counts.get((hour, d), 0) for d in range(1, 8)),
                      sum(heat.sensitive.get((hour, d), 0) for d in range(1, 8)))
        rows.append([HOURS[hour], *cells, total])
    top = max((v for row in rows for v in row[1:8] if isinstance(v, int)), default=0)
    shades = [[_shade(v, top) for v in row[1:8]] for row in rows]
    foot = ["All hours",
            *[shown(sum(heat.counts.get((h, d), 0) for h in range(24)),
                    sum(heat.sensitive.get((h, d), 0) for h in range(24))) for d in range(1, 8)],
            sum(heat.counts.values())]
    return Table("heat", "Incidents by time of day and day of the week (UK time)",
                 ["Time of day", *DAYS, "All days"], rows, foot, shades)


def _trend_table(query: QuerySet[Incident], selection: Selection, grouping: Grouping
                 ) -> tuple[Table, Table]:
    """Months by group, and categories over the range (with their source when all are shown)."""
    grouped = query.values_list("month", "category", "source").annotate(n=Count("id")).order_by()
    by_month: dict[tuple[str, str], int] = defaultdict(int)
    by_category: dict[tuple[str, str], int] = defaultdict(int)
    for month, category, source, n in grouped:
        by_month[(month.strftime("%Y-%m"), grouping.group_of(category).key)] += n
        by_category[(category, source)] += n
    present = [g for g in grouping.groups if any(k[1] == g.key for k in by_month)]
    rows: list[list[Any]] = []
    for month in selection.months():
        counts = [by_month.get((month, g.key), 0) for g in present]
        rows.append([month_label(month), *counts, sum(counts)])
    foot = ["All months", *[sum(r[i + 1] for r in rows) for i in range(len(present))],
            sum(r[-1] for r in rows)]
    trend = Table("trend", "Incidents a month by category group",
                  ["Month", *[g.label for g in present], "All groups"], rows, foot)
    labels = source_labels()
    ordered = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    if selection.source:
        cat_rows = [[c, grouping.group_of(c).label, n] for (c, _), n in ordered]
        header = ["Category", "Group", "Incidents"]
    else:
        cat_rows = [[c, grouping.group_of(c).label, labels.get(s, s), n] for (c, s), n in ordered]
        header = ["Category", "Group", "Source", "Incidents"]
    categories = Table("categories", "Incidents by category", header, cat_rows,
                       [*(["All categories"] + [""] * (len(header) - 2)), sum(by_category.values())])
    return trend, categories


def _sources_table(query: QuerySet[Incident]) -> Table:
    """Incidents by source and how precisely each records when it happened."""
    rows = query.values_list("source", "precision").annotate(n=Count("id")).order_by()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for source, precision, n in rows:
        counts[source][precision] = n
    labels = source_labels()
    levels = (Precision.MINUTE, Precision.DAY, Precision.MONTH)
    body: list[list[Any]] = [[labels.get(s, s), *[c.get(p, 0) for p in levels], sum(c.values())]
            for s, c in sorted(counts.items())]
    foot = ["All sources", *[sum(r[i] for r in body) for i in range(1, 5)]]
    return Table("sources", "Incidents by source and what is known of when they happened",
                 ["Source", "Date and time", "Date only", "Month only", "All"], body, foot)


T = TypeVar("T")


def forget() -> None:
    """Drop every kept summary (tests build a new store with the same row count and ids)."""
    caches["default"].clear()


def _remember(scope: IncidentScope, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``make()``, kept under ``key`` and the scope until the store's data change, by the one
    mechanism every summary uses (``summaries.memoised``)."""
    return summaries.memoised("explore", (str(scope.incidents.query), scope.exact_sensitive,
                                          scope.public, repr(scope.rules), *key), make)


@dataclass(frozen=True)
class Overview:
    """What the store holds for the user: ``sources`` (police.uk first, then by size, as
    ``queries.sources``), every month with incidents (oldest first) and each source's latest."""

    sources: list[SourceCount]
    months: list[str]
    latest: dict[str | None, str]


def overview(scope: IncidentScope) -> Overview:
    """The store at a glance, from one grouped scan (kept until the data changes)."""
    def make() -> Overview:
        rows = scope.incidents.values_list("source", "month").annotate(n=Count("id")).order_by()
        counts: dict[str, int] = defaultdict(int)
        latest: dict[str | None, str] = {}
        months: set[str] = set()
        for source, month, n in rows:
            key = month.strftime("%Y-%m")
            counts[source] += n
            months.add(key)
            latest[source] = max(latest.get(source, ""), key)
        labels = source_labels()
        found = sorted((SourceCount(s, labels.get(s, s), n) for s, n in counts.items()),
                       key=lambda s: (s.source != POLICE_UK, -s.incidents, s.source))
        latest[None] = max(months) if months else ""
        return Overview(found, sorted(months), latest)
    return _remember(scope, ("overview",), make)


def timed_sources(scope: IncidentScope, selection: Selection) -> list[str]:
    """Sources with incidents recorded to the minute in the selection's months."""
    def make() -> list[str]:
        return sorted(set(scope.incidents.filter(
            month__gte=_day(selection.first_month), month__lte=_day(selection.last_month),
            precision=Precision.MINUTE).values_list("source", flat=True).order_by()))
    return _remember(scope, ("timed", selection.first_month, selection.last_month), make)


def explore_tables(scope: IncidentScope, selection: Selection, grouping: Grouping
                   ) -> dict[str, Table]:
    """Every table of the page for the selection, by key (``trend``, ``categories``,
    ``sources``, ``heat``), kept until the data changes (``summaries.memoised``); treat them as
    read-only."""
    return _remember(scope, ("tables", selection, grouping),
                     lambda: _compute(scope, selection, grouping))


def _compute(scope: IncidentScope, selection: Selection, grouping: Grouping) -> dict[str, Table]:
    query = selected(scope, selection, grouping)
    withhold = not scope.exact_sensitive
    heat = heat_counts(query, sensitive_filter(scope.rules) if withhold else None)
    trend, categories = _trend_table(query, selection, grouping)
    tables = [trend, categories, _sources_table(query), _heat_table(heat, suppress_below(), withhold)]
    return {t.key: t for t in tables}

"""Picking incidents from the store for a case, and showing a case's incidents, through the
incident store's own access helper (``incidents_for_user``).

The place searched and shown follows that module's rule for sensitive incidents (a victim or
complainant reference, a listed category or flag): a reader without
``incidents.view_sensitive_locations`` sees their area (LSOA) but never their street, and a
place search matches their area only, so a search cannot reveal a street either.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

from saferplaces.apps.incidents.access import (
    IncidentScope,
    incidents_for_user,
    sensitive_filter,
    stored_categories,
)
from saferplaces.apps.incidents.models import Incident

__all__ = ["IncidentRow", "MOST_FOUND", "categories", "incident_rows", "search_incidents"]

#: The most incidents one search lists (narrow the search for more).
MOST_FOUND = 200


@dataclass(frozen=True)
class IncidentRow:
    id: int
    source: str
    category: str
    month: datetime.date
    place: str
    exact: bool


def _scope(user: Any) -> IncidentScope:
    return incidents_for_user(user, public_view=False)


def categories(user: Any) -> list[str]:
    """The categories the user may pick from (every stored one: the user's scope is the whole
    store, see ``_scope``)."""
    _scope(user)
    return stored_categories()


def _hidden(scope: IncidentScope) -> Q:
    return sensitive_filter(scope.rules)


def visible_incidents(user: Any) -> QuerySet[Incident]:
    """Every incident the user may see (what a case may be linked to)."""
    return _scope(user).incidents


def search_incidents(user: Any, *, place: str = "", first_month: str | None = None,
                     last_month: str | None = None, category: str = "") -> QuerySet[Incident]:
    """Incidents the user may see, by place (street for incidents whose street they may see;
    area name or code for all), months (``YYYY-MM``) and category; newest first."""
    scope = _scope(user)
    found = scope.incidents
    if first_month:
        found = found.filter(month__gte=datetime.date.fromisoformat(f"{first_month}-01"))
    if last_month:
        found = found.filter(month__lte=datetime.date.fromisoformat(f"{last_month}-01"))
    if category:
        found = found.filter(category=category)
    place = place.strip()
    if place:
        area = Q(lsoa_name__icontains=place) | Q(lsoa_code__iexact=place)
        street = Q(location__icontains=place)
        if not scope.exact_sensitive:
            street &= ~_hidden(scope)
        found = found.filter(area | street)
    return found.order_by("-occurred", "-pk")


def incident_rows(user: Any, incidents: QuerySet[Incident],
                  most: int = MOST_FOUND) -> list[IncidentRow]:
    """The first ``most`` incidents as rows, the street withheld where the user may not see it
    (one query: whether a row is sensitive is worked out by the database alongside it)."""
    scope = _scope(user)
    incidents = incidents.filter(pk__in=scope.incidents.values("pk"))
    if scope.exact_sensitive:
        incidents = incidents.annotate(withheld=Value(False, output_field=BooleanField()))
    else:
        incidents = incidents.annotate(withheld=ExpressionWrapper(
            _hidden(scope), output_field=BooleanField()))
    rows = []
    for incident in incidents[:most]:
        exact = not incident.withheld
        area = incident.lsoa_name or incident.lsoa_code
        if exact:
            place = ", ".join(part for part in (incident.location, area) if part) or "No location"
        else:
            place = f"{area or 'Area not known'} (street withheld: sensitive)"
        rows.append(IncidentRow(incident.pk, incident.source, incident.category,
                                incident.month, place, exact))
    return rows

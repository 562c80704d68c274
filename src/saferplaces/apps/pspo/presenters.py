"""What the PSPO pages show, shaped for the templates and the zone map's script."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE
from saferplaces.apps.pspo import services
from saferplaces.apps.pspo.access import can_change, can_see_breaches, is_owner
from saferplaces.apps.pspo.alerts import review_due_from
from saferplaces.apps.pspo.models import Order, OrderStatus, PenaltyStatus

__all__ = ["breach_conflict", "order_context", "zones_config"]


def _state(order: Order, today: datetime.date) -> str:
    if order.status == OrderStatus.DISCHARGED:
        return "Discharged"
    if order.status == OrderStatus.DRAFT:
        return "Draft"
    if today < order.made:
        return "Made, not yet in force"
    return "In force" if today <= order.current_expiry else "Expired"


def term_counts(order: Order) -> list[dict[str, Any]]:
    """Breaches and fixed penalties per term, counted (no names): for every reader."""
    rows = []
    for term in order.terms.all():
        statuses = Counter(term.breaches.values_list("penalty_status", flat=True))
        rows.append({"term": term, "breaches": sum(statuses.values()),
                     "penalties": sum(n for s, n in statuses.items() if s != PenaltyStatus.NONE),
                     "paid": statuses.get(PenaltyStatus.PAID, 0),
                     "unpaid": statuses.get(PenaltyStatus.UNPAID, 0),
                     "prosecuted": statuses.get(PenaltyStatus.PROSECUTED, 0)})
    return rows


def order_context(request: HttpRequest, order: Order) -> dict[str, Any]:
    today = datetime.date.today()
    expiry = order.current_expiry
    owner = is_owner(request.user, order)
    last = order.extensions.order_by("-decided").first()
    return {
        "order": order, "state": _state(order, today), "expiry": expiry,
        "challenge_ends": services.challenge_ends(order.made),
        "challenge_open": order.status == OrderStatus.MADE and order.made <= today <= services.challenge_ends(order.made),
        "review_from": review_due_from(expiry),
        "review_due": order.status == OrderStatus.MADE and review_due_from(expiry) <= today <= expiry,
        "limit": services.max_penalty(today),
        "zones": list(order.zones.all()), "terms": list(order.terms.all()),
        "extensions": list(order.extensions.all()),
        "consultations": list(order.consultations.all()),
        "due_to_make": services.consultation_due(order, on=order.made) if order.status == OrderStatus.DRAFT else [],
        "due_next": services.consultation_due(order, since=last.decided if last else order.made),
        "shares": list(order.shares.select_related("agency")),
        "term_counts": term_counts(order),
        "can_change": can_change(request.user, order),
        "can_share": owner and has_capability(request.user, CASES_MANAGE),
        "can_see_breaches": can_see_breaches(request.user, order),
        "can_record_breach": can_see_breaches(request.user, order) and has_capability(request.user, CASES_EDIT),
        "map_config": zones_config(order),
    }


def zones_config(order: Order) -> dict[str, Any]:
    """The zone map's data (``json_script``): the order's zones, the background tiles."""
    return {"zones": [{"name": z.name, "geometry": z.geometry} for z in order.zones.all()],
            "tileUrl": settings.SAFERPLACES_TILE_URL,
            "tileAttribution": settings.SAFERPLACES_TILE_ATTRIBUTION}


_LABELS = {"penalty_status": "Fixed penalty", "penalty_amount": "Amount (£)",
           "penalty_issued_on": "Issued on", "notes": "Notes"}


def breach_conflict(exc: services.Conflict) -> dict[str, Any]:
    rows = [{"field": _LABELS[name], "mine": mine, "theirs": getattr(exc.current, name)}
            for name, mine in exc.attempted.items()]
    return {"conflict": exc, "conflict_rows": rows}

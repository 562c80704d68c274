"""Recommendations tracked from one assessment to the next: who leads each, which agency, when
it is due, its status (not started, in progress, done, or dropped with a reason) and dated
progress updates, carried into the next assessment's "progress on last year's priorities".

Who may do what is in ``access`` (``recommendations_for_user`` ...): reading needs ``assessments.view`` (assessments
are partnership-wide); adding a recommendation, editing it and reporting progress need
``assessments.run`` (analysts and co-ordinators). An edit carries the version it was made on; a
save over a newer version saves nothing. The latest progress update (by its day, then entry)
sets the status. A recommendation done or dropped is not repeated among the next assessment's
new recommendations; it is reported under progress, with its latest update.

Which recommendations are "last year's": those the previous assessment's stored inputs list
(``entered.recommendations``), by their number (``ref``), or, for runs stored before
recommendations had numbers, by their text and finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F

from saferplaces.apps.assessments.models import (
    Recommendation,
    RecommendationStatus,
    RecommendationUpdate,
)
from saferplaces.strategic.inputs import TrackedRecommendation

__all__ = ["CLOSED", "Stale", "add_update", "edit_recommendation", "last_years_recommendations",
           "latest_update", "tracked"]

#: Statuses that end a recommendation: it is reported, not recommended again.
CLOSED = (RecommendationStatus.DONE, RecommendationStatus.DROPPED)


class Stale(Exception):
    """The recommendation changed since the form was opened; ``current`` is the saved one."""

    def __init__(self, current: Recommendation) -> None:
        super().__init__("changed since the form was opened")
        self.current = current


def latest_update(recommendation: Recommendation) -> RecommendationUpdate | None:
    return recommendation.updates.order_by("-on", "-id").first()


@transaction.atomic
def add_update(recommendation: Recommendation, user: Any, *, on: dt.date, status: str, note: str,
               reason: str = "") -> RecommendationUpdate:
    """Report progress as of ``on``; the latest update sets the recommendation's status (and
    its reason when dropped)."""
    update = RecommendationUpdate.objects.create(recommendation=recommendation, on=on,
                                                 status=status, note=note, reason=reason,
                                                 entered_by=user)
    newest = latest_update(recommendation)
    if newest is not None:
        Recommendation.objects.filter(pk=recommendation.pk).update(
            status=newest.status, status_reason=newest.reason, version=F("version") + 1)
    recommendation.refresh_from_db()
    return update


@transaction.atomic
def edit_recommendation(recommendation: Recommendation, version: int, changes: Mapping[str, Any]
                        ) -> list[str]:
    """Save ``changes`` (text, owner, agency, due) made on ``version``; raise ``Stale`` when
    the record has moved on. Returns the names of the fields changed."""
    current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if current.version != version:
        raise Stale(current)
    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, changes[name])
    if changed:
        current.version += 1
        current.save(update_fields=[*changed, "version"])
    return changed


def tracked(recommendation: Recommendation) -> TrackedRecommendation:
    """The engine's view of one recommendation as it stands now."""
    newest = latest_update(recommendation)
    return TrackedRecommendation(
        text=recommendation.text, finding=recommendation.finding,
        status=recommendation.get_status_display().lower(),
        owner=recommendation.owner, agency=recommendation.agency.name if recommendation.agency else "",
        due=recommendation.due.isoformat() if recommendation.due else None,
        reason=recommendation.status_reason if recommendation.status == RecommendationStatus.DROPPED else "",
        latest_update=newest.note if newest else "",
        latest_update_on=newest.on.isoformat() if newest else None, ref=recommendation.pk)


def last_years_recommendations(previous: Mapping[str, Any] | None
                               ) -> tuple[TrackedRecommendation, ...]:
    """The previous assessment's recommendations (module docstring) as they stand now, in
    that assessment's order; those deleted since are left out."""
    if not previous:
        return ()
    listed = (previous.get("entered") or {}).get("recommendations", [])
    out = []
    for entry in listed:
        ref = entry.get("ref")
        query = (Recommendation.objects.filter(pk=ref) if ref is not None else
                 Recommendation.objects.filter(text=entry.get("text", ""),
                                               finding=entry.get("finding", "")).order_by("id"))
        found = query.select_related("agency").first()
        if found is not None:
            out.append(tracked(found))
    return tuple(out)

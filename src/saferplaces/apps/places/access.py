"""Who may see and change places: the one access helper for places, used by the pages and the
API alike.

- Places are shared partnership knowledge: every member who may read cases (``cases.view``)
  may read every place, whichever agency recorded it (403 without the capability). An unknown
  place is 404.
- Adding a place needs ``cases.edit``; linking one to a case needs ``cases.edit`` and an agency
  that works on that case (``get_case_for_user``: an outsider gets 404 for the case).
- The cases that involve a place are shown only as the reader may see them: cases their agency
  sees **in full** (owner, a full share, break-glass). A limited share shows a case's existence,
  type and status but not its content, and the places involved are content.
- The incidents near a place come from the incident store's own access helper
  (:mod:`saferplaces.apps.places.services`), so sensitive exact locations follow its rules.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import require_capability
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.cases.access import CaseAccess, cases_for_user, get_case_for_user
from saferplaces.apps.places.models import CasePlace, Place

__all__ = ["MOST_CASES", "cases_of_place", "get_place_for_user", "places_for_user"]

#: The most cases one place page lists (a place in more is a matter for the cases list).
MOST_CASES = 100


def places_for_user(user: Any, capability: str = CASES_VIEW) -> QuerySet[Place]:
    """Every place (403 without ``capability``)."""
    require_capability(user, capability)
    return Place.objects.select_related("owner_agency")


def get_place_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> Place:
    """One place: 403 without ``capability``, 404 when there is no such place."""
    place = places_for_user(user, capability).filter(pk=pk).first()
    if place is None:
        raise Http404("No such place.")
    return place


def cases_of_place(user: Any, place: Place) -> list[CaseAccess]:
    """The cases involving ``place`` that the user's agency sees in full, newest first."""
    visible = cases_for_user(user).values("pk")
    ids = (CasePlace.objects.filter(place=place, case__in=visible)
           .order_by("-case__opened_on", "-case_id").values_list("case_id", flat=True))
    found = []
    for case_id in ids[:MOST_CASES]:
        access = get_case_for_user(user, case_id)
        if access.full:
            found.append(access)
    return found

"""Repeat victims and repeat locations of hate, for the case page, as one reader may see them.

- **Repeat victim**: a person who is a victim party in this hate case and in other hate cases,
  counted by the engine's rule (:func:`saferplaces.casework.hate.repeats`: at least
  ``hate.repeat.min_records`` within ``hate.repeat.window_months`` months; defaults 2 in 12).
- **Repeat location**: a place linked to this case and to other hate cases, by the same rule;
  and, for each located place, the incidents in the store flagged as hate at the same map
  point.
- A case is dated by the day its hate details were recorded, else the day it was opened.
- Only cases the reader sees **in full** count or are named (owner, a full share,
  break-glass): who is a party and which places are involved is case content, which a limited
  share or an outsider does not see. The incidents come through the store's access helper
  (``incidents_for_user``): incidents whose exact location is sensitive are counted only for
  readers who may see sensitive locations, as on the place page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from saferplaces.apps.cases.access import CaseAccess, cases_for_user, get_case_for_user
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Case, Party
from saferplaces.apps.cases.presenters import parties_of
from saferplaces.apps.hate.models import HateDetails
from saferplaces.apps.incidents.access import incidents_for_user, sensitive_filter
from saferplaces.apps.places.models import CasePlace, Place
from saferplaces.apps.places.nearby import SAME_POINT_M
from saferplaces.casework.hate import Appearance, repeats

__all__ = ["HATE_FLAGS", "RepeatPlace", "RepeatVictim", "repeat_places", "repeat_victims"]

#: The incident store's hate flags (one per monitored strand).
HATE_FLAGS = ("hate_race", "hate_religion", "hate_sexual_orientation", "hate_disability",
              "hate_transgender")
VICTIM = "victim"


@dataclass(frozen=True)
class RepeatVictim:
    name: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class RepeatPlace:
    place: Place
    references: tuple[str, ...]
    flagged_incidents: int | None  # None: the reader may not count the store's incidents


def _full_cases(user: Any, case_ids: set[int]) -> dict[int, Case]:
    """Of ``case_ids``, the hate cases ``user`` sees in full."""
    visible = cases_for_user(user).filter(pk__in=case_ids, case_type="hate").values_list("pk", flat=True)
    found = {}
    for pk in visible:
        try:
            access = get_case_for_user(user, pk)
        except (Http404, PermissionDenied):
            continue
        if access.full:
            found[pk] = access.case
    return found


def _dates(cases: dict[int, Case]) -> dict[int, datetime.date]:
    recorded = dict(HateDetails.objects.filter(case_id__in=list(cases))
                    .values_list("case_id", "recorded_on"))
    return {pk: recorded.get(pk, case.opened_on) for pk, case in cases.items()}


def _appearances(pairs: list[tuple[int, int]], user: Any) -> tuple[list[Appearance], dict[int, Case]]:
    cases = _full_cases(user, {case_id for _, case_id in pairs})
    dates = _dates(cases)
    return ([Appearance(str(who), cases[case_id].reference, dates[case_id])
             for who, case_id in pairs if case_id in cases], cases)


def repeat_victims(user: Any, access: CaseAccess) -> list[RepeatVictim]:
    """The victims of this case who are repeat victims of hate (module docstring)."""
    names = {row.person_id: row.name for row in parties_of(user, access) if row.role == VICTIM}
    pairs = list(Party.objects.filter(person_id__in=list(names), role=VICTIM,
                                      case__case_type="hate")
                 .values_list("person_id", "case_id").distinct())
    appearances, _ = _appearances(pairs, user)
    found = repeats(appearances, rules=rules())
    return [RepeatVictim(names[int(who)], refs) for who, refs in sorted(found.items())
            if int(who) in names]


def _flagged_at(user: Any, place: Place) -> int | None:
    try:
        scope = incidents_for_user(user, public_view=False)
    except PermissionDenied:
        return None
    if not place.located:
        return 0
    px, py, d = float(place.x), float(place.y), SAME_POINT_M  # type: ignore[arg-type]
    flagged = Q()
    for flag in HATE_FLAGS:
        flagged |= Q(**{flag: True})
    found = scope.incidents.filter(flagged, x__gte=px - d, x__lte=px + d, y__gte=py - d, y__lte=py + d)
    if not scope.exact_sensitive:
        categories = list(found.values_list("category", flat=True).distinct().order_by())
        found = found.exclude(sensitive_filter(scope.rules, categories))
    return sum(1 for x, y in found.values_list("x", "y")
               if x is not None and y is not None and (x - px) ** 2 + (y - py) ** 2 <= d * d)


def repeat_places(user: Any, access: CaseAccess) -> list[RepeatPlace]:
    """This case's places that are repeat locations of hate, or have hate-flagged incidents in
    the store at the same map point (module docstring)."""
    places = {link.place_id: link.place for link in
              CasePlace.objects.filter(case=access.case).select_related("place")}
    pairs = list(CasePlace.objects.filter(place_id__in=list(places), case__case_type="hate")
                 .values_list("place_id", "case_id").distinct())
    appearances, _ = _appearances(pairs, user)
    found = repeats(appearances, rules=rules())
    shown = []
    for pk, place in sorted(places.items(), key=lambda item: (item[1].name, item[0])):
        flagged = _flagged_at(user, place)
        references = found.get(str(pk), ())
        if references or flagged:
            shown.append(RepeatPlace(place, references, flagged))
    return shown

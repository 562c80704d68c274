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
- **Never exact where a protected person may live** (one rule for the place page, the places
  list and search, the API and the map): a place is *protected* when a party of **any** case
  linked to it (seen by the reader or not) has a confidential address or a locked-down profile,
  or its UPRN is one of such a person's addresses. A protected place is shown exactly (its
  address or name, postcode, UPRN, point, description and the incidents near it) only to the
  case managers (``cases.manage``) of the agency that owns **every** record that protects it
  (the cases with such a party, the people with such an address), as a confidential address
  is shown only to its owner agency's case managers (``people.access``). Everyone else sees
  "An address" or "A named location" in the area it falls in (the first loaded kind of the
  incident store's ``[aggregation] area_kinds``, as sensitive incidents are), and search
  never finds it by its address, postcode or UPRN.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from django.db.models import Q, QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.roles import CASES_MANAGE, CASES_VIEW
from saferplaces.apps.cases.access import CaseAccess, cases_for_user, get_case_for_user
from saferplaces.apps.cases.models import Party
from saferplaces.apps.incidents.access import sensitive_rules
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.people.models import Address
from saferplaces.apps.places.models import CasePlace, Place, PlaceKind
from saferplaces.vocab import AREA_KIND_LABELS

__all__ = ["Areas", "MOST_CASES", "PlaceView", "cases_of_place", "get_place_for_user",
           "place_view", "place_views", "places_for_user", "protected_places",
           "unsearchable_places"]

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


_PROTECTED_PERSON = Q(confidential_address=True) | Q(locked_down=True)


def _protectors(place_ids: Iterable[int]) -> dict[int, set[int]]:
    """Of ``place_ids``, the protected ones (module docstring), each with the agencies that own
    the records protecting it."""
    ids = list(place_ids)
    found: dict[int, set[int]] = defaultdict(set)
    parties = Party.objects.filter(Q(person__confidential_address=True)
                                   | Q(person__locked_down=True))
    for place_id, agency_id in (CasePlace.objects
                                .filter(place_id__in=ids, case__in=parties.values("case"))
                                .values_list("place_id", "case__owner_agency_id")):
        found[place_id].add(agency_id)
    uprns: dict[str, set[int]] = defaultdict(set)
    for uprn, agency_id in (Address.objects.exclude(uprn="")
                            .filter(person__in=_protected_people())
                            .values_list("uprn", "person__owner_agency_id")):
        uprns[uprn].add(agency_id)
    if uprns:
        for place_id, uprn in (Place.objects.filter(pk__in=ids, uprn__in=list(uprns))
                               .values_list("pk", "uprn")):
            found[place_id] |= uprns[uprn]
    return dict(found)


def _protected_people() -> QuerySet[Any]:
    from saferplaces.apps.people.models import Person

    return Person.objects.filter(_PROTECTED_PERSON).values("pk")


def protected_places(place_ids: Iterable[int]) -> set[int]:
    """Of ``place_ids``, those that may be where a protected person lives (module docstring)."""
    return set(_protectors(place_ids))


def _withheld_for(user: Any, place_ids: Iterable[int]) -> set[int]:
    """Of ``place_ids``, those ``user`` may not see exactly (module docstring)."""
    protectors = _protectors(place_ids)
    if not protectors:
        return set()
    agency = agency_of(user)
    manager = agency is not None and has_capability(user, CASES_MANAGE)
    return {pk for pk, owners in protectors.items()
            if not (manager and agency is not None and owners == {agency.pk})}


def unsearchable_places(user: Any) -> QuerySet[Place]:
    """The places ``user`` may not find by their address, postcode or UPRN: the protected
    places they may not see exactly."""
    parties = Party.objects.filter(Q(person__confidential_address=True)
                                   | Q(person__locked_down=True))
    linked = CasePlace.objects.filter(case__in=parties.values("case")).values("place")
    uprns = (Address.objects.exclude(uprn="").filter(person__in=_protected_people())
             .values("uprn"))
    candidates = list(Place.objects.filter(Q(pk__in=linked) | Q(uprn__in=uprns))
                      .values_list("pk", flat=True))
    return Place.objects.filter(pk__in=_withheld_for(user, candidates))


class Areas:
    """The areas a withheld place is shown as: the configured kinds in order
    (``[aggregation] area_kinds``), read once and only when needed."""

    def __init__(self) -> None:
        self._shapes: list[tuple[Area, Any]] | None = None

    def containing(self, lon: float | None, lat: float | None) -> Area | None:
        """The first area of the first configured kind that covers the point."""
        if lon is None or lat is None:
            return None
        if self._shapes is None:
            kinds = sensitive_rules().area_kinds
            found = sorted(Area.objects.filter(kind__in=kinds),
                           key=lambda a: (kinds.index(a.kind), a.code))
            self._shapes = [(area, shapely.geometry.shape(area.geometry)) for area in found]
        point = shapely.Point(lon, lat)
        return next((area for area, shape in self._shapes if shape.covers(point)), None)


@dataclass(frozen=True)
class PlaceView:
    """A place as one reader may see it: ``exact`` False is the withheld view (module
    docstring): no address, postcode, UPRN, point or description, only the area it is in."""

    place: Place
    exact: bool
    area: Area | None = None

    @property
    def pk(self) -> int:
        return self.place.pk

    @property
    def area_name(self) -> str:
        """The area the place is shown as ("" when exact, or in none)."""
        if self.area is None:
            return ""
        return f"{AREA_KIND_LABELS.get(self.area.kind, self.area.kind)} {self.area.name}"

    @property
    def name(self) -> str:
        if self.exact:
            return self.place.name
        what = "A named location" if self.place.kind == PlaceKind.LOCATION else "An address"
        where = self.area_name
        return (f"{what} in {where} (shown only by its area)" if where
                else f"{what} (its location is withheld)")

    def __getattr__(self, name: str) -> Any:
        """The place's other fields: as stored when exact, withheld (blank) when not."""
        if name.startswith("_") or name in ("place", "exact", "area"):
            raise AttributeError(name)
        if name in _WITHHELD and not self.exact:
            return None if name in ("x", "y", "lon", "lat") else ""
        if name == "located":
            return self.exact and self.place.located
        return getattr(self.place, name)


#: What the withheld view leaves out; ``located`` follows the point.
_WITHHELD = frozenset({"postcode", "uprn", "x", "y", "lon", "lat", "description"})


def place_views(user: Any, places: Iterable[Place], areas: Areas | None = None
                ) -> list[PlaceView]:
    """Each of ``places`` as ``user`` may see it (module docstring)."""
    found = list(places)
    withheld = _withheld_for(user, [p.pk for p in found])
    areas = areas or Areas()
    return [PlaceView(p, exact=p.pk not in withheld,
                      area=areas.containing(p.lon, p.lat) if p.pk in withheld else None)
            for p in found]


def place_view(user: Any, place: Place) -> PlaceView:
    """One place as ``user`` may see it (module docstring)."""
    return place_views(user, [place])[0]

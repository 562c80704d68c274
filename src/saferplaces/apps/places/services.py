"""The rules of places: adding one, changing it, linking it to a case and unlinking it.

- **Adding** a place needs ``cases.edit``; it belongs to the user's agency (who recorded it) and
  is read by every agency (places are shared knowledge: ``access``). A place is typed in: an
  address (optional UPRN and postcode) or a named location, with its point given as British
  National Grid easting/northing or as longitude/latitude; the other pair is computed with
  pyproj (:mod:`saferplaces.geo`), and a point outside Great Britain is refused. There is no
  way to make a place from a person's address, so a confidential address can never become one.
- **Changing** a place (kind, name or address, postcode, UPRN, British National Grid point,
  description) needs ``cases.edit`` in the agency that recorded it (its owner): the others read
  it but may not change it (403). No lost updates: a change names the ``version`` it was made
  from; when the stored place has moved on, nothing is saved (:class:`Conflict`) and the page
  shows both versions, as for cases and people.
- **Linking** a place to a case needs ``cases.edit`` and an agency that works on the case
  (owner or a full share; ``get_case_for_user`` gives outsiders 404). **Unlinking** it needs
  ``cases.manage`` in the agency that owns the case, and a reason (at least
  ``MIN_REASON_LENGTH`` characters, kept in the audit log). The case's timeline says a place was
  linked or unlinked, naming the case and agency, never the address or the reason.
- The incidents near a place are :mod:`saferplaces.apps.places.nearby`'s.
- Every change is one audit event (field names only); reads are audited by the pages.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.breakglass import MIN_REASON_LENGTH
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.models import TimelineEntry
from saferplaces.apps.places.models import CasePlace, Place, PlaceKind
from saferplaces.geo import in_great_britain, to_bng, to_wgs84

__all__ = ["EDITABLE", "Conflict", "PlaceRuleError", "create_place", "is_owner", "link_place",
           "unlink_place", "update_place"]

RESOURCE = "place"
#: The fields a place's owner may change, in the order the forms show them.
EDITABLE = ("kind", "name", "postcode", "uprn", "x", "y", "description")

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_UPRN = re.compile(r"^[0-9]{1,12}$")


class PlaceRuleError(ValueError):
    """A place the rules refuse; the message says what to do, for the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- adding a place --------------------------------------------------------------------------------


def _postcode(text: str) -> str:
    code = " ".join(text.upper().split())
    if not code:
        return ""
    if not _POSTCODE.match(code):
        raise PlaceRuleError("Enter a real postcode, like CO1 1AA.", "postcode")
    if " " not in code:
        code = f"{code[:-3]} {code[-3:]}"
    return code


def _point(x: float | None, y: float | None, lon: float | None, lat: float | None
           ) -> tuple[float | None, float | None, float | None, float | None]:
    """Both pairs of coordinates from whichever pair was given (British National Grid first)."""
    if (x is None) != (y is None):
        raise PlaceRuleError("Enter both the easting and the northing, or neither.", "x")
    if (lon is None) != (lat is None):
        raise PlaceRuleError("Enter both the longitude and the latitude, or neither.", "lon")
    if x is not None and y is not None:
        lons, lats = to_wgs84(np.array([x]), np.array([y]))
        lon, lat = float(lons[0]), float(lats[0])
    elif lon is not None and lat is not None:
        xs, ys = to_bng(np.array([lon]), np.array([lat]))
        x, y = float(xs[0]), float(ys[0])
    else:
        return None, None, None, None
    if not (math.isfinite(lon) and math.isfinite(lat)) or not bool(
            in_great_britain(np.array([lon]), np.array([lat]))[0]):
        raise PlaceRuleError("That point is not in Great Britain: check the numbers (and that "
                             "easting and northing, or longitude and latitude, are not swapped).",
                             "x" if x is not None else "lon")
    return round(x, 1), round(y, 1), round(lon, 6), round(lat, 6)


def _values(*, kind: str, name: str, postcode: str, uprn: str, x: float | None,
            y: float | None, lon: float | None, lat: float | None,
            description: str) -> dict[str, Any]:
    """The stored values of a place as typed in, or :class:`PlaceRuleError`."""
    name = " ".join(name.split())
    if not name:
        raise PlaceRuleError("Enter the address or the location's name.", "name")
    if kind not in PlaceKind.values:
        raise PlaceRuleError("Choose an address or a named location.", "kind")
    uprn = uprn.strip()
    if uprn and not _UPRN.match(uprn):
        raise PlaceRuleError("A UPRN is a number of up to 12 digits.", "uprn")
    px, py, plon, plat = _point(x, y, lon, lat)
    return {"kind": kind, "name": name, "postcode": _postcode(postcode), "uprn": uprn,
            "x": px, "y": py, "lon": plon, "lat": plat, "description": description.strip()}


def create_place(user: Any, *, name: str, kind: str = PlaceKind.ADDRESS, postcode: str = "",
                 uprn: str = "", x: float | None = None, y: float | None = None,
                 lon: float | None = None, lat: float | None = None, description: str = "",
                 request: HttpRequest | None = None) -> Place:
    """A new place recorded by the user's agency (``cases.edit``); see the module for the rule."""
    require_capability(user, CASES_EDIT)
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You need to belong to an agency to add a place.")
    values = _values(kind=kind, name=name, postcode=postcode, uprn=uprn, x=x, y=y, lon=lon,
                     lat=lat, description=description)
    with transaction.atomic():
        place = Place.objects.create(owner_agency=agency, created_by=user, **values)
        record("create", user=user, request=request, object_type=RESOURCE, object_id=place.pk,
               fields=[key for key, value in values.items() if value not in (None, "")])
    return place


# --- changing a place ----------------------------------------------------------------------------


class Conflict(Exception):
    """The place changed since the form was opened: nothing was saved. ``current`` is the
    stored place, ``attempted`` the values the user tried to save."""

    def __init__(self, current: Place, attempted: dict[str, Any]) -> None:
        super().__init__("The place was changed by someone else while you were editing it.")
        self.current = current
        self.attempted = attempted


def is_owner(user: Any, place: Place) -> bool:
    """Whether the user belongs to the agency that recorded the place."""
    agency = agency_of(user)
    return agency is not None and agency.pk == place.owner_agency_id


def update_place(user: Any, place: Place, *, version: int, kind: str, name: str,
                 postcode: str = "", uprn: str = "", x: float | None = None,
                 y: float | None = None, description: str = "",
                 request: HttpRequest | None = None) -> Place:
    """Change the place (``cases.edit`` in the agency that recorded it) if the stored place is
    still at ``version``; else :class:`Conflict` and nothing is saved."""
    require_capability(user, CASES_EDIT)
    if not is_owner(user, place):
        raise PermissionDenied("Only the agency that recorded this place can change it.")
    wanted = _values(kind=kind, name=name, postcode=postcode, uprn=uprn, x=x, y=y, lon=None,
                     lat=None, description=description)
    changed = [key for key in EDITABLE if getattr(place, key) != wanted[key]]
    with transaction.atomic():
        saved = Place.objects.filter(pk=place.pk, version=version).update(
            **wanted, version=F("version") + 1)
        current = Place.objects.select_related("owner_agency").get(pk=place.pk)
        if not saved:
            raise Conflict(current, {key: wanted[key] for key in EDITABLE})
        if changed:
            record("update", user=user, request=request, object_type=RESOURCE,
                   object_id=place.pk, fields=changed)
    return current


# --- linking a place to a case ------------------------------------------------------------------


def link_place(access: CaseAccess, user: Any, place: Place, *,
               request: HttpRequest | None = None) -> CasePlace:
    """Link ``place`` to the case (``cases.edit``; an agency that works on the case)."""
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    case = access.case
    if CasePlace.objects.filter(case=case, place=place).exists():
        raise PlaceRuleError(f"This place is already linked to {case.reference}.", "case")
    agency = agency_of(user)
    try:
        with transaction.atomic():
            link = CasePlace.objects.create(case=case, place=place, linked_by=user)
            TimelineEntry.objects.create(
                case=case, user=user, agency=agency, kind="place",
                text=f"A place was linked to {case.reference} by {agency.name if agency else 'an agency'}")
            record("update", user=user, request=request, object_type="case", object_id=case.pk,
                   fields=["places"])
            record("update", user=user, request=request, object_type=RESOURCE,
                   object_id=place.pk, fields=["cases"])
    except IntegrityError:  # linked by someone else a moment ago
        raise PlaceRuleError(f"This place is already linked to {case.reference}.", "case") from None
    return link


def unlink_place(access: CaseAccess, user: Any, place: Place, *, reason: str,
                 request: HttpRequest | None = None) -> None:
    """Unlink ``place`` from the case: ``cases.manage`` in the agency that owns the case, with a
    reason (audited; the timeline names the case and agency only)."""
    require_capability(user, CASES_MANAGE)
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns the case can unlink its places.")
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise PlaceRuleError(f"Give the reason for unlinking the place (at least "
                             f"{MIN_REASON_LENGTH} characters).", "reason")
    case = access.case
    agency = agency_of(user)
    with transaction.atomic():
        deleted, _ = CasePlace.objects.filter(case=case, place=place).delete()
        if not deleted:
            raise PlaceRuleError(f"This place is no longer linked to {case.reference}.")
        TimelineEntry.objects.create(
            case=case, user=user, agency=agency, kind="place",
            text=f"A place was unlinked from {case.reference} by {agency.name if agency else 'its owner'}")
        record("update", user=user, request=request, object_type="case", object_id=case.pk,
               fields=["places"], reason=reason)
        record("update", user=user, request=request, object_type=RESOURCE,
               object_id=place.pk, fields=["cases"], reason=reason)

"""County-lines intelligence counted for the practitioner briefing: aggregate counts only, never a
label, phone number, line name, address, postcode, registration or person.

Counted for the days from ``start`` to ``end`` (both included), across every agency's records
(the briefing is the partnership's picture; nobody reads an entity through these counts):

- ``lines_active``: deal lines open on any day of the period (opened on or before ``end``, or
  with no opening date while recorded as open; not closed before ``start``); ``lines_opened``
  and ``lines_closed``: of all lines, those opened, and those closed, in the period. A line is
  its phone number (:func:`phone_key`: ``+44 7700 900461`` and ``07700-900461`` are one line):
  the records of one number by several agencies count once, as one line that is active when
  any record is, opened on the earliest opening date, and closed on the latest closing date
  once every record is closed. A record with no phone number counts as a line of its own;
- ``cuckooing_addresses``: addresses with a possible or confirmed cuckooing risk that were
  recorded in the period or have a link dated in it, by risk (``possible``, ``confirmed``,
  ``total``); ``cuckooing_by_neighbourhood``: the same addresses counted by the neighbourhood
  (loaded area of kind ``neighbourhood``) their grid reference falls in, ``"Not located"`` for
  those without one, ``"Whole area"`` when no neighbourhoods are loaded;
- ``nominals_by_role``: nominals recorded in the period or with a link dated in it, by role and
  age band on the period's last day (``child``: under the adult age of rule
  ``safeguarding.adult_age``, Children Act 1989 s.105(1); ``adult``; ``unknown``: no date of
  birth); ``victims_of_exploitation``: of those, the ones flagged victims, by age band.

Who may see these counts is the caller's rule: the briefing shows them to signed-in partners as
counts; the public hidden-harms page only at or above the public report's threshold
(``strategic.disclosure``).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from saferplaces.apps.cases.law import rules
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.intelligence.models import CuckooingRisk, Entity, Kind, LineStatus, Link
from saferplaces.casework.age import is_child
from saferplaces.geo import to_wgs84
from saferplaces.spatial import AreaIndex, assign_points

__all__ = ["AGE_BANDS", "NOT_LOCATED", "WHOLE_AREA", "briefing_counts", "phone_key"]

AGE_BANDS = ("child", "adult", "unknown")
NOT_LOCATED = "Not located"
WHOLE_AREA = "Whole area"


def _active_in(kind: str, start: datetime.date, end: datetime.date) -> QuerySet[Entity]:
    linked = Link.objects.filter(date__range=(start, end))
    ids = set(linked.values_list("a_id", flat=True)) | set(linked.values_list("b_id", flat=True))
    return Entity.objects.filter(Q(pk__in=ids) | Q(recorded_at__date__range=(start, end)), kind=kind)


def phone_key(number: str) -> str | None:
    """The phone number as one form whatever its spacing or punctuation, a UK number written
    internationally (``+44``, ``0044``, ``+44 (0)``) as its national ``0`` form; None when it
    holds no digit."""
    digits = re.sub(r"[^0-9]", "", number)
    if not digits:
        return None
    written = number.strip()
    if digits.startswith("0044"):
        digits, international = digits[4:], True
    elif written.startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        digits, international = digits[2:], True
    elif written.startswith("+") or digits.startswith("00"):
        return "+" + digits.removeprefix("00")  # another country's number: kept whole
    else:
        international = False
    return digits if not international or digits.startswith("0") else "0" + digits


def _lines(start: datetime.date, end: datetime.date) -> dict[str, int]:
    records = Entity.objects.filter(kind=Kind.DEAL_LINE).values_list(
        "pk", "phone_number", "status", "opened", "closed")
    lines: dict[Any, list[tuple[str, datetime.date | None, datetime.date | None]]] = {}
    for pk, phone, status, opened, closed in records:
        lines.setdefault(phone_key(phone or "") or pk, []).append((status, opened, closed))
    active = opened_in = closed_in = 0
    for held in lines.values():
        active += any((opened is not None and opened <= end)
                      or (opened is None and status == LineStatus.OPEN)
                      for status, opened, closed in held
                      if closed is None or closed >= start)
        first = min((opened for _, opened, _ in held if opened is not None), default=None)
        opened_in += first is not None and start <= first <= end
        if all(closed is not None for _, _, closed in held):
            last = max(closed for _, _, closed in held if closed is not None)
            closed_in += start <= last <= end
    return {"lines_active": active, "lines_opened": opened_in, "lines_closed": closed_in}


def _neighbourhoods(points: list[tuple[float | None, float | None]]) -> list[str]:
    """The neighbourhood name of each BNG point (module docstring for the other answers)."""
    areas = list(Area.objects.filter(kind="neighbourhood").order_by("code")
                 .values_list("pk", "code", "name", "geometry"))
    if not areas:
        return [WHOLE_AREA] * len(points)
    names = {pk: name for pk, _, name, _ in areas}
    index = AreaIndex.build([a[0] for a in areas], ["neighbourhood"] * len(areas),
                            [a[1] for a in areas], [a[3] for a in areas])
    located = [i for i, (x, y) in enumerate(points) if x is not None and y is not None]
    found = [NOT_LOCATED] * len(points)
    if located:
        lon, lat = to_wgs84(np.array([points[i][0] for i in located], float),
                            np.array([points[i][1] for i in located], float))
        rows, area_ids = assign_points(index, lon, lat)
        for row, area in zip(rows.tolist(), area_ids.tolist(), strict=True):
            if found[located[row]] == NOT_LOCATED:  # first match: lowest code wins
                found[located[row]] = names[area]
    return found


def _cuckooing(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    addresses = list(_active_in(Kind.ADDRESS, start, end)
                     .filter(cuckooing_risk__in=[CuckooingRisk.POSSIBLE, CuckooingRisk.CONFIRMED])
                     .values_list("cuckooing_risk", "x", "y"))
    risks = Counter(risk for risk, _, _ in addresses)
    where = Counter(_neighbourhoods([(x, y) for _, x, y in addresses]))
    return {"cuckooing_addresses": {"possible": risks[CuckooingRisk.POSSIBLE],
                                    "confirmed": risks[CuckooingRisk.CONFIRMED],
                                    "total": len(addresses)},
            "cuckooing_by_neighbourhood": dict(sorted(where.items()))}


def _nominals(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    in_force = rules()

    def band(born: datetime.date | None) -> str:
        if born is None or born > end:
            return "unknown"
        return "child" if is_child(born, end, in_force) else "adult"

    nominals = list(_active_in(Kind.NOMINAL, start, end)
                    .values_list("role", "date_of_birth", "victim_of_exploitation"))
    by_role: dict[str, dict[str, int]] = {}
    victims = dict.fromkeys(AGE_BANDS, 0)
    for role, born, victim in nominals:
        counts = by_role.setdefault(role or "unknown", dict.fromkeys(AGE_BANDS, 0))
        counts[band(born)] += 1
        if victim:
            victims[band(born)] += 1
    return {"nominals_by_role": dict(sorted(by_role.items())), "victims_of_exploitation": victims}


def briefing_counts(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The counts of the module docstring for ``start`` to ``end``: integers, or dictionaries of
    integers keyed by risk, neighbourhood name, role or age band."""
    if end < start:
        raise ValueError("the period ends before it starts")
    return {**_lines(start, end), **_cuckooing(start, end), **_nominals(start, end)}

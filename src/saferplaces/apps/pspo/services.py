"""The rules of Public Spaces Protection Orders (Anti-social Behaviour, Crime and Policing Act
2014 ss.59-75), each read from the law in force (``data/law/pspo.toml`` through
``saferplaces.apps.cases.law.rules``), never a number in the code:

- **Duration** (s.60(1)): an order has effect for at most ``pspo.max_duration_years`` from the
  day it is made; a longer expiry is refused. The expiry is after the day it is made.
- **Periods of years** run by the corresponding-date rule (``period_end``): a period of years
  beginning on a day ends the day before the same date that many years on, or, when that year
  has no such date (29 February), on the last day of that month: made on 29 February 2024, three
  years end on 28 February 2027; made on 1 March 2023, one year ends on 29 February 2024.
- **Extension** (s.60(2), (4)): only after a review (its reasons recorded), decided before the
  order expires, for at most ``pspo.max_extension_years``, a period beginning the day after the
  expiry it extends; it may be extended more than once.
- **Dates that cannot be right**: an order is not drafted with a made date more than
  :data:`MAX_MADE_AHEAD_MONTHS` ahead (a typing slip such as 2099, not a plan), and an order
  whose expiry has already passed cannot be made (it would never have effect: record a new one).
- **Consultation** (s.72(3)): before an order is made or extended, every consultee of
  ``pspo.consultees`` must have been consulted (for an extension: since the order was made or
  last extended). Making or extending without it is refused, naming who is missing.
- **Challenge window** (s.66(3)): an interested person may apply to the High Court within
  ``pspo.challenge_weeks`` of the order being made (or varied).
- **Fixed penalty** (s.68(6)): at most ``pspo.fixed_penalty_max`` in force on the day the notice
  is issued (the planned £500 is shown, never applied); issued only for a breach on or after
  the order was made and while it had effect, for a term of that order.

Changes are audited (``record``); nothing personal goes into the audit's fields.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from saferplaces.apps.agencies.access import agency_of
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.law import rules
from saferplaces.apps.pspo import vocabulary
from saferplaces.apps.pspo.geometry import ParsedZone, parse_geometry, to_bng_geometry
from saferplaces.apps.pspo.models import (
    Breach,
    Consultation,
    Consultee,
    Extension,
    Order,
    OrderShare,
    OrderStatus,
    PenaltyStatus,
    Term,
    TermKind,
    Zone,
)
from saferplaces.casework.months import add_months

__all__ = ["RESOURCE", "BREACH_RESOURCE", "Conflict", "PspoRuleError", "add_consultation",
           "add_zones", "challenge_ends", "consultation_due", "create_order", "extend_order",
           "make_order", "max_penalty", "record_breach", "share_order", "update_breach",
           "zone_polygon_bng"]

RESOURCE = "pspo"
BREACH_RESOURCE = "pspo-breach"


class PspoRuleError(ValueError):
    """A rule of the Act refused the change; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    def __init__(self, current: Any, attempted: dict[str, Any]) -> None:
        super().__init__("changed by someone else")
        self.current, self.attempted = current, attempted


def _owner_agency(user: Any) -> Agency:
    agency = agency_of(user)
    if agency is None:
        raise PspoRuleError("You do not belong to an agency.")
    return agency


#: How far ahead a draft's made date may be: a council plans an order within its next year's
#: consultation cycle; anything later is taken for a typing slip.
MAX_MADE_AHEAD_MONTHS = 12


def period_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a period of ``years`` beginning on ``start`` (module rules)."""
    same_date = add_months(start, 12 * years)
    if same_date.day != start.day:  # no such date that year (29 February): the month's last day
        return same_date
    return same_date - datetime.timedelta(days=1)


def latest_expiry(made: datetime.date) -> datetime.date:
    """The last day an order made on ``made`` may have effect (s.60(1))."""
    return period_end(made, int(rules().on("pspo.max_duration_years", made)))


def challenge_ends(day: datetime.date) -> datetime.date:
    """The last day of the High Court challenge window for an order made on ``day`` (s.66)."""
    return day + datetime.timedelta(weeks=int(rules().on("pspo.challenge_weeks", day)))


def _check_duration(made: datetime.date, expires: datetime.date) -> None:
    if expires <= made:
        raise PspoRuleError("The expiry must be after the day the order is made.", "expires")
    limit = latest_expiry(made)
    if expires > limit:
        years = rules().on("pspo.max_duration_years", made)
        raise PspoRuleError(
            f"An order may have effect for at most {years} years "
            f"({rules()['pspo.max_duration_years'].source_on(made)}): made on {made:%-d %B %Y} "
            f"it must expire by {limit:%-d %B %Y}.", "expires")


def _terms(order: Order, chosen: Iterable[str], other: str) -> None:
    for key in chosen:
        wording, kind = vocabulary.TERMS[key]
        Term.objects.create(order=order, key=key, kind=kind, text=wording)
    for line in (other or "").splitlines():
        if line.strip():
            Term.objects.create(order=order, key=vocabulary.OTHER, kind=TermKind.PROHIBITION,
                                text=line.strip())


@transaction.atomic
def create_order(user: Any, *, title: str, made: datetime.date, expires: datetime.date,
                 description: str = "", terms: Iterable[str] = (), other_terms: str = "",
                 synthetic: bool = False, request: HttpRequest | None = None,
                 today: datetime.date | None = None) -> Order:
    """A draft order owned by the user's agency; its duration checked (s.60(1)) and its made
    date at most :data:`MAX_MADE_AHEAD_MONTHS` ahead of ``today``."""
    today = today or datetime.date.today()
    if made > add_months(today, MAX_MADE_AHEAD_MONTHS):
        raise PspoRuleError(f"The day the order is made can be at most {MAX_MADE_AHEAD_MONTHS} "
                            f"months ahead (by {add_months(today, MAX_MADE_AHEAD_MONTHS):%-d %B %Y}"
                            "): check the year.", "made")
    _check_duration(made, expires)
    terms = list(terms)
    if not terms and not (other_terms or "").strip():
        raise PspoRuleError("An order prohibits or requires something (s.59(4)): choose at "
                            "least one term or write one.", "terms")
    order = Order.objects.create(title=title, description=description, made=made,
                                 expires=expires, owner_agency=_owner_agency(user),
                                 created_by=user, synthetic=synthetic)
    _terms(order, terms, other_terms)
    record("create", request=request, object_type=RESOURCE, object_id=order.pk,
           fields=["title", "made", "expires", "terms"])
    return order


def consultation_due(order: Order, *, since: datetime.date | None = None,
                     on: datetime.date | None = None) -> list[str]:
    """The consultees (labels) not consulted between ``since`` and ``on`` (s.72(3))."""
    on = on or datetime.date.today()
    required = rules().on("pspo.consultees", on)
    found = order.consultations.filter(consulted_on__lte=on)
    if since is not None:
        found = found.filter(consulted_on__gt=since)
    done = set(found.values_list("consultee", flat=True))
    labels = dict(Consultee.choices)
    return [labels.get(key, key) for key in required if key not in done]


def _require_consulted(order: Order, *, since: datetime.date | None, on: datetime.date,
                       what: str) -> None:
    missing = consultation_due(order, since=since, on=on)
    if missing:
        raise PspoRuleError(f"Before an order is {what}, these must be consulted "
                            f"({rules()['pspo.consultees'].source_on(on)}): "
                            f"{', '.join(missing)}.")


@transaction.atomic
def make_order(user: Any, order: Order, *, request: HttpRequest | None = None,
               today: datetime.date | None = None) -> Order:
    """A draft order made: its duration, its expiry not yet passed on ``today`` and the
    consultation checked."""
    today = today or datetime.date.today()
    if order.status != OrderStatus.DRAFT:
        raise PspoRuleError("Only a draft order can be made.")
    if not order.zones.exists():
        raise PspoRuleError("An order applies to a restricted area (s.59(4)): add a zone first.")
    _check_duration(order.made, order.expires)
    if order.expires < today:
        raise PspoRuleError(f"This order's expiry ({order.expires:%-d %B %Y}) has already passed, "
                            "so it would never have effect: change the dates or record a new "
                            "order.")
    _require_consulted(order, since=None, on=order.made, what="made")
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.MADE, version=order.version + 1)
    record("update", request=request, object_type=RESOURCE, object_id=order.pk, fields=["status"])
    order.refresh_from_db()
    return order


@transaction.atomic
def extend_order(user: Any, order: Order, *, decided: datetime.date, new_expiry: datetime.date,
                 review: str, request: HttpRequest | None = None) -> Extension:
    """Extend after a review (s.60(2), (4)); see the module's rules."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.MADE:
        raise PspoRuleError("Only an order in force can be extended.")
    current = order.current_expiry
    if decided > current:
        raise PspoRuleError(f"An order can be extended only before it expires "
                            f"({rules()['pspo.max_extension_years'].source}): this one expired "
                            f"on {current:%-d %B %Y}; a new order would be needed.", "decided")
    if not review.strip():
        raise PspoRuleError("Record the review: why extending is necessary to prevent the "
                            "activities recurring or increasing (s.60(2)).", "review")
    years = int(rules().on("pspo.max_extension_years", decided))
    limit = period_end(current + datetime.timedelta(days=1), years)
    if new_expiry <= current:
        raise PspoRuleError("The new expiry must be after the current one "
                            f"({current:%-d %B %Y}).", "new_expiry")
    if new_expiry > limit:
        raise PspoRuleError(
            f"An extension is for at most {years} years "
            f"({rules()['pspo.max_extension_years'].source_on(decided)}): from "
            f"{current:%-d %B %Y} it may run to {limit:%-d %B %Y}.", "new_expiry")
    last = order.extensions.order_by("-decided").first()
    _require_consulted(order, since=last.decided if last else order.made, on=decided,
                       what="extended")
    extension = Extension.objects.create(order=order, decided=decided, previous_expiry=current,
                                         new_expiry=new_expiry, review=review, created_by=user)
    Order.objects.filter(pk=order.pk).update(version=order.version + 1)
    record("update", request=request, object_type=RESOURCE, object_id=order.pk,
           fields=["extension"])
    return extension


def add_consultation(user: Any, order: Order, *, consultee: str, consulted_on: datetime.date,
                     summary: str = "", request: HttpRequest | None = None) -> Consultation:
    if consultee not in Consultee.values:
        raise PspoRuleError("Choose who was consulted.", "consultee")
    entry = Consultation.objects.create(order=order, consultee=consultee,
                                        consulted_on=consulted_on, summary=summary,
                                        created_by=user)
    record("update", request=request, object_type=RESOURCE, object_id=order.pk,
           fields=["consultation"])
    return entry


@transaction.atomic
def add_zones(user: Any, order: Order, zones: Iterable[ParsedZone], *,
              request: HttpRequest | None = None) -> list[Zone]:
    """The zones added to the order. Idempotent: a zone with the same name and outline as one
    the order already has (or as an earlier one of ``zones``) is not added again, so importing
    the same file twice adds nothing; the caller compares the counts to say so."""
    Order.objects.select_for_update().filter(pk=order.pk).first()  # one import at a time
    seen = {(name, json.dumps(geometry, sort_keys=True))
            for name, geometry in order.zones.values_list("name", "geometry")}
    made = []
    for zone in zones:
        name = zone.name or f"Zone {order.zones.count() + 1}"
        key = (name, json.dumps(zone.geometry, sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        made.append(Zone.objects.create(order=order, name=name, geometry=zone.geometry,
                                        source=zone.source, min_x=zone.bounds[0],
                                        min_y=zone.bounds[1], max_x=zone.bounds[2],
                                        max_y=zone.bounds[3], area_m2=float(zone.bng.area)))
    if made:
        record("update", request=request, object_type=RESOURCE, object_id=order.pk,
               fields=["zones"])
    return made


def add_drawn_zone(user: Any, order: Order, *, name: str, geometry: dict[str, Any],
                   request: HttpRequest | None = None) -> Zone:
    """A zone drawn on the map (WGS84 GeoJSON geometry); ``PspoRuleError`` when refused."""
    try:
        parsed = parse_geometry(geometry, name=name)
    except ValueError as exc:
        raise PspoRuleError(f"The drawn zone is refused: {exc}.", "geometry") from None
    return add_zones(user, order, [parsed], request=request)[0]


def zone_polygon_bng(zone: Zone) -> Any:
    """The zone's outline as a shapely polygon in British National Grid metres."""
    from shapely.geometry import shape

    return to_bng_geometry(shape(zone.geometry))


def share_order(user: Any, order: Order, agency: Agency, *,
                request: HttpRequest | None = None) -> OrderShare:
    if agency.pk == order.owner_agency_id:
        raise PspoRuleError("The owner agency already sees the breaches.", "agency")
    share, _ = OrderShare.objects.get_or_create(order=order, agency=agency,
                                                defaults={"shared_by": user})
    record("update", request=request, object_type=RESOURCE, object_id=order.pk, fields=["shares"])
    return share


@dataclass(frozen=True)
class PenaltyLimit:
    amount: int
    source: str
    planned: list[tuple[int, str]]


def max_penalty(day: datetime.date) -> PenaltyLimit:
    """The fixed penalty maximum in force on ``day`` and any planned change (s.68(6))."""
    rule = rules()["pspo.fixed_penalty_max"]
    return PenaltyLimit(int(rule.on(day)), rule.source_on(day),
                        [(int(str(v.value)), v.source or rule.source) for v in rule.planned()])


def _check_breach(order: Order, term: Term, occurred_on: datetime.date, status: str,
                  amount: int | None, issued_on: datetime.date | None) -> None:
    if term.order_id != order.pk:
        raise PspoRuleError("Choose a term of this order.", "term")
    if order.status == OrderStatus.DRAFT or occurred_on < order.made:
        raise PspoRuleError("A breach can only happen while the order has effect: it was "
                            f"made on {order.made:%-d %B %Y}.", "occurred_on")
    if occurred_on > order.current_expiry or (order.discharged_on and occurred_on > order.discharged_on):
        raise PspoRuleError("The order no longer had effect on that day.", "occurred_on")
    if status == PenaltyStatus.NONE:
        if amount:
            raise PspoRuleError("No fixed penalty was issued: leave the amount empty.",
                                "penalty_amount")
        return
    if amount is None or amount <= 0:
        raise PspoRuleError("Give the fixed penalty's amount.", "penalty_amount")
    if issued_on is None:
        raise PspoRuleError("Give the day the fixed penalty notice was issued.",
                            "penalty_issued_on")
    if issued_on < occurred_on:
        raise PspoRuleError("A fixed penalty notice follows the breach (s.68(1)).",
                            "penalty_issued_on")
    limit = max_penalty(issued_on)
    if amount > limit.amount:
        planned = "".join(f" (£{value} is planned, not yet in force)" for value, _ in limit.planned)
        raise PspoRuleError(f"A fixed penalty is at most £{limit.amount} on "
                            f"{issued_on:%-d %B %Y} ({limit.source}){planned}.", "penalty_amount")


@transaction.atomic
def record_breach(user: Any, order: Order, *, term: Term, occurred_on: datetime.date,
                  person_name: str, location: str = "", officer: str = "",
                  penalty_status: str = PenaltyStatus.NONE, penalty_amount: int | None = None,
                  penalty_issued_on: datetime.date | None = None, notes: str = "",
                  request: HttpRequest | None = None) -> Breach:
    """A breach of one term, with any fixed penalty checked against the maximum in force on
    the day the notice was issued."""
    _check_breach(order, term, occurred_on, penalty_status, penalty_amount, penalty_issued_on)
    breach = Breach.objects.create(order=order, term=term, occurred_on=occurred_on,
                                   person_name=person_name, location=location, officer=officer,
                                   penalty_status=penalty_status, penalty_amount=penalty_amount,
                                   penalty_issued_on=penalty_issued_on, notes=notes,
                                   created_by=user)
    record("create", request=request, object_type=BREACH_RESOURCE, object_id=breach.pk,
           fields=["term", "occurred_on", "penalty_status"])
    return breach


_BREACH_FIELDS = ("penalty_status", "penalty_amount", "penalty_issued_on", "notes")


@transaction.atomic
def update_breach(user: Any, breach: Breach, *, version: int,
                  request: HttpRequest | None = None, **changes: Any) -> Breach:
    """The penalty's progress (issued, paid, prosecution), guarded by the version."""
    current = Breach.objects.select_for_update().get(pk=breach.pk)
    if current.version != version:
        raise Conflict(current, {name: changes[name] for name in _BREACH_FIELDS if name in changes})
    merged = {name: changes.get(name, getattr(current, name)) for name in _BREACH_FIELDS}
    _check_breach(current.order, current.term, current.occurred_on, merged["penalty_status"],
                  merged["penalty_amount"], merged["penalty_issued_on"])
    changed = [name for name in _BREACH_FIELDS if getattr(current, name) != merged[name]]
    for name, value in merged.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    record("update", request=request, object_type=BREACH_RESOURCE, object_id=current.pk,
           fields=changed)
    return current

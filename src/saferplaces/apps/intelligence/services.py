"""The rules of the intelligence records: adding and changing entities and links, reviews,
retention and the safeguarding link. Who may call them is the caller's check
(:mod:`saferplaces.apps.intelligence.access`: pages, the API and the import check it first);
every change is audited here.

Rules:

- An entity holds only its own kind's fields (:data:`KIND_FIELDS`); a deal line needs a phone
  number or a line name, a nominal a role, an address its text or postcode, a vehicle its
  registration, an organised crime group its name. A label is shown for every entity: given
  (pseudonymous where the source demands), or else made from those fields.
- A link joins two different entities and carries its 3x5x2 grading: source 1-3,
  intelligence A-E, handling code P or C; a C link must state its conditions, a P link has none
  (College of Policing APP, Intelligence management).
- Every record has a review date (recorded or reviewed + ``review.months`` of
  ``policy.toml``) and a date it may be kept until (recorded + ``retention.years``).
  Overdue reviews and records past their retention date are listed for a person's decision;
  nothing is deleted automatically.
- A child is under 18 on the day (Children Act 1989 s.105), from the nominal's date of birth or
  the linked person's.
- Changes carry the version they were made from (optimistic locking): a stale one saves
  nothing and raises :class:`Conflict`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.models import Case, Status
from saferplaces.apps.intelligence.access import ENTITY, LINK
from saferplaces.apps.intelligence.alert_notices import clear_notifications
from saferplaces.apps.intelligence.models import (
    AlertReason,
    CuckooingRisk,
    Entity,
    HandlingCode,
    IntelligenceGrade,
    Kind,
    LineStatus,
    Link,
    NominalRole,
    SafeguardingAlert,
    SourceGrade,
)
from saferplaces.apps.intelligence.policy import add_months, policy
from saferplaces.apps.people.models import ADULT_AGE, Person

__all__ = ["COMMON_FIELDS", "KIND_FIELDS", "LINK_FIELDS", "Conflict", "IntelligenceRuleError",
           "IntelligenceRuleErrors", "age_on", "checked_entity", "checked_link", "clear_alerts", "create_entity",
           "create_link", "delete_entity", "every_problem", "extend_retention", "has_open_safeguarding_case",
           "is_child", "link_safeguarding_case", "mark_reviewed", "needs_safeguarding",
           "overdue_entities", "overdue_links", "past_retention", "update_entity", "update_link"]

KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.DEAL_LINE: ("phone_number", "line_name", "status", "opened", "closed", "exporting_area"),
    Kind.NOMINAL: ("role", "date_of_birth", "victim_of_exploitation", "person"),
    Kind.ADDRESS: ("address_text", "postcode", "x", "y", "lsoa_code", "cuckooing_risk",
                   "vulnerable_resident"),
    Kind.VEHICLE: ("registration",),
    Kind.OCG: ("name",),
}
COMMON_FIELDS = ("label", "review_date", "retain_until", "source_ref")
LINK_FIELDS = ("kind", "date", "source", "source_grade", "intelligence_grade", "handling_code",
               "handling_conditions", "review_date", "source_ref")
_EMPTY: dict[str, Any] = {
    "phone_number": "", "line_name": "", "status": "", "opened": None, "closed": None,
    "exporting_area": "", "role": "", "date_of_birth": None, "victim_of_exploitation": False,
    "person": None, "address_text": "", "postcode": "", "x": None, "y": None, "lsoa_code": "",
    "cuckooing_risk": "", "vulnerable_resident": None, "registration": "", "name": "",
}
_TEXT_LIMITS = {"label": 200, "phone_number": 40, "line_name": 100, "exporting_area": 100,
                "address_text": 300, "postcode": 10, "lsoa_code": 9, "registration": 10,
                "name": 200, "source_ref": 100, "kind": 60, "source": 200,
                "handling_conditions": 2000}
_LSOA = re.compile(r"^[EW]01[0-9]{6}$")
_BNG = ((0.0, 700_000.0), (0.0, 1_300_000.0))


class IntelligenceRuleError(ValueError):
    """A value breaks a rule; ``field`` names the field (or is empty)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class IntelligenceRuleErrors(IntelligenceRuleError):
    """Several values break rules at once: ``errors`` lists each (the first is this error's
    own message and field, so a caller that shows one problem still can)."""

    def __init__(self, errors: list[IntelligenceRuleError]) -> None:
        super().__init__(str(errors[0]), errors[0].field)
        self.errors = errors


def every_problem(exc: IntelligenceRuleError) -> list[IntelligenceRuleError]:
    """Each problem ``exc`` stands for (one, or all of an :class:`IntelligenceRuleErrors`)."""
    return list(exc.errors) if isinstance(exc, IntelligenceRuleErrors) else [exc]


_Fail = Callable[..., None]


def _collector(problems: list[IntelligenceRuleError]) -> _Fail:
    def fail(message: str, field: str = "") -> None:
        problems.append(IntelligenceRuleError(message, field))
    return fail


def _raise_all(problems: list[IntelligenceRuleError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise IntelligenceRuleErrors(problems)


class Conflict(Exception):
    """The record changed since the form was opened: nothing was saved."""

    def __init__(self, current: Entity | Link, attempted: dict[str, Any]) -> None:
        super().__init__("The record was changed by someone else while you were editing it.")
        self.current = current
        self.attempted = attempted


# --- entities ----------------------------------------------------------------------------------


def _text(values: dict[str, Any], name: str, what: str) -> None:
    value = values.get(name)
    if isinstance(value, str):
        value = " ".join(value.split()) if name != "handling_conditions" else value.strip()
        if len(value) > _TEXT_LIMITS.get(name, 200):
            raise IntelligenceRuleError(f"{what} must be {_TEXT_LIMITS[name]} characters or "
                                        "fewer.", name)
        values[name] = value


def _default_label(kind: str, v: Mapping[str, Any]) -> str:
    if kind == Kind.DEAL_LINE:
        return str(v["line_name"] or v["phone_number"])
    if kind == Kind.ADDRESS:
        return str(v["address_text"] or v["postcode"])
    if kind == Kind.VEHICLE:
        return str(v["registration"])
    if kind == Kind.OCG:
        return str(v["name"])
    return ""


def _check_deal_line(v: dict[str, Any], today: datetime.date, fail: _Fail) -> None:
    if not (v["phone_number"] or v["line_name"]):
        fail("Enter the line's phone number or its name.", "phone_number")
    v["status"] = v["status"] or (LineStatus.CLOSED if v["closed"] else LineStatus.OPEN)
    if v["status"] not in LineStatus.values:
        fail("Choose open or closed.", "status")
    if v["closed"] and v["status"] != LineStatus.CLOSED:
        fail("A line with a closing date is closed.", "status")
    if v["opened"] and v["opened"] > today:
        fail("The date the line opened must be today or in the past.", "opened")
    if v["opened"] and v["closed"] and v["closed"] < v["opened"]:
        fail("The line cannot close before it opened.", "closed")


def _check_nominal(v: dict[str, Any], today: datetime.date, fail: _Fail) -> None:
    if v["role"] not in NominalRole.values:
        fail("Choose the nominal's role.", "role")
    if v["date_of_birth"] and v["date_of_birth"] > today:
        fail("The date of birth must be in the past.", "date_of_birth")
    v["victim_of_exploitation"] = bool(v["victim_of_exploitation"])
    if v["person"] is not None and not isinstance(v["person"], Person):
        fail("Choose a person record.", "person")


def _check_address(v: dict[str, Any], fail: _Fail) -> None:
    if not (v["address_text"] or v["postcode"]):
        fail("Enter the address or its postcode.", "address_text")
    v["postcode"] = v["postcode"].upper()
    v["cuckooing_risk"] = v["cuckooing_risk"] or CuckooingRisk.NONE
    if v["cuckooing_risk"] not in CuckooingRisk.values:
        fail("Choose the cuckooing risk.", "cuckooing_risk")
    if (v["x"] is None) != (v["y"] is None):
        fail("Enter both the easting and the northing, or neither.", "x")
    elif v["x"] is not None:
        (x0, x1), (y0, y1) = _BNG
        if not (x0 <= float(v["x"]) <= x1 and y0 <= float(v["y"]) <= y1):
            fail("The easting and northing must be British National Grid metres inside "
                 "Great Britain.", "x")
    v["lsoa_code"] = v["lsoa_code"].upper()
    if v["lsoa_code"] and not _LSOA.match(v["lsoa_code"]):
        fail("An LSOA code is E01 or W01 and six digits.", "lsoa_code")
    if v["vulnerable_resident"] is not None and not isinstance(v["vulnerable_resident"], Person):
        fail("Choose a person record.", "vulnerable_resident")


def checked_entity(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values an entity of ``kind`` is saved with: its own fields checked, the other kinds'
    fields empty. Every problem is found: :class:`IntelligenceRuleErrors` lists them all (the
    first is its own message, for a form that shows one)."""
    if kind not in Kind.values:
        raise IntelligenceRuleError("Choose what kind of entity this is.", "kind")
    problems: list[IntelligenceRuleError] = []
    fail = _collector(problems)
    unknown = set(values) - set(COMMON_FIELDS) - set(_EMPTY)
    if unknown:
        fail(f"Unknown fields: {', '.join(sorted(unknown))}.")
    for name in values:
        if (name in _EMPTY and name not in KIND_FIELDS[kind]
                and values[name] not in ("", None, False)):
            fail(f"A {Kind(kind).label.lower()} has no {name.replace('_', ' ')}.", name)
    v = {**{name: _EMPTY[name] for name in KIND_FIELDS[kind]},
         **{k: val for k, val in values.items() if k in KIND_FIELDS[kind] or k in COMMON_FIELDS}}
    for name in v:
        if v[name] is None and (isinstance(_EMPTY.get(name), str)
                                or name in ("label", "source_ref")):
            v[name] = ""
        try:
            _text(v, name, name.replace("_", " ").capitalize())
        except IntelligenceRuleError as exc:
            problems.append(exc)
    today = timezone.localdate()
    {Kind.DEAL_LINE: lambda: _check_deal_line(v, today, fail),
     Kind.NOMINAL: lambda: _check_nominal(v, today, fail),
     Kind.ADDRESS: lambda: _check_address(v, fail),
     Kind.VEHICLE: lambda: None, Kind.OCG: lambda: None}[Kind(kind)]()
    if kind == Kind.VEHICLE:
        v["registration"] = v["registration"].upper()
        if not v["registration"]:
            fail("Enter the registration.", "registration")
    if kind == Kind.OCG and not v["name"]:
        fail("Enter the group's name.", "name")
    v["label"] = v.get("label") or _default_label(kind, v)
    # another kind's label comes from its own field: that field's problem is already reported
    if not v["label"] and (kind == Kind.NOMINAL or not problems):
        fail("Enter the label the nominal is shown as (a pseudonym where the source demands "
             "one).", "label")
    _raise_all(problems)
    return v


def _dates(values: dict[str, Any], today: datetime.date) -> None:
    rules = policy()
    values["review_date"] = values.get("review_date") or add_months(today, rules.review_months)
    values["retain_until"] = values.get("retain_until") or add_months(
        today, 12 * rules.retention_years)


def create_entity(*, agency: Agency, kind: str, by: Any = None,
                  request: HttpRequest | None = None, **values: Any) -> Entity:
    """A new entity of ``kind`` owned by ``agency`` (audited)."""
    checked = checked_entity(kind, values)
    _dates(checked, timezone.localdate())
    with transaction.atomic():
        entity = Entity.objects.create(kind=kind, agency=agency, recorded_by=by, **checked)
        record("create", user=by, request=request, object_type=ENTITY, object_id=entity.pk,
               fields=["kind", *sorted(name for name in checked if checked[name] not in
                                       ("", None, False))])
    return entity


def _field_value(record_: Entity | Link, name: str) -> Any:
    return getattr(record_, name)


def update_entity(entity: Entity, *, version: int, changes: Mapping[str, Any], by: Any = None,
                  request: HttpRequest | None = None) -> Entity:
    """Save ``changes`` to ``entity`` if it is still at ``version`` (else :class:`Conflict`);
    the changed field names are audited."""
    merged = {name: _field_value(entity, name) for name in (*COMMON_FIELDS, *KIND_FIELDS[entity.kind])}
    merged.update(changes)
    checked = checked_entity(entity.kind, merged)
    changed = {name: value for name, value in checked.items()
               if value != _field_value(entity, name)}
    with transaction.atomic():
        still = Entity.objects.filter(pk=entity.pk, version=version)
        saved = (still.update(**changed, version=F("version") + 1, updated_at=timezone.now())
                 if changed else still.exists())
        current = Entity.objects.select_related("agency").get(pk=entity.pk)
        if not saved:
            raise Conflict(current, dict(changes))
        if changed:
            record("update", user=by, request=request, object_type=ENTITY,
                   object_id=entity.pk, fields=sorted(changed))
    if {"role", "date_of_birth", "cuckooing_risk", "vulnerable_resident", "person"} & set(changed):
        clear_alerts(current)
    return current


# --- links -------------------------------------------------------------------------------------


def checked_link(values: dict[str, Any]) -> dict[str, Any]:
    """A link's values checked: every problem is found (:class:`IntelligenceRuleErrors`)."""
    problems: list[IntelligenceRuleError] = []
    fail = _collector(problems)
    v = dict(values)
    for name in ("kind", "source", "handling_conditions", "source_ref"):
        v[name] = v.get(name) or ""
        try:
            _text(v, name, name.replace("_", " ").capitalize())
        except IntelligenceRuleError as exc:
            problems.append(exc)
    if not v["kind"]:
        fail("Say what the link is (e.g. uses, runs for, visits).", "kind")
    if not v["source"]:
        fail("Say where the intelligence came from.", "source")
    if not isinstance(v.get("date"), datetime.date) or v["date"] > timezone.localdate():
        fail("Enter the date of the intelligence, today or in the past.", "date")
    if v.get("source_grade") not in SourceGrade.values:
        fail("Choose the source evaluation (1, 2 or 3).", "source_grade")
    if v.get("intelligence_grade") not in IntelligenceGrade.values:
        fail("Choose the intelligence assessment (A to E).", "intelligence_grade")
    if v.get("handling_code") not in HandlingCode.values:
        fail("Choose the handling code (P or C).", "handling_code")
    elif v["handling_code"] == HandlingCode.C and not v["handling_conditions"]:
        fail("Handling code C: state the conditions every recipient must meet.",
             "handling_conditions")
    elif v["handling_code"] == HandlingCode.P and v["handling_conditions"]:
        fail("Handling code P has no conditions: choose C to attach conditions.",
             "handling_conditions")
    _raise_all(problems)
    return v


def create_link(*, a: Entity, b: Entity, agency: Agency, by: Any = None,
                request: HttpRequest | None = None, **values: Any) -> Link:
    """A graded link from ``a`` to ``b`` owned by ``agency`` (audited)."""
    if a.pk == b.pk:
        raise IntelligenceRuleError("A link joins two different entities.", "b")
    unknown = set(values) - set(LINK_FIELDS)
    if unknown:
        raise IntelligenceRuleError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    checked = checked_link(values)
    checked["review_date"] = checked.get("review_date") or add_months(
        timezone.localdate(), policy().review_months)
    with transaction.atomic():
        link = Link.objects.create(a=a, b=b, agency=agency, recorded_by=by, **checked)
        record("create", user=by, request=request, object_type=LINK, object_id=link.pk,
               fields=["a", "b", *sorted(name for name in checked if checked[name])])
    return link


def update_link(link: Link, *, version: int, changes: Mapping[str, Any], by: Any = None,
                request: HttpRequest | None = None) -> Link:
    """Save ``changes`` (grading, dates, source...) if ``link`` is still at ``version``."""
    merged = {name: getattr(link, name) for name in LINK_FIELDS}
    merged.update(changes)
    checked = checked_link(merged)
    changed = {name: value for name, value in checked.items() if value != getattr(link, name)}
    with transaction.atomic():
        still = Link.objects.filter(pk=link.pk, version=version)
        saved = (still.update(**changed, version=F("version") + 1, updated_at=timezone.now())
                 if changed else still.exists())
        current = Link.objects.select_related("a", "b", "agency").get(pk=link.pk)
        if not saved:
            raise Conflict(current, dict(changes))
        if changed:
            record("update", user=by, request=request, object_type=LINK, object_id=link.pk,
                   fields=sorted(changed))
    return current


# --- review and retention ----------------------------------------------------------------------


def mark_reviewed(record_: Entity | Link, *, by: Any, next_review: datetime.date | None = None,
                  request: HttpRequest | None = None) -> Entity | Link:
    """The record was reviewed today: still needed and accurate. Its next review is
    ``next_review`` or today + the policy's interval (audited)."""
    today = timezone.localdate()
    next_review = next_review or add_months(today, policy().review_months)
    if next_review <= today:
        raise IntelligenceRuleError("The next review must be after today.", "review_date")
    model = type(record_)
    model.objects.filter(pk=record_.pk).update(
        reviewed_on=today, review_date=next_review, version=F("version") + 1,
        updated_at=timezone.now())
    record("update", user=by, request=request, object_type=ENTITY if model is Entity else LINK,
           object_id=record_.pk, fields=["reviewed_on", "review_date"], reason="reviewed")
    record_.refresh_from_db()
    return record_


def overdue_entities(entities: QuerySet[Entity], today: datetime.date) -> QuerySet[Entity]:
    """Entities whose review date has passed, oldest first."""
    return entities.filter(review_date__lt=today).order_by("review_date", "pk")


def overdue_links(links: QuerySet[Link], today: datetime.date) -> QuerySet[Link]:
    return links.filter(review_date__lt=today).order_by("review_date", "pk")


def past_retention(entities: QuerySet[Entity], today: datetime.date) -> QuerySet[Entity]:
    """Entities kept past ``retain_until``: to delete, or keep longer with a reason."""
    return entities.filter(retain_until__lt=today).order_by("retain_until", "pk")


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise IntelligenceRuleError("Give the reason for the decision.", "reason")
    if len(reason) > 500:
        raise IntelligenceRuleError("The reason must be 500 characters or fewer.", "reason")
    return reason


def extend_retention(entity: Entity, *, until: datetime.date, reason: str, by: Any,
                     request: HttpRequest | None = None) -> Entity:
    """Keep ``entity`` until ``until`` (after today), for the reason given (audited)."""
    reason = _reason(reason)
    if until <= timezone.localdate():
        raise IntelligenceRuleError("Keep it until a date after today.", "until")
    Entity.objects.filter(pk=entity.pk).update(retain_until=until, version=F("version") + 1,
                                               updated_at=timezone.now())
    record("update", user=by, request=request, object_type=ENTITY, object_id=entity.pk,
           fields=["retain_until"], reason=f"retention extended: {reason}")
    entity.refresh_from_db()
    return entity


def delete_entity(entity: Entity, *, reason: str, by: Any,
                  request: HttpRequest | None = None) -> None:
    """Delete ``entity`` and its links (audited with the reason; the log keeps ids only)."""
    reason = _reason(reason)
    with transaction.atomic():
        links = list(Link.objects.filter(Q(a=entity) | Q(b=entity)).values_list("pk", flat=True))
        for pk in links:
            record("delete", user=by, request=request, object_type=LINK, object_id=pk,
                   reason=f"entity {entity.pk} deleted")
        record("delete", user=by, request=request, object_type=ENTITY, object_id=entity.pk,
               reason=reason)
        entity.delete()


# --- safeguarding ------------------------------------------------------------------------------


def age_on(entity: Entity, day: datetime.date) -> int | None:
    """A nominal's whole years on ``day``: its date of birth, else its person's."""
    born = entity.date_of_birth
    if born is not None:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if entity.person_id is not None and entity.person is not None:
        return entity.person.age_on(day)
    return None


def is_child(entity: Entity, day: datetime.date) -> bool:
    """Under 18 on ``day`` (Children Act 1989 s.105); unknown age is not a child."""
    age = age_on(entity, day)
    return entity.kind == Kind.NOMINAL and age is not None and age < ADULT_AGE


def has_open_safeguarding_case(entity: Entity) -> bool:
    """Linked to a case of a safeguarding type (``policy.toml``) that is not closed."""
    case = entity.safeguarding_case
    return (case is not None and case.status != Status.CLOSED
            and case.case_type in policy().safeguarding_case_types)


def needs_safeguarding(entity: Entity, day: datetime.date) -> str | None:
    """Why ``entity`` needs a safeguarding case (an :class:`AlertReason`), or None: a child
    runner, or a cuckooed address (a risk listed in ``policy.toml``) with a vulnerable
    resident."""
    if entity.kind == Kind.NOMINAL and entity.role == NominalRole.RUNNER and is_child(entity, day):
        return AlertReason.CHILD_RUNNER
    if (entity.kind == Kind.ADDRESS and entity.vulnerable_resident_id is not None
            and entity.cuckooing_risk in policy().cuckooed):
        return AlertReason.CUCKOOED_VULNERABLE_ADULT
    return None


def clear_alerts(entity: Entity, at: datetime.datetime | None = None) -> int:
    """Clear ``entity``'s open alert when it has an open safeguarding case or no longer needs
    one, and mark the notifications of it read; how many were cleared."""
    if needs_safeguarding(entity, timezone.localdate()) and not has_open_safeguarding_case(entity):
        return 0
    at = at or timezone.now()
    open_alerts = list(SafeguardingAlert.objects.filter(entity=entity, cleared_at__isnull=True))
    for alert in open_alerts:
        SafeguardingAlert.objects.filter(pk=alert.pk).update(cleared_at=at)
        clear_notifications(alert, at)
    return len(open_alerts)


@dataclass(frozen=True)
class LinkedCase:
    entity: Entity
    case: Case


def link_safeguarding_case(entity: Entity, case: Case, *, by: Any,
                           request: HttpRequest | None = None) -> LinkedCase:
    """Link ``entity`` to its safeguarding ``case`` (the caller has checked the case through
    ``get_case_for_user``): a case of a safeguarding type, not closed. Clears its alert."""
    if case.case_type not in policy().safeguarding_case_types:
        raise IntelligenceRuleError("Choose a safeguarding or exploitation case.", "case")
    if case.status == Status.CLOSED:
        raise IntelligenceRuleError("Choose an open case: that case is closed.", "case")
    Entity.objects.filter(pk=entity.pk).update(safeguarding_case=case, version=F("version") + 1,
                                               updated_at=timezone.now())
    record("update", user=by, request=request, object_type=ENTITY, object_id=entity.pk,
           fields=["safeguarding_case"])
    entity.refresh_from_db()
    clear_alerts(entity)
    return LinkedCase(entity, case)


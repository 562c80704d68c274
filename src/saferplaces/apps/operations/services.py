"""The rules of operations, applied for the pages, the API and the demo alike.

- **Dates**: the last day is on or after the first; an operation of the **Street Week** kind
  lasts exactly ``operations.street_week_days`` days (7 by default; law file, local practice),
  any other length is refused (longer or shorter work is another kind of operation).
- **Place**: at least one store area or a polygon (``geometry.parse_polygon``: WGS84 or
  EPSG:27700). A Street Week is in exactly **one** store area (a ward or neighbourhood), so the
  ranking can leave it out.
- **Street Weeks and the ranking**: the assessments app's ``StreetWeek`` row is what the
  Street Weeks ranking reads to leave a recently treated area out. A Street Week operation owns
  one such row (``Operation.street_week``) and keeps its area and dates in step; a row recorded
  on the ranking page without an operation can be taken over by one (``adopt``). A Street Week
  overlapping another recorded in the same area is refused, as the ranking page refuses it.
- **Targets** are categories of the incident store.
- **Activity** is a count of a kind in ``data/operations/activity.toml`` on a day within the
  operation, by the recorder's agency; whole numbers for kinds counted whole, never negative.
- **Legacy actions** are owned by the lead or a partner agency (and optionally one of its
  members); the follow-up date defaults to ``operations.legacy_follow_up_months`` (3) months
  after the last day (law file, local practice) and can be set to any day after the first.
- **Linked cases**: only a case the recorder's agency works on (``get_case_for_user`` with
  ``cases.edit``: owner or full share), once per operation.
- Who may do what is ``access.py``'s; every change is audited (field names only) and an edit
  carries the record's ``version`` (a stale one saves nothing: :class:`Conflict`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.http import HttpRequest

from saferplaces.apps.agencies.access import agency_of
from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import TimelineEntry
from saferplaces.apps.incidents.access import stored_categories
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.operations.access import OperationAccess
from saferplaces.apps.operations.evaluation import comparison_refusals
from saferplaces.apps.operations.geometry import GeometryError, parse_polygon
from saferplaces.apps.operations.impact_data import ImpactDataError, impact_data
from saferplaces.apps.operations.models import (
    Activity,
    Exclusion,
    Kind,
    LegacyAction,
    Operation,
    OperationCase,
)
from saferplaces.apps.operations.vocab import activity_kind, activity_kinds
from saferplaces.casework.months import add_months

__all__ = ["ActivityTotal", "Conflict", "OperationDetails", "OperationRuleError", "add_exclusion",
           "add_legacy_action", "activity_totals", "complete_legacy_action", "create_operation",
           "default_follow_up", "legacy_follow_up_months", "lift_exclusion", "link_case",
           "record_activity", "set_comparison", "street_week_days", "unlink_case",
           "update_operation"]


class OperationRuleError(ValueError):
    """A refused change; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """The record changed since the form was opened: nothing was saved."""

    def __init__(self, current: Any, attempted: dict[str, Any]) -> None:
        super().__init__("This record was changed by someone else.")
        self.current = current
        self.attempted = attempted


def street_week_days(day: datetime.date) -> int:
    """How long a Street Week lasts, in days (rule ``operations.street_week_days``)."""
    return int(rules().on("operations.street_week_days", day))


def legacy_follow_up_months(day: datetime.date) -> int:
    """Months from an operation's last day to a legacy action's follow-up (rule
    ``operations.legacy_follow_up_months``)."""
    return int(rules().on("operations.legacy_follow_up_months", day))


def default_follow_up(operation: Operation) -> datetime.date:
    return add_months(operation.end, legacy_follow_up_months(operation.end))


@dataclass(frozen=True)
class OperationDetails:
    """What a user gives for an operation (form or API)."""

    name: str
    kind: str
    start: datetime.date
    end: datetime.date
    purpose: str = ""
    categories: Sequence[str] = ()
    area_ids: Sequence[int] = ()
    polygon: str | dict[str, Any] | None = None
    partner_ids: Sequence[int] = ()
    pspo_id: int | None = None


def _pspo(user: Any, pspo_id: int | None) -> Any:
    """The linked order, as the user may see it (``pspo.access``)."""
    if pspo_id is None:
        return None
    from saferplaces.apps.pspo.access import orders_for_user

    order = orders_for_user(user).filter(pk=pspo_id).first()
    if order is None:
        raise OperationRuleError("Choose the PSPO from the list", "pspo")
    return order


def _check(details: OperationDetails, lead: Agency) -> tuple[list[Area], dict[str, Any] | None,
                                                              list[Agency]]:
    if not details.name.strip():
        raise OperationRuleError("Enter the operation's name", "name")
    if details.kind not in Kind.values:
        raise OperationRuleError("Choose the kind of operation", "kind")
    if details.end < details.start:
        raise OperationRuleError("The last day must be the same as or after the first day", "end")
    length = (details.end - details.start).days + 1
    if details.kind == Kind.STREET_WEEK:
        days = street_week_days(details.start)
        if length != days:
            raise OperationRuleError(
                f"A Street Week lasts {days} days (rule operations.street_week_days); this one "
                f"lasts {length}. Record longer or shorter work as another kind of operation.",
                "end")
    areas = list(Area.objects.filter(pk__in=list(details.area_ids)))
    if len(areas) != len(set(details.area_ids)):
        raise OperationRuleError("Choose areas from the list", "areas")
    polygon = None
    if details.polygon:
        try:
            polygon = parse_polygon(details.polygon)
        except GeometryError as exc:
            raise OperationRuleError(str(exc), "polygon") from None
    if not areas and polygon is None:
        raise OperationRuleError("Choose at least one area, or draw or import a polygon", "areas")
    if details.kind == Kind.STREET_WEEK and len(areas) != 1:
        raise OperationRuleError("A Street Week is in one area: choose exactly one", "areas")
    known = set(stored_categories())
    unknown = [c for c in details.categories if c not in known]
    if unknown:
        raise OperationRuleError(f"Not a category of the incident store: {', '.join(unknown)}",
                                 "categories")
    partners = list(Agency.objects.filter(pk__in=list(details.partner_ids), active=True)
                    .exclude(pk=lead.pk))
    if len(partners) != len(set(details.partner_ids) - {lead.pk}):
        raise OperationRuleError("Choose partner agencies from the list", "partners")
    return areas, polygon, partners


def _sync_street_week(operation: Operation, area: Area | None,
                      adopt: StreetWeek | None = None) -> None:
    """Keep the ranking's ``StreetWeek`` row of a Street Week operation in step (module
    docstring); remove it when the operation is no longer a Street Week."""
    week = adopt or operation.street_week
    if operation.kind != Kind.STREET_WEEK or area is None:
        if week is not None:
            operation.street_week = None
            operation.save(update_fields=["street_week"])
            week.delete()
        return
    overlapping = StreetWeek.objects.filter(area_code=area.code, start__lte=operation.end,
                                            end__gte=operation.start)
    if week is not None:
        overlapping = overlapping.exclude(pk=week.pk)
    clash = overlapping.order_by("start").first()
    if clash is not None:
        raise OperationRuleError(f"A Street Week in {clash.area_name} from {clash.start:%-d %B %Y} "
                                 f"to {clash.end:%-d %B %Y} is already recorded", "start")
    week = week or StreetWeek()
    week.area_code, week.area_name = area.code, area.name
    week.start, week.end = operation.start, operation.end
    week.save()
    if operation.street_week_id != week.pk:
        operation.street_week = week
        operation.save(update_fields=["street_week"])


def create_operation(user: Any, details: OperationDetails, *, adopt: StreetWeek | None = None,
                     request: HttpRequest | None = None) -> Operation:
    """A new operation led by ``user``'s agency (``access`` checked the capability)."""
    lead = agency_of(user)
    if lead is None:
        raise OperationRuleError("Only a member of a partner agency can record an operation")
    if adopt is not None and Operation.objects.filter(street_week=adopt).exists():
        raise OperationRuleError("That Street Week already has an operation")
    if adopt is not None and details.kind != Kind.STREET_WEEK:
        raise OperationRuleError("A Street Week recorded on the ranking page is taken over as a "
                                 "Street Week", "kind")
    areas, polygon, partners = _check(details, lead)
    order = _pspo(user, details.pspo_id)
    with transaction.atomic():
        operation = Operation.objects.create(
            name=details.name.strip(), kind=details.kind, purpose=details.purpose.strip(),
            target_categories=list(details.categories), polygon=polygon, start=details.start,
            end=details.end, lead_agency=lead, pspo=order, created_by=user)
        operation.areas.set(areas)
        operation.partner_agencies.set(partners)
        _sync_street_week(operation, areas[0] if areas else None, adopt)
        record("create", user=user, request=request, object_type="operation",
               object_id=operation.pk, fields=["name", "kind", "dates", "areas", "partners"])
    return operation


def update_operation(access: OperationAccess, user: Any, details: OperationDetails, *,
                     version: int, request: HttpRequest | None = None) -> Operation:
    """Change an operation (lead agency's recorders); a stale ``version`` saves nothing."""
    access.require_edits()
    operation = access.operation
    areas, polygon, partners = _check(details, operation.lead_agency)
    order = _pspo(user, details.pspo_id)
    with transaction.atomic():
        current = Operation.objects.select_for_update().get(pk=operation.pk)
        if current.version != version:
            raise Conflict(current, {"name": details.name, "kind": details.kind,
                                     "start": details.start, "end": details.end})
        changed = [name for name, new in (("name", details.name.strip()), ("kind", details.kind),
                                          ("purpose", details.purpose.strip()),
                                          ("target_categories", list(details.categories)),
                                          ("polygon", polygon), ("start", details.start),
                                          ("end", details.end))
                   if getattr(current, name) != new]
        for name, new in (("name", details.name.strip()), ("kind", details.kind),
                          ("purpose", details.purpose.strip()),
                          ("target_categories", list(details.categories)), ("polygon", polygon),
                          ("start", details.start), ("end", details.end)):
            setattr(current, name, new)
        if current.pspo_id != (order.pk if order else None):
            changed.append("pspo")
        current.pspo = order
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        current.areas.set(areas)
        current.partner_agencies.set(partners)
        _sync_street_week(current, areas[0] if areas else None)
        record("update", user=user, request=request, object_type="operation",
               object_id=current.pk, fields=changed + ["areas", "partners"])
    return current


def set_comparison(access: OperationAccess, user: Any, codes: Iterable[str], *,
                   request: HttpRequest | None = None) -> Operation:
    """The comparison areas a user chose over the automatic choice (empty: automatic again).
    Every refused area is named with its reason (``evaluation.comparison_refusals``) and nothing
    is saved."""
    access.require_edits()
    chosen = sorted(set(codes))
    operation = access.operation
    if chosen:
        try:
            data = impact_data(user, operation)
        except ImpactDataError as exc:
            raise OperationRuleError(f"Comparison areas cannot be chosen yet: {exc}",
                                     "codes") from None
        refusals = comparison_refusals(data, chosen)
        if refusals:
            raise OperationRuleError("Not saved, these cannot be comparison areas: "
                                     + "; ".join(refusals) + ".", "codes")
    operation.comparison_codes = chosen
    operation.save(update_fields=["comparison_codes"])
    record("update", user=user, request=request, object_type="operation",
           object_id=operation.pk, fields=["comparison_codes"])
    return operation


def record_activity(access: OperationAccess, user: Any, *, day: datetime.date, kind: str,
                    amount: Decimal | int | float | str, note: str = "",
                    request: HttpRequest | None = None) -> Activity:
    """A count of activity on the operation by the recorder's agency."""
    access.require_records()
    operation = access.operation
    found = activity_kind(kind)
    if found is None:
        raise OperationRuleError("Choose the kind of activity from the list", "kind")
    if not operation.start <= day <= operation.end:
        raise OperationRuleError(f"The day must be within the operation, {operation.start:%-d %B %Y} "
                                 f"to {operation.end:%-d %B %Y}", "day")
    value = Decimal(str(amount))
    if value < 0:
        raise OperationRuleError("The count cannot be negative", "amount")
    if found.whole and value != value.to_integral_value():
        raise OperationRuleError(f"{found.label} are counted in whole {found.unit}", "amount")
    agency = agency_of(user)
    if agency is None:
        raise OperationRuleError("Only a member of a partner agency can record activity")
    activity = Activity.objects.create(operation=operation, day=day, kind=kind, amount=value,
                                       agency=agency, note=note.strip()[:300], recorded_by=user)
    record("create", user=user, request=request, object_type="operation",
           object_id=operation.pk, fields=["activity"])
    return activity


@dataclass(frozen=True)
class ActivityTotal:
    key: str
    label: str
    unit: str
    group: str
    total: Decimal

    @property
    def shown(self) -> str:
        """The total as a person reads it: 12, 3.5 kg as 3,500 g, £1,250."""
        number = (f"{self.total:,.0f}" if self.total == self.total.to_integral_value()
                  else f"{self.total:,.2f}")
        return f"£{number}" if self.unit == "£" else f"{number} {self.unit}"


def activity_totals(operation: Operation) -> list[ActivityTotal]:
    """The operation's activity summed by kind, in the vocabulary's order (kinds with none left
    out)."""
    sums = dict(operation.activities.values_list("kind").annotate(total=Sum("amount")).order_by())
    return [ActivityTotal(k.key, k.label, k.unit, k.group, Decimal(sums[k.key]))
            for k in activity_kinds() if k.key in sums]


def _agency_of_operation(operation: Operation, agency_id: int) -> Agency:
    if agency_id == operation.lead_agency_id:
        return operation.lead_agency
    agency = operation.partner_agencies.filter(pk=agency_id).first()
    if agency is None:
        raise OperationRuleError("The owner must be the lead or a partner agency", "owner_agency")
    return agency


def add_legacy_action(access: OperationAccess, user: Any, *, description: str,
                      owner_agency_id: int, owner_id: int | None = None,
                      follow_up_on: datetime.date | None = None,
                      request: HttpRequest | None = None) -> LegacyAction:
    """A legacy action with its owner and follow-up date (default: module docstring)."""
    access.require_records()
    operation = access.operation
    if not description.strip():
        raise OperationRuleError("Describe the legacy action", "description")
    agency = _agency_of_operation(operation, owner_agency_id)
    owner = None
    if owner_id is not None:
        membership = Membership.objects.filter(user_id=owner_id, agency=agency,
                                               user__is_active=True).select_related("user").first()
        if membership is None:
            raise OperationRuleError("The owner must be an active member of the owning agency",
                                     "owner")
        owner = membership.user
    follow_up_on = follow_up_on or default_follow_up(operation)
    if follow_up_on <= operation.start:
        raise OperationRuleError("The follow-up must be after the operation's first day",
                                 "follow_up_on")
    action = LegacyAction.objects.create(operation=operation, description=description.strip(),
                                         owner_agency=agency, owner=owner,
                                         follow_up_on=follow_up_on)
    record("create", user=user, request=request, object_type="operation",
           object_id=operation.pk, fields=["legacy_action"])
    return action


def complete_legacy_action(access: OperationAccess, user: Any, action: LegacyAction, *,
                           version: int, done_on: datetime.date | None, outcome: str,
                           follow_up_on: datetime.date | None = None,
                           request: HttpRequest | None = None) -> LegacyAction:
    """Record a legacy action's follow-up (done, or a new follow-up date)."""
    access.require_records()
    if action.operation_id != access.operation.pk:
        raise OperationRuleError("No such legacy action on this operation")
    with transaction.atomic():
        current = LegacyAction.objects.select_for_update().get(pk=action.pk)
        if current.version != version:
            raise Conflict(current, {"done_on": done_on, "outcome": outcome,
                                     "follow_up_on": follow_up_on})
        if done_on is not None and done_on < access.operation.start:
            raise OperationRuleError("The day it was done cannot be before the operation",
                                     "done_on")
        current.done_on, current.outcome = done_on, outcome.strip()[:300]
        if follow_up_on is not None and follow_up_on != current.follow_up_on:
            current.follow_up_on, current.follow_up_alerted_at = follow_up_on, None
        current.version += 1
        current.save()
        record("update", user=user, request=request, object_type="operation",
               object_id=access.operation.pk, fields=["legacy_action"])
    return current


def link_case(access: OperationAccess, user: Any, case_id: int, *,
              request: HttpRequest | None = None) -> OperationCase:
    """Link a case the recorder's agency works on (404 for a case they cannot see)."""
    access.require_records()
    case_access = get_case_for_user(user, case_id, CASES_EDIT)
    if not case_access.contributes:
        raise OperationRuleError("Your agency does not work on that case", "case")
    operation = access.operation
    link, made = OperationCase.objects.get_or_create(operation=operation, case=case_access.case,
                                                     defaults={"linked_by": user})
    if made:
        TimelineEntry.objects.create(case=case_access.case, kind="operation", user=user,
                                     agency=agency_of(user),
                                     text=f"Linked to operation {operation.pk}: {operation.name}"[:300])
        record("update", user=user, request=request, object_type="case",
               object_id=case_access.case.pk, fields=["operation"])
    return link


def unlink_case(access: OperationAccess, user: Any, case_id: int, *,
                request: HttpRequest | None = None) -> None:
    access.require_records()
    case_access = get_case_for_user(user, case_id, CASES_EDIT)
    if not case_access.contributes:
        raise OperationRuleError("Your agency does not work on that case", "case")
    deleted, _ = OperationCase.objects.filter(operation=access.operation,
                                              case=case_access.case).delete()
    if deleted:
        TimelineEntry.objects.create(case=case_access.case, kind="operation", user=user,
                                     agency=agency_of(user),
                                     text=f"No longer linked to operation {access.operation.pk}")
        record("update", user=user, request=request, object_type="case",
               object_id=case_access.case.pk, fields=["operation"])


def add_exclusion(user: Any, *, area: Area, reason: str, until: datetime.date | None,
                  request: HttpRequest | None = None) -> Exclusion:
    """Leave an area out of the Street Weeks ranking, with the reason."""
    agency = agency_of(user)
    if agency is None:
        raise OperationRuleError("Only a member of a partner agency can exclude an area")
    if not reason.strip():
        raise OperationRuleError("Give the reason the area is left out", "reason")
    exclusion = Exclusion.objects.create(area_code=area.code, area_name=area.name,
                                         reason=reason.strip()[:300], until=until, agency=agency,
                                         created_by=user)
    record("create", user=user, request=request, object_type="street-week-exclusion",
           object_id=exclusion.pk, fields=["area", "reason", "until"])
    return exclusion


def lift_exclusion(user: Any, exclusion: Exclusion, *, request: HttpRequest | None = None) -> None:
    from django.utils import timezone

    exclusion.lifted_at = timezone.now()
    exclusion.save(update_fields=["lifted_at"])
    record("update", user=user, request=request, object_type="street-week-exclusion",
           object_id=exclusion.pk, fields=["lifted_at"])

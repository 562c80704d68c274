"""The Street Weeks planner: where the next Street Week should go and what is already planned.

- **Ranked list**: the assessments app's ranking (``strategic/streetweek.py`` through
  ``assessments.services.rank_street_weeks``) over the latest 12 months of data, leaving out
  areas with a Street Week recently held or planned (its own rule) **and** the areas excluded
  here, each with its reason (``Exclusion``: until a day, or until lifted).
- **Calendar**: every Street Week recorded (the ranking's ``StreetWeek`` rows, each with its
  operation when there is one), by month, past and planned. A Street Week recorded on the
  ranking page without an operation can be taken over by one (to record its activity).
- **Clashes** of a planned week (not yet ended): bank holidays of England and Wales within it
  (``casework.workingtime.bank_holidays``: fewer partners on duty), and other operations the
  reader's agency leads or joins running on any of its days.
- **Legacy follow-ups due** within the next 30 days (or overdue) on the reader's agency's
  operations.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.operations.access import operations_for_user
from saferplaces.apps.operations.models import Exclusion, LegacyAction, Operation
from saferplaces.casework.workingtime import bank_holidays

__all__ = ["CalendarWeek", "FOLLOW_UP_AHEAD_DAYS", "active_exclusions", "calendar",
           "follow_ups_due"]

#: How far ahead the planner lists legacy follow-ups.
FOLLOW_UP_AHEAD_DAYS = 30


def active_exclusions(today: datetime.date | None = None) -> QuerySet[Exclusion]:
    """Exclusions not lifted and not past their last day."""
    today = today or timezone.localdate()
    return (Exclusion.objects.filter(lifted_at__isnull=True)
            .filter(Q(until__isnull=True) | Q(until__gte=today)).select_related("agency"))


@dataclass
class CalendarWeek:
    week: StreetWeek
    operation: Operation | None
    state: str
    clashes: list[str] = field(default_factory=list)


def _clashes(week: StreetWeek, others: list[Operation], own: int | None) -> list[str]:
    found = []
    for year in range(week.start.year, week.end.year + 1):
        for day in sorted(bank_holidays(year)):
            if week.start <= day <= week.end:
                found.append(f"bank holiday on {day:%A %-d %B}")
    for other in others:
        if other.pk != own and other.start <= week.end and other.end >= week.start:
            found.append(f"{other.name} runs {other.start:%-d %B} to {other.end:%-d %B}")
    return found


def calendar(user: Any, today: datetime.date | None = None) -> list[tuple[str, list[CalendarWeek]]]:
    """Street Weeks by month, latest first, each with its operation where the reader may see
    it, its state (held, running, planned) and, for weeks not yet ended, its clashes."""
    today = today or timezone.localdate()
    visible = {op.pk: op for op in operations_for_user(user).filter(street_week__isnull=False)}
    mine = list(operations_for_user(user).filter(end__gte=today - datetime.timedelta(days=31)))
    months: dict[str, list[CalendarWeek]] = defaultdict(list)
    weeks = StreetWeek.objects.order_by("-start", "-pk").select_related("operation")[:300]
    for week in weeks:
        linked = getattr(week, "operation", None)
        operation = visible.get(linked.pk) if linked is not None else None
        state = ("held" if week.end < today else "running" if week.start <= today else "planned")
        entry = CalendarWeek(week, operation, state)
        if week.end >= today:
            entry.clashes = _clashes(week, mine, linked.pk if linked is not None else None)
        months[f"{week.start:%B %Y}"].append(entry)
    return list(months.items())


def follow_ups_due(user: Any, today: datetime.date | None = None) -> QuerySet[LegacyAction]:
    """Legacy actions not done whose follow-up is overdue or within the next 30 days, on
    operations the reader's agency leads or joins."""
    today = today or timezone.localdate()
    return (LegacyAction.objects
            .filter(operation__in=operations_for_user(user).values("pk"), done_on__isnull=True,
                    follow_up_on__lte=today + datetime.timedelta(days=FOLLOW_UP_AHEAD_DAYS))
            .select_related("operation", "owner_agency", "owner").order_by("follow_up_on", "pk"))

"""What a user's dashboard and their agency's overdue dashboard show, each list through the
cases app's access helpers (``tasks_for_user``, ``cases_for_user``, ``referrals_for_user``,
``transfers_for_user``), so nothing appears here that the user could not open.

- **My dashboard**: open tasks assigned to me; my agency's open tasks not yet given to anyone;
  of those two, the overdue ones; referrals and ownership transfers offered to my agency and
  waiting for an answer (case managers only: they answer them); open high-risk cases my agency
  sees in full (a limited share does not show risk); my unread notifications.
- **Overdue for my agency** (case managers): open tasks past their due date assigned to my
  agency, and those on cases my agency owns that other agencies have not done; referrals to my
  agency past their response target, and those my agency made that are still unanswered past
  theirs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_MANAGE
from saferplaces.apps.cases.access import cases_for_user, referrals_for_user, transfers_for_user
from saferplaces.apps.cases.models import (
    Case,
    Decision,
    Notification,
    Referral,
    Risk,
    Status,
    Task,
    TaskStatus,
    Transfer,
)
from saferplaces.apps.cases.tasks import limited_cases, tasks_for_user

__all__ = ["Dashboard", "Overdue", "dashboard_for", "overdue_for", "unread_notifications"]

#: How many rows each list of the dashboard shows (the headings give the totals).
ROWS = 20


@dataclass
class Dashboard:
    agency: Agency | None
    today: datetime.date
    my_tasks: list[Task] = field(default_factory=list)
    my_tasks_count: int = 0
    agency_tasks: list[Task] = field(default_factory=list)
    agency_tasks_count: int = 0
    overdue: list[Task] = field(default_factory=list)
    overdue_count: int = 0
    manages: bool = False
    referrals: list[Referral] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    high_risk: list[Case] = field(default_factory=list)
    high_risk_count: int = 0
    notifications: list[Notification] = field(default_factory=list)
    unread: int = 0


@dataclass
class Overdue:
    agency: Agency
    today: datetime.date
    tasks_ours: list[Task]
    tasks_others: list[Task]
    referrals_to_us: list[Referral]
    referrals_from_us: list[Referral]


def unread_notifications(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("case")


def _open(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(status=TaskStatus.OPEN).order_by("due", "pk")


def dashboard_for(user: Any, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    agency = agency_of(user)
    board = Dashboard(agency, today)
    unread = unread_notifications(user)
    board.unread = unread.count()
    board.notifications = list(unread[:ROWS])
    if agency is None:
        return board
    tasks = _open(tasks_for_user(user))
    mine = tasks.filter(assigned_user=user)
    ours = tasks.filter(assigned_agency=agency, assigned_user__isnull=True)
    overdue = tasks.filter(Q(assigned_user=user) | Q(assigned_agency=agency,
                                                     assigned_user__isnull=True), due__lt=today)
    board.my_tasks, board.my_tasks_count = list(mine[:ROWS]), mine.count()
    board.agency_tasks, board.agency_tasks_count = list(ours[:ROWS]), ours.count()
    board.overdue, board.overdue_count = list(overdue[:ROWS]), overdue.count()
    cases = cases_for_user(user)
    high = (cases.filter(risk=Risk.HIGH).exclude(status=Status.CLOSED)
            .exclude(pk__in=limited_cases(user, cases).values("pk")).order_by("-opened_on", "-pk"))
    board.high_risk, board.high_risk_count = list(high[:ROWS]), high.count()
    if has_capability(user, CASES_MANAGE):
        board.manages = True
        board.referrals = list(referrals_for_user(user)
                               .filter(to_agency=agency, status=Decision.PENDING)
                               .order_by("respond_by", "pk"))
        board.transfers = list(transfers_for_user(user)
                               .filter(to_agency=agency, status=Decision.PENDING)
                               .order_by("offered_at", "pk"))
    return board


def overdue_for(user: Any, today: datetime.date | None = None) -> Overdue:
    """The user's agency's overdue work (``cases.manage``: ``referrals_for_user`` refuses
    others)."""
    today = today or timezone.localdate()
    agency = agency_of(user)
    referrals = referrals_for_user(user, CASES_MANAGE)
    if agency is None:  # unreachable: the capability comes only from an agency's membership
        raise PermissionDenied("You do not belong to an agency.")
    late = _open(tasks_for_user(user)).filter(due__lt=today)
    pending = referrals.filter(status=Decision.PENDING, respond_by__lt=today).order_by("respond_by")
    return Overdue(
        agency, today,
        tasks_ours=list(late.filter(assigned_agency=agency)),
        tasks_others=list(late.filter(case__owner_agency=agency).exclude(assigned_agency=agency)),
        referrals_to_us=list(pending.filter(to_agency=agency)),
        referrals_from_us=list(pending.filter(from_agency=agency)))

"""Review alerts: an order in force is due for review ``pspo.review_alert_months`` before it
expires (local practice: time to review the evidence and consult under s.72 before it lapses;
s.60(2) allows an extension only before expiry).

Rules:

- Raised by the reminders run (the worker's daily run or ``saferplaces reminders``), as one of
  the cases app's overdue checks: in-app notifications to the case managers of the owner agency
  and of the agencies the order is shared with. The text names the order's number and title (a
  public document) and its expiry, and points to the evidence pack.
- **Once per expiry**: the order's row is locked and ``review_alerted_for`` set to the expiry
  alerted in the same transaction; an extension sets a new expiry and so a new alert.
- Drafts, discharged orders and orders already expired get none.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.cases.services import case_managers
from saferplaces.apps.pspo.access import agencies_seeing_breaches
from saferplaces.apps.pspo.models import Order, OrderStatus
from saferplaces.casework.months import add_months

__all__ = ["alert_text", "review_due_from", "send_review_alerts"]


def review_due_from(expiry: datetime.date) -> datetime.date:
    """The first day of the review alert for an order expiring on ``expiry``."""
    months = int(rules().on("pspo.review_alert_months", expiry))
    return add_months(expiry, -months)


def alert_text(order: Order, expiry: datetime.date) -> str:
    return (f"PSPO {order.pk} ({order.title[:120]}) expires on {expiry:%-d %B %Y}: review it "
            f"and consult before deciding whether to extend. Evidence pack: "
            f"{reverse('pspo:evidence', args=[order.pk])}")


def _alert(pk: int, day: datetime.date) -> bool:
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=pk, status=OrderStatus.MADE).first()
        if order is None:
            return False
        expiry = order.current_expiry
        if order.review_alerted_for == expiry or not review_due_from(expiry) <= day <= expiry:
            return False
        text = alert_text(order, expiry)[:300]
        users: dict[int, Any] = {}
        for agency in Agency.objects.filter(agencies_seeing_breaches(order)):
            users |= {user.pk: user for user in case_managers(agency)}
        Notification.objects.bulk_create(Notification(user=user, text=text)
                                         for user in users.values())
        Order.objects.filter(pk=pk).update(review_alerted_for=expiry)
    return True


def send_review_alerts(at: datetime.datetime | None = None) -> int:
    """Raise the review alert of every order due one on the day of ``at`` (now); how many."""
    day = timezone.localdate(at) if at is not None else timezone.localdate()
    waiting = Order.objects.filter(status=OrderStatus.MADE).values_list("pk", flat=True)
    return sum(_alert(pk, day) for pk in list(waiting))

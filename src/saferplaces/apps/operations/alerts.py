"""Legacy follow-ups due: **one** alert per legacy action when its follow-up date arrives,
raised by the reminders run (the worker's daily run, or ``saferplaces reminders``), however often
it runs (registered in ``apps.py`` with the cases app's ``register_overdue_check``).

Rules:

- A legacy action is due when it is not done and its follow-up date is on or before the day of
  the run (UK local day).
- The alert is an in-app notification to the action's owner while they are active and still a
  member of the owning agency, otherwise to that agency's members who may record operations.
  Its text names the action's number and the operation's number and name, never the action's
  free text (which may name a person or an address).
- **Once**: the action's row is locked while the alert is written and ``follow_up_alerted_at``
  set in the same transaction. Moving the follow-up date allows a new alert.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.models import Membership
from saferplaces.apps.agencies.roles import OPERATIONS_RECORD
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.operations.models import LegacyAction

__all__ = ["alert_text", "recipients", "send_follow_up_alerts"]


def alert_text(action: LegacyAction) -> str:
    return (f"Legacy action {action.pk} of operation {action.operation_id} "
            f"({action.operation.name}) is due for follow-up on {action.follow_up_on:%-d %B %Y}")


def recipients(action: LegacyAction) -> list[Any]:
    """Who is alerted (module docstring)."""
    owner = action.owner
    if owner is not None and owner.is_active and Membership.objects.filter(
            user=owner, agency_id=action.owner_agency_id).exists():
        return [owner]
    members = (Membership.objects.filter(agency_id=action.owner_agency_id, user__is_active=True)
               .select_related("user").order_by("user_id"))
    return [m.user for m in members if has_capability(m.user, OPERATIONS_RECORD)]


def _alert(pk: int, at: datetime.datetime) -> bool:
    with transaction.atomic():
        action = (LegacyAction.objects.select_for_update(of=("self",))
                  .select_related("operation", "owner")
                  .filter(pk=pk, follow_up_alerted_at__isnull=True, done_on__isnull=True).first())
        if action is None or action.follow_up_on > timezone.localdate(at):
            return False
        text = alert_text(action)[:300]
        Notification.objects.bulk_create(Notification(user=user, text=text)
                                         for user in recipients(action))
        LegacyAction.objects.filter(pk=pk).update(follow_up_alerted_at=at)
    return True


def send_follow_up_alerts(at: datetime.datetime | None = None) -> int:
    """Alert every legacy follow-up due at ``at`` (now) and not yet alerted; how many."""
    at = at or timezone.now()
    due = (LegacyAction.objects.filter(follow_up_alerted_at__isnull=True, done_on__isnull=True,
                                       follow_up_on__lte=timezone.localdate(at))
           .order_by("follow_up_on", "pk").values_list("pk", flat=True))
    return sum(_alert(pk, at) for pk in list(due))

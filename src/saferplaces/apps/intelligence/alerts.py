"""The safeguarding alert: a child runner, or a cuckooed address with a vulnerable resident,
with no open safeguarding case raises **one** alert to the people of the owner agency who can act
on it, run
with the reminders (``register_overdue_check``: the worker's daily run or
``saferplaces reminders``).

Rules:

- Who needs a case: :func:`saferplaces.apps.intelligence.services.needs_safeguarding` (a runner
  under 18 on the day; an address whose cuckooing risk is one ``policy.toml`` lists as cuckooed,
  with a vulnerable resident). An open safeguarding case is a linked case of a type
  ``policy.toml`` lists, not closed.
- Who is told (:func:`recipients`): only holders of ``intelligence.view`` (the per-user
  intelligence flag) in the entity's owner agency, since only they can open the page the alert
  names: its active co-ordinators with the flag; when it has none, its flag holders whose role
  reads cases (they see notifications and can open the case); else every active flag holder
  there (they find it on the alerts page). A user without the flag is never told (the link would answer 404, and the alert itself
  would tell them intelligence exists). An agency with no flag holder at all raises the alert
  with no notification; it stays on the alerts page for whoever is given the flag.
- The text says only "An intelligence record needs a safeguarding case" with the alert's
  number and the page to open.
- **Once** per entity while it stays open (a database constraint allows one open alert per
  entity); linking an open safeguarding case (or the entity no longer needing one) clears it and
  marks its notifications read. A later need raises a new alert.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_VIEW, ROLE_CAPABILITIES, Role
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.intelligence import services
from saferplaces.apps.intelligence.alert_notices import (
    alert_prefix,
    alert_text,
    clear_notifications,
)
from saferplaces.apps.intelligence.models import (
    Entity,
    Kind,
    NominalRole,
    SafeguardingAlert,
)
from saferplaces.apps.intelligence.policy import policy

__all__ = ["alert_prefix", "alert_text", "check_safeguarding", "clear_notifications",
           "recipients"]


def recipients(agency: Agency) -> QuerySet[Any]:
    """Who is told of an alert on ``agency``'s record: its active holders of the intelligence
    flag; of them the co-ordinators if there are any, else those whose role reads cases (and so
    their notifications and can open the case), else all of them."""
    holders = (get_user_model().objects
               .filter(is_active=True, membership__agency=agency, membership__agency__active=True,
                       membership__intelligence=True).order_by("username"))
    case_roles = sorted(role.value for role, granted in ROLE_CAPABILITIES.items()
                        if CASES_VIEW in granted)
    for tier in (holders.filter(membership__role=Role.COORDINATOR),
                 holders.filter(membership__role__in=case_roles)):
        if tier.exists():
            return tier
    return holders


def _candidates() -> QuerySet[Entity]:
    return (Entity.objects
            .filter(Q(kind=Kind.NOMINAL, role=NominalRole.RUNNER)
                    | Q(kind=Kind.ADDRESS, vulnerable_resident__isnull=False,
                        cuckooing_risk__in=sorted(policy().cuckooed)))
            .select_related("agency", "person", "safeguarding_case"))


def _raise(entity: Entity, reason: str, at: datetime.datetime) -> bool:
    try:
        with transaction.atomic():
            alert = SafeguardingAlert.objects.create(entity=entity, reason=reason, raised_at=at)
            text = alert_text(alert)
            Notification.objects.bulk_create(Notification(user=user, case=None, text=text[:300])
                                             for user in recipients(entity.agency))
    except IntegrityError:  # another run raised it first: still one
        return False
    return True


def check_safeguarding(at: datetime.datetime | None = None) -> int:
    """Raise the alert of every entity that needs a safeguarding case and has neither one nor
    an open alert; clear the alerts no longer needed. How many were raised."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    raised = 0
    open_alerts = set(SafeguardingAlert.objects.filter(cleared_at__isnull=True)
                      .values_list("entity_id", flat=True))
    for entity in _candidates():
        reason = services.needs_safeguarding(entity, day)
        if reason is None or services.has_open_safeguarding_case(entity):
            continue
        if entity.pk not in open_alerts:
            raised += _raise(entity, reason, at)
    for entity in Entity.objects.filter(pk__in=open_alerts).select_related("person",
                                                                           "safeguarding_case"):
        services.clear_alerts(entity, at)
    return raised

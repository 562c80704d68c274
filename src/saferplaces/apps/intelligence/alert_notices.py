"""The words of a safeguarding alert's notification, and clearing them: no intelligence in them
(only flag holders are told, but notifications are listed outside the intelligence pages), only
the alert's number and a page that answers 404 without it."""

from __future__ import annotations

import datetime

from django.urls import reverse

from saferplaces.apps.cases.models import Notification
from saferplaces.apps.intelligence.models import SafeguardingAlert

__all__ = ["alert_prefix", "alert_text", "clear_notifications"]


def alert_prefix(alert: SafeguardingAlert) -> str:
    return f"An intelligence record needs a safeguarding case (alert {alert.pk})"


def alert_text(alert: SafeguardingAlert) -> str:
    return f"{alert_prefix(alert)}: see Intelligence, safeguarding alerts ({reverse('intelligence:alerts')})"


def clear_notifications(alert: SafeguardingAlert, at: datetime.datetime) -> None:
    Notification.objects.filter(text__startswith=alert_prefix(alert) + ":",
                                read_at__isnull=True).update(read_at=at)

"""Overdue MASH referrals: **one** alert per referral, raised by the reminders run (the
background worker's daily run, or ``saferplaces reminders``), however often it runs.

Rules:

- A referral is overdue when it was screened, is not answered, and the moment of the run is
  after its response target (:func:`saferplaces.apps.safeguarding.services.is_mash_overdue`;
  the target is in working hours over bank holidays and clock changes).
- The alert goes, as an in-app notification, to the case managers of the MASH agency and of the
  referring agency while each still sees the case in full (owner or a live full share), and a
  timeline entry is written on the case. Its text names the referral's number, the case
  reference, the RAG rating and the target, never a person.
- **Once**: the referral's row is locked while the alert is written and ``overdue_alerted_at``
  is set in the same transaction, so a second run (or two workers at once) writes nothing.
  Re-screening with another rating sets a new target and allows a new alert.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saferplaces.apps.cases.models import Notification, ShareLevel, Status, TimelineEntry
from saferplaces.apps.cases.services import case_managers
from saferplaces.apps.safeguarding.models import MashReferral
from saferplaces.apps.safeguarding.services import is_mash_overdue

__all__ = ["alert_text", "send_overdue_alerts"]


def alert_text(referral: MashReferral) -> str:
    due = timezone.localtime(referral.response_due_at)
    return (f"MASH referral {referral.pk} on case {referral.case.reference} is overdue: the "
            f"{referral.rag} response was due by {due:%-d %B %Y %H:%M}")


def _works_on(referral: MashReferral, agency_id: int) -> bool:
    case = referral.case
    return case.owner_agency_id == agency_id or case.shares.filter(
        agency_id=agency_id, ended_at__isnull=True, level=ShareLevel.FULL).exists()


def _alert(pk: int, at: datetime.datetime) -> bool:
    with transaction.atomic():
        referral = (MashReferral.objects.select_for_update(of=("self",))
                    .select_related("case", "mash_agency", "referring_agency")
                    .filter(pk=pk, overdue_alerted_at__isnull=True).first())
        if referral is None or not is_mash_overdue(referral, at):
            return False
        text = alert_text(referral)
        users: dict[int, Any] = {}
        for agency in (referral.mash_agency, referral.referring_agency):
            if _works_on(referral, agency.pk):
                users |= {user.pk: user for user in case_managers(agency)}
        Notification.objects.bulk_create(Notification(user=user, case=referral.case, text=text)
                                         for user in users.values())
        TimelineEntry.objects.create(case=referral.case, kind="safeguarding", text=text[:300])
        MashReferral.objects.filter(pk=pk).update(overdue_alerted_at=at)
    return True


def send_overdue_alerts(at: datetime.datetime | None = None) -> int:
    """Raise the alert of every MASH referral overdue at ``at`` (now) and not yet alerted, on
    cases still open; how many were raised."""
    at = at or timezone.now()
    waiting = (MashReferral.objects
               .filter(overdue_alerted_at__isnull=True, response_due_at__lt=at)
               .filter(Q(responded_at__isnull=True) | Q(responded_at__gt=at))
               .exclude(case__status=Status.CLOSED)
               .order_by("response_due_at", "pk").values_list("pk", flat=True))
    return sum(_alert(pk, at) for pk in list(waiting))

"""Task reminders: in-app notifications for open tasks due tomorrow, due today or overdue,
computed by the background worker once a day (``send_reminders_task``, which queues its own
next run) or on demand (``saferplaces reminders``).

Rules:

- A reminder goes to the task's assigned user while they are active and their agency can
  still see the case; otherwise to the assigned agency's users who may edit cases. An agency
  the case is no longer shared with gets none (it can no longer see the task).
- Tasks on closed cases get none.
- **At most one reminder per task, user and day**, however often the reminders are computed
  (a second run the same day, two workers at once): the task's row is locked while its
  reminders are written, and a reminder already written for that day is not written again (the
  text starts with the day and the task's number, which is the key).
- The text names the task's number and the case reference, never the task's title (which may
  name a person).
- Other apps' **overdue checks** run with the reminders (``register_overdue_check`` in their
  ``AppConfig.ready``; e.g. overdue MASH referrals): each gets the moment of the run (now, or the
  end of an earlier ``day`` caught up) and keeps its own alerts to one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from saferplaces.apps.agencies.access import agency_of
from saferplaces.apps.cases.models import Notification, Status, Task, TaskStatus
from saferplaces.apps.cases.services import lead_officers

__all__ = ["DAILY_AT", "ReminderRun", "register_overdue_check", "reminder_text",
           "schedule_reminders", "send_reminders", "send_reminders_task"]

#: When the worker computes the day's reminders (local time), before the working day starts.
DAILY_AT = datetime.time(6, 0)


@dataclass(frozen=True)
class ReminderRun:
    """What one run did: the ``day`` it was for, the open tasks due by the next day, the
    reminders written and those already written earlier that day, and the overdue alerts the
    other apps' checks raised."""

    day: datetime.date
    tasks: int
    sent: int
    already: int
    alerts: int = 0


#: Other apps' overdue checks: key → check(moment) returning how many alerts it raised.
_OVERDUE_CHECKS: dict[str, Callable[[datetime.datetime], int]] = {}


def register_overdue_check(key: str, check: Callable[[datetime.datetime], int]) -> None:
    """Run ``check`` with every reminders run (replaced when registered again)."""
    _OVERDUE_CHECKS[key] = check


def _moment(day: datetime.date) -> datetime.datetime:
    """Now, or the end of ``day`` when it is an earlier day being caught up."""
    now = timezone.now()
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(),
                                    timezone.get_current_timezone())
    return min(now, end)


def _prefix(task: Task, day: datetime.date) -> str:
    """The start every reminder of ``task`` for ``day`` shares: the key that keeps it to one."""
    return f"Reminder for {day:%-d %B %Y}: task {task.pk} on case "


def reminder_text(task: Task, day: datetime.date) -> str:
    when = task.due
    if when > day:
        state = f"is due tomorrow ({when:%-d %B %Y})"
    elif when == day:
        state = "is due today"
    else:
        late = (day - when).days
        state = f"is overdue by {late} day{'s' if late != 1 else ''} (due {when:%-d %B %Y})"
    return f"{_prefix(task, day)}{task.case.reference} {state}"


def _agency_sees(agency_id: int, task: Task) -> bool:
    case = task.case
    return case.owner_agency_id == agency_id or case.shares.filter(
        agency_id=agency_id, ended_at__isnull=True).exists()


def recipients(task: Task) -> list[Any]:
    """Who is reminded of ``task`` (see the module's rules)."""
    if not _agency_sees(task.assigned_agency_id, task):
        return []
    user = task.assigned_user
    if user is not None and user.is_active:
        agency = agency_of(user)
        if agency is not None and _agency_sees(agency.pk, task):
            return [user]
    return list(lead_officers(task.assigned_agency))


def _remind(task_id: int, day: datetime.date) -> tuple[int, int]:
    """Write the reminders of one task for ``day``; (written, already written)."""
    with transaction.atomic():
        task = (Task.objects.select_for_update(of=("self",))
                .select_related("case", "assigned_user")
                .filter(pk=task_id, status=TaskStatus.OPEN).first())
        if task is None:
            return 0, 0
        people = recipients(task)
        done = set(Notification.objects
                   .filter(user__in=people, case=task.case, text__startswith=_prefix(task, day))
                   .values_list("user_id", flat=True))
        text = reminder_text(task, day)
        new = [Notification(user=user, case=task.case, text=text[:300])
               for user in people if user.pk not in done]
        Notification.objects.bulk_create(new)
    return len(new), len(done)


def due_tasks(day: datetime.date) -> Iterable[int]:
    """Open tasks on cases still open, due by the day after ``day`` (overdue included)."""
    return (Task.objects.filter(status=TaskStatus.OPEN, due__lte=day + datetime.timedelta(days=1))
            .filter(~Q(case__status=Status.CLOSED))
            .order_by("due", "pk").values_list("pk", flat=True))


def send_reminders(day: datetime.date | None = None) -> ReminderRun:
    """Compute the reminders for ``day`` (today by default); safe to run again."""
    day = day or timezone.localdate()
    ids = list(due_tasks(day))
    sent = already = 0
    for task_id in ids:
        written, before = _remind(task_id, day)
        sent, already = sent + written, already + before
    moment = _moment(day)
    alerts = sum(check(moment) for _, check in sorted(_OVERDUE_CHECKS.items()))
    return ReminderRun(day, len(ids), sent, already, alerts)


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next :data:`DAILY_AT` after ``now`` (local time)."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return at if at > now else at + datetime.timedelta(days=1)


def _waiting() -> bool:
    """A reminders run is already queued (and not yet started) for the database worker."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=send_reminders_task.module_path,
                                       status="READY").exists()


def schedule_reminders(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Queue the next daily run for the worker unless one is already queued; the time queued,
    or None when one was waiting. Needs the database task backend (the worker's)."""
    if _waiting():
        return None
    when = next_run(now)
    send_reminders_task.using(run_after=when).enqueue()
    return when


@task()
def send_reminders_task() -> int:
    """The worker's daily run: today's reminders, then the next run queued."""
    run = send_reminders(timezone.localdate())
    schedule_reminders()
    return run.sent

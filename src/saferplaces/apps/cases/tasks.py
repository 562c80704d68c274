"""Tasks on a case: who may see, add, change, complete and cancel them, and the one access
helper for a task (``get_task_for_user``), used by the pages, the API, the dashboard and the
reminders alike.

- A task belongs to a case and is **assigned to an agency** working on that case (the owner or
  an agency the case is shared with, fully or in a limited way), optionally to one of that
  agency's users who may edit cases.
- **Seeing** a task goes through the case: ``get_case_for_user`` (outsiders 404, members
  without ``cases.view`` 403). A full view of the case shows all its tasks; a limited share
  shows only the tasks assigned to the reader's agency (``cases.access``). So a task given to
  another agency is seen by that agency only while the case is shared with it.
- **Adding, changing and cancelling** need ``cases.edit`` and an agency that works on the case
  (owner or full share: ``CaseAccess.contributes``); break-glass is for reading.
  **Completing** also lets the assigned agency (even on a limited share) mark its own task done.
- **No lost updates**: every change names the task's ``version``; a stale one saves nothing and
  :class:`TaskConflict` carries the stored task to show beside the attempted values.
- Each change writes a timeline entry naming the case reference and agencies (never the task's
  title, which may name a person) and an audit event on the case (``fields=["tasks"]``).
  A newly assigned user, or else the assigned agency's case managers, get a notification.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.models import Agency, BreakGlassAccess
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import (
    RECORD_TYPE,
    CaseAccess,
    cases_for_user,
    get_case_for_user,
    live_shares,
)
from saferplaces.apps.cases.models import (
    Case,
    CaseShare,
    Notification,
    ShareLevel,
    Task,
    TaskStatus,
    TimelineEntry,
)
from saferplaces.apps.cases.services import CaseRuleError, case_managers, lead_officers

__all__ = ["TaskAccess", "TaskConflict", "assignable_agencies", "assignable_users",
           "cancel_task", "complete_task", "create_task", "get_task_for_user", "is_task_overdue",
           "limited_cases", "tasks_for_user", "tasks_of_case", "update_task"]

RESOURCE = "case"
TITLE_MAX = 200


class TaskConflict(Exception):
    """The task changed since the form was opened: nothing was saved. ``current`` is the stored
    task, ``attempted`` the values the user tried to save."""

    def __init__(self, current: Task, attempted: dict[str, Any]) -> None:
        super().__init__("The task was changed by someone else while you were editing it.")
        self.current = current
        self.attempted = attempted


@dataclass(frozen=True)
class TaskAccess:
    """A task as one user may see it, with what they may do to it."""

    task: Task
    case_access: CaseAccess
    can_change: bool
    can_complete: bool

    @property
    def case(self) -> Case:
        return self.case_access.case


def is_task_overdue(task: Task, today: datetime.date | None = None) -> bool:
    return task.status == TaskStatus.OPEN and task.due < (today or timezone.localdate())


# --- seeing tasks ----------------------------------------------------------------------------------


def limited_cases(user: Any, cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of ``cases`` (from ``cases_for_user``), those ``user`` sees only in a limited way: shared
    with their agency at the limited level, and no break-glass for them (the same rule as
    ``get_case_for_user``, for a whole list at once)."""
    agency = agency_of(user)
    if agency is None:
        return cases.none()
    limited = (CaseShare.objects.filter(agency=agency, ended_at__isnull=True,
                                        level=ShareLevel.LIMITED)
               .exclude(case__owner_agency=agency).values("case"))
    glass = (BreakGlassAccess.objects
             .filter(user=user, record_type=RECORD_TYPE, expires_at__gt=timezone.now())
             .values_list("record_id", flat=True))
    return cases.filter(pk__in=limited).exclude(
        pk__in=[int(pk) for pk in glass if str(pk).isdigit()])


def tasks_for_user(user: Any, capability: str = CASES_VIEW) -> QuerySet[Task]:
    """Every task the user may see (403 without ``capability``): all tasks of the cases they see
    in full, and on cases shared with their agency in a limited way only the tasks assigned to
    their agency."""
    cases = cases_for_user(user, capability)
    agency = agency_of(user)
    if agency is None:
        return Task.objects.none()
    limited_only = limited_cases(user, cases)
    return (Task.objects
            .filter(Q(case__in=cases.exclude(pk__in=limited_only.values("pk")))
                    | Q(case__in=limited_only, assigned_agency=agency))
            .select_related("case", "case__owner_agency", "assigned_agency", "assigned_user"))


def tasks_of_case(user: Any, access: CaseAccess) -> QuerySet[Task]:
    """The case's tasks as this reader may see them (all on a full view; their agency's on a
    limited share)."""
    tasks = access.case.tasks.select_related("assigned_agency", "assigned_user", "created_by")
    if not access.full:
        tasks = tasks.filter(assigned_agency=agency_of(user))
    return tasks


def _access(user: Any, task: Task, case_access: CaseAccess) -> TaskAccess:
    agency = agency_of(user)
    edits = has_capability(user, CASES_EDIT)
    ours = agency is not None and task.assigned_agency_id == agency.pk
    can_change = edits and case_access.contributes
    return TaskAccess(task, case_access, can_change, edits and (case_access.contributes or ours))


def get_task_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> TaskAccess:
    """One task as ``user`` may see it: 403 without ``capability``, 404 when its case is out of
    their scope or, on a limited share, when it is not assigned to their agency."""
    task = (Task.objects.select_related("assigned_agency", "assigned_user", "created_by")
            .filter(pk=pk).first())
    if task is None:
        require_capability(user, capability)
        raise Http404("No such task.")
    case_access = get_case_for_user(user, task.case_id, capability)
    agency = agency_of(user)
    if not case_access.full and (agency is None or task.assigned_agency_id != agency.pk):
        raise Http404("No such task.")
    task.case = case_access.case
    return _access(user, task, case_access)


# --- who a task may be given to ---------------------------------------------------------------------


def assignable_agencies(case: Case) -> list[Agency]:
    """The owner agency and every agency the case is shared with now (full or limited)."""
    agencies = [case.owner_agency]
    agencies += [share.agency for share in live_shares(case).order_by("agency__name")]
    return agencies


def assignable_users(agency: Agency) -> QuerySet[Any]:
    """The agency's active users who may edit cases (and so complete a task)."""
    return lead_officers(agency)


def _check_assignee(case: Case, agency: Agency | None, user: Any) -> tuple[Agency, Any]:
    allowed = {item.pk: item for item in assignable_agencies(case)}
    if agency is None or agency.pk not in allowed:
        raise CaseRuleError("Choose the owner agency or an agency the case is shared with.",
                            "assign_to")
    if user is not None and not assignable_users(agency).filter(pk=user.pk).exists():
        raise CaseRuleError(f"Choose someone from {agency.name} who works on cases.", "assign_to")
    return allowed[agency.pk], user


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise CaseRuleError("Enter what needs doing.", "title")
    if len(title) > TITLE_MAX:
        raise CaseRuleError(f"Keep the task to {TITLE_MAX} characters.", "title")
    return title


# --- the timeline, notifications, audit -------------------------------------------------------------


def _timeline(case: Case, user: Any, text: str) -> None:
    TimelineEntry.objects.create(case=case, user=user, agency=agency_of(user), kind="task",
                                 text=text[:300])


def _audit(action: str, user: Any, request: HttpRequest | None, case: Case,
           fields: list[str]) -> None:
    record(action, user=user, request=request, object_type=RESOURCE, object_id=case.pk,
           fields=fields)


def _notify_assignee(task: Task, case: Case, actor: Any, text: str) -> None:
    """The assigned user, or else the assigned agency's case managers (never the actor)."""
    if task.assigned_user_id is not None:
        users = get_user_model().objects.filter(pk=task.assigned_user_id, is_active=True)
    else:
        users = case_managers(task.assigned_agency)
    Notification.objects.bulk_create(
        Notification(user=user, case=case, text=text[:300])
        for user in users if user.pk != getattr(actor, "pk", None))


def _who(task: Task) -> str:
    return task.assigned_agency.name


# --- changes -------------------------------------------------------------------------------------------


def _require_contributor(user: Any, access: CaseAccess) -> None:
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")


def create_task(access: CaseAccess, user: Any, *, title: str, due: datetime.date,
                assigned_agency: Agency | None, assigned_user: Any = None,
                request: HttpRequest | None = None) -> Task:
    """A task on the case (``cases.edit``, an agency that works on it), due today or later,
    for an agency working on the case or one of its users."""
    _require_contributor(user, access)
    case = access.case
    title = _clean_title(title)
    if due < timezone.localdate():
        raise CaseRuleError("The due date must be today or later.", "due")
    agency, assignee = _check_assignee(case, assigned_agency, assigned_user)
    with transaction.atomic():
        task = Task.objects.create(case=case, title=title, assigned_agency=agency,
                                   assigned_user=assignee, due=due, created_by=user)
        _timeline(case, user, f"Task added to {case.reference} for {agency.name}, "
                              f"due {due:%-d %B %Y}")
        _notify_assignee(task, case, user, f"New task on case {case.reference} for "
                                           f"{_who(task)}: due {due:%-d %B %Y}")
        _audit("update", user, request, case, ["tasks"])
    return task


def _save_if_current(task: Task, version: int, changes: dict[str, Any]) -> Task:
    """Write ``changes`` only if the stored task is still at ``version``; else TaskConflict."""
    saved = Task.objects.filter(pk=task.pk, version=version).update(
        **changes, version=F("version") + 1)
    current = (Task.objects.select_related("case", "assigned_agency", "assigned_user")
               .get(pk=task.pk))
    if not saved:
        raise TaskConflict(current, changes)
    return current


def update_task(access: TaskAccess, user: Any, *, version: int, title: str,
                due: datetime.date, assigned_agency: Agency | None, assigned_user: Any = None,
                request: HttpRequest | None = None) -> Task:
    """Change what the task is, when it is due or who has it (an open task; ``cases.edit``, an
    agency that works on the case). A new assignee is notified."""
    _require_contributor(user, access.case_access)
    task, case = access.task, access.case
    if task.status != TaskStatus.OPEN:
        raise CaseRuleError("Only a task still to do can be changed.")
    title = _clean_title(title)
    if due != task.due and due < timezone.localdate():
        raise CaseRuleError("The due date must be today or later.", "due")
    agency, assignee = _check_assignee(case, assigned_agency, assigned_user)
    wanted = {"title": title, "due": due, "assigned_agency_id": agency.pk,
              "assigned_user_id": assignee.pk if assignee else None}
    changed = [name for name, value in wanted.items() if getattr(task, name) != value]
    with transaction.atomic():
        current = _save_if_current(task, version, wanted)
        if changed:
            names = [name.removesuffix("_id") for name in changed]
            _timeline(case, user, f"Task on {case.reference} for {agency.name} changed: "
                                  f"{', '.join(n.replace('_', ' ') for n in names)}")
            _audit("update", user, request, case, ["tasks"])
            if {"assigned_agency_id", "assigned_user_id"} & set(changed):
                _notify_assignee(current, case, user, f"Task on case {case.reference} given to "
                                                      f"{_who(current)}: due {due:%-d %B %Y}")
    return current


def _finish(access: TaskAccess, user: Any, version: int, status: str, verb: str,
            request: HttpRequest | None) -> Task:
    task, case = access.task, access.case
    if task.status != TaskStatus.OPEN and task.version == version:
        raise CaseRuleError("This task is no longer to do.")
    changes: dict[str, Any] = {"status": status}
    if status == TaskStatus.DONE:
        changes["completed_at"] = timezone.now()
    agency = agency_of(user)
    with transaction.atomic():
        current = _save_if_current(task, version, changes)
        _timeline(case, user, f"Task on {case.reference} for {task.assigned_agency.name} {verb}"
                              f"{f' by {agency.name}' if agency else ''}")
        _audit("update", user, request, case, ["tasks"])
    return current


def complete_task(access: TaskAccess, user: Any, *, version: int,
                  request: HttpRequest | None = None) -> Task:
    """Mark the task done: an agency that works on the case, or the assigned agency."""
    require_capability(user, CASES_EDIT)
    if not access.can_complete:
        raise PermissionDenied("Only the agency the task is for, or one working on the case, "
                               "can complete it.")
    return _finish(access, user, version, TaskStatus.DONE, "completed", request)


def cancel_task(access: TaskAccess, user: Any, *, version: int,
                request: HttpRequest | None = None) -> Task:
    """Cancel the task (an agency that works on the case)."""
    _require_contributor(user, access.case_access)
    return _finish(access, user, version, TaskStatus.CANCELLED, "cancelled", request)

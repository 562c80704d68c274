"""The task pages under ``/tasks/``: my tasks and my agency's, a case's tasks, adding one, one
task (change it, complete it, cancel it). Each finds its case or task through the access
helpers (outsiders 404, members without the capability 403), calls a rule in
``cases.tasks`` and records every read in the audit log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import tasks
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import TaskStatus
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.apps.workbench.forms import TaskForm, VersionForm, assign_value

__all__ = ["add_task", "cancel_task", "case_tasks", "complete_task", "edit_task", "my_tasks",
           "task_page"]

PAGE_SIZE = 50
SHOW: dict[str, list[str]] = {"open": [TaskStatus.OPEN],
                              "done": [TaskStatus.DONE, TaskStatus.CANCELLED],
                              "all": list(TaskStatus.values)}


def _read(request: HttpRequest, case_id: int) -> None:
    record("view", request=request, object_type="case", object_id=case_id, fields=["tasks"])


def _errors(form: Any, exc: CaseRuleError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@requires(CASES_VIEW)
@require_GET
@never_cache
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Tasks assigned to me or to my agency, on cases my agency may see."""
    show = request.GET.get("show", "open")
    show = show if show in SHOW else "open"
    agency = agency_of(request.user)
    found = (tasks.tasks_for_user(request.user)
             .filter(Q(assigned_user=request.user) | Q(assigned_agency=agency))
             .filter(status__in=SHOW[show]).order_by("due", "pk"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    record("view", request=request, object_type="task-list",
           reason=f"{show}, page {page.number}, {len(page.object_list)} tasks")
    return render(request, "workbench/tasks.html", {
        "page": page, "show": show, "today": timezone.localdate(), "agency": agency})


@requires(CASES_VIEW)
@require_GET
@never_cache
def case_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_case_for_user(request.user, pk)
    _read(request, pk)
    return render(request, "workbench/case_tasks.html", {
        "case": access.case, "access": access, "today": timezone.localdate(),
        "tasks": tasks.tasks_of_case(request.user, access),
        "can_add": access.contributes and has_capability(request.user, CASES_EDIT)})


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_task(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_case_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Only the agencies working on the case can add tasks to it.")
    form = TaskForm(request.POST or None, case=access.case)
    if request.method == "POST" and form.is_valid():
        agency, user = form.assignee()
        try:
            tasks.create_task(access, request.user, title=form.cleaned_data["title"],
                              due=form.cleaned_data["due"], assigned_agency=agency,
                              assigned_user=user, request=request)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("workbench:case-tasks", pk)
    return render(request, "workbench/task_form.html",
                  {"case": access.case, "form": form, "adding": True},
                  status=400 if form.errors else 200)


def _task_context(request: HttpRequest, access: tasks.TaskAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "task": access.task, "case": access.case,
            "overdue": tasks.is_task_overdue(access.task), **extra}


@requires(CASES_VIEW)
@require_GET
@never_cache
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = tasks.get_task_for_user(request.user, pk)
    _read(request, access.case.pk)
    return render(request, "workbench/task.html", _task_context(request, access))


def _conflict(exc: tasks.TaskConflict, attempted_labels: dict[str, str]) -> dict[str, Any]:
    current = exc.current
    theirs = {"title": current.title, "due": f"{current.due:%-d %B %Y}",
              "assigned": current.assigned_agency.name + (
                  f": {current.assigned_user.get_username()}" if current.assigned_user else ""),
              "status": current.get_status_display()}
    return {"conflict": exc, "current": current,
            "conflict_rows": [{"field": label, "mine": attempted_labels.get(key, ""),
                               "theirs": theirs[key]}
                              for key, label in (("title", "What needs doing"), ("due", "Due"),
                                                 ("assigned", "Assigned to"),
                                                 ("status", "Status"))
                              if key in attempted_labels]}


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def edit_task(request: HttpRequest, pk: int) -> HttpResponse:
    access = tasks.get_task_for_user(request.user, pk, CASES_EDIT)
    if not access.can_change:
        raise PermissionDenied("Only the agencies working on the case can change its tasks.")
    task = access.task
    if task.status != TaskStatus.OPEN:  # done or cancelled: nothing to change
        return redirect("workbench:task", pk)
    initial = {"title": task.title, "due": task.due, "version": task.version,
               "assign_to": assign_value(task.assigned_agency_id, task.assigned_user_id)}
    form = TaskForm(request.POST or None, case=access.case, initial=initial)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        agency, user = form.assignee()
        data = form.cleaned_data
        try:
            tasks.update_task(access, request.user, version=data["version"] or 0,
                              title=data["title"], due=data["due"], assigned_agency=agency,
                              assigned_user=user, request=request)
        except tasks.TaskConflict as exc:
            choice = dict(form.fields["assign_to"].choices)  # type: ignore[attr-defined]
            context = _conflict(exc, {"title": data["title"], "due": f"{data['due']:%-d %B %Y}",
                                      "assigned": str(choice.get(data["assign_to"], ""))})
            form = TaskForm(case=access.case, initial={
                **initial, "title": exc.current.title, "due": exc.current.due,
                "version": exc.current.version,
                "assign_to": assign_value(exc.current.assigned_agency_id,
                                          exc.current.assigned_user_id)})
            return render(request, "workbench/task_form.html",
                          {"case": access.case, "task": task, "form": form, **context},
                          status=409)
        except CaseRuleError as exc:
            _errors(form, exc)
        else:
            return redirect("workbench:task", pk)
    return render(request, "workbench/task_form.html",
                  {"case": access.case, "task": task, "form": form},
                  status=400 if form.errors else 200)


def _finish(request: HttpRequest, pk: int, complete: bool) -> HttpResponse:
    access = tasks.get_task_for_user(request.user, pk, CASES_EDIT)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else 0
    try:
        if complete:
            tasks.complete_task(access, request.user, version=version, request=request)
        else:
            tasks.cancel_task(access, request.user, version=version, request=request)
    except tasks.TaskConflict as exc:
        context = _conflict(exc, {"status": "Done" if complete else "Cancelled"})
        return render(request, "workbench/task.html",
                      _task_context(request, tasks.get_task_for_user(request.user, pk),
                                    **context), status=409)
    except CaseRuleError as exc:
        return render(request, "workbench/task.html",
                      _task_context(request, access, error=str(exc)), status=400)
    return redirect("workbench:task", pk)


@requires(CASES_EDIT)
@require_POST
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    return _finish(request, pk, complete=True)


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def cancel_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a task: a GET asks first (GOV.UK confirmation page, no script needed), the POST
    from it cancels, guarded by the version the page showed."""
    if request.method == "GET":
        access = tasks.get_task_for_user(request.user, pk, CASES_EDIT)
        if not access.can_change:
            raise PermissionDenied("Only those who may change the task can cancel it.")
        return render(request, "workbench/cancel_task.html", {"task": access.task})
    return _finish(request, pk, complete=False)

"""The Tasks API, through the same helpers and rules as the task pages
(``saferplaces.apps.cases.tasks``), audited the same way.

``/api/tasks/``                 GET tasks assigned to the caller or their agency (``status``:
                                open, done, cancelled or all; open by default); POST a new task
                                on a case (``cases.edit``, an agency working on the case)
``/api/tasks/<id>/``            GET one task (through its case: outsiders 404)
``/api/tasks/<id>/complete/``   POST mark it done, naming the ``version`` read (409 if it changed)

An outsider agency gets 404 for a task or case it cannot see, a member without the capability
403, a refused rule 400 with the message the page would show.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.access import agency_of
from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import tasks
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Task, TaskStatus
from saferplaces.apps.cases.services import CaseRuleError

__all__ = ["TaskComplete", "TaskDetail", "TaskList"]


class TaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_reference = serializers.CharField()
    title = serializers.CharField()
    assigned_agency = serializers.CharField()
    assigned_agency_id = serializers.IntegerField()
    assigned_user = serializers.CharField(allow_null=True)
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    version = serializers.IntegerField(help_text="Send it back to complete the task")
    url = serializers.URLField()


class TaskInput(serializers.Serializer[Any]):
    case = serializers.IntegerField(help_text="The case's id")
    title = serializers.CharField(max_length=tasks.TITLE_MAX)
    due = serializers.DateField()
    assigned_agency = serializers.IntegerField(
        help_text="The owner agency or an agency the case is shared with")
    assigned_user = serializers.IntegerField(required=False, allow_null=True, default=None,
                                             help_text="One of that agency's users (optional)")


class VersionInput(serializers.Serializer[Any]):
    version = serializers.IntegerField()


def _task(request: Request, task: Task) -> dict[str, Any]:
    return {"id": task.pk, "case_id": task.case_id, "case_reference": task.case.reference,
            "title": task.title, "assigned_agency": task.assigned_agency.name,
            "assigned_agency_id": task.assigned_agency_id,
            "assigned_user": task.assigned_user.get_username() if task.assigned_user else None,
            "due": task.due, "overdue": tasks.is_task_overdue(task), "status": task.status,
            "version": task.version,
            "url": request.build_absolute_uri(reverse("api:task", args=[task.pk]))}


def _refused(exc: CaseRuleError) -> Response:
    return Response({"detail": str(exc), "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


class TaskList(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="Tasks assigned to the caller or their agency",
                   parameters=[OpenApiParameter("status", str, description="open (default), "
                                                "done, cancelled or all")],
                   responses=TaskSerializer(many=True))
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", TaskStatus.OPEN)
        found = (tasks.tasks_for_user(request.user)
                 .filter(Q(assigned_user=request.user) | Q(assigned_agency=agency_of(request.user))))
        if wanted != "all":
            found = found.filter(status=wanted)
        record("view", request=request, object_type="task-list", reason=f"status {wanted}")
        return Response([_task(request, task) for task in found.order_by("due", "pk")[:500]])

    @extend_schema(summary="Add a task to a case (cases.edit; an agency working on the case)",
                   request=TaskInput, responses={201: TaskSerializer})
    def post(self, request: Request) -> Response:
        data = TaskInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        values = data.validated_data
        access = get_case_for_user(request.user, values["case"], CASES_EDIT)
        agency = Agency.objects.filter(pk=values["assigned_agency"]).first()
        user = (get_user_model().objects.filter(pk=values["assigned_user"]).first()
                if values["assigned_user"] else None)
        if values["assigned_user"] and user is None:
            return _refused(CaseRuleError("No such user.", "assigned_user"))
        try:
            task = tasks.create_task(access, request.user, title=values["title"],
                                     due=values["due"], assigned_agency=agency,
                                     assigned_user=user, request=request)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_task(request, task), status=status.HTTP_201_CREATED)


class TaskDetail(APIView):
    access = requires_rule(CASES_VIEW)

    @extend_schema(summary="One task (through its case)", responses=TaskSerializer)
    def get(self, request: Request, pk: int) -> Response:
        access = tasks.get_task_for_user(request.user, pk)
        record("view", request=request, object_type="case", object_id=access.case.pk,
               fields=["tasks"])
        return Response(_task(request, access.task))


class TaskComplete(APIView):
    access = requires_rule(CASES_EDIT)

    @extend_schema(summary="Mark the task done (409 when it changed since it was read)",
                   request=VersionInput, responses={200: TaskSerializer, 409: TaskSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = tasks.get_task_for_user(request.user, pk, CASES_EDIT)
        data = VersionInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            task = tasks.complete_task(access, request.user,
                                       version=data.validated_data["version"], request=request)
        except tasks.TaskConflict as exc:
            return Response(_task(request, exc.current), status=status.HTTP_409_CONFLICT)
        except CaseRuleError as exc:
            return _refused(exc)
        return Response(_task(request, task))

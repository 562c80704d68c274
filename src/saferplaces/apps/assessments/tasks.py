"""Background work for the web app, run by ``saferplaces worker`` (django-tasks, database backend)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django_tasks import task

from saferplaces.apps.assessments.models import AssessmentRun
from saferplaces.apps.assessments.services import execute_run

__all__ = ["queue_run", "run_assessment_task"]


@task()
def run_assessment_task(run_id: int) -> int:
    execute_run(AssessmentRun.objects.get(pk=run_id))
    return run_id


def queue_run(run: AssessmentRun, user: User | AnonymousUser) -> AssessmentRun:
    """Save the unsaved ``run`` as created by ``user`` (queued) and hand it to the background
    worker. Raises ``PermissionDenied`` for an anonymous user (the views refuse them first)."""
    # here rather than in services: services is what the task runs, so it cannot import the task
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    run.created_by = user
    run.save()
    run_assessment_task.enqueue(run.pk)
    return run

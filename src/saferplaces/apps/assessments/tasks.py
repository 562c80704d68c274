"""Background work for the web app, run by ``saferplaces worker`` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from saferplaces.apps.assessments.models import AssessmentRun
from saferplaces.apps.assessments.services import execute_run


@task()
def run_assessment_task(run_id: int) -> int:
    execute_run(AssessmentRun.objects.get(pk=run_id))
    return run_id

"""Background loads of uploaded files, run by ``saferplaces worker`` (django-tasks, database
backend), as assessment runs are."""

from __future__ import annotations

from django_tasks import task

from saferplaces.apps.uploads.models import Upload
from saferplaces.apps.uploads.services import execute_upload

__all__ = ["queue_upload", "run_upload_task"]


@task()
def run_upload_task(upload_id: int) -> int:
    execute_upload(Upload.objects.get(pk=upload_id))
    return upload_id


def queue_upload(upload: Upload) -> Upload:
    """Hand a stored, queued upload to the background worker."""
    # here rather than in services: services is what the task runs, so it cannot import the task
    run_upload_task.enqueue(upload.pk)
    return upload

"""An analyst's upload of a data file, and what loading it into the store did.

The file itself is not kept here: it waits under ``SAFERPLACES_FILES/uploads/`` for the
background worker and is deleted once loaded (``files``). What is kept is the outcome: counts,
the row-level problems (file, row, column, reason) and the rejects file, for the analyst who
loads a corrected file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.vocab import AREA_KIND_CHOICES


class UploadKind(models.TextChoices):
    POLICE_UK = "police_uk", "police.uk street-level files (a CSV, or the zip police.uk gives)"
    PARTNER_CSV = "partner_csv", "A partner's CSV, read through a column mapping"
    BOUNDARIES = "boundaries", "Boundaries (GeoJSON)"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Loading"
    DONE = "done", "Loaded"
    REJECTED = "rejected", "Rejected: nothing loaded"
    FAILED = "failed", "Failed"


class Upload(models.Model):
    """One uploaded file and its load: run by ``tasks.run_upload_task``, shown on its page."""

    kind = models.CharField(max_length=20, choices=UploadKind.choices)
    name = models.CharField(max_length=200, help_text="The uploaded file's name, as shown (never a path)")
    stored_name = models.CharField(max_length=32, blank=True,
                                   help_text="The random folder the file waits in; empty once deleted")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    mapping = models.CharField(max_length=500, blank=True, help_text="The column mapping of a partner CSV")
    area_kind = models.CharField(max_length=20, blank=True, choices=AREA_KIND_CHOICES)
    name_field = models.CharField(max_length=100, blank=True)
    code_field = models.CharField(max_length=100, blank=True)
    skip_invalid = models.BooleanField(default=False, help_text="Load the good rows, set the bad ones aside")
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    files = models.JSONField(default=list, blank=True,
                             help_text="Per file read: name, read, added, updated, present, rejected, notices")
    rows_read = models.PositiveIntegerField(default=0)
    rows_added = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_present = models.PositiveIntegerField(default=0, help_text="Already in the store (duplicates)")
    rows_rejected = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0, help_text="Incident-area links (boundaries)")
    problems = models.JSONField(default=list, blank=True,
                                help_text="Row-level problems: file, row, line, column, value, reason")
    problems_total = models.PositiveIntegerField(default=0)
    rejects = models.BinaryField(null=True, blank=True, help_text="The rejects CSV, when there were problems")
    error = models.TextField(blank=True)
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"upload {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (UploadStatus.QUEUED, UploadStatus.RUNNING)

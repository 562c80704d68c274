"""Loading an analyst's uploaded file into the store: the same ingest as the command line.

- **The same rules as the CLI**: a police.uk file or zip goes through
  ``incidents.services.ingest_police_uk`` (``saferplaces ingest police-uk``), a partner's CSV
  through ``ingest_mapped`` with the chosen mapping (``saferplaces ingest csv --mapping``) and
  boundaries through ``import_areas`` (``saferplaces areas import``). So a load is checked
  whole and written in one transaction, all or nothing; loading the same file again adds
  nothing; with "skip invalid" the good rows load and the bad ones are set aside, as
  ``--skip-invalid`` does.
- **Who**: ``incidents.push`` (analysts and co-ordinators: the people who put data into the
  store), for their own agency's uploads (``access``).
- **In the background**: the request only checks and stores the file (``files``) and queues it;
  ``tasks.run_upload_task`` runs :func:`execute_upload`, which keeps the stage and percentage on
  the upload for its page, then the counts, the row-level problems (file, row, column, reason;
  the first ``PROBLEMS_KEPT``) and a rejects CSV of every problem with the row's own fields
  (``ingest.rejects``). The uploaded file is deleted when the load ends, however it ends.
- **Audited**: the upload (``create``), the load (``update``, with its counts) and each
  download of the rejects (``export``), as object type ``upload``. Nothing personal is logged:
  problems and rejects are kept only on the upload, for its agency's analysts.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.models import ServiceToken
from saferplaces.apps.agencies.roles import INCIDENTS_PUSH
from saferplaces.apps.audit.services import record
from saferplaces.apps.incidents.services import (
    IngestReport,
    import_areas,
    ingest_mapped,
    ingest_police_uk,
)
from saferplaces.apps.uploads import files
from saferplaces.apps.uploads.files import UploadRefused
from saferplaces.apps.uploads.models import Upload, UploadKind, UploadStatus
from saferplaces.ingest.errors import IngestError, RowProblem
from saferplaces.ingest.mapped import MappingError, load_mapping, shipped_mappings
from saferplaces.ingest.rejects import PROBLEM_COLUMNS, original_rows, write_rejects
from saferplaces.progress import Progress
from saferplaces.vocab import AREA_KINDS
from saferplaces.web.csvcells import safe_cell, safe_mapping

__all__ = ["PROBLEMS_KEPT", "RESOURCE", "create_upload", "execute_upload", "mapping_choices",
           "record_rejects_download"]

#: Problems kept on the upload to show; the rejects file holds them all.
PROBLEMS_KEPT = 1000
#: The audit log's object type.
RESOURCE = "upload"


def mapping_choices() -> list[tuple[str, str]]:
    """The column mappings a partner CSV may be read through: the shipped ones, and those the
    partnership's systems send rows in (service tokens' mappings, set by an administrator)."""
    choices: dict[str, str] = {}
    for name in shipped_mappings():
        try:
            mapping = load_mapping(name)
        except MappingError:
            continue
        choices[name] = f"{name}: {mapping.description}" if mapping.description else name
    for name in ServiceToken.objects.exclude(mapping="").values_list("mapping", flat=True).distinct():
        if name not in choices:
            try:
                mapping = load_mapping(name)
            except MappingError:
                continue
            choices[name] = f"{mapping.source}: {mapping.description}" if mapping.description else mapping.source
    return sorted(choices.items())


def create_upload(user: Any, *, upload_file: Any, kind: str, mapping: str = "", area_kind: str = "",
                  name_field: str = "", code_field: str = "", skip_invalid: bool = False,
                  request: HttpRequest | None = None) -> Upload:
    """Check and store an uploaded file (``upload_file``: Django's ``UploadedFile``) as a
    queued upload of the user's agency. ``UploadRefused`` says what is wrong with the file or
    a choice; nothing is kept then."""
    require_capability(user, INCIDENTS_PUSH)
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    if kind not in UploadKind.values:
        raise UploadRefused("Choose what the file holds.")
    if kind == UploadKind.PARTNER_CSV:
        if mapping not in dict(mapping_choices()):
            raise UploadRefused("Choose the column mapping the partner's file is written in.")
    else:
        mapping = ""
    if kind == UploadKind.BOUNDARIES:
        if area_kind not in AREA_KINDS:
            raise UploadRefused("Choose what kind of areas the boundaries are.")
    else:
        area_kind = name_field = code_field = ""
    if upload_file.size is None or upload_file.size > files.max_bytes():
        raise UploadRefused(f"The file must be smaller than {files.max_bytes() // (1024 * 1024)} MB.")
    if upload_file.size == 0:
        raise UploadRefused("The file is empty.")
    shown = files.safe_name(upload_file.name or "")
    stored_name, _, size, sha256 = files.store(upload_file, kind, shown)
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                kind=kind, name=shown, stored_name=stored_name, size=size, sha256=sha256,
                mapping=mapping, area_kind=area_kind, name_field=name_field.strip()[:100],
                code_field=code_field.strip()[:100], skip_invalid=skip_invalid, agency=agency,
                created_by=user)
            record("create", user=user, request=request, object_type=RESOURCE, object_id=upload.pk,
                   fields=["file"], reason=f"{UploadKind(kind).name.lower().replace('_', '-')} file uploaded")
    except BaseException:
        files.remove(stored_name)
        raise
    return upload


def _progress(upload: Upload, progress: Progress | None) -> Progress:
    """The ingest's stages as one percentage and a sentence kept on the upload."""
    spans = {"read": (5, 45, "Checking file {done} of {total}"),
             "write": (50, 45, "Writing file {done} of {total} to the store"),
             "areas": (10, 80, "Adding area {done} of {total}")}
    last = [-1]

    def report(stage: str, done: int, total: int, /) -> None:
        start, width, text = spans.get(stage, (0, 100, stage))
        percent = start + (width * done // total if total else width)
        if percent != last[0]:
            last[0] = percent
            Upload.objects.filter(pk=upload.pk).update(
                stage=text.format(done=done, total=total), progress=percent)
        if progress:
            progress(stage, done, total)
    return report


def _shown(name: str, upload: Upload) -> str:
    """A file's name as the analyst knows it: a zip member by its own path, else the upload's
    name (never where it waits on the server)."""
    return name.split("!", 1)[1] if "!" in name else upload.name


def _problem_rows(problems: Sequence[RowProblem], shown: str) -> list[dict[str, Any]]:
    return [{"file": shown, "row": p.row, "line": p.line, "column": p.column or "",
             "value": (p.value or "")[:200], "reason": p.reason} for p in problems]


def _rejects_csv(parts: Sequence[tuple[str, str, Sequence[RowProblem]]]) -> bytes:
    """One rejects CSV for every file with problems (``ingest.rejects``' columns, then the
    rejected rows' own fields under the union of the files' headers), each problem naming its
    file as the analyst knows it. ``parts``: (ingest name, shown name, problems)."""
    header: dict[str, None] = {}
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, shown, problems) in enumerate(parts):
            target = Path(folder) / f"{number}.csv"
            write_rejects(target, problems, original_rows(name))
            with open(target, newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    row["file"] = shown
                    header.update(dict.fromkeys(k for k in row if k not in PROBLEM_COLUMNS))
                    rows.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*PROBLEM_COLUMNS, *header], restval="", lineterminator="\n")
    writer.writerow({name: safe_cell(name) for name in writer.fieldnames})  # the header
    writer.writerows(safe_mapping(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


def _incident_outcome(upload: Upload, report: IngestReport) -> dict[str, Any]:
    """The upload's fields after an incident load."""
    parts: list[tuple[str, str, Sequence[RowProblem]]] = []
    for f in report.files:
        problems = f.error.problems if f.error is not None else f.problems
        if problems:
            parts.append((f.name, _shown(f.name, upload), problems))
    problems_shown = [row for name, shown, found in parts for row in _problem_rows(found, shown)]
    rejected = any(f.error for f in report.files) and not upload.skip_invalid
    outcome: dict[str, Any] = {
        "files": [{"name": _shown(f.name, upload), "read": f.rows_read, "added": f.rows_added,
                   "updated": f.rows_updated, "present": f.rows_present, "rejected": f.rows_rejected,
                   "removed": f.rows_removed, "notices": [*f.notices, *(p.describe() for p in f.placeholders)]}
                  for f in report.files],
        "rows_read": report.total("rows_read"), "rows_added": 0 if rejected else report.total("rows_added"),
        "rows_updated": 0 if rejected else report.total("rows_updated"),
        "rows_present": 0 if rejected else report.total("rows_present"),
        "rows_rejected": report.total("rows_rejected"),
        "problems": problems_shown[:PROBLEMS_KEPT], "problems_total": len(problems_shown),
        "rejects": _rejects_csv(parts) if parts else None,
        "status": UploadStatus.REJECTED if rejected else UploadStatus.DONE,
    }
    if not report.files:
        outcome.update(status=UploadStatus.REJECTED,
                       error="The file holds no police.uk street-level files (named like "
                             "2024-03-essex-street.csv): nothing was loaded.")
    return outcome


def _load(upload: Upload, path: Path, step: Progress) -> dict[str, Any]:
    if upload.kind == UploadKind.BOUNDARIES:
        try:
            result = import_areas(path, upload.area_kind, name_field=upload.name_field or None,
                                  code_field=upload.code_field or None, progress=step)
        except IngestError as exc:
            problems = _problem_rows(exc.problems, upload.name)
            return {"status": UploadStatus.REJECTED, "problems": problems[:PROBLEMS_KEPT],
                    "problems_total": len(problems),
                    "rejects": _rejects_csv([(str(path), upload.name, exc.problems)])}
        read = result.created + result.updated
        return {"status": UploadStatus.DONE, "rows_read": read, "rows_added": result.created,
                "rows_updated": result.updated, "links": result.links,
                "files": [{"name": upload.name, "read": read, "added": result.created,
                           "updated": result.updated, "present": 0, "rejected": 0, "removed": 0,
                           "notices": []}]}
    if upload.kind == UploadKind.PARTNER_CSV:
        report = ingest_mapped([path], load_mapping(upload.mapping), skip_invalid=upload.skip_invalid,
                               progress=step)
    else:
        report = ingest_police_uk([path], skip_invalid=upload.skip_invalid, progress=step)
    return _incident_outcome(upload, report)


def _audit_load(upload: Upload) -> None:
    kind = "areas" if upload.kind == UploadKind.BOUNDARIES else "incidents"
    record("update", user=upload.created_by, object_type=RESOURCE, object_id=upload.pk, fields=[kind],
           reason=f"{upload.get_status_display()}: {upload.rows_added} added, {upload.rows_updated} "
                  f"updated, {upload.rows_present} already present, {upload.rows_rejected} rejected")


def execute_upload(upload: Upload, progress: Progress | None = None) -> Upload:
    """Load a queued upload into the store (see the module), keeping its outcome on it, then
    delete its file. A failure is recorded on the upload (its message only) and re-raised."""
    Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.RUNNING, error="", stage="Reading the file")
    try:
        path = files.stored_file(upload.stored_name)
        if path is None:
            raise FileNotFoundError("the uploaded file is no longer there: upload it again")
        outcome = _load(upload, path, _progress(upload, progress))
        Upload.objects.filter(pk=upload.pk).update(
            **outcome, progress=100, stage="Finished", finished_at=timezone.now())
    except Exception as exc:  # kept for the upload's page, then re-raised for the worker's log
        folder = files.folder_of(upload.stored_name)
        message = f"{type(exc).__name__}: {exc}"
        if folder is not None:  # where the file waited says nothing to the analyst
            message = message.replace(f"{folder}/", "").replace(str(folder), "")
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.FAILED, error=message[:2000],
            finished_at=timezone.now())
        raise
    finally:
        files.remove(upload.stored_name)
        Upload.objects.filter(pk=upload.pk).update(stored_name="")
        upload.refresh_from_db()
        _audit_load(upload)
    return upload


def record_rejects_download(upload: Upload, user: Any, request: HttpRequest | None = None) -> None:
    """A download of the rejects takes rows out of the system: an ``export`` event."""
    record("export", user=user, request=request, object_type=RESOURCE, object_id=upload.pk,
           fields=["rejects"], reason="rejects file downloaded")

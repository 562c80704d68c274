"""Files attached to a case: the rules, used by the pages, subject access and retention.

- **Who adds**: a user with ``cases.edit`` whose agency works on the case (the owner or a full
  share); only the owner agency may make an attachment *owner only*.
- **Who reads**: as notes (:class:`~saferplaces.apps.cases.access.CaseAccess`): nobody on a
  limited share; the owner agency every attachment; an agency with a full share only those
  for every sharing agency. Files are found only through ``get_case_for_user``
  (:func:`get_attachment_for_user`): an outsider, or an attachment the reader may not see, is
  a 404.
- **Who deletes**: the owner agency's case managers (``cases.manage``); the file goes from the
  disk when the deletion is committed.
- **What may be attached**: the types in ``SAFERPLACES_ATTACHMENT_TYPES`` (default pdf, docx,
  xlsx, jpg, png, txt) up to ``SAFERPLACES_ATTACHMENT_MAX_MB`` megabytes (default 20). The type
  is checked twice: the name's extension, and the file's own first bytes (its "magic number";
  for docx and xlsx the parts inside the zip; for txt UTF-8 text with no NUL byte). What the
  browser says the type is counts for nothing. Office files with macros are refused.
- **Where files live**: ``SAFERPLACES_FILES/attachments/`` under a random 32-character name,
  never the uploaded name (which is only shown, and put in the download's
  ``Content-Disposition``). No URL serves that folder; it must not lie inside the static
  files' folder (refused). A download is always ``attachment`` with ``nosniff`` and
  ``Cache-Control: private, no-store``.
- Adding, downloading and deleting are audited against the case (``attachments.<id>``), and
  the timeline says that a file was added or removed, never its name (a name may name someone).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.cases.models import Attachment, NoteVisibility, TimelineEntry

__all__ = ["CONTENT_TYPES", "AttachmentError", "add_attachment", "allowed_kinds",
           "attachments_folder", "delete_attachment", "file_path", "get_attachment_for_user",
           "max_bytes", "record_download", "remove_files", "safe_name", "sniff",
           "visible_attachments"]

#: The type each kind is served as (whatever the uploader's browser said).
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain; charset=utf-8",
}
#: Other spellings of an extension.
ALIASES = {"jpeg": "jpg"}
#: The folder under SAFERPLACES_FILES.
FOLDER = "attachments"
#: A stored name: 32 hex characters, nothing else (so a stored value can never walk the disk).
STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
#: Parts a genuine Office file of each kind holds inside its zip.
_OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_CHUNK = 64 * 1024
RESOURCE = "case"


class AttachmentError(ValueError):
    """A file refused (type, size, content, visibility): the message is for the form."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


def allowed_kinds() -> list[str]:
    """The kinds ``SAFERPLACES_ATTACHMENT_TYPES`` allows (each must be one this module can
    check by content)."""
    kinds = [ALIASES.get(kind, kind) for kind in settings.SAFERPLACES_ATTACHMENT_TYPES]
    unknown = sorted(set(kinds) - set(CONTENT_TYPES))
    if unknown:
        raise ImproperlyConfigured(f"SAFERPLACES_ATTACHMENT_TYPES names {', '.join(unknown)}: "
                                   f"only {', '.join(CONTENT_TYPES)} can be checked by content")
    return list(dict.fromkeys(kinds))


def max_bytes() -> int:
    return int(settings.SAFERPLACES_ATTACHMENT_MAX_MB) * 1024 * 1024


def attachments_folder() -> Path:
    """``SAFERPLACES_FILES/attachments``, made private (0700) if missing; refused inside the
    static files' folder, which the web server publishes."""
    folder = (Path(settings.MEDIA_ROOT) / FOLDER).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    if folder == static or static in folder.parents:
        raise ImproperlyConfigured("SAFERPLACES_FILES must not lie inside SAFERPLACES_STATIC_ROOT: "
                                   "attachments would be published")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def file_path(attachment: Attachment) -> Path:
    """Where ``attachment``'s bytes are."""
    if not STORED_NAME.match(attachment.stored_name):
        raise Http404("No such attachment.")
    return attachments_folder() / attachment.stored_name


def safe_name(uploaded: str, kind: str) -> str:
    """The name to show: the last part of what the browser sent (no folders, whichever slash),
    without control characters, at most 200 characters keeping the extension."""
    name = PurePosixPath(uploaded.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if not name:
        return f"attachment.{kind}"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[:190]}.{extension[:9]}" if dot else name[:200]
    return name


def _extension(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return ALIASES.get(suffix, suffix)


def _is_office(upload: IO[bytes], kind: str) -> bool:
    """A real docx/xlsx: a zip holding the content-types part and the kind's main part, and no
    macros (a renamed docm/xlsm). Only the zip's directory is read, nothing is unpacked."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return False
    return "[Content_Types].xml" in names and _OFFICE_PARTS[kind] in names


def _is_text(upload: IO[bytes]) -> bool:
    """UTF-8 text (a byte-order mark allowed) with no NUL byte."""
    import codecs

    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := upload.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff(upload: IO[bytes], kind: str) -> bool:
    """Whether the file's content is of ``kind`` (see the module)."""
    upload.seek(0)
    head = upload.read(8)
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if kind == "jpg":
        return head.startswith(b"\xff\xd8\xff")
    if kind in _OFFICE_PARTS:
        return head.startswith(b"PK\x03\x04") and _is_office(upload, kind)
    if kind == "txt":
        return _is_text(upload)
    return False


def visible_attachments(access: CaseAccess) -> QuerySet[Attachment]:
    """The attachments this reader may see: as notes (see the module)."""
    attachments = access.case.attachments.select_related("agency", "uploaded_by")
    if not access.full:
        return attachments.none()
    return attachments if access.is_owner else attachments.filter(visibility=NoteVisibility.SHARED)


def get_attachment_for_user(user: Any, case_pk: int, attachment_pk: int,
                            capability: str = CASES_VIEW) -> tuple[CaseAccess, Attachment]:
    """One attachment through the case's access helper: 403 without ``capability``, 404 for
    an outsider, on a limited share, or for an owner-only file read by another agency."""
    access = get_case_for_user(user, case_pk, capability)
    attachment = visible_attachments(access).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return access, attachment


def _timeline(access: CaseAccess, user: Any, text: str, owner_only: bool) -> None:
    TimelineEntry.objects.create(case=access.case, user=user, agency=agency_of(user),
                                 kind="attachment", text=text[:300], owner_only=owner_only)


def _store(upload: IO[bytes], target: Path) -> tuple[int, str]:
    """Copy the upload to ``target`` (a new file, readable by the server's user only); its
    size and SHA-256."""
    import os

    upload.seek(0)
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        while chunk := upload.read(_CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def add_attachment(access: CaseAccess, user: Any, *, upload: Any, visibility: str,
                   request: HttpRequest | None = None) -> Attachment:
    """Check and keep an uploaded file (``upload``: Django's ``UploadedFile``) on the case."""
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    if visibility not in NoteVisibility.values:
        raise AttachmentError("Choose who may see the file.", "visibility")
    if visibility == NoteVisibility.OWNER and not access.is_owner:
        raise AttachmentError("Only the agency that owns the case can add owner-only files.",
                              "visibility")
    kinds = allowed_kinds()
    kind = _extension(upload.name or "")
    if kind not in kinds:
        raise AttachmentError(f"The file must be one of: {', '.join(kinds)}.")
    if upload.size is None or upload.size > max_bytes():
        raise AttachmentError(f"The file must be smaller than {settings.SAFERPLACES_ATTACHMENT_MAX_MB} MB.")
    if upload.size == 0:
        raise AttachmentError("The file is empty.")
    if not sniff(upload, kind):
        raise AttachmentError(f"The file is not really a {kind} file (its content is of "
                              "another kind): save it again as that type, or attach it as "
                              "the type it is.")
    stored_name = secrets.token_hex(16)
    target = attachments_folder() / stored_name
    size, sha = _store(upload, target)
    owner_only = visibility == NoteVisibility.OWNER
    case = access.case
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                case=case, name=safe_name(upload.name or "", kind), kind=kind, size=size,
                sha256=sha, stored_name=stored_name, visibility=visibility, uploaded_by=user,
                agency=agency)
            _timeline(access, user, f"{'Owner-only file' if owner_only else 'File'} attached to "
                      f"{case.reference} by {agency.name}", owner_only)
            record("update", user=user, request=request, object_type=RESOURCE, object_id=case.pk,
                   fields=[f"attachments.{attachment.pk}"], reason="attachment added")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


def record_download(access: CaseAccess, attachment: Attachment, user: Any,
                    request: HttpRequest | None = None) -> None:
    """A download takes the file out of the system: an ``export`` event on the case."""
    record("export", user=user, request=request, object_type=RESOURCE, object_id=access.case.pk,
           fields=[f"attachments.{attachment.pk}"], reason="attachment downloaded")


def remove_files(stored_names: Iterable[str]) -> None:
    """Delete these stored files once the surrounding transaction commits (never before: a
    rolled-back deletion must keep its file)."""
    names = [name for name in stored_names if STORED_NAME.match(name)]
    if not names:
        return

    def unlink() -> None:
        folder = attachments_folder()
        for name in names:
            (folder / name).unlink(missing_ok=True)

    transaction.on_commit(unlink)


def delete_attachment(access: CaseAccess, attachment: Attachment, user: Any,
                      request: HttpRequest | None = None) -> None:
    """Delete an attachment and its file: the owner agency's case managers only."""
    require_capability(user, CASES_MANAGE)
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns the case can delete its files.")
    agency = agency_of(user)
    with transaction.atomic():
        pk, stored = attachment.pk, attachment.stored_name
        owner_only = attachment.visibility == NoteVisibility.OWNER
        attachment.delete()
        _timeline(access, user, f"{'Owner-only file' if owner_only else 'File'} removed from "
                  f"{access.case.reference} by {agency.name if agency else 'its owner'}", owner_only)
        record("update", user=user, request=request, object_type=RESOURCE, object_id=access.case.pk,
               fields=[f"attachments.{pk}"], reason="attachment deleted")
        remove_files([stored])

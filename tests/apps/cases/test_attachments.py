"""Files attached to a case: who may add, read and delete them, what may be attached, where the
bytes live, and what subject access and retention do with them (``apps/cases/attachments.py``).

The case belongs to the owner agency (Essex Police) and is shared in full with the partner
(the council), as in ``conftest.World``; the outsider (Suffolk Fire and Rescue) has nothing."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import attachments
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Attachment, CaseShare, ShareLevel, Status
from saferplaces.apps.dataprotection.retention import delete_case
from saferplaces.apps.dataprotection.sar import subject_access

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PROGRAM = b"MZ\x90\x00" + b"\x00" * 60  # a Windows program's first bytes


def office(main_part: str, *, macros: bool = False) -> bytes:
    """A minimal Office Open XML zip holding ``main_part``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def files(settings, tmp_path) -> Path:
    """Attachments go to a folder of this test's own, next to (never inside) the static root."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    (tmp_path / "static").mkdir()
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.SAFERPLACES_ATTACHMENT_MAX_MB = 1
    return tmp_path / "files" / "attachments"


def upload(client, case, name: str, content: bytes, visibility: str = "shared"):
    return client.post(f"/cases/{case.pk}/attachments/add/",
                       {"file": SimpleUploadedFile(name, content, content_type="application/pdf"),
                        "visibility": visibility})


def attach(user, case, name: str = "letter.pdf", content: bytes = PDF,
           visibility: str = "shared") -> Attachment:
    return attachments.add_attachment(get_case_for_user(user, case.pk), user,
                                      upload=SimpleUploadedFile(name, content), visibility=visibility)


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


# --- adding and reading ---------------------------------------------------------------------------


def test_a_practitioner_attaches_a_pdf_kept_under_a_random_name_outside_the_static_root(
        world, signed_in_client, files, settings):
    response = upload(signed_in_client(world.owner_practitioner), world.case, "Witness statement.pdf", PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=world.case)
    assert attachment.name == "Witness statement.pdf" and attachment.kind == "pdf"
    assert attachment.size == len(PDF)
    [stored] = stored_files(files)
    assert stored.name == attachment.stored_name and len(stored.name) == 32
    assert "Witness" not in stored.name and stored.read_bytes() == PDF
    static = Path(settings.STATIC_ROOT).resolve()
    assert static not in stored.resolve().parents
    assert AuditEvent.objects.filter(action="update", object_type="case", object_id=str(world.case.pk),
                                     changed_fields=[f"attachments.{attachment.pk}"]).exists()


def test_the_partner_downloads_a_shared_file_as_an_attachment_never_shown_inline(world, signed_in_client):
    attachment = attach(world.owner_practitioner, world.case)
    partner = signed_in_client(world.partner_practitioner)
    page = partner.get(f"/cases/{world.case.pk}/").content.decode()
    assert "letter.pdf" in page and f"/cases/{world.case.pk}/attachments/{attachment.pk}/" in page
    response = partner.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="letter.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="export", object_type="case",
                                     username=world.partner_practitioner.username,
                                     changed_fields=[f"attachments.{attachment.pk}"]).exists()


def test_the_outsider_agency_gets_404_for_a_file_and_the_upload_page(world, signed_in_client):
    attachment = attach(world.owner_practitioner, world.case)
    outsider = signed_in_client(world.outsider_manager)
    assert outsider.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/").status_code == 404
    assert outsider.get(f"/cases/{world.case.pk}/attachments/add/").status_code == 404
    assert upload(outsider, world.case, "x.pdf", PDF).status_code == 404
    assert Attachment.objects.count() == 1


def test_a_limited_share_sees_no_files_and_gets_404_downloading_one(world, signed_in_client, partnership):
    attachment = attach(world.owner_practitioner, world.case)
    CaseShare.objects.filter(case=world.case, agency=partnership.partner).update(level=ShareLevel.LIMITED)
    partner = signed_in_client(world.partner_practitioner)
    assert "letter.pdf" not in partner.get(f"/cases/{world.case.pk}/").content.decode()
    assert partner.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/").status_code == 404
    assert upload(partner, world.case, "mine.pdf", PDF).status_code == 403


def test_an_owner_only_file_is_hidden_from_the_partner(world, signed_in_client):
    secret = attach(world.owner_practitioner, world.case, "intelligence.pdf", visibility="owner")
    partner = signed_in_client(world.partner_practitioner)
    assert "intelligence.pdf" not in partner.get(f"/cases/{world.case.pk}/").content.decode()
    assert partner.get(f"/cases/{world.case.pk}/attachments/{secret.pk}/").status_code == 404
    owner = signed_in_client(world.owner_practitioner)
    assert "intelligence.pdf" in owner.get(f"/cases/{world.case.pk}/").content.decode()
    assert owner.get(f"/cases/{world.case.pk}/attachments/{secret.pk}/").status_code == 200
    timeline = [entry.text for entry in get_case_for_user(world.partner_practitioner, world.case.pk).timeline()]
    assert not any("file" in text.lower() for text in timeline)


def test_only_the_owner_agency_may_add_an_owner_only_file(world, signed_in_client):
    response = upload(signed_in_client(world.partner_practitioner), world.case, "p.pdf", PDF, "owner")
    assert response.status_code == 400 and not Attachment.objects.exists()


# --- what may be attached -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content"), [
    ("setup.exe", PROGRAM),                                  # a type not allowed
    ("report.pdf", PROGRAM),                                 # a program renamed .pdf
    ("photo.png", PDF),                                      # a PDF renamed .png
    ("minutes.docx", office("word/document.xml", macros=True)),  # a macro file renamed .docx
    ("figures.xlsx", office("word/document.xml")),           # a Word file renamed .xlsx
    ("notes.txt", b"plain start\x00\x01binary"),             # not text
    ("notes.txt", "caf\u00e9".encode("latin-1")),            # not UTF-8
    ("empty.pdf", b""),
    ("noextension", PDF),
], ids=["exe", "program-as-pdf", "pdf-as-png", "macros-as-docx", "docx-as-xlsx", "binary-txt",
        "latin1-txt", "empty", "no-extension"])
def test_a_file_of_the_wrong_type_or_content_is_refused_and_nothing_is_kept(
        world, signed_in_client, files, name, content):
    response = upload(signed_in_client(world.owner_practitioner), world.case, name, content)
    assert response.status_code == 400
    assert not Attachment.objects.exists() and stored_files(files) == []


def test_a_file_over_the_size_limit_is_refused(world, signed_in_client, files):
    too_big = PDF + b"0" * (1024 * 1024)
    response = upload(signed_in_client(world.owner_practitioner), world.case, "big.pdf", too_big)
    assert response.status_code == 400 and "smaller than 1 MB" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(files) == []


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("scan.png", PNG, "png"), ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpg"),
    ("plan.docx", office("word/document.xml"), "docx"), ("sums.xlsx", office("xl/workbook.xml"), "xlsx"),
    ("log.txt", "Visited 3 March: no answer \u2013 left card".encode(), "txt"),
], ids=["png", "jpeg", "docx", "xlsx", "txt"])
def test_each_allowed_type_with_its_real_content_is_accepted(world, name, content, kind):
    assert attach(world.owner_practitioner, world.case, name, content).kind == kind


def test_a_type_left_out_of_the_setting_is_refused(world, settings):
    settings.SAFERPLACES_ATTACHMENT_TYPES = ["pdf"]
    with pytest.raises(attachments.AttachmentError, match="must be one of: pdf"):
        attach(world.owner_practitioner, world.case, "scan.png", PNG)


def test_a_filename_with_a_path_is_harmless(world, files, tmp_path):
    for name in ("../../../escaped.txt", "..\\..\\windows\\escaped.txt", "/etc/escaped.txt"):
        attachment = attach(world.owner_practitioner, world.case, name, b"hello")
        assert attachment.name == "escaped.txt"
        assert attachments.file_path(attachment).parent == files.resolve()
    assert [p for p in tmp_path.rglob("escaped*")] == []
    assert len(stored_files(files)) == 3


def test_files_kept_inside_the_static_root_are_refused(world, settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "files")
    with pytest.raises(ImproperlyConfigured, match="SAFERPLACES_STATIC_ROOT"):
        attach(world.owner_practitioner, world.case)


# --- deleting, subject access, retention -------------------------------------------------------------


def test_the_owner_case_manager_deletes_a_file_and_it_leaves_the_disk(
        world, signed_in_client, files, django_capture_on_commit_callbacks):
    attachment = attach(world.owner_practitioner, world.case)
    url = f"/cases/{world.case.pk}/attachments/{attachment.pk}/delete/"
    assert signed_in_client(world.owner_practitioner).post(url).status_code == 403  # no cases.manage
    assert signed_in_client(world.partner_manager).post(url).status_code == 403     # not the owner
    assert signed_in_client(world.outsider_manager).post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in_client(world.owner_manager).post(url).status_code == 302
    assert not Attachment.objects.exists() and stored_files(files) == []


def test_subject_access_lists_the_files_of_the_persons_cases_by_name_and_date(world):
    attach(world.owner_practitioner, world.case, "Tenancy warning.pdf")
    export = subject_access(world.adult)
    [case] = export["cases"]
    [listed] = case["attachments"]
    assert listed["name"] == "Tenancy warning.pdf" and listed["added_at"][:4].isdigit()
    assert listed["agency"] == world.case.owner_agency.name


def test_retention_deletion_deletes_the_files(world, files, django_capture_on_commit_callbacks):
    attach(world.owner_practitioner, world.case)
    attach(world.owner_practitioner, world.case, "owner.pdf", visibility="owner")
    type(world.case).objects.filter(pk=world.case.pk).update(
        status=Status.CLOSED, closed_on=datetime.date(2015, 1, 5))
    world.case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        delete_case(world.case, reason="Retention period over, reviewed by the panel",
                    today=datetime.date(2030, 1, 1))
    assert not Attachment.objects.exists() and stored_files(files) == []

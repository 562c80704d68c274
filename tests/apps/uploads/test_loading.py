"""Uploading a data file loads it through the CLI's own ingest: each kind of file, loading it
twice, a bad file, the rejects, the content checks and the file's deletion."""

from __future__ import annotations

import csv
import io

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.uploads import files
from saferplaces.apps.uploads.files import UploadRefused
from saferplaces.apps.uploads.models import Upload, UploadKind, UploadStatus
from saferplaces.apps.uploads.services import create_upload, execute_upload
from tests.apps.uploads.conftest import (
    BAD_ROWS,
    POLICE_ZIP,
    boundary_bytes,
    council_bytes,
    police_bytes,
    uploaded,
    zip_bytes,
)
from tests.conftest import COLCHESTER_ROWS


def load(user, name: str, data: bytes, kind: str = UploadKind.POLICE_UK, **options) -> Upload:
    return execute_upload(create_upload(user, upload_file=uploaded(name, data), kind=kind, **options))


def test_a_police_uk_csv_loads_its_rows(analyst):
    upload = load(analyst, "2024-03-essex-street.csv", police_bytes(COLCHESTER_ROWS))
    assert upload.status == UploadStatus.DONE
    assert (upload.rows_read, upload.rows_added, upload.rows_present, upload.rows_rejected) == (5, 5, 0, 0)
    assert Incident.objects.filter(source="police-uk").count() == 5
    assert upload.files[0]["name"] == "2024-03-essex-street.csv"
    assert (upload.progress, upload.stage) == (100, "Finished")


def test_a_police_uk_zip_of_monthly_folders_loads_every_month(analyst):
    upload = load(analyst, "essex-2024.zip", POLICE_ZIP)
    assert upload.status == UploadStatus.DONE
    assert [(f["name"], f["added"]) for f in upload.files] == [
        ("2024-01/2024-01-essex-street.csv", 2), ("2024-03/2024-03-essex-street.csv", 5)]
    assert upload.rows_added == 7
    assert sorted(str(m)[:7] for m in Incident.objects.values_list("month", flat=True).distinct()) == [
        "2024-01", "2024-03"]


def test_a_partner_csv_loads_through_the_chosen_mapping(analyst):
    upload = load(analyst, "council asb log.csv", council_bytes(), UploadKind.PARTNER_CSV,
                  mapping="council-asb")
    assert (upload.status, upload.rows_added, upload.mapping) == (UploadStatus.DONE, 2, "council-asb")
    assert sorted(Incident.objects.filter(source="council-asb").values_list("category", flat=True)) == [
        "Noise nuisance", "Noise nuisance"]


def test_a_boundary_geojson_adds_its_areas_and_links_incidents(analyst):
    load(analyst, "2024-03-essex-street.csv", police_bytes(COLCHESTER_ROWS))
    upload = load(analyst, "neighbourhoods.geojson", boundary_bytes(), UploadKind.BOUNDARIES,
                  area_kind="neighbourhood")
    assert (upload.status, upload.rows_added, upload.rows_updated) == (UploadStatus.DONE, 2, 0)
    assert sorted(Area.objects.filter(kind="neighbourhood").values_list("code", "name")) == [
        ("N1", "Castle"), ("N2", "Berechurch")]
    assert upload.links == 4  # the four located March incidents lie in Castle


def test_the_same_zip_uploaded_twice_adds_nothing_the_second_time(analyst):
    load(analyst, "essex-2024.zip", POLICE_ZIP)
    again = load(analyst, "essex-2024 (1).zip", POLICE_ZIP)
    assert (again.status, again.rows_added, again.rows_present) == (UploadStatus.DONE, 0, 7)
    assert Incident.objects.count() == 7


def test_the_same_boundaries_twice_add_no_area(analyst):
    load(analyst, "n.geojson", boundary_bytes(), UploadKind.BOUNDARIES, area_kind="neighbourhood")
    again = load(analyst, "n.geojson", boundary_bytes(), UploadKind.BOUNDARIES, area_kind="neighbourhood")
    assert (again.rows_added, again.rows_updated, Area.objects.count()) == (0, 2, 2)


def test_a_bad_file_shows_its_row_level_problems_and_writes_nothing(analyst):
    upload = load(analyst, "2024-03-essex-street.csv", police_bytes(BAD_ROWS))
    assert upload.status == UploadStatus.REJECTED
    assert Incident.objects.count() == 0
    assert [(p["file"], p["row"], p["column"]) for p in upload.problems] == [
        ("2024-03-essex-street.csv", 2, "Month"), ("2024-03-essex-street.csv", 3, "Longitude")]
    assert upload.problems_total == 2 and upload.rows_added == 0


def test_the_rejects_file_names_each_problem_and_keeps_the_rows_own_fields(analyst):
    upload = load(analyst, "march.zip", zip_bytes({"2024-03/2024-03-essex-street.csv": police_bytes(BAD_ROWS)}))
    rows = list(csv.DictReader(io.StringIO(bytes(upload.rejects).decode("utf-8"))))
    assert [(r["file"], r["row"], r["column"], r["Crime ID"]) for r in rows] == [
        ("2024-03/2024-03-essex-street.csv", "2", "Month", "f" * 64),
        ("2024-03/2024-03-essex-street.csv", "3", "Longitude", "9" * 64)]
    assert str(files.uploads_folder()) not in bytes(upload.rejects).decode("utf-8")


def test_skipping_invalid_rows_loads_the_good_ones_and_sets_the_bad_aside(analyst):
    upload = load(analyst, "2024-03-essex-street.csv", police_bytes(BAD_ROWS), skip_invalid=True)
    assert (upload.status, upload.rows_added, upload.rows_rejected) == (UploadStatus.DONE, 1, 2)
    assert Incident.objects.count() == 1
    assert upload.rejects


def test_a_zip_without_street_files_is_rejected_saying_why(analyst):
    upload = load(analyst, "other.zip", zip_bytes({"notes.txt": b"nothing here"}))
    assert upload.status == UploadStatus.REJECTED
    assert "no police.uk street-level files" in upload.error


def test_the_uploaded_file_is_deleted_once_loaded_whatever_happened(analyst, private_files):
    load(analyst, "essex-2024.zip", POLICE_ZIP)
    load(analyst, "2024-03-essex-street.csv", police_bytes(BAD_ROWS))
    assert list((private_files / "uploads").iterdir()) == []
    assert list(Upload.objects.values_list("stored_name", flat=True)) == ["", ""]


def test_a_waiting_file_is_private_and_never_under_its_uploaded_name(analyst, private_files):
    upload = create_upload(analyst, upload_file=uploaded("Jane Doe complaints.csv", council_bytes()),
                           kind=UploadKind.PARTNER_CSV, mapping="council-asb")
    stored = files.stored_file(upload.stored_name)
    assert stored is not None and stored.name == "upload.csv"
    assert stored.stat().st_mode & 0o777 == 0o600 and stored.parent.stat().st_mode & 0o777 == 0o700
    assert upload.name == "Jane Doe complaints.csv"


@pytest.mark.parametrize(("name", "data", "kind", "message"), [
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, UploadKind.POLICE_UK, "not CSV text"),
    ("asb.csv", POLICE_ZIP, UploadKind.PARTNER_CSV, "is a zip archive"),
    ("areas.geojson", b"code,name\nN1,Castle\n", UploadKind.BOUNDARIES, "not GeoJSON"),
    ("broken.zip", b"PK\x03\x04 not really a zip", UploadKind.POLICE_UK, "cannot be opened"),
    ("empty.csv", b"", UploadKind.POLICE_UK, "empty"),
])
def test_a_file_is_checked_by_its_content_and_refused_before_it_is_kept(analyst, private_files, name, data,
                                                                          kind, message):
    with pytest.raises(UploadRefused, match=message):
        create_upload(analyst, upload_file=uploaded(name, data), kind=kind,
                      mapping="council-asb", area_kind="neighbourhood")
    assert Upload.objects.count() == 0
    assert not (private_files / "uploads").exists() or list((private_files / "uploads").iterdir()) == []


def test_a_file_over_the_size_limit_is_refused(analyst, settings):
    settings.SAFERPLACES_UPLOAD_MAX_MB = 0
    with pytest.raises(UploadRefused, match="smaller than 0 MB"):
        create_upload(analyst, upload_file=uploaded("a.csv", police_bytes(COLCHESTER_ROWS)),
                      kind=UploadKind.POLICE_UK)


def test_a_zip_that_unpacks_to_far_more_than_the_limit_is_refused(analyst, settings):
    settings.SAFERPLACES_UPLOAD_MAX_MB = 1
    bomb = zip_bytes({"2024-03/2024-03-essex-street.csv": b"0" * (21 * 1024 * 1024)})
    with pytest.raises(UploadRefused, match="unpacks to far more"):
        create_upload(analyst, upload_file=uploaded("bomb.zip", bomb), kind=UploadKind.POLICE_UK)


def test_uploading_and_loading_are_audited_without_the_file_name(analyst):
    upload = load(analyst, "Jane Doe complaints.csv", council_bytes(), UploadKind.PARTNER_CSV,
                  mapping="council-asb")
    events = list(AuditEvent.objects.filter(object_type="upload", object_id=str(upload.pk))
                  .order_by("sequence").values_list("action", "username", "changed_fields", "reason"))
    assert [e[:3] for e in events] == [("create", "owner-analyst", ["file"]),
                                       ("update", "owner-analyst", ["incidents"])]
    assert "2 added" in events[1][3]
    assert all("Jane" not in e[3] for e in events)

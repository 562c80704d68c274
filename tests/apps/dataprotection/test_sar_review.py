"""Subject access, exemption review: the first copy is a draft listing every note and file; only
the reviewed release leaves out what is withheld, and it names the exemptions claimed, never
the content withheld."""

from __future__ import annotations

import csv
import io
import json

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Attachment, Note
from saferplaces.apps.dataprotection import review
from saferplaces.apps.dataprotection.exemptions import exemption, load_exemptions
from saferplaces.apps.dataprotection.review import Decision, ReviewError
from saferplaces.apps.dataprotection.sar import render_pdf, subject_access, to_json
from tests.apps.dataprotection.test_sar import pdf_text

REASON = "SAR-2026-021 from the person by letter"


@pytest.fixture
def letter(world):
    return Attachment.objects.create(
        case=world.case, name="Warning letter.pdf", kind="pdf", size=10, sha256="0" * 64,
        stored_name="b" * 32, agency=world.partnership.owner)


def everything_disclosed(data) -> dict[str, Decision]:
    return {item.key: Decision(withhold=False) for item in review.items(data)}


def test_every_exemption_names_its_legal_source_and_whether_it_was_checked():
    found = load_exemptions()
    assert "crime" in found and "social-work-serious-harm" in found
    for item in found.values():
        assert "Data Protection Act 2018" in item.source, item.key
        assert isinstance(item.checked, bool)
    assert found["crime"].source == "Data Protection Act 2018, Schedule 2, Part 1, paragraph 2"


def test_a_misspelt_key_in_an_exemptions_file_stops_loading_with_its_name(tmp_path):
    bad = tmp_path / "exemptions.toml"
    bad.write_text('[exemptions.crime]\nlabel = "Crime"\nsorce = "DPA 2018"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="sorce"):
        load_exemptions(str(bad))


def test_the_first_copy_is_a_draft_listing_every_note_and_file_for_review(world, letter):
    data = subject_access(world.subject)
    assert data["stage"] == "draft"
    keys = {item.key for item in review.items(data)}
    notes = Note.objects.filter(case__in=[world.case, world.elsewhere])
    assert keys == {f"note-{n.pk}" for n in notes} | {f"attachment-{letter.pk}"}
    content = render_pdf(data)
    text = pdf_text(content)
    assert "DRAFT" in text and "must be reviewed" in text
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    assert all("DRAFT FOR REVIEW: NOT FOR RELEASE" in page.extract_text() for page in pages)
    assert f"note-{notes[0].pk}" in text and f"attachment-{letter.pk}" in text


def test_the_release_leaves_out_withheld_items_and_names_the_exemption_not_the_content(
        world, letter):
    data = subject_access(world.subject)
    note = world.case.notes.get()
    decisions = everything_disclosed(data)
    decisions[f"note-{note.pk}"] = Decision(withhold=True, exemption="crime")
    decisions[f"attachment-{letter.pk}"] = Decision(withhold=True, exemption="crime")
    released = review.release(data, decisions)
    assert released["stage"] == "released"
    text = to_json(released) + pdf_text(render_pdf(released))
    assert "Sarah is scared" not in text and "Warning letter" not in text
    assert f"note-{note.pk}" not in text
    assert "Council-only note" in text  # disclosed
    assert released["exemptions_claimed"] == [{
        "exemption": exemption("crime").label,
        "source": "Data Protection Act 2018, Schedule 2, Part 1, paragraph 2",
        "items_withheld": 2}]
    assert "DRAFT" not in pdf_text(render_pdf(released))


def test_a_release_with_nothing_withheld_says_so(world):
    data = subject_access(world.subject)
    released = review.release(data, everything_disclosed(data))
    assert released["exemptions_claimed"] == []
    assert "Nothing has been withheld" in pdf_text(render_pdf(released))


@pytest.mark.parametrize("change, message", [
    ("undecided", "no decision"),
    ("no-exemption", "name the exemption"),
    ("unknown-exemption", "not an exemption"),
    ("stranger-item", "not in this copy"),
])
def test_a_review_that_does_not_decide_every_item_properly_is_refused(world, change, message):
    data = subject_access(world.subject)
    decisions = everything_disclosed(data)
    key = f"note-{world.case.notes.get().pk}"
    if change == "undecided":
        del decisions[key]
    elif change == "no-exemption":
        decisions[key] = Decision(withhold=True)
    elif change == "unknown-exemption":
        decisions[key] = Decision(withhold=True, exemption="because-i-said-so")
    else:
        decisions["note-999999"] = Decision(withhold=False)
    with pytest.raises(ReviewError, match=message):
        review.release(data, decisions)


def test_the_review_sheet_round_trips_and_refuses_a_copy_that_changed_since(world):
    data = subject_access(world.subject)
    note = world.case.notes.get()
    sheet = review.review_sheet(data)
    assert "Sarah is scared" not in sheet  # the sheet names items, the draft holds the text
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert {row["item"] for row in rows} == {item.key for item in review.items(data)}
    for row in rows:
        withheld = row["item"] == f"note-{note.pk}"
        row["decision"], row["exemption"] = ("withhold", "crime") if withheld else ("disclose", "")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    text = out.getvalue()
    decisions = review.read_review_sheet(text, data)
    assert decisions[f"note-{note.pk}"] == Decision(withhold=True, exemption="crime")
    note.text += " Later addition."
    note.save()
    with pytest.raises(ReviewError, match="changed since the draft"):
        review.read_review_sheet(text, subject_access(world.subject))


def test_the_page_lists_each_item_with_a_choice_and_gives_a_draft_by_default(world, client_of,
                                                                            letter):
    client = client_of("owner-case_manager")
    url = f"/people/{world.subject.pk}/subject-access/"
    note = world.case.notes.get()
    page = client.get(url).content.decode()
    assert f'name="decision-note-{note.pk}"' in page
    assert f'name="exemption-attachment-{letter.pk}"' in page
    assert "Council-only note" not in page  # the council's case is not the police's to review
    response = client.post(url, {"format": "json", "others": "redact", "reason": REASON})
    assert response.status_code == 200 and "-draft.json" in response["Content-Disposition"]
    assert json.loads(response.content)["stage"] == "draft"
    event = AuditEvent.objects.get(action="export", object_type="person")
    assert event.changed_fields == ["subject-access-draft"] and "draft" in event.reason


def test_the_page_releases_the_reviewed_copy_and_audits_what_was_withheld(world, client_of,
                                                                         letter):
    client = client_of("owner-case_manager")
    note = world.case.notes.get()
    response = client.post(f"/people/{world.subject.pk}/subject-access/", {
        "stage": "release", "format": "json", "others": "redact", "reason": REASON,
        f"decision-note-{note.pk}": "withhold", f"exemption-note-{note.pk}": "crime",
        f"decision-attachment-{letter.pk}": "disclose"})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "-draft" not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["stage"] == "released" and data["exemptions_claimed"][0]["items_withheld"] == 1
    assert "Sarah is scared" not in response.content.decode()
    event = AuditEvent.objects.get(action="export", object_type="person")
    assert event.changed_fields == ["subject-access"]
    assert f"note-{note.pk}: crime" in event.reason and "scared" not in event.reason


def test_the_page_refuses_a_release_with_an_item_undecided(world, client_of, letter):
    client = client_of("owner-case_manager")
    response = client.post(f"/people/{world.subject.pk}/subject-access/", {
        "stage": "release", "format": "json", "others": "redact", "reason": REASON,
        f"decision-attachment-{letter.pk}": "disclose"})
    assert response.status_code == 400
    assert "Choose whether to disclose or withhold" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_on_the_page_another_agencys_owner_only_notes_and_files_are_not_in_the_copy(world,
                                                                                   client_of):
    """The council shares its case in full with the police but keeps one note and one file to
    itself: the police's copy (and review list) leaves them out; the council answers for them."""
    from saferplaces.apps.cases.models import CaseShare, NoteVisibility, TimelineEntry

    council = world.partnership.partner
    CaseShare.objects.create(case=world.elsewhere, agency=world.partnership.owner,
                             level="full", basis="public-task")
    Note.objects.create(case=world.elsewhere, text="Council private: housing panel view",
                        agency=council, visibility=NoteVisibility.OWNER)
    Attachment.objects.create(case=world.elsewhere, name="Council private file.pdf", kind="pdf",
                              size=10, sha256="0" * 64, stored_name="c" * 32, agency=council,
                              visibility=NoteVisibility.OWNER)
    TimelineEntry.objects.create(case=world.elsewhere, agency=council, kind="note",
                                 text="Council private entry", owner_only=True)
    client = client_of("owner-case_manager")
    url = f"/people/{world.subject.pk}/subject-access/"
    assert "Council private" not in client.get(url).content.decode()
    response = client.post(url, {"format": "json", "others": "redact", "reason": REASON})
    text = response.content.decode()
    assert "HATE-2019-0001" in text and "Council-only note" in text  # the shared note
    assert "Council private" not in text
    assert "Council private" in to_json(subject_access(world.subject))  # the command line

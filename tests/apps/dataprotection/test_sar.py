"""Subject access: the export holds every record of the person and, unless asked otherwise,
nothing that identifies anyone else."""

from __future__ import annotations

import io
import json
import re

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.audit.services import record
from saferplaces.apps.dataprotection.redact import ANOTHER_PERSON, THIRD_PARTY, Redactor
from saferplaces.apps.dataprotection.sar import render_pdf, subject_access, to_json
from tests.apps.dataprotection.conftest import OTHER_DETAILS, STRANGER_DETAILS, person


def mentions(text: str, detail: str) -> bool:
    """``detail`` appears in ``text`` as whole words (any case)."""
    return re.search(r"(?<!\w)" + re.escape(detail) + r"(?!\w)", text, re.IGNORECASE) is not None


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_export_holds_every_record_of_the_person(world):
    manager = world.partnership.user("owner", "case_manager")
    record("view", user=manager, object_type="person", object_id=world.subject.pk)
    data = subject_access(world.subject)
    text = to_json(data)
    assert data["person"]["given_name"] == "Sarah"
    assert data["person"]["date_of_birth"] == "1988-02-14"
    assert data["aliases"] == ["Sally Subject"]
    assert data["addresses"][0]["postcode"] == "CO3 3DD"
    assert data["consents"][0]["status"] == "Given"
    assert data["access_requests"][0]["reason"] == "Housing officer visit planned"
    references = {c["reference"] for c in data["cases"]}
    assert references == {"ASB-2019-0001", "HATE-2019-0001"}
    asb = next(c for c in data["cases"] if c["reference"] == "ASB-2019-0001")
    assert asb["your_roles"] == ["Victim"]
    assert asb["closed_on"] == "2019-01-10"
    assert "Sarah Subject reported" in asb["notes"][0]["text"]
    assert asb["tasks"][0]["title"] == "Visit Sarah at home"
    assert "housing enforcement" in asb["referrals"][0]["reason"]
    viewed = [e for e in data["audit"] if e["record"] == "your record"]
    assert viewed and viewed[0]["by"] == "owner-case_manager" and viewed[0]["what"] == "Viewed"
    assert "Council-only note" in text  # the command line exports every case


def test_nothing_of_the_other_party_or_of_strangers_is_in_the_redacted_export(world):
    data = subject_access(world.subject)
    text = to_json(data) + pdf_text(render_pdf(data))
    for detail in OTHER_DETAILS + STRANGER_DETAILS:
        assert not mentions(text, detail), detail
    asb = next(c for c in data["cases"] if c["reference"] == "ASB-2019-0001")
    assert asb["other_parties"] == [{"name": ANOTHER_PERSON, "role": "Alleged perpetrator"}]
    assert asb["title"] == f"Sarah Subject: threats from {ANOTHER_PERSON}"
    assert THIRD_PARTY in asb["notes"][0]["text"]
    assert "Sarah is scared" in asb["notes"][0]["text"]


def test_unredacted_export_includes_the_other_partys_name_birth_date_and_address(world):
    data = subject_access(world.subject, redact=False)
    text = to_json(data)
    for detail in ("Oliver Ockwell", "1975-07-23", "99 Elm Avenue", "CO4 4EE"):
        assert detail in text
    for detail in STRANGER_DETAILS:
        assert not mentions(text, detail), detail


def test_the_unredacted_export_never_gives_another_persons_confidential_address(world):
    world.other.confidential_address = True
    world.other.save()
    data = subject_access(world.subject, redact=False)
    text = to_json(data) + pdf_text(render_pdf(data))
    assert mentions(text, "Oliver Ockwell")
    assert not mentions(text, "99 Elm Avenue") and not mentions(text, "CO4 4EE")


def test_the_persons_own_family_name_is_kept_when_a_relative_shares_it(world):
    brother = person(world.partnership.owner, "Tom", "Subject")
    redact = Redactor.for_subject(world.subject, [brother])
    assert redact("Tom Subject visited Sarah Subject; Tom left.") == (
        f"{ANOTHER_PERSON} visited Sarah Subject; {ANOTHER_PERSON} left.")


def test_dates_of_birth_in_words_and_postcodes_without_a_space_are_removed(world):
    redact = Redactor.for_subject(world.subject, [world.other])
    assert redact("23rd July 1975") == THIRD_PARTY
    assert redact("co44ee") == THIRD_PARTY


def test_the_page_gives_the_owners_case_manager_a_pdf_and_records_the_export(world, client_of):
    client = client_of("owner-case_manager")
    url = f"/people/{world.subject.pk}/subject-access/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"format": "pdf", "others": "redact",
                                 "reason": "SAR-2026-014 from the person by letter"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"subject-access-{world.subject.pk}-" in response["Content-Disposition"]
    assert "Sarah" not in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action="export", object_type="person").get()
    assert event.object_id == str(world.subject.pk)
    assert "SAR-2026-014" in event.reason and "web" in event.reason
    text = pdf_text(response.content)
    assert "ASB-2019-0001" in text
    for detail in OTHER_DETAILS:
        assert not mentions(text, detail), detail


def test_on_the_page_a_case_held_by_another_agency_is_listed_but_not_opened(world, client_of):
    client = client_of("owner-case_manager")
    response = client.post(f"/people/{world.subject.pk}/subject-access/",
                           {"format": "json", "others": "redact",
                            "reason": "SAR-2026-015 from the person by email"})
    data = json.loads(response.content)
    assert [c["reference"] for c in data["cases"]] == ["ASB-2019-0001"]
    assert data["cases_held_elsewhere"] == [{"reference": "HATE-2019-0001",
                                             "type": "Hate crime or hate incident",
                                             "held_by": "Colchester City Council",
                                             "your_roles": ["Victim"]}]
    assert "Council-only note" not in response.content.decode()


def test_the_page_needs_a_reason(world, client_of):
    response = client_of("owner-case_manager").post(
        f"/people/{world.subject.pk}/subject-access/", {"format": "json", "others": "redact"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("username, status", [
    ("partner-case_manager", 403),   # sees Sarah through the shared case, does not hold her
    ("owner-practitioner", 403),     # no cases.manage
    ("outsider-case_manager", 404),  # never a hint she exists
])
def test_only_the_holding_agencys_case_managers_may_export(world, client_of, username, status):
    client = client_of(username)
    url = f"/people/{world.subject.pk}/subject-access/"
    assert client.get(url).status_code == status
    assert client.post(url, {"format": "json", "others": "include",
                             "reason": "Trying to read everything"}).status_code == status
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_person_page_links_owner_case_managers_to_subject_access(partnership, signed_in_client):
    from saferplaces.apps.people.models import Person

    person = Person.objects.create(owner_agency=partnership.owner, given_name="Ada", family_name="Lovelace")
    link = f'href="/people/{person.pk}/subject-access/"'
    manager = signed_in_client(partnership.user("owner", "case_manager")).get(f"/people/{person.pk}/")
    practitioner = signed_in_client(partnership.user("owner", "practitioner")).get(f"/people/{person.pk}/")
    assert link in manager.content.decode() and link not in practitioner.content.decode()

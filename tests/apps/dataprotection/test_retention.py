"""Retention: which closed cases are due, and deleting one leaves no personal data, only an
audit tombstone with the reference and record numbers."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.apps.agencies.models import BreakGlassAccess
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Case, Note, Party, Task
from saferplaces.apps.dataprotection.retention import RetentionError, assess, delete_case, review
from saferplaces.apps.people.models import Address, Alias, Consent, Person, ProfileAccessRequest
from tests.apps.dataprotection.conftest import case, person

TODAY = datetime.date(2026, 6, 1)
REASON = "Retention period ended; reviewed at the June panel"


def test_an_asb_case_is_due_six_years_after_it_closed(world):
    due = assess(world.case)
    assert due is not None and due.on == datetime.date(2025, 1, 10)
    assert due.is_due(TODAY) and not due.is_due(datetime.date(2025, 1, 9))


def test_a_child_safeguarding_case_is_kept_until_the_child_is_25_if_that_is_later(partnership):
    child = case(partnership.owner, "SGC-2020-0001", kind="vulnerable-child",
                 closed=datetime.date(2020, 3, 1))
    Party.objects.create(case=child, person=person(partnership.owner, "Kit", "Young",
                                                   born=datetime.date(2010, 5, 5)),
                         role="vulnerable-person")
    Party.objects.create(case=child, person=person(partnership.owner, "Pat", "Worker"),
                         role="professional")  # age not known, but the rule is about the child
    assert assess(child).on == datetime.date(2035, 5, 5)


def test_a_case_kept_until_an_age_is_undecided_while_a_partys_age_is_not_known(partnership):
    child = case(partnership.owner, "SGC-2018-0001", kind="vulnerable-child",
                 closed=datetime.date(2018, 3, 1))
    Party.objects.create(case=child, person=person(partnership.owner, "Ash", "Unknown"),
                         role="vulnerable-person")
    found = review(Case.objects.all(), TODAY)
    assert [d.case.reference for d in found.undecided] == ["SGC-2018-0001"]
    with pytest.raises(RetentionError, match="cannot be worked out"):
        delete_case(child, reason=REASON, today=TODAY)


def test_the_review_lists_closed_cases_past_their_period_only(world):
    case(world.partnership.owner, "ASB-2024-0009", closed=datetime.date(2024, 1, 1))
    found = review(Case.objects.all(), TODAY)
    assert [d.case.reference for d in found.due] == ["ASB-2019-0001", "ASB-2019-0002"]


def test_an_open_case_or_one_not_yet_due_is_not_deleted(world):
    with pytest.raises(RetentionError, match="not closed"):
        delete_case(world.elsewhere, reason=REASON, today=TODAY)
    recent = case(world.partnership.owner, "ASB-2024-0009", closed=datetime.date(2024, 1, 1))
    with pytest.raises(RetentionError, match="kept until 1 January 2030"):
        delete_case(recent, reason=REASON, today=TODAY)
    assert Case.objects.filter(pk=recent.pk).exists()


def test_a_reason_naming_a_party_is_refused(world):
    with pytest.raises(RetentionError, match="names a person"):
        delete_case(world.unrelated, reason="Mary Elsewhere has moved away", today=TODAY)
    assert Case.objects.filter(pk=world.unrelated.pk).exists()


def test_deletion_leaves_no_personal_data_of_the_case_or_the_people_only_it_held(world):
    stranger = world.stranger
    Alias.objects.create(person=stranger, name="Molly Elsewhere")
    BreakGlassAccess.objects.create(
        user=world.partnership.user("outsider", "case_manager"), agency=world.partnership.outsider,
        owner_agency=world.partnership.owner, record_type="person", record_id=str(stranger.pk),
        reason="Checking on Mary", granted_at=world.case.created_at,
        expires_at=world.case.created_at)
    Note.objects.create(case=world.unrelated, text="Mary says the hedge is the problem",
                        agency=world.partnership.owner)
    case_id, person_id = world.unrelated.pk, stranger.pk
    done = delete_case(world.unrelated, reason=REASON, today=TODAY)
    assert done.people == 1 and done.notes == 1
    assert not Case.objects.filter(pk=case_id).exists()
    assert not Person.objects.filter(pk=person_id).exists()
    assert not Party.objects.filter(case_id=case_id).exists()
    assert not Note.objects.filter(case_id=case_id).exists()
    for model in (Alias, Address, Consent, ProfileAccessRequest):
        assert not model.objects.filter(person_id=person_id).exists()
    assert not BreakGlassAccess.objects.filter(record_type="person", record_id=str(person_id)).exists()
    tombstone = AuditEvent.objects.get(action="delete", object_type="case")
    assert tombstone.object_id == str(case_id)
    assert "ASB-2019-0002" in tombstone.reason and REASON in tombstone.reason
    person_event = AuditEvent.objects.get(action="delete", object_type="person")
    assert person_event.object_id == str(person_id)
    for event in (tombstone, person_event):
        stored = " ".join([event.reason, *event.changed_fields])
        for detail in ("Mary", "Elsewhere", "1960-01-01", "1 Far Lane", "CO5 5FF", "garden"):
            assert detail not in stored


def test_people_in_another_case_or_held_by_another_agency_are_kept(world):
    partner_person = person(world.partnership.partner, "Pam", "Partner")
    Party.objects.create(case=world.case, person=partner_person, role="witness")
    Task.objects.create(case=world.case, title="Call back", assigned_agency=world.partnership.owner,
                        due=datetime.date(2018, 1, 1))
    done = delete_case(world.case, reason=REASON, today=TODAY)
    assert done.people == 1  # Oliver, held by the owner and in no other case
    assert not Person.objects.filter(pk=world.other.pk).exists()
    assert Person.objects.filter(pk=world.subject.pk).exists()  # also in HATE-2019-0001
    assert Person.objects.filter(pk=partner_person.pk).exists()  # the council's record
    assert not Task.objects.filter(case_id=world.case.pk).exists()


def test_the_retention_page_lists_due_cases_and_deletes_one_with_a_reason(world, client_of):
    client = client_of("owner-case_manager")
    page = client.get("/retention/").content.decode()
    assert "ASB-2019-0001" in page and "ASB-2019-0002" in page
    assert "HATE-2019-0001" not in page
    url = f"/retention/{world.unrelated.pk}/delete/"
    assert client.post(url, {"reason": "short"}).status_code == 400
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert not Case.objects.filter(pk=world.unrelated.pk).exists()
    event = AuditEvent.objects.get(action="delete", object_type="case")
    assert event.username == "owner-case_manager"


def test_the_partner_may_not_delete_a_case_shared_with_it_and_the_outsider_cannot_find_it(
        world, client_of):
    url = f"/retention/{world.case.pk}/delete/"
    assert client_of("partner-case_manager").post(url, {"reason": REASON}).status_code == 403
    assert client_of("outsider-case_manager").post(url, {"reason": REASON}).status_code == 404
    assert "ASB-2019-0001" not in client_of("outsider-case_manager").get("/retention/").content.decode()
    assert Case.objects.filter(pk=world.case.pk).exists()

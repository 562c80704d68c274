"""Subject access, free text: other people's details are taken out of notes, summaries, timeline
texts, file names and the person's own notes, whether the system holds those people or not;
the requester's own details stay."""

from __future__ import annotations

import datetime

from saferplaces.apps.cases.models import Attachment, Party, TimelineEntry
from saferplaces.apps.dataprotection.redact import THIRD_PARTY, Redactor
from saferplaces.apps.dataprotection.sar import subject_access, to_json
from saferplaces.apps.people.models import Alias
from tests.apps.dataprotection.conftest import person
from tests.apps.dataprotection.test_sar import mentions

#: A neighbour the system does not hold, and the requester's own details, in one note.
UNKNOWN_NEIGHBOUR = (
    "Neighbour Jo Bloggs (DOB 02/03/1990) rang from 07700 900456 and wrote from "
    "jo.bloggs@example.net; she lives at 4 Ash Close, CO1 1AB, and was born on 5th May 1991 "
    "according to her landlord. Sarah (date of birth 14/02/1988) gave her own number "
    "01206 555111 and postcode CO3 3DD. Seen on 02/03/2019 at 10:30.")


def redactor(world):
    from saferplaces.apps.people.models import Person

    return Redactor.for_subject(world.subject, Person.objects.filter(pk=world.other.pk))


def test_pattern_redaction_takes_out_phones_emails_postcodes_and_birth_dates_of_anyone(world):
    text = redactor(world)(UNKNOWN_NEIGHBOUR)
    for detail in ("07700 900456", "jo.bloggs@example.net", "CO1 1AB", "02/03/1990",
                   "5th May 1991"):
        assert not mentions(text, detail), detail
    assert THIRD_PARTY in text


def test_the_requesters_own_phone_postcode_and_birth_date_stay(world):
    text = redactor(world)(UNKNOWN_NEIGHBOUR)
    for detail in ("01206 555111", "CO3 3DD", "14/02/1988"):
        assert mentions(text, detail), detail
    # a date that is not introduced as a birth date is an event: it stays
    assert mentions(text, "02/03/2019") and mentions(text, "10:30")


def test_a_name_or_street_the_system_does_not_hold_is_not_found_the_reviewer_must_read_it(world):
    text = redactor(world)(UNKNOWN_NEIGHBOUR)
    assert mentions(text, "Jo Bloggs") and mentions(text, "4 Ash Close")


def test_reference_numbers_and_case_references_are_not_taken_for_phone_numbers(world):
    text = redactor(world)("Crime number 0123456789/21 on ASB-2019-0001; call 101.")
    assert text == "Crime number 0123456789/21 on ASB-2019-0001; call 101."


def test_the_persons_own_notes_lose_other_peoples_details(world):
    world.subject.notes = "Lives next to Oliver Ockwell; his new number is 07700 900999."
    world.subject.save()
    notes = subject_access(world.subject)["person"]["notes"]
    assert not mentions(notes, "Oliver Ockwell") and not mentions(notes, "07700 900999")
    assert notes.startswith("Lives next to ")


def test_timeline_texts_file_names_and_summaries_are_redacted(world):
    owner = world.partnership.owner
    world.case.summary = "Oliver's sister on 07700 900321 called in; postcode CO2 7ZZ."
    world.case.save()
    TimelineEntry.objects.create(case=world.case, agency=owner, kind="note",
                                 text="Call from oliver@example.org about CO4 4EE")
    Attachment.objects.create(case=world.case, name="Letter to Oliver Ockwell 07700 900123.pdf",
                              kind="pdf", size=10, sha256="0" * 64, stored_name="a" * 32,
                              agency=owner)
    text = to_json(subject_access(world.subject))
    for detail in ("07700 900321", "CO2 7ZZ", "oliver@example.org", "CO4 4EE", "Ockwell",
                   "07700 900123"):
        assert not mentions(text, detail), detail


def test_details_of_a_party_in_a_case_the_requester_cannot_see_are_redacted(world):
    """Harry is a party only in the council's case, which the police (who answer the request)
    cannot open; his details are still taken out of the police's own notes."""
    harry = person(world.partnership.partner, "Harry", "Hidden", born=datetime.date(1982, 9, 9),
                   address="7 Secret Row", postcode="CO6 6GG", phone="07700 900777",
                   email="harry@example.org")
    Party.objects.create(case=world.elsewhere, person=harry, role="witness")
    world.subject.notes = ("Harry Hidden (born 09/09/1982) of 7 Secret Row, CO6 6GG, "
                           "harry@example.org, 07700 900777, is a witness.")
    world.subject.save()
    manager = world.partnership.user("owner", "case_manager")
    data = subject_access(world.subject, viewer=manager)
    assert [c["reference"] for c in data["cases"]] == ["ASB-2019-0001"]
    text = to_json(data)
    for detail in ("Harry", "Hidden", "09/09/1982", "7 Secret Row", "CO6 6GG",
                   "harry@example.org", "07700 900777"):
        assert not mentions(text, detail), detail


def test_names_of_a_record_merged_into_another_party_are_redacted(world):
    old = person(world.partnership.owner, "Olly", "Oakes")
    Alias.objects.create(person=old, name="Big O")
    old.merged_into = world.other
    old.save()
    world.case.summary = "Olly Oakes, known as Big O, came round."
    world.case.save()
    summary = subject_access(world.subject)["cases"][0]["summary"]
    assert not mentions(summary, "Olly") and not mentions(summary, "Big O")


def test_the_unredacted_copy_keeps_other_peoples_details(world):
    world.subject.notes = UNKNOWN_NEIGHBOUR
    world.subject.save()
    notes = subject_access(world.subject, redact=False)["person"]["notes"]
    assert notes == UNKNOWN_NEIGHBOUR

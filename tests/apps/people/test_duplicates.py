"""The duplicate check before a person is added: a near-identical name with the same date of
birth is offered to use instead; a match another agency holds shows only that agency, with a
request for access; the user may still add the person."""

from __future__ import annotations

import datetime

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.people.duplicates import (
    NAME_FLOOR,
    THRESHOLD,
    Proposal,
    find_candidates,
    score,
)
from saferplaces.apps.people.models import Person, ProfileAccessRequest
from tests.apps.people.conftest import make_person

BORN = datetime.date(1990, 3, 4)


def form(given: str, family: str, born: datetime.date | None = BORN, **extra: str) -> dict:
    data = {"given_name": given, "family_name": family, "gender": "unknown", **extra}
    if born:
        data.update({"date_of_birth_day": str(born.day), "date_of_birth_month": str(born.month),
                     "date_of_birth_year": str(born.year)})
    return data


def test_near_identical_name_with_the_same_birthday_scores_over_the_threshold():
    total, _ = score(Proposal("Jon", "Smyth", date_of_birth=BORN),
                     Proposal("John", "Smith", date_of_birth=BORN))
    assert total >= THRESHOLD


def test_same_name_with_a_different_birthday_is_not_a_match():
    total, _ = score(Proposal("John", "Smith", date_of_birth=BORN),
                     Proposal("John", "Smith", date_of_birth=datetime.date(1991, 3, 4)))
    assert total < THRESHOLD


def test_an_estimated_age_within_a_year_matches_and_a_shared_postcode_counts():
    estimate = Proposal("John", "Smith", estimated_age=30, estimated_on=datetime.date(2020, 6, 1))
    assert score(estimate, Proposal("John", "Smith", date_of_birth=BORN))[0] >= THRESHOLD
    near = Proposal("Jane", "Smith", postcodes=("co1 1aa",))
    far = Proposal("Jane", "Smith", postcodes=("NR1 1AA",))
    stored = Proposal("John", "Smith", postcodes=("CO1 1AA",))
    assert score(near, stored)[0] > score(far, stored)[0]


def test_an_alias_is_matched_as_a_name():
    stored = Proposal("Jonathan", "Brown", aliases=("John Smith",), date_of_birth=BORN)
    assert score(Proposal("Jon", "Smyth", date_of_birth=BORN), stored)[0] >= THRESHOLD


def offered(a: Proposal, b: Proposal) -> bool:
    total, name = score(a, b)
    return total >= THRESHOLD and name >= NAME_FLOOR


HOME = {"postcodes": ("ZZ9 1AB",), "addresses": ("14 Teasel Road",)}


def test_given_and_family_names_typed_the_wrong_way_round_are_found():
    stored = Proposal("Matthew", "Mossbottom", date_of_birth=BORN)
    assert offered(Proposal("Mossbottom", "Matthew", date_of_birth=BORN), stored)
    assert offered(Proposal("MOSSBOTTOM", "Mathew", date_of_birth=BORN), stored)


def test_a_merely_similar_name_in_either_order_is_not_the_same_person():
    stored = Proposal("Matthew", "Mossbottom", date_of_birth=BORN, **HOME)
    assert not offered(Proposal("Mossbottom", "Martin", date_of_birth=BORN), stored)
    assert not offered(Proposal("Martin", "Mossbottom", date_of_birth=BORN), stored)
    assert not offered(Proposal("Matthew", "Moss", date_of_birth=BORN), stored)


def test_a_swapped_name_is_found_among_stored_people_with_nothing_else_recorded(partnership):
    grace = make_person(partnership.owner, "Grace", "Hedgecombe")
    make_person(partnership.owner, "Gregory", "Hedgecombe")
    found = [person for person, _ in find_candidates(Proposal("Hedgecombe", "Grace"))]
    assert found == [grace]


def test_twins_with_different_given_names_are_not_offered_as_one_person():
    matthew = Proposal("Matthew", "Mossbottom", date_of_birth=BORN, **HOME)
    assert not offered(Proposal("Oliver", "Mossbottom", date_of_birth=BORN, **HOME), matthew)
    olivia = Proposal("Olivia", "Mossbottom", date_of_birth=BORN, **HOME)
    assert not offered(Proposal("Oliver", "Mossbottom", date_of_birth=BORN, **HOME), olivia)


def test_a_given_name_mistyped_by_one_letter_is_still_found_with_the_same_birthday_and_address():
    matthew = Proposal("Matthew", "Mossbottom", date_of_birth=BORN, **HOME)
    for slip in ("Mattheu", "Mathew", "Matthwe", "Matthhew"):
        assert offered(Proposal(slip, "Mossbottom", date_of_birth=BORN, **HOME), matthew), slip
    assert offered(Proposal("Mattheu", "Mossbottom", **HOME), matthew)  # no date of birth


def test_a_mistyped_twin_is_matched_to_the_right_twin_only(partnership):
    matthew = make_person(partnership.owner, "Matthew", "Mossbottom", born=BORN,
                          address="14 Teasel Road", postcode="ZZ9 1AB")
    make_person(partnership.partner, "Oliver", "Mossbottom", born=BORN,
                address="14 Teasel Road", postcode="ZZ9 1AB")
    found = [person for person, _ in find_candidates(
        Proposal("Mattheu", "Mossbottom", date_of_birth=BORN, **HOME))]
    assert found == [matthew]


def test_a_known_short_form_of_the_given_name_is_the_same_given_name():
    robert = Proposal("Robert", "Li", date_of_birth=BORN, **HOME)
    assert offered(Proposal("Bob", "Li", date_of_birth=BORN, **HOME), robert)
    susan = Proposal("Susan", "Puddleford", date_of_birth=BORN, **HOME)
    assert offered(Proposal("Sue", "Puddleford", date_of_birth=BORN, **HOME), susan)


def test_a_name_known_by_is_found_when_recorded_as_an_alias():
    kwame = Proposal("Kwame", "Mensah", date_of_birth=BORN, **HOME)
    kojo = Proposal("Kojo", "Mensah", date_of_birth=BORN, **HOME)
    assert not offered(kojo, kwame)
    assert offered(kojo, Proposal("Kwame", "Mensah", aliases=("Kojo Mensah",),
                                  date_of_birth=BORN, **HOME))


def test_a_parent_and_child_of_one_name_at_one_address_are_not_offered():
    father = Proposal("Edward", "Bramblingham", date_of_birth=datetime.date(1962, 6, 5), **HOME)
    son = Proposal("Edward", "Bramblingham", date_of_birth=datetime.date(1987, 9, 23), **HOME)
    assert not offered(son, father)


def test_a_family_name_with_a_letter_left_out_is_found():
    stored = Proposal("Jonathan", "Nettlefold", date_of_birth=BORN)
    assert offered(Proposal("Jonathan", "Nettleold", date_of_birth=BORN), stored)


def test_the_owner_is_offered_the_record_it_holds_by_name(world, client_of):
    page = client_of("owner-practitioner").post("/people/new/", form("Jon", "Smyth"))
    html = page.content.decode()
    assert page.status_code == 200 and "Possible duplicate" in html
    assert "John Smith" in html and "use this record" in html
    assert f"/people/{world.john.pk}/" in html
    assert not Person.objects.filter(family_name="Smyth").exists()


def test_another_agencys_match_shows_only_the_agency(world, client_of):
    page = client_of("outsider-practitioner").post(
        "/people/new/", form("Mary", "Jonas", datetime.date(1985, 6, 1)))
    html = page.content.decode()
    assert "A possible match is held by <strong>Essex Police</strong>" in html
    assert "Mary Jones" not in html and "Jones" not in html
    assert f"/people/{world.mary.pk}/" not in html and "1985" not in html.replace(
        'value="1985"', "")


def test_requesting_access_to_another_agencys_match_is_recorded_and_audited(world, client_of):
    client = client_of("outsider-practitioner")
    page = client.post("/people/new/", form("Mary", "Jonas", datetime.date(1985, 6, 1)))
    token = page.context["check"].held_by[0].token
    sent = client.post("/people/request-access/",
                       {"token": token, "reason": "She has reported a fire risk at home"})
    assert sent.status_code == 302
    asked = ProfileAccessRequest.objects.get()
    assert asked.person == world.mary and asked.agency.name == "Suffolk Fire and Rescue"
    assert AuditEvent.objects.filter(action="access-requested", object_id=str(world.mary.pk)).exists()


def test_a_token_made_for_someone_else_is_refused(world, client_of):
    page = client_of("outsider-practitioner").post(
        "/people/new/", form("Mary", "Jonas", datetime.date(1985, 6, 1)))
    token = page.context["check"].held_by[0].token
    refused = client_of("outsider-case_manager").post(
        "/people/request-access/", {"token": token, "reason": "Trying someone else's token"})
    assert refused.status_code == 404
    assert not ProfileAccessRequest.objects.exists()


def test_the_user_may_add_the_person_anyway(world, client_of):
    made = client_of("owner-practitioner").post(
        "/people/new/", {**form("Jon", "Smyth"), "create_anyway": "1"})
    person = Person.objects.get(family_name="Smyth")
    assert made.status_code == 302 and made["Location"] == f"/people/{person.pk}/"
    assert person.owner_agency == world.partnership.owner
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_a_new_person_with_no_match_is_added_at_once_with_alias_and_address(world, client_of):
    made = client_of("partner-practitioner").post("/people/new/", {
        **form("Priya", "Kaur", datetime.date(2001, 1, 2)), "aliases": "Pri Kaur\n",
        "address": "1 New Town Road", "postcode": "co3 3cc", "ethnicity": "asian-indian",
        "vulnerabilities": ["mental-health"]})
    person = Person.objects.get(family_name="Kaur")
    assert made.status_code == 302
    assert person.owner_agency == world.partnership.partner
    assert list(person.aliases.values_list("name", flat=True)) == ["Pri Kaur"]
    assert person.addresses.get().postcode == "CO3 3CC"
    assert person.vulnerabilities == ["mental-health"] and person.ethnicity == "asian-indian"
    assert AuditEvent.objects.filter(action="search", reason__startswith="duplicate check").exists()


def test_merged_away_records_are_not_offered(world, client_of):
    kept = make_person(world.partnership.owner, "Jo", "Bloggs", born=BORN)
    gone = make_person(world.partnership.owner, "Joe", "Bloggs", born=BORN)
    gone.merged_into = kept
    gone.save()
    page = client_of("owner-practitioner").post("/people/new/", form("Joe", "Blogs"))
    visible = [c.person for c in page.context["check"].visible]
    assert kept in visible and gone not in visible


def test_a_date_of_birth_in_the_future_is_refused(world, client_of):
    page = client_of("owner-practitioner").post(
        "/people/new/", form("Baby", "Future", datetime.date.today() + datetime.timedelta(days=3)))
    assert page.status_code == 400 and "today or in the past" in page.content.decode()


def test_the_check_cannot_confirm_a_confidential_address_by_trying_postcodes(partnership):
    make_person(partnership.owner, "Margaret", "Eldersnook", address="Refuge, 1 Safe Street",
                postcode="ZZ9 9ZZ", confidential_address=True)
    right = Proposal(given_name="Margaret", family_name="Eldersnook", postcodes=("ZZ9 9ZZ",),
                     addresses=("1 Safe Street",))
    wrong = Proposal(given_name="Margaret", family_name="Eldersnook", postcodes=("AB1 2CD",),
                     addresses=("9 Other Road",))
    assert [round(s, 3) for _, s in find_candidates(right)] == [round(s, 3) for _, s in find_candidates(wrong)]

"""The People API follows the page's rules through the same access helper: list in scope
(locked-down as stubs), detail (404 outside scope), create with the duplicate check answered as
409 (visible candidates; for others only the agency)."""

from __future__ import annotations

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.people.models import Person


def names(answer) -> dict[str, dict]:
    return {row["name"]: row for row in answer.json()["results"]}


def test_the_partner_lists_the_people_of_its_shared_cases_with_locked_down_ones_as_stubs(world, client_of):
    rows = names(client_of("partner-practitioner").get("/api/people/"))
    assert set(rows) == {"John Smith", "Lena Locke", "Cora Hidden"}
    assert rows["Lena Locke"]["full"] is False and "date_of_birth" not in rows["Lena Locke"]
    assert rows["Lena Locke"]["agencies_working_with"] == ["Colchester City Council", "Essex Police"]
    assert rows["John Smith"]["addresses"][0]["postcode"] == "CO1 1AA"
    assert rows["Cora Hidden"]["addresses"] is None
    assert AuditEvent.objects.filter(action="view", username="partner-practitioner",
                                     object_type="person").count() == 3


def test_the_outsider_lists_nobody_and_gets_404_for_each(world, client_of):
    client = client_of("outsider-case_manager")
    assert client.get("/api/people/").json()["results"] == []
    for person in (world.john, world.lena, world.cora, world.mary):
        assert client.get(f"/api/people/{person.pk}/").status_code == 404


def test_the_owner_sees_the_full_detail_with_age_and_consents(world, client_of):
    data = client_of("owner-case_manager").get(f"/api/people/{world.lena.pk}/").json()
    assert data["full"] is True and data["child_today"] is True
    assert data["addresses"][0]["text"] == "3 Mill Road" and data["version"] == 1


def test_posting_a_near_duplicate_answers_409_with_the_visible_candidate(world, client_of):
    client = client_of("owner-practitioner")
    body = {"given_name": "Jon", "family_name": "Smyth", "date_of_birth": "1990-03-04"}
    answer = client.post("/api/people/", body, content_type="application/json")
    assert answer.status_code == 409
    assert [c["id"] for c in answer.json()["candidates"]] == [world.john.pk]
    assert not Person.objects.filter(family_name="Smyth").exists()
    made = client.post("/api/people/", {**body, "create_anyway": True},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["name"] == "Jon Smyth"


def test_another_agencys_match_answers_409_with_only_the_agency(world, client_of):
    answer = client_of("outsider-practitioner").post(
        "/api/people/", {"given_name": "Mary", "family_name": "Jonas", "date_of_birth": "1985-06-01"},
        content_type="application/json")
    assert answer.status_code == 409
    assert answer.json()["candidates"] == []
    assert answer.json()["held_by"] == [{"agency": "Essex Police"}]
    assert b"Jones" not in answer.content and str(world.mary.pk).encode() not in answer.content


def test_creating_needs_cases_edit(world, client_of):
    answer = client_of("owner-viewer").post("/api/people/", {"given_name": "A"},
                                            content_type="application/json")
    assert answer.status_code == 403


def test_a_new_person_through_the_api_belongs_to_the_callers_agency(world, client_of):
    made = client_of("partner-practitioner").post(
        "/api/people/", {"given_name": "Ola", "family_name": "Nowak", "estimated_age": 40,
                         "address": "2 Quay Street", "postcode": "CO2 8AA"},
        content_type="application/json")
    assert made.status_code == 201
    person = Person.objects.get(family_name="Nowak")
    assert person.owner_agency.name == "Colchester City Council"
    assert person.estimated_on is not None and made.json()["age_today"].startswith("about 40")

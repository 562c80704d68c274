"""Parties are people the user may see, with a role of the case type, shown by name only (a
locked-down profile by its stub name); incidents are picked from the store by place, month and
category, and a sensitive incident's street is withheld from those who may not see it, in the
search, its results and on the case."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.cases.models import Party, TimelineEntry
from saferplaces.apps.incidents.models import Incident
from tests.apps.cases.conftest import person


def party_form(client, case, who, role):
    return client.post(f"/cases/{case.pk}/parties/add/", {"person": who.pk, "role": role})


def test_a_party_is_added_with_a_role_of_the_case_type(world, partnership, signed_in_client):
    client = signed_in_client(world.owner_practitioner)
    witness = person(partnership.owner, "Wendy", "Witness")
    assert party_form(client, world.case, witness, "witness").status_code == 302
    assert party_form(client, world.case, witness, "nominal").status_code == 400  # not an ASB role
    assert Party.objects.filter(case=world.case, person=witness).count() == 1
    entry = TimelineEntry.objects.filter(case=world.case, kind="party").first()
    assert "witness" in entry.text and "Wendy" not in entry.text


def test_a_person_held_only_by_another_agency_cannot_be_added(world, partnership,
                                                              signed_in_client):
    stranger = person(partnership.outsider, "Olly", "Outside")
    client = signed_in_client(world.owner_practitioner)
    response = party_form(client, world.case, stranger, "witness")
    assert response.status_code == 400 and "Olly" not in response.content.decode()
    api = client.post(f"/api/cases/{world.case.pk}/parties/",
                      {"person_id": stranger.pk, "role": "witness"},
                      content_type="application/json")
    assert api.status_code == 404
    assert not Party.objects.filter(person=stranger).exists()


def test_a_locked_down_party_shows_by_its_stub_name_to_a_partner(world, partnership,
                                                                signed_in_client):
    hidden = person(partnership.owner, "Lee", "Locked", locked_down=True)
    client = signed_in_client(world.owner_practitioner)
    assert party_form(client, world.case, hidden, "victim").status_code == 302
    partner = signed_in_client(world.partner_practitioner)
    html = partner.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Lee Locked" in html and "Locked down" in html
    rows = partner.get(f"/api/cases/{world.case.pk}/parties/").json()
    assert {(r["name"], r["locked_down"]) for r in rows} == {("Alex Adult", False),
                                                            ("Lee Locked", True)}
    assert set(rows[0]) == {"id", "person_id", "name", "role", "role_label", "locked_down"}


@pytest.fixture
def incidents(db):
    def make(ref, category, location, victim_ref=""):
        month = datetime.date(2025, 6, 1)
        return Incident.objects.create(
            source="council-asb", source_ref=ref, category=category, month=month,
            occurred=timezone.make_aware(datetime.datetime(2025, 6, 1)), precision="day",
            location=location, lsoa_code="E01021999", lsoa_name="Colchester 010A",
            victim_ref=victim_ref)
    return {"noise": make("a1", "Noise", "Elm Road"),
            "threat": make("a2", "Harassment", "Elm Close", victim_ref="V-77")}


def search(client, case, **form):
    data = {"place": "", "first_month_month": "", "first_month_year": "", "last_month_month": "",
            "last_month_year": "", "category": "", **form}
    html = client.post(f"/cases/{case.pk}/incidents/", data).content.decode()
    assert " found" in html, "the search did not run"
    return html.split(" found", 1)[1]  # the results, not the form's category list


def test_a_place_search_never_finds_a_sensitive_incident_by_its_street(world, incidents,
                                                                      partnership,
                                                                      signed_in_client):
    practitioner = signed_in_client(world.owner_practitioner)
    html = search(practitioner, world.case, place="Elm")
    assert "Elm Road" in html and "Elm Close" not in html and "Harassment" not in html
    by_area = search(practitioner, world.case, place="Colchester 010A")
    assert "Harassment" in by_area and "street withheld" in by_area and "Elm Close" not in by_area
    coordinator = signed_in_client(partnership.user("owner", "coordinator"))
    assert "Elm Close" in search(coordinator, world.case, place="Elm")


def test_linked_incidents_show_on_the_case_with_the_same_rule(world, incidents, partnership,
                                                             signed_in_client):
    client = signed_in_client(world.owner_practitioner)
    ids = [incidents["noise"].pk, incidents["threat"].pk]
    response = client.post(f"/cases/{world.case.pk}/incidents/", {"link": "1", "incident": ids})
    assert response.status_code == 302
    assert world.case.incident_links.count() == 2
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Elm Road" in html and "Elm Close" not in html and "street withheld" in html
    places = [row["place"] for row in client.get(f"/api/cases/{world.case.pk}/").json()["incidents"]]
    assert not any("Elm Close" in place for place in places)
    coordinator = signed_in_client(partnership.user("owner", "coordinator"))
    assert "Elm Close" in coordinator.get(f"/cases/{world.case.pk}/").content.decode()


def test_the_search_by_month_and_category(world, incidents, signed_in_client):
    client = signed_in_client(world.owner_practitioner)
    html = search(client, world.case, category="Noise", first_month_month="6",
                  first_month_year="2025", last_month_month="6", last_month_year="2025")
    assert "Elm Road" in html and "Harassment" not in html
    assert "Noise" not in search(client, world.case, first_month_month="7",
                                 first_month_year="2025")

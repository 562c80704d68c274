"""Search never shows more than the searcher may see: results, counts and suggestions alike.

The outsider agency finds nothing (the same answer and count as for a name nobody holds);
a locked-down profile appears to other agencies as its name only and is not found by its alias
or address; a confidential address is never matched, not even for its owner; a case shared in
a limited way shows only its reference, type, status and owner, and is not found by its title.
Search terms travel in POST bodies and never reach the audit log.
"""

from __future__ import annotations

import json

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.workbench import search
from tests.apps.workbench.conftest import SECRET_ADDRESS, SECRET_POSTCODE


def results(world, username, term):
    return search.search(world.user(username), term)


def names(found):
    return sorted(hit.name for hit in found.people)


def references(found):
    return sorted(hit.reference for hit in found.cases)


def suggested(client, term):
    response = client.post("/search/suggest.json", {"term": term})
    assert response.status_code == 200
    return json.loads(response.content)


# --- the outsider ---------------------------------------------------------------------------------


def test_outsider_finds_no_person_and_counts_as_if_nobody_were_held(world):
    found = results(world, "outsider-case_manager", "John Smith")
    nobody = results(world, "outsider-case_manager", "Zebedee Nonesuch")
    assert (found.people, found.people_count) == ([], 0)
    assert (found.people_count, found.cases_count) == (nobody.people_count, nobody.cases_count)
    # while the owner and the partner (full share) do find him
    assert names(results(world, "owner-case_manager", "John Smith")) == ["John Smith"]
    assert names(results(world, "partner-practitioner", "John Smith")) == ["John Smith"]


def test_outsider_cannot_find_a_case_by_reference_or_title(world):
    for term in (world.case.reference, "Elm Estate", world.private_case.reference):
        found = results(world, "outsider-case_manager", term)
        assert (found.cases, found.cases_count) == ([], 0)
    assert references(results(world, "owner-practitioner", "Elm Estate")) == [world.case.reference]


def test_outsider_suggestions_and_counts_are_those_of_an_absent_name(world, client_of):
    outsider = client_of("outsider-case_manager")
    assert suggested(outsider, "Smith") == suggested(outsider, "Nonesuch") == {
        "suggestions": [], "counts": {"people": 0, "cases": 0}}
    page = outsider.post("/search/", {"term": "John Smith"})
    assert page.status_code == 200
    shown = page.content.decode().split('id="people"')[1]  # the results, after the form
    assert "John Smith" not in shown and "People (0)" in shown


def test_the_partner_does_not_find_a_person_or_case_not_shared_with_it(world):
    assert results(world, "partner-case_manager", "Mary Jones").people_count == 0
    assert results(world, "partner-case_manager", "Oak Road").cases_count == 0
    assert names(results(world, "owner-case_manager", "Mary Jones")) == ["Mary Jones"]


# --- locked-down profiles ---------------------------------------------------------------------------


def test_a_locked_down_profile_appears_to_the_partner_as_its_name_only(world, client_of):
    found = results(world, "partner-practitioner", "Lena Locke")
    assert [(hit.name, hit.full, hit.owner, hit.age) for hit in found.people] == [
        ("Lena Locke", False, "", "")]
    page = client_of("partner-practitioner").post("/search/", {"term": "Locke"}).content.decode()
    assert "Lena Locke" in page and "Locked-down profile" in page
    assert "Essex Police" not in page.split('id="people-results"')[1].split("</ul>")[0]
    # the owner sees the full record
    assert results(world, "owner-case_manager", "Lena Locke").people[0].full


def test_a_locked_down_profile_is_not_found_by_its_alias_or_address_by_others(world):
    for term in ("Lenny", "3 Mill Road", "CO2 2BB"):
        assert results(world, "partner-practitioner", term).people_count == 0, term
        assert names(results(world, "owner-case_manager", term)) == ["Lena Locke"], term


# --- confidential addresses ----------------------------------------------------------------------------


def test_a_confidential_address_never_matches_for_anyone(world, client_of):
    for username in ("owner-case_manager", "owner-practitioner", "partner-practitioner",
                     "outsider-case_manager"):
        for term in (SECRET_ADDRESS, "Secret Lane", SECRET_POSTCODE, "co99zz"):
            found = results(world, username, term)
            assert found.people_count == 0, (username, term)
        assert suggested(client_of(username), "Secret Lane")["counts"]["people"] == 0
    # an ordinary address does match, for those who see the record
    assert names(results(world, "partner-practitioner", "12 High Street")) == ["John Smith"]
    assert names(results(world, "owner-practitioner", "co1 1aa")) == ["John Smith"]
    # and the person herself is found by name
    assert names(results(world, "partner-practitioner", "Cora")) == ["Cora Hidden"]


# --- limited shares ------------------------------------------------------------------------------------


def test_a_limited_share_shows_only_the_reference_type_status_and_owner(world, client_of):
    found = results(world, "partner-practitioner", world.limited_case.reference)
    [hit] = found.cases
    assert (hit.reference, hit.full, hit.title, hit.owner) == (
        world.limited_case.reference, False, "", "Essex Police")
    page = client_of("partner-practitioner").post(
        "/search/", {"term": world.limited_case.reference}).content.decode()
    assert "Cuckooing" not in page.split('id="cases"')[1] and "Limited share" in page
    answer = suggested(client_of("partner-practitioner"), world.limited_case.reference)
    assert [item["label"] for item in answer["suggestions"]] == [world.limited_case.reference]


def test_a_limited_share_is_not_found_by_its_title(world):
    assert results(world, "partner-practitioner", "Cuckooing").cases_count == 0
    assert references(results(world, "owner-practitioner", "Cuckooing")) == [
        world.limited_case.reference]


def test_a_full_share_is_found_by_title_with_its_title(world, client_of):
    [hit] = results(world, "partner-practitioner", "Elm Estate").cases
    assert hit.full and hit.title == "Noise on Elm Estate"
    labels = [item["label"] for item in suggested(client_of("partner-practitioner"),
                                                  "Elm Estate")["suggestions"]]
    assert labels == [f"{world.case.reference}: Noise on Elm Estate"]


# --- terms stay out of addresses and logs ---------------------------------------------------------------


def test_search_takes_its_term_by_post_and_a_get_searches_nothing(world, client_of):
    client = client_of("owner-case_manager")
    page = client.get("/search/", {"term": "John Smith"}).content.decode()
    assert "John Smith" not in page and 'id="people"' not in page and 'method="post"' in page
    assert client.get("/search/suggest.json", {"term": "John"}).status_code == 405


def test_every_search_is_audited_with_its_counts_and_never_its_term(world, client_of):
    client = client_of("partner-practitioner")
    before = AuditEvent.objects.filter(action="search").count()
    client.post("/search/", {"term": "John Smith"})
    client.post("/search/suggest.json", {"term": "Smith"})
    events = list(AuditEvent.objects.filter(action="search").order_by("sequence")[before:])
    assert [(e.object_type, e.username) for e in events] == [
        ("search", "partner-practitioner"), ("search-suggest", "partner-practitioner")]
    assert events[0].reason == "people 1, cases 0, places 0"
    for event in events:
        assert "Smith" not in event.reason and "John" not in event.reason


def test_a_too_short_term_is_refused_and_not_searched(world, client_of):
    response = client_of("owner-case_manager").post("/search/", {"term": "J"})
    assert response.status_code == 400
    assert "People (" not in response.content.decode()


# --- places ------------------------------------------------------------------------------------------


def _incident(ref, location, **fields):
    import datetime

    from django.utils import timezone

    from saferplaces.apps.incidents.models import Incident

    return Incident.objects.create(
        source="local", source_ref=ref, category="Anti-social behaviour",
        month=datetime.date(2025, 3, 1), precision="day",
        occurred=timezone.make_aware(datetime.datetime(2025, 3, 4, 22, 0)), location=location,
        lsoa_code="E01021000", lsoa_name="Colchester 001A", **fields)


def test_a_place_lists_only_the_cases_the_searcher_sees_in_full(world):
    from saferplaces.apps.cases.models import CaseIncident

    first = _incident("r1", "On or near Elm Road")
    second = _incident("r2", "On or near Elm Road")
    for case, incident in ((world.case, first), (world.private_case, second),
                           (world.limited_case, second)):
        CaseIncident.objects.create(case=case, incident=incident)
    owner = results(world, "owner-case_manager", "Elm Road")
    partner = results(world, "partner-practitioner", "Elm Road")
    outsider = results(world, "outsider-case_manager", "Elm Road")
    label = "On or near Elm Road, Colchester 001A"
    assert [(p.label, p.incidents) for p in owner.places] == [(label, 2)]
    assert sorted(ref for ref, _ in owner.places[0].cases) == sorted(
        [world.case.reference, world.private_case.reference, world.limited_case.reference])
    assert [ref for ref, _ in partner.places[0].cases] == [world.case.reference]
    assert outsider.places[0].cases == []


def test_a_sensitive_incident_street_is_never_found_by_those_who_may_not_see_it(world):
    _incident("v1", "On or near Quiet Close", victim_ref="V-1")
    assert results(world, "partner-practitioner", "Quiet Close").places_count == 0
    withheld = results(world, "partner-practitioner", "Colchester 001A").places
    assert [p.label for p in withheld] == ["Colchester 001A (street withheld: sensitive)"]

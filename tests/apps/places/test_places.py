"""Places: shared partnership knowledge, with the incidents near them as each reader may see
them and the cases involving them only as the reader may see those cases."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import ShareLevel
from saferplaces.apps.places import nearby, services
from saferplaces.apps.places.access import cases_of_place
from saferplaces.apps.places.models import CasePlace, Place
from tests.apps.cases.conftest import open_case, share
from tests.apps.places.conftest import PX, PY, incident, place_at

pytestmark = pytest.mark.django_db


# --- adding a place ------------------------------------------------------------------------------


def test_a_place_given_in_british_national_grid_gets_its_longitude_and_latitude(partnership):
    place = place_at(partnership.user("owner", "practitioner"))
    assert place.owner_agency == partnership.owner
    assert (place.x, place.y) == (PX, PY)
    assert place.lon == pytest.approx(0.8975, abs=0.001)
    assert place.lat == pytest.approx(51.8889, abs=0.001)


def test_a_place_given_in_longitude_and_latitude_gets_its_grid_point(partnership):
    place = services.create_place(partnership.user("owner", "practitioner"), name="Bus station",
                                  kind="location", lon=0.8975, lat=51.8889)
    assert place.x == pytest.approx(PX, abs=20)
    assert place.y == pytest.approx(PY, abs=20)


def test_a_point_outside_great_britain_is_refused_before_anything_is_saved(partnership):
    with pytest.raises(services.PlaceRuleError, match="not in Great Britain"):
        services.create_place(partnership.user("owner", "practitioner"), name="Swapped",
                              lon=51.8889, lat=0.8975)
    assert not Place.objects.exists()


def test_a_postcode_is_tidied_and_a_wrong_one_refused(partnership):
    user = partnership.user("owner", "practitioner")
    place = services.create_place(user, name="12 Orchard Court", postcode=" co1  1aa ")
    assert place.postcode == "CO1 1AA" and not place.located
    with pytest.raises(services.PlaceRuleError, match="postcode"):
        services.create_place(user, name="Somewhere", postcode="not a postcode")


def test_adding_a_place_needs_cases_edit_and_is_audited(partnership):
    with pytest.raises(PermissionDenied):
        place_at(partnership.user("owner", "viewer"))
    place = place_at(partnership.user("partner", "practitioner"))
    event = AuditEvent.objects.get(action="create", object_type="place", object_id=str(place.pk))
    assert event.username == "partner-practitioner"
    assert "Castle" not in " ".join(event.changed_fields)  # field names, never values


def test_the_add_page_makes_the_place_and_opens_it(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "practitioner"))
    response = client.post("/places/new/", {"kind": "address", "name": "Flat 2, 9 Mill Lane",
                                            "postcode": "CO2 7AA", "x": "599600", "y": "225200"})
    place = Place.objects.get()
    assert response.status_code == 302 and response.url == f"/places/{place.pk}/"
    refused = client.post("/places/new/", {"kind": "address", "name": "Half a point",
                                           "x": "599600"})
    assert refused.status_code == 400 and Place.objects.count() == 1


# --- searching -----------------------------------------------------------------------------------


def test_search_finds_places_by_name_or_postcode_and_keeps_the_term_out_of_the_address(
        partnership, signed_in_client):
    user = partnership.user("owner", "practitioner")
    services.create_place(user, name="12 Orchard Court", postcode="CO1 1AA")
    services.create_place(user, name="Castle Park bandstand", kind="location")
    client = signed_in_client(partnership.user("outsider", "case_manager"))
    by_name = client.post("/places/", {"term": "orchard"})
    assert b"12 Orchard Court" in by_name.content and b"bandstand" not in by_name.content
    by_postcode = client.post("/places/", {"term": "co11aa"})
    assert b"12 Orchard Court" in by_postcode.content
    event = AuditEvent.objects.filter(action="search", object_type="place").last()
    assert event.changed_fields == ["term"] and "orchard" not in event.reason.lower()


# --- the cases involving a place -------------------------------------------------------------------


def test_a_partner_with_a_full_share_sees_the_case_involving_the_place(partnership, place, linked):
    assert [a.case for a in cases_of_place(partnership.user("partner", "practitioner"), place)] \
        == [linked]


def test_an_outsider_sees_the_place_but_not_the_case_involving_it(
        partnership, place, linked, signed_in_client):
    outsider = partnership.user("outsider", "case_manager")
    assert cases_of_place(outsider, place) == []
    page = signed_in_client(outsider).get(f"/places/{place.pk}/")
    assert page.status_code == 200 and linked.reference.encode() not in page.content
    owner_page = signed_in_client(partnership.user("owner", "case_manager")).get(f"/places/{place.pk}/")
    assert linked.reference.encode() in owner_page.content


def test_a_limited_share_does_not_show_which_places_a_case_involves(partnership, place):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, title="Limited")
    share(case, partnership.partner, level=ShareLevel.LIMITED)
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    assert cases_of_place(partnership.user("partner", "practitioner"), place) == []


# --- linking a place to a case ---------------------------------------------------------------------


def test_a_partner_working_the_case_links_a_place_and_the_timeline_names_no_address(
        partnership, signed_in_client):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    share(case, partnership.partner)
    place = place_at(manager, name="Flat 7, 47 Church Court")
    client = signed_in_client(partnership.user("partner", "practitioner"))
    response = client.post(f"/places/{place.pk}/link/", {"case": case.pk})
    assert response.status_code == 302
    assert CasePlace.objects.filter(case=case, place=place).exists()
    entry = case.timeline.get(kind="place")
    assert case.reference in entry.text and "Church" not in entry.text
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk),
                                     changed_fields=["places"]).exists()


def test_an_outsider_cannot_link_a_place_to_a_case_it_cannot_see(
        partnership, place, signed_in_client):
    case = open_case(partnership.user("owner", "case_manager"))
    client = signed_in_client(partnership.user("outsider", "case_manager"))
    form = client.get(f"/places/{place.pk}/link/")
    assert case.reference.encode() not in form.content
    response = client.post(f"/places/{place.pk}/link/", {"case": case.pk})
    assert response.status_code == 400 and not CasePlace.objects.exists()
    with pytest.raises(Http404):  # the only way to the case's access, for the service too
        get_case_for_user(partnership.user("outsider", "case_manager"), case.pk, CASES_EDIT)


def test_a_limited_share_cannot_link_places_and_a_link_is_made_once(partnership, place):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    share(case, partnership.partner, level=ShareLevel.LIMITED)
    partner = partnership.user("partner", "practitioner")
    with pytest.raises(PermissionDenied):
        services.link_place(get_case_for_user(partner, case.pk), partner, place)
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    with pytest.raises(services.PlaceRuleError, match="already linked"):
        services.link_place(get_case_for_user(manager, case.pk), manager, place)


# --- incidents near a place ------------------------------------------------------------------------


def test_incidents_are_found_within_the_distance_chosen_nearest_first(partnership, place):
    incident("Shoplifting", 0, 0)
    incident("Criminal damage", 30, 0)
    incident("Shoplifting", 0, 80)
    incident("Shoplifting", 600, 0)
    reader = partnership.user("owner", "practitioner")
    near = nearby.incidents_near(reader, place, distance_m=50)
    assert [(r.category, r.distance_m) for r in near.rows] == [("Shoplifting", 0.0),
                                                               ("Criminal damage", 30.0)]
    assert near.total == 2
    assert [r.category for r in nearby.incidents_near(reader, place, distance_m=0).rows] \
        == ["Shoplifting"]
    assert nearby.incidents_near(reader, place, distance_m=100).by_category \
        == [("Shoplifting", 2), ("Criminal damage", 1)]


def test_incidents_near_a_place_follow_the_period_and_category(partnership, place):
    incident("Shoplifting", 10, 0, month="2024-01")
    incident("Shoplifting", 10, 10, month="2025-06")
    incident("Criminal damage", 20, 0, month="2025-06")
    reader = partnership.user("owner", "practitioner")
    near = nearby.incidents_near(reader, place, first_month="2025-01", last_month="2025-12",
                                   category="Shoplifting")
    assert [(r.category, r.month.year) for r in near.rows] == [("Shoplifting", 2025)]


def test_sensitive_incidents_near_a_place_are_counted_by_area_for_those_who_may_not_see_them(
        partnership, place):
    incident("Domestic abuse", 5, 0, victim_ref="V1")
    for n in range(11):  # the rest of the grid cell, far outside the distance chosen
        incident("Domestic abuse", 400, 800, victim_ref=f"V{n + 2}")
    incident("Shoplifting", 10, 0)
    practitioner = partnership.user("owner", "practitioner")
    near = nearby.incidents_near(practitioner, place, distance_m=50)
    assert [r.category for r in near.rows] == ["Shoplifting"]
    assert not near.exact_sensitive
    assert near.area_label == "1,000 m grid cell"
    assert [(a.category, a.count) for a in near.area_counts] == [("Domestic abuse", 12)]
    coordinator = partnership.user("owner", "coordinator")
    exact = nearby.incidents_near(coordinator, place, distance_m=50)
    assert [(r.category, r.sensitive) for r in exact.rows] == [("Domestic abuse", True),
                                                               ("Shoplifting", False)]
    assert exact.area_counts == []


def test_a_small_count_of_sensitive_incidents_is_withheld_and_the_page_shows_no_street(
        partnership, place, signed_in_client):
    incident("Domestic abuse", 5, 0, victim_ref="V1", ref="da-1")
    page = signed_in_client(partnership.user("owner", "case_manager")).get(
        f"/places/{place.pk}/?distance=25")
    assert page.status_code == 200
    assert b"Near domestic abuse" not in page.content
    assert b"fewer than 10 (withheld)" in page.content
    near = nearby.incidents_near(partnership.user("owner", "case_manager"), place)
    assert [(a.category, a.count) for a in near.area_counts] == [("Domestic abuse", None)]


def test_the_api_gives_the_same_picture(partnership, place, linked, signed_in_client):
    incident("Domestic abuse", 5, 0, victim_ref="V1")
    incident("Shoplifting", 10, 0)
    body = signed_in_client(partnership.user("partner", "practitioner")).get(
        f"/api/places/{place.pk}/?distance=50").json()
    assert [c["reference"] for c in body["cases"]] == [linked.reference]
    assert [r["category"] for r in body["incidents"]["nearest"]] == ["Shoplifting"]
    assert body["incidents"]["sensitive_by_area"]["counts"] == [
        {"category": "Domestic abuse", "count": None, "withheld": True}]
    outsider = signed_in_client(partnership.user("outsider", "case_manager")).get(
        f"/api/places/{place.pk}/").json()
    assert outsider["cases"] == []


def test_places_are_added_through_the_api_by_those_who_may_edit_cases(
        partnership, signed_in_client):
    made = signed_in_client(partnership.user("owner", "practitioner")).post(
        "/api/places/", {"name": "Castle Park bandstand", "kind": "location",
                         "lon": 0.9, "lat": 51.89}, content_type="application/json")
    assert made.status_code == 201 and made.json()["x"] == pytest.approx(599660, abs=200)
    refused = signed_in_client(partnership.user("owner", "viewer")).post(
        "/api/places/", {"name": "Nope"}, content_type="application/json")
    assert refused.status_code == 403


def lsoa_around(place: Place, name: str = "Synthetic 001A"):
    """An LSOA, a square of about 1.4 km by 2.2 km centred on the place."""
    from saferplaces.apps.incidents.models import Area

    lon, lat = place.lon, place.lat
    square = [[lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01],
              [lon - 0.01, lat + 0.01], [lon - 0.01, lat - 0.01]]
    return Area.objects.create(kind="lsoa", code="E01000001", name=name,
                               geometry={"type": "Polygon", "coordinates": [square]})


def at_own_point(found, area=None, *, lsoa_code: str = ""):
    """Give the incident its map point, as the store does (its own longitude and latitude), in
    ``area`` if given."""
    from saferplaces.apps.incidents.models import MapPoint, MapPointArea

    point, _ = MapPoint.objects.get_or_create(lon=found.lon, lat=found.lat, lsoa_code=lsoa_code)
    if area is not None:
        MapPointArea.objects.get_or_create(point=point, area=area)
    found.point = point
    found.save(update_fields=["point"])
    return found


def test_sensitive_incidents_are_counted_for_the_lsoa_holding_the_place_when_lsoas_are_loaded(
        partnership, place):
    lsoa = lsoa_around(place)
    for n in range(10):
        found = incident("Domestic abuse", 300, 0 if n < 9 else 20, victim_ref=f"V{n}")
        at_own_point(found, lsoa if n < 9 else None)
    near = nearby.incidents_near(partnership.user("owner", "practitioner"), place, distance_m=25)
    assert (near.area_label, near.area_name) == ("LSOA", "Synthetic 001A")
    assert [(a.category, a.count) for a in near.area_counts] == [("Domestic abuse", None)]  # 9 < 10
    assert near.rows == []


def test_the_lsoa_count_holds_incidents_with_no_grid_point_and_those_coded_into_it_from_afar(
        partnership, place):
    from saferplaces.apps.incidents.models import Incident, MapPoint, MapPointArea

    lsoa = lsoa_around(place)
    for n in range(8):
        at_own_point(incident("Domestic abuse", 100 * n, -50, victim_ref=f"V{n}"), lsoa)
    # a partner record with an LSOA code and no location: its map point has the code only
    unlocated = incident("Domestic abuse", 0, 0, victim_ref="V8")
    Incident.objects.filter(pk=unlocated.pk).update(x=None, y=None, lon=None, lat=None)
    coded = MapPoint.objects.create(lon=None, lat=None, lsoa_code="E01000001")
    MapPointArea.objects.create(point=coded, area=lsoa)
    Incident.objects.filter(pk=unlocated.pk).update(point=coded)
    # police.uk's code puts this one in the LSOA though its point lies 5 km away
    at_own_point(incident("Domestic abuse", 5000, 0, victim_ref="V9"), lsoa, lsoa_code="E01000001")
    near = nearby.incidents_near(partnership.user("owner", "practitioner"), place, distance_m=25)
    every = Incident.objects.filter(point__areas=lsoa).count()
    assert every == 10
    assert [(a.category, a.count) for a in near.area_counts] == [("Domestic abuse", every)]

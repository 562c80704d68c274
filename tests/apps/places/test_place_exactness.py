"""One rule for where a protected person may live (``places.access``): the place page, the places
list and its search, the API and the map all show a protected place the same way. A place on a
case with a locked-down party (or at a confidential address by its UPRN) is given exactly only
to the case managers of the agency owning what protects it; everyone else (a full share's case
manager, the owner's practitioner) sees "An address" in its area, with no address, postcode,
UPRN, point, description or incidents near it, and cannot find it by its address."""

from __future__ import annotations

import json

import pytest

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.people.models import Address
from saferplaces.apps.places import services
from tests.apps.cases.conftest import add, open_case, person, share
from tests.web.conftest import square

pytestmark = pytest.mark.django_db

PX, PY = 599500.0, 225100.0
NAME, POSTCODE, UPRN = "Flat 2, 14 Elm Road", "CO1 1AA", "100091234567"


@pytest.fixture
def protected(partnership, db):
    """A cuckooed flat on an owner case with a locked-down resident, shared in full with the
    partner; in the neighbourhood "Castle"."""
    Area.objects.create(kind="neighbourhood", code="N1", name="Castle",
                        geometry=square(0.88, 51.87, 0.04))
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, title="Cuckooed flat")
    place = services.create_place(manager, name=NAME, kind="address", x=PX, y=PY,
                                  postcode=POSTCODE, uprn=UPRN,
                                  description="Resident moved to a refuge")
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    add(manager, case, person(partnership.owner, "Robin", locked_down=True))
    share(case, partnership.partner)
    return place


def exact_text(place) -> list[str]:
    return [NAME, "Elm Road", POSTCODE, UPRN, f"{place.x:.0f}", f"{place.y:.0f}",
            f"{place.lon:.4f}", f"{place.lat:.4f}", "refuge"]


def leaked(text: str, place) -> list[str]:
    return [each for each in exact_text(place) if each in text]


def page(client, place) -> str:
    response = client.get(f"/places/{place.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def api(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("reader", [("partner", "case_manager"), ("owner", "practitioner")])
def test_who_sees_only_an_outline_on_the_map_sees_no_coordinates_on_the_place_page_or_api(
        partnership, signed_in_client, protected, reader):
    client = signed_in_client(partnership.user(*reader))
    [feature] = client.get("/map/layers/case-locations.geojson").json()["features"]
    assert feature["properties"]["exact"] is False
    html = page(client, protected)
    assert leaked(html, protected) == []
    assert "An address in Neighbourhood Castle" in html and 'id="place-withheld"' in html
    assert "place-map-config" not in html
    detail = api(client, f"/api/places/{protected.pk}/")
    assert leaked(json.dumps(detail), protected) == []
    assert detail["exact"] is False and detail["area"] == "Neighbourhood Castle"
    assert detail["x"] is None and detail["lat"] is None and detail["incidents"]["nearest"] == []
    [listed] = [p for p in api(client, "/api/places/") if p["id"] == protected.pk]
    assert listed["exact"] is False and leaked(json.dumps(listed), protected) == []
    listing = client.get("/places/").content.decode()
    assert leaked(listing, protected) == [] and "An address in Neighbourhood Castle" in listing


def test_the_owner_case_manager_of_the_protecting_case_still_sees_the_exact_place(
        partnership, signed_in_client, protected):
    client = signed_in_client(partnership.user("owner", "case_manager"))
    html = page(client, protected)
    assert all(each in html for each in (NAME, POSTCODE, UPRN, f"{protected.x:.0f}"))
    detail = api(client, f"/api/places/{protected.pk}/")
    assert detail["exact"] is True and detail["lat"] == protected.lat and detail["area"] == ""
    [feature] = client.get("/map/layers/case-locations.geojson").json()["features"]
    assert feature["properties"]["exact"] is True


@pytest.mark.parametrize("term", ["Elm Road", POSTCODE, "CO11AA", UPRN])
def test_a_protected_place_is_never_found_by_its_address_postcode_or_uprn(
        partnership, signed_in_client, protected, term):
    partner = signed_in_client(partnership.user("partner", "case_manager"))
    found = partner.post("/places/", {"term": term}).content.decode()
    assert f"/places/{protected.pk}/" not in found and "0 places found" in found
    owner = signed_in_client(partnership.user("owner", "case_manager"))
    assert f"/places/{protected.pk}/" in owner.post("/places/", {"term": term}).content.decode()


def test_a_place_at_a_confidential_address_by_uprn_is_exact_only_to_that_persons_managers(
        partnership, signed_in_client, db):
    """The protected person belongs to the partner: the owner agency, which recorded the place,
    sees it only by its area; the partner's case managers see it exactly."""
    Area.objects.create(kind="neighbourhood", code="N1", name="Castle",
                        geometry=square(0.88, 51.87, 0.04))
    place = services.create_place(partnership.user("owner", "case_manager"), name=NAME,
                                  kind="address", x=PX, y=PY, uprn=UPRN)
    resident = person(partnership.partner, "Alex")
    resident.confidential_address = True
    resident.save()
    Address.objects.create(person=resident, text="Flat 2", uprn=UPRN)
    owner = signed_in_client(partnership.user("owner", "case_manager"))
    assert leaked(page(owner, place), place) == []
    assert owner.get(f"/places/{place.pk}/edit/").status_code == 403
    partner = signed_in_client(partnership.user("partner", "case_manager"))
    assert NAME in page(partner, place)


def test_an_ordinary_place_is_exact_to_every_reader(partnership, signed_in_client, db):
    place = services.create_place(partnership.user("owner", "case_manager"), name=NAME,
                                  kind="address", x=PX, y=PY, postcode=POSTCODE)
    viewer = signed_in_client(partnership.user("partner", "practitioner"))
    assert NAME in page(viewer, place)
    assert api(viewer, f"/api/places/{place.pk}/")["exact"] is True

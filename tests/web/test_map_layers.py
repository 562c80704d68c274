"""The one map's switchable layers: the generic endpoint ``/map/layers/<key>.geojson``, the
case-locations layer through the cases' access rules, and the layers on the page.

The case places sit in central Colchester inside the neighbourhood "Castle" (a square loaded
here); an owner case (Essex Police) links them. Who sees what: the owner agency and a full share
see the places; a limited share, an outsider agency and the public site see none; a place that
may be where someone with a confidential address or a locked-down profile lives is drawn only as
Castle's outline, except to the case managers of the agency that owns what protects it (the one
rule of ``places.access``, the same as the place page's and the API's).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from tests.apps.cases.conftest import add, open_case, person, share
from tests.web.conftest import square

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import ShareLevel
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.people.models import Address
from saferplaces.apps.places import services
from saferplaces.apps.places.maplayers import case_location_features
from saferplaces.web.maplayers import layer, layers_for

pytestmark = pytest.mark.django_db

#: The place (British National Grid): Colchester, near the castle.
PX, PY = 599500.0, 225100.0
CASTLE = square(0.88, 51.87, 0.04)


@pytest.fixture
def castle(db) -> Area:
    return Area.objects.create(kind="neighbourhood", code="N1", name="Castle", geometry=CASTLE)


@pytest.fixture
def manager(partnership):
    return partnership.user("owner", "case_manager")


def place_on_case(manager, *, name="14 Elm Road", kind="address", uprn="", x=PX, y=PY,
                  case=None):
    case = case or open_case(manager, title="Noise at a flat")
    place = services.create_place(manager, name=name, kind=kind, x=x, y=y, uprn=uprn)
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    return case, place


def layer_json(client, key="case-locations", **params):
    response = client.get(f"/map/layers/{key}.geojson", params)
    assert response.status_code == 200, response.content[:200]
    return response.json()


def coordinates_text(place) -> list[str]:
    """The place's longitude and latitude to four decimal places (a prefix of any rounding)."""
    return [f"{place.lon:.4f}", f"{place.lat:.4f}"]


def test_the_owner_agency_sees_its_case_place_exactly_without_the_address_in_its_name(
        partnership, signed_in_client, manager, castle):
    case, place = place_on_case(manager)
    data = layer_json(signed_in_client(manager))
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}
    assert feature["properties"]["exact"] is True
    assert feature["properties"]["name"] == f"An address (case {case.reference})"
    assert feature["properties"]["url"] == f"/places/{place.pk}/"
    assert "Elm Road" not in json.dumps(data)


def test_a_named_location_is_listed_by_its_name(partnership, signed_in_client, manager, castle):
    case, _ = place_on_case(manager, name="Castle Park bandstand", kind="location")
    [feature] = layer_json(signed_in_client(manager))["features"]
    assert feature["properties"]["name"] == f"Castle Park bandstand (case {case.reference})"


def test_outsider_agency_gets_nothing_in_case_locations(partnership, signed_in_client, manager,
                                                         castle):
    place_on_case(manager)
    assert layer_json(signed_in_client(partnership.user("outsider", "case_manager")))["features"] == []
    for role in ("viewer", "practitioner", "analyst", "coordinator", "administrator"):
        response = signed_in_client(partnership.user("outsider", role)).get(
            "/map/layers/case-locations.geojson")
        # offered (with cases.view) and empty, or not offered at all
        assert response.status_code == 404 or response.json()["features"] == []


def test_a_full_share_shows_the_place_and_a_limited_share_shows_nothing(
        partnership, signed_in_client, manager, castle):
    case, place = place_on_case(manager)
    share(case, partnership.partner, level=ShareLevel.LIMITED)
    partner = signed_in_client(partnership.user("partner", "case_manager"))
    assert layer_json(partner)["features"] == []
    case.shares.update(level=ShareLevel.FULL)
    [feature] = layer_json(partner)["features"]
    assert feature["properties"]["exact"] is True


@pytest.mark.parametrize("flag", ["locked_down", "confidential_address"])
def test_a_place_on_a_case_with_a_protected_party_is_never_exact(
        partnership, signed_in_client, manager, castle, flag):
    case, place = place_on_case(manager)
    protected = person(partnership.owner, "Robin")
    setattr(protected, flag, True)
    protected.save()
    add(manager, case, protected)
    data = layer_json(signed_in_client(partnership.user("owner", "practitioner")))
    [feature] = data["features"]
    assert feature["properties"]["exact"] is False
    assert feature["geometry"] == CASTLE
    assert feature["properties"]["name"] == (
        f"A place on case {case.reference}, shown only as Neighbourhood Castle")
    assert feature["properties"]["url"] == f"/cases/{case.pk}/"
    text = json.dumps(data)
    assert not any(c in text for c in coordinates_text(place)) and "Elm Road" not in text


def test_a_protected_party_on_a_case_the_reader_cannot_see_still_hides_the_place(
        partnership, signed_in_client, manager, castle):
    """The same address on two cases: the protected person is on the one the partner cannot see."""
    case, place = place_on_case(manager)
    hidden_case = open_case(manager, title="Another matter")
    services.link_place(get_case_for_user(manager, hidden_case.pk), manager, place)
    protected = person(partnership.owner, "Sam", locked_down=True)
    add(manager, hidden_case, protected)
    share(case, partnership.partner)
    [feature] = layer_json(signed_in_client(partnership.user("partner", "case_manager")))["features"]
    assert feature["properties"]["exact"] is False
    assert feature["properties"]["cases"] == [case.reference]


def test_a_place_at_a_confidential_address_by_its_uprn_is_never_exact(
        partnership, signed_in_client, manager, castle):
    case, place = place_on_case(manager, uprn="100091234567")
    elsewhere = person(partnership.partner, "Alex")
    elsewhere.confidential_address = True
    elsewhere.save()
    Address.objects.create(person=elsewhere, text="Flat 2", uprn="100091234567")
    [feature] = layer_json(signed_in_client(manager))["features"]
    assert feature["properties"]["exact"] is False  # the partner owns the protected person


def test_a_protected_place_outside_every_area_is_not_drawn_at_all(
        partnership, signed_in_client, manager):
    case, place = place_on_case(manager)
    add(manager, case, person(partnership.owner, "Kim", locked_down=True))
    reader = partnership.user("owner", "practitioner")
    assert layer_json(signed_in_client(reader))["features"] == []


def test_the_owner_case_manager_of_the_protecting_case_sees_the_place_exactly(
        partnership, signed_in_client, manager, castle):
    case, place = place_on_case(manager)
    add(manager, case, person(partnership.owner, "Kim", locked_down=True))
    [feature] = layer_json(signed_in_client(manager))["features"]
    assert feature["properties"]["exact"] is True
    assert feature["geometry"]["coordinates"] == [round(place.lon, 6), round(place.lat, 6)]


def test_signed_out_visitors_get_an_empty_collection(partnership, manager, castle):
    place_on_case(manager)
    request = RequestFactory().get("/map/layers/case-locations.geojson")
    request.user = AnonymousUser()
    assert case_location_features(request, {})["features"] == []


def test_public_site_has_no_case_layer(partnership, manager, castle, settings):
    settings.SAFERPLACES_PUBLIC_SITE = True
    place_on_case(manager)
    client = Client()
    assert client.get("/map/layers/case-locations.geojson").status_code == 404
    assert client.get("/map/layers/hotspots-gistar.geojson").status_code == 404
    request = RequestFactory().get("/map/")
    request.user, request.public_view = AnonymousUser(), True
    assert [each.key for each in layers_for(request)] == ["incidents"]


def test_unknown_layer_is_404(partnership, signed_in_client, manager):
    client = signed_in_client(manager)
    assert client.get("/map/layers/no-such-layer.geojson").status_code == 404


def test_a_member_without_cases_view_is_not_offered_the_case_layer(
        partnership, signed_in_client):
    analyst = partnership.user("owner", "analyst")
    request = RequestFactory().get("/map/")
    request.user, request.public_view = analyst, False
    from saferplaces.apps.agencies.access import has_capability

    offered = {each.key for each in layers_for(request)}
    assert ("case-locations" in offered) == has_capability(analyst, "cases.view")
    if "case-locations" not in offered:
        assert signed_in_client(analyst).get(
            "/map/layers/case-locations.geojson").status_code == 404


def test_every_layer_the_issue_names_is_registered_with_a_label():
    for key in ("incidents", "hotspots-gistar", "hotspots-kde", "case-locations"):
        found = layer(key)
        assert found is not None and found.label


def test_the_page_lists_the_layers_as_checkboxes_with_incidents_on(
        partnership, signed_in_client, manager, small_store):
    html = signed_in_client(manager).get("/map/").content.decode()
    for key in ("incidents", "hotspots-gistar", "hotspots-kde", "case-locations"):
        assert f'id="layer-{key}" name="layers" type="checkbox" value="{key}"' in html
    assert 'value="incidents" checked' in html
    assert 'value="case-locations" checked' not in html
    chosen = signed_in_client(manager).get(
        "/map/?shown=1&layers=case-locations").content.decode()
    assert 'value="case-locations" checked' in chosen and 'value="incidents" checked' not in chosen
    config = json.loads(chosen.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert {each["key"]: each["url"] for each in config["layers"]}["case-locations"] == \
        "/map/layers/case-locations.geojson"
    assert config["sliderMonths"] == sorted(config["sliderMonths"])


def test_with_no_incidents_stored_the_map_still_offers_the_other_layers(
        partnership, signed_in_client, manager, castle):
    place_on_case(manager)
    html = signed_in_client(manager).get("/map/").content.decode()
    assert "There are no incidents to map yet." in html
    assert 'id="layer-case-locations"' in html and 'id="incident-map"' in html
    assert 'id="layer-incidents"' not in html and 'id="month-range"' not in html



def test_with_no_incidents_stored_the_public_site_has_no_map(settings, db):
    settings.SAFERPLACES_PUBLIC_SITE = True
    html = Client().get("/map/").content.decode()
    assert "There are no incidents to map yet." in html
    assert 'id="incident-map"' not in html and "leaflet.js" not in html


def test_each_fetch_of_the_case_layer_is_audited(partnership, signed_in_client, manager, castle):
    from saferplaces.apps.audit.models import AuditEvent

    place_on_case(manager)
    before = AuditEvent.objects.filter(object_type="place", action="view").count()
    layer_json(signed_in_client(manager))
    event = AuditEvent.objects.filter(object_type="place", action="view").latest("sequence")
    assert AuditEvent.objects.filter(object_type="place", action="view").count() == before + 1
    assert event.username == manager.username and event.object_id == ""


def test_the_map_page_never_offers_the_case_layer_to_an_analyst(
        partnership, signed_in_client, manager, small_store):
    """Analysts hold no ``cases.view``: the layer is neither a checkbox nor in the map's
    configuration, even when asked for in the address, so ticking it can never meet a 404."""
    analyst = signed_in_client(partnership.user("owner", "analyst"))
    for address in ("/map/", "/map/?shown=1&layers=case-locations"):
        html = analyst.get(address).content.decode()
        assert 'id="layer-incidents"' in html
        assert "case-locations" not in html and "Case locations" not in html
    assert analyst.get("/map/layers/case-locations.geojson").status_code == 404
    assert 'id="layer-case-locations"' in signed_in_client(manager).get("/map/").content.decode()

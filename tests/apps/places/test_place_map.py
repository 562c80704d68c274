"""The map on a place page: the place's point and the incidents within the distance chosen that
the reader may see there; sensitive incidents, for readers who may not see their locations,
only as the counts for the area holding the place (small counts withheld), never as points.
Data travels in a JSON script element; the page has no inline script or style."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders

from saferplaces.apps.places import services
from tests.apps.places.conftest import incident

pytestmark = pytest.mark.django_db

_CONFIG = re.compile(r'<script id="place-map-config" type="application/json">(.*?)</script>', re.S)


def map_of(client, place, query: str = "") -> dict | None:
    page = client.get(f"/places/{place.pk}/{query}")
    assert page.status_code == 200
    found = _CONFIG.search(page.content.decode())
    return json.loads(found.group(1)) if found else None


def plotted(config: dict) -> set[tuple[float, float]]:
    return {(p["lon"], p["lat"]) for p in config["points"]}


def test_the_map_shows_the_place_and_the_incidents_within_the_distance_by_map_point(
        partnership, place, signed_in_client):
    near_one = incident("Shoplifting", 30, 0)
    incident("Criminal damage", 30, 0)
    far = incident("Shoplifting", 600, 0)
    config = map_of(signed_in_client(partnership.user("owner", "practitioner")), place,
                    "?distance=100")
    assert config["place"] == {"lon": place.lon, "lat": place.lat, "name": place.name}
    assert config["distance"] == 100
    assert plotted(config) == {(near_one.lon, near_one.lat)}
    [point] = config["points"]
    assert point["distance"] == 30.0 and sorted(point["counts"]) == [["Criminal damage", 1],
                                                                     ["Shoplifting", 1]]
    assert (far.lon, far.lat) not in plotted(map_of(
        signed_in_client(partnership.user("owner", "practitioner")), place, "?distance=500"))


def test_a_sensitive_incident_is_never_a_point_for_a_reader_who_may_not_see_it(
        partnership, place, signed_in_client):
    hidden = incident("Domestic abuse", 5, 0, victim_ref="V1")
    incident("Shoplifting", 10, 0)
    for user in ("owner-practitioner", "owner-case_manager", "outsider-case_manager"):
        client = signed_in_client(partnership.users[user])
        page = client.get(f"/places/{place.pk}/?distance=25").content.decode()
        config = map_of(client, place, "?distance=25")
        assert (hidden.lon, hidden.lat) not in plotted(config), user
        assert repr(hidden.lon) not in page and not any(p["sensitive"] for p in config["points"])
        area = config["area"]
        assert area["label"] == "1,000 m grid cell" and area["geometry"]["type"] == "Polygon"
        assert area["counts"] == [{"category": "Domestic abuse", "count": None}]  # withheld
        assert area["suppressBelow"] == 10


def test_a_reader_who_may_see_sensitive_locations_gets_them_as_points_marked_sensitive(
        partnership, place, signed_in_client):
    shown = incident("Domestic abuse", 5, 0, victim_ref="V1")
    config = map_of(signed_in_client(partnership.user("owner", "coordinator")), place,
                    "?distance=25")
    assert [(p["lon"], p["lat"], p["sensitive"]) for p in config["points"]] == [
        (shown.lon, shown.lat, True)]
    assert config["area"] is None


def test_the_map_follows_the_period_and_category_chosen(partnership, place, signed_in_client):
    incident("Shoplifting", 10, 0, month="2024-01")
    june = incident("Criminal damage", 20, 0, month="2025-06")
    config = map_of(signed_in_client(partnership.user("owner", "practitioner")), place,
                    "?distance=100&first_month=2025-01&category=Criminal+damage")
    assert plotted(config) == {(june.lon, june.lat)}


def test_a_place_with_no_point_has_no_map(partnership, signed_in_client):
    place = services.create_place(partnership.user("owner", "practitioner"), name="12 Mill Lane")
    client = signed_in_client(partnership.user("owner", "practitioner"))
    page = client.get(f"/places/{place.pk}/").content.decode()
    assert map_of(client, place) is None and "place-map.js" not in page


def test_the_page_loads_the_map_from_static_files_with_no_inline_script_or_style(
        partnership, place, signed_in_client):
    page = signed_in_client(partnership.user("owner", "practitioner")).get(
        f"/places/{place.pk}/").content.decode()
    assert "vendor/leaflet-1.9.4/leaflet.js" in page and "places/place-map.js" in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page
    assert finders.find("places/place-map.js")

"""Zones imported from GeoJSON (WGS84 or British National Grid; any other system refused by
name, each bad feature reported), the map layer, the API and the evidence pack."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferplaces.apps.pspo.geometry import ZoneFileError, read_zones
from saferplaces.apps.pspo.models import Zone
from saferplaces.apps.pspo.services import zone_polygon_bng
from saferplaces.web.maplayers import layer
from tests.apps.pspo.conftest import made_order

BNG_SQUARE = [[[599000, 225000], [599500, 225000], [599500, 225400], [599000, 225400],
               [599000, 225000]]]


def collection(crs=None, features=()):
    data = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data)


def feature(coordinates, name="Zone", kind="Polygon"):
    return {"type": "Feature", "properties": {"name": name},
            "geometry": {"type": kind, "coordinates": coordinates}}


def test_a_british_national_grid_file_is_read_and_kept_in_wgs84_with_its_grid_bounds():
    zones, problems = read_zones(collection("urn:ogc:def:crs:EPSG::27700", [feature(BNG_SQUARE)]))
    assert problems == []
    assert zones[0].source == "EPSG:27700"
    assert zones[0].bounds == pytest.approx((599000, 225000, 599500, 225400), abs=0.01)
    lon, lat = zones[0].geometry["coordinates"][0][0]
    assert 0.88 < lon < 0.91 and 51.88 < lat < 51.90
    guessed, _ = read_zones(collection(None, [feature(BNG_SQUARE)]))  # by coordinate range
    assert guessed[0].source == "EPSG:27700"


def test_another_coordinate_system_is_refused_by_name():
    with pytest.raises(ZoneFileError, match=r"EPSG:3857 \(WGS 84 / Pseudo-Mercator\) is not accepted"):
        read_zones(collection("EPSG:3857", [feature(BNG_SQUARE)]))


def test_each_bad_feature_is_reported_and_the_good_ones_still_read():
    bow_tie = [[[0.90, 51.88], [0.91, 51.89], [0.91, 51.88], [0.90, 51.89], [0.90, 51.88]]]
    zones, problems = read_zones(collection(None, [
        feature([[[0.90, 51.88], [0.91, 51.88], [0.91, 51.89], [0.90, 51.88]]], "Good"),
        feature([0.9, 51.88], "Point", "Point"), feature(bow_tie, "Crossed")]))
    assert [z.name for z in zones] == ["Good"]
    assert [p.feature for p in problems] == [2, 3]
    assert "not a Point" in problems[0].message and "not a valid area" in problems[1].message


def test_importing_a_file_with_a_bad_feature_saves_nothing(partnership, signed_in_client):
    officer = partnership.user("owner", "case_manager")
    order = made_order(officer)
    client = signed_in_client(officer)
    bad = collection(None, [feature(BNG_SQUARE, "Ok"), feature([599000, 225000], "P", "Point")])
    answer = client.post(f"/pspo/{order.pk}/zones/import/",
                         {"file": SimpleUploadedFile("zones.geojson", bad.encode())})
    assert answer.status_code == 400 and b"Feature 2" in answer.content
    assert order.zones.count() == 1
    good = collection("EPSG:27700", [feature(BNG_SQUARE, "Castle Park")])
    client.post(f"/pspo/{order.pk}/zones/import/",
                {"file": SimpleUploadedFile("zones.geojson", good.encode())})
    zone = Zone.objects.get(order=order, name="Castle Park")
    assert zone_polygon_bng(zone).area == pytest.approx(500 * 400, rel=1e-3)


def test_the_zones_layer_lists_every_order_to_members_and_nothing_to_others(
        partnership, rf):
    from django.contrib.auth.models import AnonymousUser

    order = made_order(partnership.user("owner", "case_manager"))
    zones = layer("pspo-zones")
    request = rf.get("/map/")
    request.user = partnership.user("outsider", "viewer")
    found = zones.features(request, {"start": "2024-01", "end": "2024-12"})
    assert [f["properties"]["url"] for f in found["features"]] == [f"/pspo/{order.pk}/"]
    assert zones.features(request, {"start": "2027-01", "end": "2027-06"})["features"] == []
    request.user = AnonymousUser()
    assert zones.features(request, {})["features"] == []
    assert not zones.visible_to(request)


def test_the_evidence_pack_says_when_no_comparison_areas_are_loaded(partnership, signed_in_client):
    order = made_order(partnership.user("owner", "case_manager"))
    page = signed_in_client(partnership.user("owner", "viewer")).get(f"/pspo/{order.pk}/evidence/")
    assert page.status_code == 200
    assert b"No comparison areas are loaded" in page.content
    assert b"left out of these counts" in page.content  # a viewer may not see sensitive places

"""The incident layers of the one map: incidents by month with names for the text list, and hot
spots (Gi*, kernel density) computed once per store state and parameters.

The store here: a tight cluster of 40 burglaries at one corner of central Colchester and 40
scattered over about 2 km, in March 2024, plus 30 sensitive records (a victim reference) at
another corner that only analysts and co-ordinators may see exactly.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from tests.web.conftest import build_store

from saferplaces.apps.incidents import hotspots as hotspot_module
from saferplaces.apps.incidents.models import Incident
from saferplaces.geo import to_wgs84

pytestmark = pytest.mark.django_db

X0, Y0 = 598000.0, 224000.0


def add_incidents(xs, ys, *, prefix: str, victim: str = "", month: str = "2024-03") -> None:
    lon, lat = to_wgs84(np.asarray(xs, float), np.asarray(ys, float))
    day = datetime.date.fromisoformat(f"{month}-01")
    Incident.objects.bulk_create([
        Incident(source="local", source_ref=f"{prefix}-{i}", category="Burglary", month=day,
                 occurred=datetime.datetime(day.year, day.month, 1, tzinfo=datetime.UTC),
                 precision="month", x=float(x), y=float(y), lon=float(a), lat=float(b),
                 victim_ref=victim and f"{victim}-{i}")
        for i, (x, y, a, b) in enumerate(zip(xs, ys, lon, lat, strict=True))])


@pytest.fixture
def clustered(db) -> None:
    rng = np.random.default_rng(7)
    add_incidents(X0 + rng.uniform(0, 60, 40), Y0 + rng.uniform(0, 60, 40), prefix="cluster")
    add_incidents(X0 + rng.uniform(0, 2000, 40), Y0 + rng.uniform(0, 2000, 40), prefix="spread")
    add_incidents(X0 + 1900 + rng.uniform(0, 60, 30), Y0 + 1900 + rng.uniform(0, 60, 30),
                  prefix="hidden", victim="V")
    hotspot_module._kept.clear()


def fetch(client, key, **params):
    query = {"month": "2024-03", "start": "2024-03", "end": "2024-03", "source": "local", **params}
    response = client.get(f"/map/layers/{key}.geojson", query)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def centre_of(feature) -> tuple[float, float]:
    ring = np.array(feature["geometry"]["coordinates"][0])
    return float(ring[:-1, 0].mean()), float(ring[:-1, 1].mean())


def test_gistar_finds_the_cluster_as_a_hot_spot_with_a_name(client, clustered):
    data = fetch(client, "hotspots-gistar")
    hot = [f for f in data["features"] if f["properties"]["hotspot"] == "hotspot"]
    assert hot, data.get("note")
    strongest = data["features"][0]
    cluster_lon, cluster_lat = (float(v[0]) for v in to_wgs84(np.array([X0 + 30]), np.array([Y0 + 30])))
    lon, lat = centre_of(strongest)
    assert abs(lon - cluster_lon) < 0.01 and abs(lat - cluster_lat) < 0.01
    assert strongest["properties"]["name"].startswith("Hot spot: ")
    assert strongest["properties"]["colour"] == "#d4351c"


def test_kernel_density_draws_the_densest_cells_in_bands(client, clustered):
    data = fetch(client, "hotspots-kde")
    assert data["features"]
    densities = [f["properties"]["density"] for f in data["features"]]
    assert densities == sorted(densities, reverse=True)
    assert data["features"][0]["properties"]["name"].endswith("(100% of the highest)")


def test_hot_spots_are_computed_once_per_data_change_and_parameters(client, clustered, monkeypatch):
    calls = []
    real = hotspot_module._compute
    monkeypatch.setattr(hotspot_module, "_compute",
                        lambda scope, query: calls.append(query) or real(scope, query))
    first = fetch(client, "hotspots-gistar")
    assert fetch(client, "hotspots-gistar") == first and len(calls) == 1
    fetch(client, "hotspots-gistar", category="Burglary")
    assert len(calls) == 2  # new parameters
    add_incidents([X0 + 500.0], [Y0 + 500.0], prefix="late")
    fetch(client, "hotspots-gistar")
    assert len(calls) == 3  # the store changed


def test_a_viewer_gets_hot_spots_without_the_sensitive_incidents(client, client_for, clustered):
    analyst = fetch(client, "hotspots-kde")["parameters"]
    viewer = fetch(client_for("owner", "viewer"), "hotspots-kde")["parameters"]
    assert analyst["incidents"] == 110 and viewer["incidents"] == 80
    assert analyst["exact_sensitive"] and not viewer["exact_sensitive"]


def test_too_few_incidents_give_an_empty_layer_that_says_why(client, db):
    add_incidents([X0, X0 + 10], [Y0, Y0 + 10], prefix="few")
    data = fetch(client, "hotspots-gistar")
    assert data["features"] == [] and "Too few" in data["note"]


def test_a_month_not_written_yyyy_mm_is_400(client, clustered):
    response = client.get("/map/layers/hotspots-kde.geojson", {"month": "March"})
    assert response.status_code == 400 and "month" in response.json()["error"]
    response = client.get("/map/layers/hotspots-kde.geojson",
                          {"month": "2024-03", "start": "2024-05"})
    assert response.status_code == 400


def test_the_incidents_layer_is_the_incident_map_with_names(client, tmp_path):
    build_store(tmp_path)
    layer = fetch(client, "incidents", source="police-uk")
    old = client.get("/map/incidents.geojson", {"month": "2024-03", "source": "police-uk"}).json()
    assert [f["geometry"] for f in layer["features"]] == [f["geometry"] for f in old["features"]]
    names = sorted(f["properties"]["name"] for f in layer["features"])
    assert "Shoplifting: 1 incident, On or near High Street" in names


def test_the_public_site_incidents_layer_has_areas_only(settings, tmp_path, db):
    from django.test import Client

    settings.SAFERPLACES_PUBLIC_SITE = True
    build_store(tmp_path)
    data = fetch(Client(), "incidents", source="police-uk")
    assert data["features"] and all(f["properties"]["aggregated"] for f in data["features"])
    assert all(f["geometry"]["type"] != "Point" for f in data["features"])

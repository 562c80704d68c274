"""Who sees and changes an operation: its lead and partner agencies; everyone else 404 (pages,
API, map layer). Recording needs operations.record; changing the operation itself, the lead."""

from __future__ import annotations

from django.test import RequestFactory

from saferplaces.apps.operations.maplayer import features
from saferplaces.apps.operations.models import Activity
from tests.apps.operations.conftest import START


def day_fields(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month),
            f"{prefix}_year": str(day.year)}


def test_partner_agency_records_activity_on_the_operation(world, signed_in_client):
    client = signed_in_client(world.partner)
    response = client.post(f"/operations/{world.operation.pk}/activity/",
                           {**day_fields("day", START), "kind": "patrols", "amount": "4"})
    assert response.status_code == 302
    assert Activity.objects.get().agency.name == "Colchester City Council"
    page = client.get(f"/operations/{world.operation.pk}/")
    assert "4 patrols" in page.content.decode()


def test_outsider_agency_gets_404_for_an_operation_it_takes_no_part_in(world, partnership,
                                                                        signed_in_client):
    client = signed_in_client(partnership.user("outsider", "coordinator"))
    for path in (f"/operations/{world.operation.pk}/", f"/operations/{world.operation.pk}/impact/",
                 f"/operations/{world.operation.pk}/result.pdf",
                 f"/api/operations/{world.operation.pk}/"):
        assert client.get(path).status_code == 404, path
    posted = client.post(f"/operations/{world.operation.pk}/activity/",
                         {**day_fields("day", START), "kind": "patrols", "amount": "4"})
    assert posted.status_code == 404 and not Activity.objects.exists()
    assert world.operation.name not in client.get("/operations/").content.decode()
    assert client.get("/api/operations/").json() == []


def test_partner_agency_cannot_change_the_operation_itself(world, signed_in_client):
    client = signed_in_client(world.partner)
    assert client.get(f"/operations/{world.operation.pk}/edit/").status_code == 403
    assert client.post(f"/operations/{world.operation.pk}/comparison/",
                       {"codes": ["N10"]}).status_code == 403


def test_viewer_reads_but_cannot_record(world, partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "viewer"))
    assert client.get(f"/operations/{world.operation.pk}/").status_code == 200
    response = client.post(f"/operations/{world.operation.pk}/activity/",
                           {**day_fields("day", START), "kind": "patrols", "amount": "4"})
    assert response.status_code == 403 and not Activity.objects.exists()


def test_operation_areas_layer_shows_only_the_agencys_operations(world, partnership):
    def layer(user, **params):
        request = RequestFactory().get("/")
        request.user = user
        return features(request, params)["features"]

    seen = layer(world.partner, start="2024-01", end="2024-12")
    assert [f["properties"]["url"] for f in seen] == [f"/operations/{world.operation.pk}/"]
    assert seen[0]["geometry"]["type"] == "Polygon" and "Operation Nightjar" in seen[0]["properties"]["name"]
    assert layer(partnership.user("outsider", "coordinator")) == []
    assert layer(partnership.users["site-admin"]) == []
    assert layer(world.partner, start="2025-01", end="2025-06") == []


def test_api_records_an_operation_led_by_the_callers_agency(areas, partnership, signed_in_client):
    client = signed_in_client(partnership.user("partner", "practitioner"))
    response = client.post("/api/operations/", {
        "name": "Op Lantern", "kind": "street-week", "start": "2025-06-02", "end": "2025-06-09",
        "area_ids": [areas[0].pk]}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "end"
    response = client.post("/api/operations/", {
        "name": "Op Lantern", "kind": "street-week", "start": "2025-06-02", "end": "2025-06-08",
        "area_ids": [areas[0].pk]}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["lead_agency"] == "Colchester City Council"

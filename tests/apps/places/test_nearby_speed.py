"""Finding the incidents near a place reads the incident store through its grid index (a box
on x and y), never the whole table: the query plans, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saferplaces.apps.incidents.models import Area, MapPoint, MapPointArea
from saferplaces.apps.places import nearby
from tests.apps.places.conftest import incident

pytestmark = pytest.mark.django_db

INDEX = "incident_grid_point"


def plan(sql: str) -> str:
    """The database's plan for ``sql`` (on PostgreSQL with table scans priced out, so a plan that
    can use the index does: a handful of test rows would otherwise always be scanned)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


def boxed_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if "incidents_incident" in q["sql"] and '"x" >=' in q["sql"]]


@pytest.mark.parametrize("role", ["practitioner", "coordinator"])
def test_incidents_near_a_place_are_read_through_the_grid_index(partnership, place, role):
    incident("Shoplifting", 10, 0)
    incident("Domestic abuse", 20, 0, victim_ref="V1")
    with CaptureQueriesContext(connection) as queries:
        found = nearby.incidents_near(partnership.user("owner", role), place, distance_m=100)
    assert found.total >= 1
    boxed = boxed_queries(queries)
    assert boxed, "no query asked for a box on the grid"
    for sql in boxed:
        assert INDEX in plan(sql), sql


def test_sensitive_incidents_counted_for_the_lsoa_are_read_through_the_grid_index_too(
        partnership, place):
    lon, lat = place.lon, place.lat
    square = [[lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01],
              [lon - 0.01, lat + 0.01], [lon - 0.01, lat - 0.01]]
    lsoa = Area.objects.create(kind="lsoa", code="E01000001", name="Synthetic 001A",
                               geometry={"type": "Polygon", "coordinates": [square]})
    found = incident("Domestic abuse", 300, 0, victim_ref="V1")
    point = MapPoint.objects.create(lon=found.lon, lat=found.lat)
    MapPointArea.objects.create(point=point, area=lsoa)
    found.point = point
    found.save(update_fields=["point"])
    with CaptureQueriesContext(connection) as queries:
        near = nearby.incidents_near(partnership.user("owner", "practitioner"), place,
                                     distance_m=25)
    assert near.area_name == "Synthetic 001A"
    counted = [sql for sql in boxed_queries(queries) if "incidents_mappointarea" in sql]
    assert counted, "the LSOA's count did not use a box on the grid"
    for sql in counted:
        assert INDEX in plan(sql), sql

"""Migration 0002 turns links stored per incident into links per map point, keeping every
incident in the areas it was in (both databases)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("incidents", "0001_initial")
AFTER = ("incidents", "0002_map_points")

# (id, lon, lat, LSOA code): three at one point, one point with a code, one code only, one nowhere
INCIDENTS = [(1, 0.9, 51.9, ""), (2, 0.9, 51.9, ""), (3, 0.9, 51.9, ""), (4, 0.95, 51.85, "E01021000"),
             (5, None, None, "E01021000"), (6, None, None, "")]
LINKS = [(1, 1), (1, 3), (2, 1), (2, 3), (3, 1), (3, 3), (4, 2), (5, 2)]  # (incident, area)


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def migrate_to_latest() -> None:
    """Leave the database as the other tests expect it: every migration applied."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app: apps built on incidents were unapplied too


def fetch(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def test_links_per_incident_become_links_per_map_point_with_the_same_incidents_in_each_area():
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for area, (kind, code) in enumerate([("custom", "C"), ("lsoa", "E01021000"), ("ward", "W")], 1):
                cursor.execute("INSERT INTO incidents_area (id, kind, code, name, geometry, properties, "
                               "source_file, imported_at) VALUES (%s, %s, %s, %s, '{}', '{}', '', %s)",
                               [area, kind, code, code, "2024-01-01 00:00:00"])
            for incident, lon, lat, code in INCIDENTS:
                cursor.execute("INSERT INTO incidents_incident (id, source, source_ref, category, month, "
                               "occurred, precision, lat, lon, lsoa_code) VALUES "
                               "(%s, 'police-uk', %s, 'Burglary', '2024-05-01', '2024-05-01 00:00:00', "
                               "'month', %s, %s, %s)", [incident, f"r{incident}", lat, lon, code])
            for incident, area in LINKS:
                cursor.execute("INSERT INTO incidents_incidentarea (incident_id, area_id) VALUES (%s, %s)",
                               [incident, area])
        migrate(AFTER)
        points = fetch("SELECT lon, lat, lsoa_code FROM incidents_mappoint")
        assert sorted(points, key=str) == sorted([(0.9, 51.9, ""), (None, None, "E01021000"),
                                                  (0.95, 51.85, "E01021000")], key=str)
        assert len(points) == 3
        assert fetch("SELECT count(DISTINCT point_id) FROM incidents_incident WHERE id <= 3") == [(1,)]
        assert fetch("SELECT point_id FROM incidents_incident WHERE id = 6") == [(None,)]
        assert fetch("SELECT count(*) FROM incidents_mappointarea") == [(4,)]  # one per point and area
        links = fetch("SELECT i.id, l.area_id FROM incidents_incident i JOIN incidents_mappointarea l "
                      "ON l.point_id = i.point_id ORDER BY 1, 2")
        assert links == LINKS
        migrate(BEFORE)  # and back
        assert fetch("SELECT incident_id, area_id FROM incidents_incidentarea ORDER BY 1, 2") == LINKS
    finally:
        migrate_to_latest()

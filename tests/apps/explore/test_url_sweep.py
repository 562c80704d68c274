"""The Explore page, its CSV downloads and charts as each kind of person (columns in
``tests/sweep.py``): every member may count incidents (``incidents.view``), so every signed-in
member gets them; signed-out visitors are sent to sign in."""

from __future__ import annotations

import datetime as dt

import pytest

from saferplaces.apps.incidents.models import Incident, Precision
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'explore/': ('/explore/?first=2024-03&last=2024-03&source=all', "302 200 200 200 200 200 200 200"),
    'explore/<slug:table>.csv': ('/explore/heat.csv?first=2024-03&last=2024-03&source=all', "302 200 200 200 200 200 200 200"),
    'explore/charts/<slug:name>.svg': ('/explore/charts/hours.svg?first=2024-03&last=2024-03&source=all', "302 200 200 200 200 200 200 200"),
}


@pytest.fixture
def objects(db):
    when = dt.datetime(2024, 3, 4, 21, 30, tzinfo=dt.UTC)
    Incident.objects.create(source="council-asb", source_ref="S1", category="Noise nuisance",
                            month=dt.date(2024, 3, 1), occurred=when, precision=Precision.MINUTE)
    return {}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

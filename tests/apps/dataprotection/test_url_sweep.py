"""The data protection pages as each kind of person (columns in ``tests/sweep.py``): exports
need ``cases.view`` (each user gets only their own scope; the outsider an empty list),
retention and subject access ``cases.manage``; the outsider's case manager gets 404 for the
owner's case and person. The exports answer a GET with the redacted file."""

from __future__ import annotations

import pytest

from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'exports/': ('/exports/', "302 200 200 403 200 403 403 403"),
    'exports/cases.csv': ('/exports/cases.csv', "302 200 200 403 200 403 403 403"),
    'exports/cases.xlsx': ('/exports/cases.xlsx', "302 200 200 403 200 403 403 403"),
    'exports/people.csv': ('/exports/people.csv', "302 200 200 403 200 403 403 403"),
    'exports/people.xlsx': ('/exports/people.xlsx', "302 200 200 403 200 403 403 403"),
    'retention/': ('/retention/', "302 200 403 403 200 403 403 403"),
    'retention/<id:pk>/delete/': ('/retention/{case}/delete/', "302 404 403 403 200 403 403 403"),
    'people/<id:pk>/subject-access/': ('/people/{person}/subject-access/',
                                        "302 404 403 403 200 403 403 403"),
}


@pytest.fixture
def objects(world):
    return {"case": world.case.pk, "person": world.subject.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

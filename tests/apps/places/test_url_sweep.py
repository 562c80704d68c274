"""The Places pages and API endpoints as each kind of person (columns in ``tests/sweep.py``).
Places are shared partnership knowledge: every member who may read cases, the outsider's case
manager included, may open one; what it shows of cases follows the cases' own rules."""

from __future__ import annotations

import pytest

from tests.apps.places.conftest import place_at
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'places/': ('/places/', "302 200 200 403 200 403 403 403"),
    'places/new/': ('/places/new/', "302 200 200 403 200 403 403 403"),
    'places/<id:pk>/': ('/places/{place}/', "302 200 200 403 200 403 403 403"),
    'places/<id:pk>/link/': ('/places/{place}/link/', "302 200 200 403 200 403 403 403"),
    'api/places/': ('/api/places/', "401 200 200 403 200 403 403 403"),
    'api/places/<id:pk>/': ('/api/places/{place}/', "401 200 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(partnership):
    return {"place": place_at(partnership.user("owner", "case_manager")).pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)


@pytest.mark.parametrize("path", ["/places/999999/", "/places/999999/link/",
                                  "/api/places/999999/"])
def test_a_place_that_does_not_exist_is_not_found_for_everyone_who_may_read_places(
        path, partnership, signed_in_client):
    for user in ("owner-case_manager", "partner-practitioner", "outsider-case_manager"):
        assert signed_in_client(partnership.users[user]).get(path).status_code == 404

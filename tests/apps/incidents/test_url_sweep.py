"""The incidents API endpoints that no other table covers, as each kind of person (columns in
``tests/sweep.py``): pushing incident rows needs ``incidents.push`` (the owner agency's analyst
here, answered 405 to a GET); everyone else signed in is refused."""

from __future__ import annotations

import pytest

from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'api/incidents/push/': ('/api/incidents/push/', "401 403 403 403 403 405 403 403"),
}


@pytest.fixture
def objects(partnership):
    return {}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

"""The repeat proposals pages as each kind of person (columns in ``tests/sweep.py``): the
proposal is made from the owner agency's records (the local police records it holds), so only
the owner's case managers see it; the outsider's case manager sees its own (empty) queue and gets
404 for the proposal; members without ``cases.manage`` get 403. Accept and dismiss take POST
only (405 to GET once the capability is checked); the API answers as the pages do."""

from __future__ import annotations

import pytest

from tests.apps.repeats.conftest import only, propose
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'repeats/': ('/repeats/', "302 200 403 403 200 403 403 403"),
    'repeats/<id:pk>/': ('/repeats/{proposal}/', "302 404 403 403 200 403 403 403"),
    'repeats/<id:pk>/accept/': ('/repeats/{proposal}/accept/', "302 405 403 403 405 403 403 403"),
    'repeats/<id:pk>/dismiss/': ('/repeats/{proposal}/dismiss/', "302 405 403 403 405 403 403 403"),
    'api/repeats/proposals/': ('/api/repeats/proposals/', "401 200 403 403 200 403 403 403"),
    'api/repeats/proposals/<id:pk>/': ('/api/repeats/proposals/{proposal}/', "401 404 403 403 200 403 403 403"),
    'api/repeats/proposals/<id:pk>/accept/': ('/api/repeats/proposals/{proposal}/accept/', "401 405 403 403 405 403 403 403"),
    'api/repeats/proposals/<id:pk>/dismiss/': ('/api/repeats/proposals/{proposal}/dismiss/', "401 405 403 403 405 403 403 403"),
}


@pytest.fixture
def objects(repeat_victim):
    propose()
    return {"proposal": only(kind="victim").pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

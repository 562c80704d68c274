"""The hidden-harms pages as each kind of person (columns in ``tests/sweep.py``): the public page
is for every partner (and anyone when the public site is on: see test_public_page.py); the
briefing for every partner with ``assessments.view`` (every role), never signed out."""

from __future__ import annotations

import pytest

from tests.apps.hiddenharms.conftest import QUARTER
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'hidden-harms/': ('/hidden-harms/', "302 200 200 200 200 200 200 200"),
    'hidden-harms/briefing/': ('/hidden-harms/briefing/', "302 200 200 200 200 200 200 200"),
    'hidden-harms/^briefing/(?P<quarter>[0-9]{4}-Q[1-4])\\.(?P<fmt>html|pdf)$': (
        f'/hidden-harms/briefing/{QUARTER.key}.html', "302 200 200 200 200 200 200 200"),
}


@pytest.fixture
def objects(partnership):
    return {}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

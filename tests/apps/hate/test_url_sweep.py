"""The hate pages and API endpoints as each kind of person (columns in ``tests/sweep.py``): the
hate case belongs to the owner agency and is shared in full with the partner, so the outsider's
case manager gets 404 for its details; the figures are aggregate, for assessment readers."""

from __future__ import annotations

import pytest

from tests.apps.cases.conftest import share
from tests.apps.hate.conftest import details, hate_case
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'hate/figures/': ('/hate/figures/', "302 200 200 200 200 200 200 200"),
    'hate/cases/<id:pk>/': ('/hate/cases/{case}/', "302 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/hate/': ('/api/cases/{case}/hate/', "401 404 200 403 200 403 403 403"),
    'api/hate/figures/': ('/api/hate/figures/', "401 200 200 200 200 200 200 200"),
}


@pytest.fixture
def objects(partnership):
    manager = partnership.user("owner", "case_manager")
    case = hate_case(manager)
    details(manager, case, strands=("race", "disability"))
    share(case, partnership.partner)
    return {"case": case.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

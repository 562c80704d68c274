"""The recommendation tracking pages as each kind of person (columns in ``tests/sweep.py``; the
Assessments section's older pages are in ``tests/apps/agencies/test_url_sweep.py``).
Recommendations are partnership-wide, as assessments are: every member reads them; only
analysts and co-ordinators change them (the POST-only pages answer their GET with 405)."""

from __future__ import annotations

import pytest

from saferplaces.apps.assessments.models import Recommendation
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'assessments/recommendations/': ('/assessments/recommendations/', "302 200 200 200 200 200 200 200"),
    'assessments/recommendations/<id:pk>/': ('/assessments/recommendations/{recommendation}/', "302 200 200 200 200 200 200 200"),
    'assessments/recommendations/<id:pk>/progress/': ('/assessments/recommendations/{recommendation}/progress/', "302 403 403 403 403 405 403 403"),
    'assessments/recommendations/<id:pk>/edit/': ('/assessments/recommendations/{recommendation}/edit/', "302 403 403 403 403 405 403 403"),
}


@pytest.fixture
def objects(db):
    item = Recommendation.objects.create(finding="theme:violence", text="Fund street marshals",
                                         owner="Town centre partnership")
    return {"recommendation": item.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

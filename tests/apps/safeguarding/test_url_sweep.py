"""The safeguarding pages and API endpoints as each kind of person (columns in ``tests/sweep.py``):
the cases belong to the owner agency and are shared in full with the partner, which runs the
MASH; the outsider gets 404 for every record."""

from __future__ import annotations

import pytest

from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'safeguarding/cases/<id:pk>/concerns/add/': ('/safeguarding/cases/{case}/concerns/add/', "302 404 200 403 200 403 403 403"),
    'safeguarding/concerns/<id:pk>/edit/': ('/safeguarding/concerns/{concern}/edit/', "302 404 200 403 200 403 403 403"),
    'safeguarding/cases/<id:pk>/mash/add/': ('/safeguarding/cases/{case}/mash/add/', "302 404 200 403 200 403 403 403"),
    'safeguarding/mash/<id:pk>/': ('/safeguarding/mash/{mash}/', "302 404 200 403 200 403 403 403"),
    'safeguarding/mash/<id:pk>/edit/': ('/safeguarding/mash/{mash}/edit/', "302 404 200 403 403 403 403 403"),
    'safeguarding/cases/<id:pk>/risk-checklists/add/': ('/safeguarding/cases/{da_case}/risk-checklists/add/', "302 404 200 403 200 403 403 403"),
    'safeguarding/cases/<id:pk>/marac/add/': ('/safeguarding/cases/{da_case}/marac/add/', "302 404 200 403 200 403 403 403"),
    'safeguarding/marac/<id:pk>/edit/': ('/safeguarding/marac/{marac}/edit/', "302 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/mash-referrals/': ('/api/cases/{case}/mash-referrals/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/marac-referrals/': ('/api/cases/{da_case}/marac-referrals/', "401 404 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(world):
    return {"case": world.child_case.pk, "concern": world.concern.pk, "mash": world.mash.pk,
            "da_case": world.da_case.pk, "marac": world.marac.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

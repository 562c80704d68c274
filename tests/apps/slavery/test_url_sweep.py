"""The modern-slavery pages and API endpoints as each kind of person (columns in
``tests/sweep.py``): the case belongs to the owner agency and is shared in full with the
partner, so the outsider's case manager gets 404 for the case's referrals; Duty to Notify
records are each agency's own (an empty list for an agency that made none)."""

from __future__ import annotations

import pytest

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.slavery import services
from tests.apps.cases.conftest import share
from tests.apps.slavery.conftest import REFERRED
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'slavery/cases/<id:pk>/refer/': ('/slavery/cases/{case}/refer/', "302 404 200 403 200 403 403 403"),
    'slavery/referrals/<id:pk>/': ('/slavery/referrals/{referral}/', "302 404 200 403 200 403 403 403"),
    'slavery/duty-to-notify/': ('/slavery/duty-to-notify/', "302 200 200 403 200 403 403 403"),
    'api/cases/<id:pk>/nrm/': ('/api/cases/{case}/nrm/', "401 404 200 403 200 403 403 403"),
    'api/slavery/referrals/<id:pk>/': ('/api/slavery/referrals/{referral}/', "401 404 200 403 200 403 403 403"),
    'api/slavery/duty-to-notify/': ('/api/slavery/duty-to-notify/', "401 200 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(partnership, slavery):
    manager = slavery.manager
    access = get_case_for_user(manager, slavery.case.pk)
    referral = services.refer(access, manager, party_id=slavery.child.pk, first_responder="police",
                              referred_on=REFERRED, exploitation_types=["criminal"], consented=None)
    services.refer(access, manager, party_id=slavery.adult.pk, first_responder="police",
                   referred_on=REFERRED, exploitation_types=["labour"], consented=False)
    share(slavery.case, partnership.partner)
    return {"case": slavery.case.pk, "referral": referral.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

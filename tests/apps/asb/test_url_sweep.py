"""The repeat-ASB pages and API endpoints as each kind of person (columns in ``tests/sweep.py``):
the case belongs to the owner agency and is shared in full with the partner, so the outsider's
case manager gets 404 for every page and endpoint; members without ``cases.view`` 403."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions, risk
from saferplaces.apps.cases.access import get_case_for_user
from tests.apps.asb.conftest import MEDIUM
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'cases/<id:pk>/risk/<id:party_pk>/': ('/cases/{case}/risk/{party}/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/risk/<id:party_pk>/assess/': ('/cases/{case}/risk/{party}/assess/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/actions/record/<slug:kind>/': ('/cases/{case}/actions/record/cpn/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/actions/<id:action_pk>/': ('/cases/{case}/actions/{action}/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/actions/<id:action_pk>/breach/': ('/cases/{case}/actions/{action}/breach/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/actions/<id:action_pk>/correct/': ('/cases/{case}/actions/{action}/correct/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/actions/<id:action_pk>/breaches/<id:breach_pk>/correct/': ('/cases/{case}/actions/{action}/breaches/{breach}/correct/', "302 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/risk-assessments/': ('/api/cases/{case}/risk-assessments/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/asb-actions/': ('/api/cases/{case}/asb-actions/', "401 404 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(asb):
    access = get_case_for_user(asb.manager, asb.case.pk)
    risk.assess_person(access, asb.manager, person_id=asb.victim.pk, answers=MEDIUM)
    cpw = actions.record_action(access, asb.manager, kind="cpw", agency=asb.case.owner_agency,
                                officer="PC 1234 Example", person_id=asb.perpetrator.pk,
                                on=timezone.localdate(),
                                comply_by=timezone.localdate() + datetime.timedelta(days=14))
    breach = actions.add_breach(access, asb.manager, cpw, version=1, breach=actions.BreachInput(
        on=timezone.localdate(), description="Music after the warning"))
    return {"case": asb.case.pk, "party": asb.party(asb.victim), "action": cpw.pk,
            "breach": breach.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)

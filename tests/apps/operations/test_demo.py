"""The demo builder makes the planted operation of ``ground_truth.json`` with its activity and
legacy, past and planned Street Weeks, through the services, once."""

from __future__ import annotations

import datetime
import json

from django.contrib.auth import get_user_model

from saferplaces.apps.agencies.models import Membership
from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.operations.models import Kind, Operation
from saferplaces.commands.demo_cases import DEMO_OFFICERS
from saferplaces.commands.demo_operations import make
from tests.apps.operations.conftest import END, START, TARGETS, TREATED

TODAY = datetime.date(2025, 1, 15)


def test_demo_makes_the_planted_operation_and_street_weeks_once(town, partnership, tmp_path):
    for key, agency in (("police", partnership.owner), ("council", partnership.partner)):
        user = get_user_model().objects.create_user(DEMO_OFFICERS[key])
        Membership.objects.create(user=user, agency=agency, role="case_manager")
    (tmp_path / "ground_truth.json").write_text(json.dumps({
        "period": {"last_day": "2024-12-31"},
        "operation": {"name": "Operation Nightjar", "start": START.isoformat(),
                      "end": END.isoformat(), "neighbourhood_code": TREATED,
                      "categories": list(TARGETS)}}))
    made = make(tmp_path, today=TODAY)
    assert made.operations == 4 and not made.already_present
    planted = Operation.objects.get(name="Operation Nightjar")
    assert planted.lead_agency == partnership.owner and planted.activities.exists()
    assert [a.code for a in planted.areas.all()] == [TREATED]
    weeks = Operation.objects.filter(kind=Kind.STREET_WEEK).order_by("start")
    assert [(w.end - w.start).days for w in weeks] == [6, 6, 6]
    assert [w.start > TODAY for w in weeks] == [False, False, True]
    assert StreetWeek.objects.count() == 3
    assert str(make(tmp_path, today=TODAY)) == "Demo operations already present: nothing added."
    assert Operation.objects.count() == 4

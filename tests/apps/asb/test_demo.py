"""The demo's ASB work, made through the services on the demo's repeat-ASB cases: risk
assessments (one high, with its alert and contact task), and on the first case the ladder
warning letter → Community Protection Warning → Notice, breached with a £100 fixed penalty;
a second run adds nothing. The figures count them in aggregate."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from saferplaces.apps.asb.figures import figures
from saferplaces.apps.asb.models import AsbAction, Breach, RiskAssessment
from saferplaces.apps.cases.models import Task
from saferplaces.commands import demo_asb
from saferplaces.commands.demo_cases import make_demo_cases
from saferplaces.commands.demo_people import make_demo_people
from saferplaces.demo import generate_town


def test_demo_risk_assessments_and_the_ladder_of_actions_are_made_once(db, tmp_path):
    town = tmp_path / "town"
    generate_town(town, seed=1, months=13, scale=0.05)
    make_demo_people(two_factor=False)
    make_demo_cases(town)
    made = demo_asb.make(town)
    assert made.high == 1 and made.assessments >= 3 and made.breaches == 1
    high = RiskAssessment.objects.get(band="high")
    assert high.supersedes is not None and high.supersedes.band == "medium"
    assert high.contact_task == Task.objects.get(title="Contact the victim")
    ladder = list(AsbAction.objects.filter(case=high.case).order_by("on")
                  .values_list("kind", flat=True))
    assert ladder == ["warning-letter", "cpw", "cpn"]
    assert Breach.objects.get().penalty_amount == Decimal("100")
    assert AsbAction.objects.filter(kind="abc", review_task__isnull=False).count() == 1
    assert str(made).startswith("Demo ASB work made")
    today = timezone.localdate()
    year = figures(today - datetime.timedelta(days=365), today)  # in aggregate only
    assert year["risk_high"] == 1 and year["action_cpn"] == year["action_cpw"] == 1
    assert (year["breaches"], year["fixed_penalties"]) == (1, 1)
    earlier = figures(today - datetime.timedelta(days=700), today - datetime.timedelta(days=400))
    assert earlier["action_warning_letter"] == earlier["breaches"] == 0
    again = demo_asb.make(town)
    assert again.already_present and RiskAssessment.objects.count() == made.assessments


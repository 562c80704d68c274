"""The demo's hate details and NRM referrals, made through the services on the demo cases: the
hate cases get strands and perception (one a non-crime hate incident with its ground); the
modern-slavery case gets referrals for the child (no consent) and the consenting adult, each
with a positive reasonable-grounds decision and a recovery period, and one anonymous Duty to
Notify record; a second run adds nothing."""

from __future__ import annotations

from saferplaces.apps.cases.models import Case
from saferplaces.apps.hate.models import HateDetails
from saferplaces.apps.slavery.models import DutyToNotify, NrmReferral
from saferplaces.apps.slavery.services import progress
from saferplaces.commands import demo_hate, demo_slavery
from saferplaces.commands.demo_cases import make_demo_cases
from saferplaces.commands.demo_people import make_demo_people
from saferplaces.demo import generate_town


def test_demo_hate_cases_and_nrm_referrals_are_made_once(db, tmp_path):
    town = tmp_path / "town"
    generate_town(town, seed=1, months=13, scale=0.05)
    make_demo_people(two_factor=False)
    make_demo_cases(town)
    hate_cases = Case.objects.filter(case_type="hate").count()
    assert hate_cases >= 1 and demo_hate.make(town).recorded == hate_cases
    assert HateDetails.objects.count() == hate_cases
    assert all(d.strands and d.perceived_by for d in HateDetails.objects.all())
    made = demo_slavery.make(town)
    assert (made.referrals, made.notices) == (2, 1)
    referrals = list(NrmReferral.objects.order_by("child"))
    assert [(r.child, r.consented) for r in referrals] == [(False, True), (True, False)]
    for referral in referrals:
        assert referral.rg_positive and progress(referral, referral.referred_on).recovery_period_ends
    assert DutyToNotify.objects.count() == 1
    assert demo_hate.make(town).recorded == 0 and demo_slavery.make(town).referrals == 0
    assert DutyToNotify.objects.count() == 1 and NrmReferral.objects.count() == 2

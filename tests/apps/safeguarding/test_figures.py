"""The safeguarding figures for the strategic assessment count in aggregate only: concerns by
child or adult and exploitation type, MASH referrals by screening, MARAC referrals and repeats."""

from __future__ import annotations

import datetime

from django.utils import timezone

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.safeguarding import services
from saferplaces.apps.safeguarding.figures import figures
from tests.apps.safeguarding.conftest import da_case


def test_figures_count_concerns_referrals_and_repeat_marac_referrals(world):
    manager = world.user("owner-case_manager")
    second = da_case(manager, world.victim, world.perpetrator)
    services.refer_to_marac(get_case_for_user(manager, second.pk), manager,
                            victim_id=world.victim.pk, referred_on=timezone.localdate())
    counts = figures(datetime.date(2026, 1, 1), max(timezone.localdate(), datetime.date(2026, 12, 31)))
    assert counts["concerns"] == counts["concerns_child"] == 1
    assert counts["concerns_child-criminal-exploitation"] == 1 and counts["concerns_cuckooing"] == 0
    assert counts["mash_referrals"] == counts["mash_referrals_unscreened"] == 1
    assert counts["marac_referrals"] == 2
    assert counts["marac_repeat_referrals"] == 1
    assert all(isinstance(value, int) for value in counts.values())

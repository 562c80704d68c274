"""MARAC: referral at the configured 'visible high risk' threshold (default 14 yes answers,
SafeLives), potential escalation and professional judgement; a repeat MARAC case is any new
incident between the same victim and perpetrator within 12 months of the last referral."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.law import overlay, shipped
from saferplaces.casework.marac import (
    MaracIncident,
    MaracReferral,
    referral_decision,
    repeat_marac,
)

DAY = datetime.date(2026, 3, 10)
REFERRAL = MaracReferral(datetime.date(2025, 3, 10), victim="V1", perpetrators=frozenset({"P1"}))


def incident(day: datetime.date, victim: str = "V1", perpetrator: str = "P1") -> MaracIncident:
    return MaracIncident(day, victim, frozenset({perpetrator}))


def test_fourteen_yes_answers_is_visible_high_risk_and_thirteen_is_not():
    assert referral_decision(yes_answers=14, on=DAY).criteria == ("visible-high-risk",)
    assert not referral_decision(yes_answers=13, on=DAY).refer


def test_three_police_callouts_or_professional_judgement_refer_below_the_threshold():
    assert referral_decision(yes_answers=5, police_callouts=3, on=DAY).criteria == (
        "potential-escalation",)
    judged = referral_decision(yes_answers=5, on=DAY,
                               professional_judgement="Recent separation, threats to kill")
    assert judged.refer and judged.criteria == ("professional-judgement",)


def test_more_yes_answers_than_checklist_questions_is_refused():
    with pytest.raises(ValueError, match="marac.checklist_questions"):
        referral_decision(yes_answers=25, on=DAY)


def test_the_threshold_is_local_configuration(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('''
[[rules."marac.referral_threshold".values]]
from = 2026-01-01
value = 12
source = "Colchester MARAC operating protocol 2026"
''', encoding="utf-8")
    rules = overlay(shipped(), local)
    assert referral_decision(yes_answers=12, on=DAY, rules=rules).refer
    assert not referral_decision(yes_answers=12, on=datetime.date(2025, 12, 31), rules=rules).refer


def test_repeat_marac_within_twelve_months():
    assert repeat_marac([REFERRAL], incident(datetime.date(2025, 11, 2)))


def test_an_incident_on_the_anniversary_of_the_referral_is_still_a_repeat():
    assert repeat_marac([REFERRAL], incident(datetime.date(2026, 3, 10)))
    assert not repeat_marac([REFERRAL], incident(datetime.date(2026, 3, 11)))


def test_twelve_months_from_the_29th_of_february_ends_on_the_28th():
    leap = MaracReferral(datetime.date(2028, 2, 29), "V1", frozenset({"P1"}))
    assert repeat_marac([leap], incident(datetime.date(2029, 2, 28)))
    assert not repeat_marac([leap], incident(datetime.date(2029, 3, 1)))


def test_the_window_runs_from_the_latest_referral():
    later = MaracReferral(datetime.date(2026, 1, 5), "V1", frozenset({"P1"}))
    assert repeat_marac([REFERRAL, later], incident(datetime.date(2026, 12, 1)))


def test_a_repeat_needs_the_same_victim_and_perpetrator():
    assert not repeat_marac([REFERRAL], incident(datetime.date(2025, 6, 1), perpetrator="P2"))
    assert not repeat_marac([REFERRAL], incident(datetime.date(2025, 6, 1), victim="V2"))


def test_the_incident_on_the_day_of_the_referral_is_the_one_referred():
    assert not repeat_marac([REFERRAL], incident(datetime.date(2025, 3, 10)))

"""The ASB victim risk assessment: a questionnaire as data, scored into standard / medium / high,
missing answers refused, a high result alerting and setting contact within 1 working day,
re-assessment dates and history from configuration."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.law import overlay, shipped
from saferplaces.casework.questionnaire import (
    QUESTIONNAIRE_DIR,
    QuestionnaireError,
    load_questionnaire,
    shipped_questionnaire,
)
from saferplaces.casework.risk import AnswerError, assess, compare, history

Q = shipped_questionnaire("asb-victim-risk")
CHRISTMAS_EVE = datetime.date(2026, 12, 24)   # a Thursday

LOW = {"health": "no", "support": "no", "daily-life": "not-at-all", "self-harm": "no",
       "at-home": "no", "targeted": "no", "hostility": "no", "perpetrator-nearby": "no",
       "avoidance": "no", "frequency": "less-than-monthly", "duration": "under-a-month",
       "violence": "none", "reported-before": "no"}
MEDIUM = LOW | {"health": "yes", "at-home": "yes", "targeted": "yes", "frequency": "weekly",
                "duration": "over-six-months", "reported-before": "once"}            # 12
HIGH = MEDIUM | {"hostility": "yes", "avoidance": "yes", "daily-life": "a-lot",
                 "reported-before": "twice-or-more", "perpetrator-nearby": "yes"}      # 23


def test_the_shipped_assessment_says_it_is_this_projects_own_not_an_official_form():
    assert "not an official" in Q.questionnaire.origin
    assert [s.key for s in Q.sections] == ["personal", "situational", "incidental"]
    assert [b.key for b in Q.bands] == ["standard", "medium", "high"]


def test_scores_fall_into_standard_medium_and_high_bands():
    day = datetime.date(2026, 3, 2)
    assert assess(Q, LOW, on=day).band == "standard"
    medium = assess(Q, MEDIUM, on=day)
    assert (medium.score, medium.band) == (12, "medium")
    high = assess(Q, HIGH, on=day)
    assert (high.score, high.band) == (23, "high")
    assert high.section_scores == {"personal": 6, "situational": 11, "incidental": 6}


def test_a_high_result_alerts_and_sets_contact_within_one_working_day():
    high = assess(Q, HIGH, on=CHRISTMAS_EVE)
    assert high.alert
    assert high.contact_by == datetime.date(2026, 12, 29)   # Christmas, weekend, Boxing Day moved
    assert not assess(Q, LOW, on=CHRISTMAS_EVE).alert


def test_a_missing_answer_is_refused_not_scored_as_zero():
    answers = dict(LOW)
    del answers["violence"]
    with pytest.raises(AnswerError, match="unanswered .*violence"):
        assess(Q, answers, on=CHRISTMAS_EVE)


def test_an_unknown_option_is_refused_naming_the_question():
    with pytest.raises(AnswerError, match="frequency: 'hourly' is not one of"):
        assess(Q, LOW | {"frequency": "hourly"}, on=CHRISTMAS_EVE)


def test_violence_alone_makes_the_risk_high_whatever_the_total():
    result = assess(Q, LOW | {"violence": "violence"}, on=CHRISTMAS_EVE)
    assert (result.score, result.band, result.set_by) == (5, "high", ("violence",))


def test_professional_judgement_raises_the_band_with_a_reason_but_never_lowers_it():
    raised = assess(Q, LOW, on=CHRISTMAS_EVE, raise_to="medium", reason="Victim is a carer, isolated")
    assert raised.band == "medium" and raised.judgement_reason
    with pytest.raises(AnswerError, match="reason"):
        assess(Q, LOW, on=CHRISTMAS_EVE, raise_to="medium")
    with pytest.raises(AnswerError, match="never lower"):
        assess(Q, HIGH, on=CHRISTMAS_EVE, raise_to="standard", reason="Feels fine now")


def test_reassessment_date_comes_from_the_band_rule_in_force(tmp_path: Path):
    day = datetime.date(2026, 3, 2)
    assert assess(Q, HIGH, on=day).reassess_on == datetime.date(2026, 3, 9)
    assert assess(Q, LOW, on=day).reassess_on == datetime.date(2026, 3, 30)
    local = tmp_path / "local.toml"
    local.write_text('''
[[rules."risk.asb_victim.high.contact_working_days".values]]
from = 2026-03-01
value = 0
source = "Partnership victim policy 2026: same-day contact"
''', encoding="utf-8")
    assert assess(Q, HIGH, on=day, rules=overlay(shipped(), local)).contact_by == day


def test_history_shows_risk_going_up_then_down():
    first = assess(Q, LOW, on=datetime.date(2026, 1, 5))
    second = assess(Q, HIGH, on=datetime.date(2026, 2, 2))
    third = assess(Q, MEDIUM, on=datetime.date(2026, 3, 2))
    changes = history([third, first, second], Q)
    assert [(c.band, c.score, c.score_change) for c in changes] == [
        ("up", "up", 23), ("down", "down", -11)]


def test_scores_of_different_questionnaire_versions_are_not_compared():
    old = assess(Q, LOW, on=datetime.date(2026, 1, 5))
    newer = Q.model_copy(update={"questionnaire": Q.questionnaire.model_copy(
        update={"version": "2027.1"})})
    change = compare(old, assess(newer, HIGH, on=datetime.date(2027, 1, 5)), Q)
    assert (change.band, change.score, change.score_change) == ("up", None, None)


def copy_shipped(tmp_path: Path, old: str, new: str) -> Path:
    text = (QUESTIONNAIRE_DIR / "asb-victim-risk.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mine.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_band_naming_an_undefined_rule_is_refused_naming_file_and_key(tmp_path: Path):
    path = copy_shipped(tmp_path, '"risk.asb_victim.high.reassess_days"', '"risk.nope"')
    with pytest.raises(QuestionnaireError, match=r"mine.toml: bands.2.reassess_rule: .*'risk.nope'"):
        load_questionnaire(path)


def test_a_negative_weight_is_refused_naming_file_and_key(tmp_path: Path):
    path = copy_shipped(tmp_path, 'label = "Yes", weight = 3', 'label = "Yes", weight = -3')
    with pytest.raises(QuestionnaireError, match=r"mine.toml: sections.0.questions.0.options.0.weight"):
        load_questionnaire(path)


def test_an_answer_setting_an_unknown_band_is_refused(tmp_path: Path):
    path = copy_shipped(tmp_path, 'sets_band = "high"', 'sets_band = "severe"')
    with pytest.raises(QuestionnaireError, match="sets_band: no band 'severe'"):
        load_questionnaire(path)

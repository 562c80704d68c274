"""MASH referrals: child or adult from the date of birth at the date of the concern, exploitation
types as configuration, RAG response targets in working hours over bank holidays, the one working
day decision for children (Working Together 2023)."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.casework.mash import screen
from saferplaces.casework.refusals import Refused
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.casework.workingtime import LONDON

CHILD_DOB = datetime.date(2010, 6, 1)


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=LONDON)


def referral(**changes):
    fields = dict(received_at=at(2026, 5, 22, 15, 0), concern_on=datetime.date(2026, 5, 21),
                  date_of_birth=CHILD_DOB, rag="red",
                  exploitation_types=("child-criminal-exploitation",))
    return screen(**(fields | changes))


def test_mash_red_referral_overdue_after_four_working_hours_over_a_bank_holiday():
    # Friday 22 May 2026, 15:00: two hours that day; Monday 25 May is the spring bank holiday.
    red = referral()
    assert red.response_due_at == at(2026, 5, 26, 11, 0)
    assert not red.is_overdue(at(2026, 5, 25, 16, 0))      # bank holiday: the clock is stopped
    assert not red.is_overdue(at(2026, 5, 26, 11, 0))
    assert red.is_overdue(at(2026, 5, 26, 11, 1))


def test_an_answered_referral_is_not_overdue_but_a_late_answer_is_shown():
    on_time = referral(responded_at=at(2026, 5, 26, 10, 0), outcome="section-47-enquiry")
    assert not on_time.is_overdue(at(2026, 6, 1, 9, 0)) and not on_time.answered_late()
    assert referral(responded_at=at(2026, 5, 26, 12, 0)).answered_late()


@pytest.mark.parametrize("rag, due", [
    ("amber", at(2026, 5, 28, 15, 0)),    # 24 working hours: Fri 2, Tue 8, Wed 8, Thu 6
    ("green", at(2026, 6, 5, 15, 0)),     # 72: Fri 2, Tue-Fri 32, next Mon-Thu 32, Fri 6
])
def test_amber_and_green_targets_count_working_hours(rag, due):
    assert referral(rag=rag).response_due_at == due


def test_child_or_adult_is_decided_at_the_date_of_the_concern():
    # Turns 18 on 1 June 2028: concern on 30 May (a child), referral on 2 June.
    turning = referral(concern_on=datetime.date(2028, 5, 30), received_at=at(2028, 6, 2, 10, 0),
                       date_of_birth=datetime.date(2010, 6, 1))
    assert turning.child
    adult = referral(concern_on=datetime.date(2028, 6, 1), received_at=at(2028, 6, 2, 10, 0),
                     date_of_birth=datetime.date(2010, 6, 1), exploitation_types=("cuckooing",))
    assert not adult.child and adult.decision_due_on is None


def test_a_child_referral_needs_a_decision_within_one_working_day():
    assert referral().decision_due_on == datetime.date(2026, 5, 26)


def test_child_criminal_exploitation_is_refused_for_an_adult():
    with pytest.raises(Refused, match="does not apply to an adult"):
        referral(date_of_birth=datetime.date(1990, 1, 1))


def test_a_care_act_enquiry_is_refused_as_the_outcome_for_a_child():
    with pytest.raises(Refused, match="Care Act 2014 s.42.*does not apply to a child"):
        referral(outcome="care-act-enquiry")


def test_exploitation_types_are_configuration_and_unknown_ones_are_refused():
    assert vocabulary("exploitation_types").keys() == (
        "child-criminal-exploitation", "child-sexual-exploitation", "cuckooing", "modern-slavery",
        "domestic-abuse", "other")
    with pytest.raises(Refused, match="'gangs' is not one of"):
        referral(exploitation_types=("gangs",))


def test_a_strategy_discussion_before_receipt_is_refused():
    with pytest.raises(Refused, match="strategy discussion cannot be before"):
        referral(strategy_discussion_at=at(2026, 5, 22, 14, 0))


def test_a_concern_dated_after_receipt_is_refused():
    with pytest.raises(Refused, match="concern cannot be dated after"):
        referral(concern_on=datetime.date(2026, 5, 23))

"""A MASH referral before screening: the dates, child or adult at the concern and the exploitation
types are checked on receipt, and a child's referral needs a decision within one working day
(Working Together 2023) whatever its RAG rating will be."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.casework.mash import receive, screen
from saferplaces.casework.refusals import Refused
from saferplaces.casework.workingtime import LONDON

FRIDAY_BEFORE_SPRING_BANK_HOLIDAY = datetime.datetime(2026, 5, 22, 15, 0, tzinfo=LONDON)


def test_a_child_referral_received_before_a_bank_holiday_needs_a_decision_the_next_working_day():
    receipt = receive(received_at=FRIDAY_BEFORE_SPRING_BANK_HOLIDAY,
                      concern_on=datetime.date(2026, 5, 21), date_of_birth=datetime.date(2010, 6, 1),
                      exploitation_types=("child-criminal-exploitation",))
    assert receipt.child and receipt.decision_due_on == datetime.date(2026, 5, 26)


def test_an_adult_referral_has_no_childrens_decision_date():
    receipt = receive(received_at=FRIDAY_BEFORE_SPRING_BANK_HOLIDAY,
                      concern_on=datetime.date(2026, 5, 21), date_of_birth=datetime.date(1970, 1, 1),
                      exploitation_types=("cuckooing",))
    assert not receipt.child and receipt.decision_due_on is None


def test_a_referral_with_no_exploitation_type_is_refused_on_receipt():
    with pytest.raises(Refused, match="at least one exploitation type"):
        receive(received_at=FRIDAY_BEFORE_SPRING_BANK_HOLIDAY, concern_on=datetime.date(2026, 5, 21),
                date_of_birth=datetime.date(1970, 1, 1), exploitation_types=())


def test_screening_applies_the_same_rules_as_receipt():
    with pytest.raises(Refused, match="does not apply to an adult"):
        screen(received_at=FRIDAY_BEFORE_SPRING_BANK_HOLIDAY, concern_on=datetime.date(2026, 5, 21),
               date_of_birth=datetime.date(1970, 1, 1), rag="amber",
               exploitation_types=("child-sexual-exploitation",))


def test_a_concern_about_an_adult_cannot_be_child_sexual_exploitation():
    from saferplaces.casework.mash import check_exploitation_types

    check_exploitation_types(("child-sexual-exploitation", "other"), child=True)
    with pytest.raises(Refused, match="does not apply to an adult"):
        check_exploitation_types(("child-sexual-exploitation",), child=False)

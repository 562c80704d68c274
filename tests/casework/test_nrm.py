"""NRM referrals: a first responder organisation, children without consent, adults only with
consent (otherwise a Duty to Notify record with no identifiers), the reasonable-grounds decision
targeted within 5 working days, a recovery period of at least 30 days, decisions in order."""

from __future__ import annotations

import datetime

import pytest
from pydantic import ValidationError

from saferplaces.casework.nrm import Decision, DutyToNotify, NrmReferral, refer
from saferplaces.casework.refusals import Refused

REFERRED = datetime.date(2026, 12, 21)     # Monday before Christmas


def nrm(**changes):
    fields = dict(referred_on=REFERRED, first_responder="police", name="Alex Example",
                  date_of_birth=datetime.date(2010, 4, 1), exploitation_types=("criminal",),
                  consented=False)
    return refer(**(fields | changes))


def test_a_child_is_referred_without_consent():
    referral = nrm()
    assert isinstance(referral, NrmReferral) and referral.child and not referral.consented


def test_adult_declining_nrm_becomes_duty_to_notify_without_identifiers():
    record = nrm(date_of_birth=datetime.date(1990, 4, 1), exploitation_types=("labour",))
    assert isinstance(record, DutyToNotify)
    assert record.statutory and record.age_group == "adult"
    stored = record.model_dump_json()
    assert "Alex" not in stored and "1990" not in stored
    assert not {"name", "date_of_birth", "address"} & set(DutyToNotify.model_fields)
    for identifier in ({"name": "Alex Example"}, {"date_of_birth": datetime.date(1990, 4, 1)},
                       {"address": "1 High Street"}):
        with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
            DutyToNotify(notified_on=REFERRED, organisation="police",
                         exploitation_types=("labour",), statutory=True, **identifier)


def test_an_adult_who_consents_is_referred():
    referral = nrm(date_of_birth=datetime.date(1990, 4, 1), consented=True)
    assert isinstance(referral, NrmReferral) and not referral.child


def test_a_person_believed_to_be_a_child_is_referred_as_a_child_without_a_date_of_birth():
    referral = nrm(date_of_birth=None, believed_child=True)
    assert isinstance(referral, NrmReferral) and referral.child


def test_a_charity_first_responder_notifies_but_is_not_under_the_statutory_duty():
    record = nrm(first_responder="salvation-army", date_of_birth=datetime.date(1990, 4, 1))
    assert isinstance(record, DutyToNotify) and not record.statutory


def test_an_organisation_that_is_not_a_first_responder_is_refused():
    with pytest.raises(Refused, match="not a first responder"):
        nrm(first_responder="a-school")


def test_reasonable_grounds_target_is_five_working_days_over_christmas():
    referral = nrm()
    # Monday 21 December: Tue, Wed, Thu, then Christmas, the weekend and Boxing Day moved to
    # Monday 28th, then Tue 29th and Wed 30th.
    assert referral.reasonable_grounds_due_on() == datetime.date(2026, 12, 30)
    assert not referral.reasonable_grounds_overdue(datetime.date(2026, 12, 30))
    assert referral.reasonable_grounds_overdue(datetime.date(2026, 12, 31))
    decided = nrm(reasonable_grounds=Decision(decided_on=datetime.date(2026, 12, 23), positive=True))
    assert not decided.reasonable_grounds_overdue(datetime.date(2027, 2, 1))


def test_the_recovery_period_lasts_at_least_thirty_days_and_until_the_conclusive_decision():
    rg = Decision(decided_on=datetime.date(2027, 1, 4), positive=True)
    assert nrm(reasonable_grounds=rg).recovery_period_ends() == datetime.date(2027, 2, 2)
    cg = Decision(decided_on=datetime.date(2027, 6, 1), positive=True)
    assert nrm(reasonable_grounds=rg, conclusive_grounds=cg).recovery_period_ends() == cg.decided_on
    negative = Decision(decided_on=datetime.date(2027, 1, 4), positive=False)
    assert nrm(reasonable_grounds=negative).recovery_period_ends() is None


def test_the_conclusive_decision_cannot_precede_the_reasonable_grounds_decision():
    with pytest.raises(Refused, match="cannot precede the reasonable-grounds"):
        nrm(reasonable_grounds=Decision(decided_on=datetime.date(2027, 1, 4), positive=True),
            conclusive_grounds=Decision(decided_on=datetime.date(2027, 1, 3), positive=True))


def test_a_conclusive_decision_needs_a_positive_reasonable_grounds_decision():
    with pytest.raises(Refused, match="follows a positive"):
        nrm(conclusive_grounds=Decision(decided_on=datetime.date(2027, 3, 1), positive=True))


def test_the_reasonable_grounds_decision_cannot_precede_the_referral():
    with pytest.raises(Refused, match="cannot precede the referral"):
        nrm(reasonable_grounds=Decision(decided_on=datetime.date(2026, 12, 20), positive=True))


def test_support_outcome_follows_a_decision_and_suits_the_age():
    rg = Decision(decided_on=datetime.date(2026, 12, 23), positive=True)
    assert nrm(reasonable_grounds=rg, support_outcome="childrens-services").support_outcome
    with pytest.raises(Refused, match="follows a decision"):
        nrm(support_outcome="childrens-services")
    with pytest.raises(Refused, match="does not apply to a child"):
        nrm(reasonable_grounds=rg, support_outcome="victim-care-contract")

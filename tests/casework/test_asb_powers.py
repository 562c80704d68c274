"""The 2014 Act powers: each action is refused, with the rule and its source, when it breaks the
Act's rules or local practice, judged by the law in force on its day."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from saferplaces.casework.asb_actions import (
    AcceptableBehaviourContract,
    CivilInjunction,
    ClosureNotice,
    ClosureOrder,
    ClosureOrderExtension,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CriminalBehaviourOrder,
    DispersalAuthorisation,
    DispersalDirection,
    FixedPenaltyNotice,
    Party,
    WarningLetter,
)
from saferplaces.casework.asb_powers import Key, refuse_unlawful, validate
from saferplaces.casework.case_review import Key as CaseReviewKey
from saferplaces.casework.law import LAW_DIR, load_rules, overlay, shipped
from saferplaces.casework.refusals import Refused

D = datetime.date
T = datetime.datetime
TODAY = D(2026, 11, 29)
ADULT = Party("P-1", born=D(1990, 5, 1))
SHOP = Party("B-1", kind="body")
FLAT = Party("PR-1", kind="premises")
PARK = Party("L-1", kind="locality")
WARNED_ON, COMPLY_BY, BREACH_ON = D(2026, 9, 1), D(2026, 9, 29), D(2026, 11, 20)
NOTICE_AT = T(2026, 3, 2, 10)


def keys(refusals):
    return [r.rule for r in refusals]


def warning(party=ADULT, on=WARNED_ON, comply_by=COMPLY_BY):
    return CommunityProtectionWarning(party=party, on=on, comply_by=comply_by)


# --- Community Protection Warning, Notice and fixed penalty ------------------------------------

def test_cpn_refused_without_prior_written_warning():
    refusals = validate(CommunityProtectionNotice(party=ADULT, on=TODAY), [])
    assert [r.message for r in refusals] == [
        "A Community Protection Notice needs a written warning first (2014 Act s.43(5)(a)): "
        "none is recorded for this person."]
    assert refusals[0].rule == "cpn.written_warning_first"
    assert refusals[0].source == "Anti-social Behaviour, Crime and Policing Act 2014 s.43(5)(a)"


def test_cpn_allowed_after_a_written_warning_and_the_time_to_comply():
    assert validate(CommunityProtectionNotice(party=ADULT, on=TODAY), [warning()]) == []


def test_a_warning_letter_or_another_persons_warning_is_not_the_written_warning():
    history = [WarningLetter(party=ADULT, on=D(2026, 9, 1)), warning(party=Party("P-2"))]
    assert keys(validate(CommunityProtectionNotice(party=ADULT, on=TODAY), history)) == [
        "cpn.written_warning_first"]


def test_cpn_refused_until_the_time_to_comply_given_in_the_warning_has_passed():
    history = [warning(comply_by=D(2026, 9, 29))]
    on_the_day = validate(CommunityProtectionNotice(party=ADULT, on=D(2026, 9, 29)), history)
    assert keys(on_the_day) == ["cpn.time_to_comply"]
    assert "gave until 29 September 2026" in on_the_day[0].message
    assert validate(CommunityProtectionNotice(party=ADULT, on=D(2026, 9, 30)), history) == []


def test_cpn_allowed_on_the_16th_birthday_and_refused_the_day_before():
    teen = Party("P-3", born=D(2010, 11, 29))
    history = [warning(party=teen)]
    assert validate(CommunityProtectionNotice(party=teen, on=D(2026, 11, 29)), history) == []
    day_before = validate(CommunityProtectionNotice(party=teen, on=D(2026, 11, 28)), history)
    assert keys(day_before) == ["cpn.min_age"]
    assert "this person is 15 on 28 November 2026" in day_before[0].message


def test_cpn_age_rule_refused_with_date_of_birth_needed_when_it_is_unknown():
    unknown = Party("P-4")
    refusals = validate(CommunityProtectionNotice(party=unknown, on=TODAY), [warning(unknown)])
    assert keys(refusals) == ["cpn.min_age"]
    assert "date of birth needed" in refusals[0].message


def test_cpn_to_a_body_needs_no_date_of_birth():
    assert validate(CommunityProtectionNotice(party=SHOP, on=TODAY), [warning(SHOP)]) == []


def test_a_warning_must_give_time_to_comply():
    assert keys(validate(warning(comply_by=D(2026, 9, 1)))) == ["cpn.time_to_comply"]


def penalty(amount, breach_on=BREACH_ON, on=TODAY, party=ADULT):
    return FixedPenaltyNotice(party=party, on=on, breach_on=breach_on, amount=Decimal(amount))


def notice_history(party=ADULT):
    return [warning(party), CommunityProtectionNotice(party=party, on=D(2026, 10, 5))]


def test_fixed_penalty_of_150_pounds_refused_today():
    refusals = validate(penalty(150), notice_history())
    assert keys(refusals) == ["cpn.fixed_penalty_max"]
    assert refusals[0].message.startswith(
        "A Community Protection Notice fixed penalty is at most £100 (2014 Act s.52(7)): £150")
    assert validate(penalty(100), notice_history()) == []


def test_the_planned_500_pound_maximum_is_shown_but_not_applied():
    assert [v.value for v in shipped()["cpn.fixed_penalty_max"].planned()] == [500]
    assert keys(validate(penalty(500, breach_on=D(2030, 1, 2), on=D(2030, 1, 3)),
                         notice_history())) == ["cpn.fixed_penalty_max"]


def commenced(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('[[rules."cpn.fixed_penalty_max".values]]\nfrom = 2027-04-01\nvalue = 500\n'
                     'source = "commencement regulations (entered by the partnership)"\n',
                     encoding="utf-8")
    return overlay(shipped(), local)


def test_fixed_penalty_of_150_pounds_allowed_once_a_local_file_dates_the_500_pound_maximum(
        tmp_path):
    rules = commenced(tmp_path)
    assert validate(penalty(150, breach_on=D(2027, 4, 1), on=D(2027, 4, 3)), notice_history(),
                    rules=rules) == []


def test_a_breach_before_the_rise_keeps_the_old_maximum_even_if_the_penalty_is_later(tmp_path):
    refusals = validate(penalty(150, breach_on=D(2027, 3, 31), on=D(2027, 4, 3)),
                        notice_history(), rules=commenced(tmp_path))
    assert keys(refusals) == ["cpn.fixed_penalty_max"]
    assert "in force on the day of the breach (31 March 2027)" in refusals[0].message


def test_fixed_penalty_refused_without_a_community_protection_notice():
    assert keys(validate(penalty(100), [warning()])) == ["cpn.fixed_penalty_for_breach"]


# --- Acceptable Behaviour Contract ------------------------------------------------------------

def test_abc_of_six_months_reviewed_at_three_is_allowed_and_longer_ones_are_refused():
    ok = AcceptableBehaviourContract(party=ADULT, on=D(2026, 1, 15), ends_on=D(2026, 7, 15),
                                     review_on=D(2026, 4, 15))
    assert validate(ok) == []
    too_long = AcceptableBehaviourContract(party=ADULT, on=D(2026, 1, 15), ends_on=D(2026, 7, 16),
                                           review_on=D(2026, 4, 16))
    assert keys(validate(too_long)) == ["abc.term_months", "abc.review_months"]


# --- Civil injunction --------------------------------------------------------------------------

def test_injunction_refused_for_a_nine_year_old():
    child = Party("P-5", born=D(2017, 1, 10))
    refusals = validate(CivilInjunction(party=child, on=TODAY, ends_on=D(2027, 5, 1),
                                        review_on=D(2027, 2, 1)))
    assert [r.message for r in refusals] == [
        "A civil injunction is for a person aged 10 or over (2014 Act s.1(1)): this person is 9 "
        "on 29 November 2026."]


def test_leap_day_birth_turns_ten_on_the_first_of_march_in_a_common_year():
    leapling = Party("P-6", born=D(2016, 2, 29))

    def injunction(on):
        return CivilInjunction(party=leapling, on=on, ends_on=D(2026, 12, 1),
                               review_on=D(2026, 6, 1),
                               youth_offending_team_consulted_on=D(2026, 2, 1))

    assert keys(validate(injunction(D(2026, 2, 28)))) == ["injunction.min_age"]
    assert validate(injunction(D(2026, 3, 1))) == []


def test_injunction_for_an_under_18_needs_a_term_of_12_months_the_yot_and_a_review():
    youth = Party("P-7", born=D(2010, 6, 1))
    refusals = validate(CivilInjunction(party=youth, on=TODAY))
    assert keys(refusals) == ["injunction.under_18_max_months", "injunction.under_18_consult_yot",
                              "injunction.under_18_review"]
    thirteen_months = CivilInjunction(party=youth, on=TODAY, ends_on=D(2027, 12, 30),
                                      review_on=D(2027, 3, 1),
                                      youth_offending_team_consulted_on=D(2026, 11, 1))
    assert keys(validate(thirteen_months)) == ["injunction.under_18_max_months"]
    assert validate(CivilInjunction(party=youth, on=TODAY, ends_on=D(2027, 11, 29),
                                    review_on=D(2027, 3, 1),
                                    youth_offending_team_consulted_on=D(2026, 11, 1))) == []


def test_adult_injunction_until_further_order_is_allowed():
    assert validate(CivilInjunction(party=ADULT, on=TODAY)) == []


def test_injunction_refused_with_date_of_birth_needed_when_age_is_unknown():
    refusals = validate(CivilInjunction(party=Party("P-8"), on=TODAY))
    assert keys(refusals) == ["injunction.min_age"]
    assert "date of birth needed" in refusals[0].message


# --- Criminal Behaviour Order ------------------------------------------------------------------

def test_adult_cbo_lasts_at_least_two_years_or_is_indefinite():
    made = D(2026, 3, 1)
    assert validate(CriminalBehaviourOrder(party=ADULT, on=made)) == []
    assert validate(CriminalBehaviourOrder(party=ADULT, on=made, ends_on=D(2028, 3, 1))) == []
    short = validate(CriminalBehaviourOrder(party=ADULT, on=made, ends_on=D(2028, 2, 29)))
    assert keys(short) == ["cbo.adult_min_months"]
    assert "Sentencing Act 2020" in short[0].source


def test_cbo_made_before_december_2020_cites_the_2014_act():
    short = validate(CriminalBehaviourOrder(party=ADULT, on=D(2019, 3, 1), ends_on=D(2020, 3, 1)))
    assert short[0].source == "Anti-social Behaviour, Crime and Policing Act 2014 s.25(4)"


def test_under_18_cbo_is_one_to_three_years_with_a_yearly_review():
    youth = Party("P-9", born=D(2012, 4, 1))
    made = D(2026, 1, 10)
    assert validate(CriminalBehaviourOrder(party=youth, on=made, ends_on=D(2028, 1, 10),
                                           review_on=D(2027, 1, 9))) == []
    assert keys(validate(CriminalBehaviourOrder(party=youth, on=made))) == [
        "cbo.under_18_max_months"]
    assert keys(validate(CriminalBehaviourOrder(party=youth, on=made, ends_on=D(2029, 1, 11),
                                                review_on=D(2027, 1, 1)))) == [
        "cbo.under_18_max_months"]
    late_review = validate(CriminalBehaviourOrder(party=youth, on=made, ends_on=D(2028, 1, 10),
                                                  review_on=D(2027, 1, 10)))
    assert keys(late_review) == ["cbo.under_18_review_months"]


def test_no_youth_review_needed_when_the_offender_turns_18_within_the_first_year():
    nearly_adult = Party("P-10", born=D(2008, 6, 1))
    assert validate(CriminalBehaviourOrder(party=nearly_adult, on=D(2026, 1, 10),
                                           ends_on=D(2028, 1, 10))) == []


# --- Dispersal ---------------------------------------------------------------------------------

AUTH = DispersalAuthorisation(party=PARK, at=T(2026, 11, 27, 18), ends_at=T(2026, 11, 29, 18),
                              rank="inspector")


def test_dispersal_authorised_by_an_inspector_for_at_most_48_hours():
    assert validate(AUTH) == []
    sergeant = DispersalAuthorisation(party=PARK, at=AUTH.at, ends_at=T(2026, 11, 29, 19),
                                      rank="sergeant")
    assert keys(validate(sergeant)) == ["dispersal.authorising_rank",
                                        "dispersal.authorisation_max_hours"]


def test_dispersal_direction_excludes_for_at_most_48_hours():
    def direction(until):
        return DispersalDirection(party=ADULT, at=T(2026, 11, 29, 17), authorisation=AUTH,
                                  excluded_until=until)

    assert validate(direction(T(2026, 12, 1, 17))) == []
    assert keys(validate(direction(T(2026, 12, 1, 17, 1)))) == ["dispersal.exclusion_max_hours"]


def test_only_a_person_believed_under_16_may_be_taken_home():
    seventeen = Party("P-11", born=D(2009, 1, 1))
    unknown = Party("P-12")
    at, until = T(2026, 11, 28, 21), T(2026, 11, 29, 21)
    taken = DispersalDirection(party=seventeen, at=at, authorisation=AUTH, excluded_until=until,
                               taken_home=True)
    assert keys(validate(taken)) == ["dispersal.take_home_under_age"]
    believed = DispersalDirection(party=unknown, at=at, authorisation=AUTH, excluded_until=until,
                                  taken_home=True, believed_under_16=True)
    assert validate(believed) == []


def test_dispersal_direction_never_given_to_a_child_under_ten():
    nine = Party("P-13", born=D(2017, 6, 1))
    refusals = validate(DispersalDirection(party=nine, at=T(2026, 11, 28, 21), authorisation=AUTH,
                                           excluded_until=T(2026, 11, 29, 9)))
    assert keys(refusals) == ["dispersal.min_age"]


# --- Closure -----------------------------------------------------------------------------------

def closure_notice(at=NOTICE_AT, hours=24, signed_by="inspector", issuer="police",
                   **extra):
    return ClosureNotice(party=FLAT, at=at, issuer=issuer, signed_by=signed_by, hours=hours,
                         **extra)


def test_closure_notice_is_24_hours_or_48_with_a_superintendent():
    assert validate(closure_notice()) == []
    assert keys(validate(closure_notice(hours=48))) == ["closure.notice_max_hours"]
    assert validate(closure_notice(hours=48, signed_by="superintendent")) == []
    assert keys(validate(closure_notice(signed_by="sergeant"))) == ["closure.notice_issuing_rank"]


def test_closure_notice_extension_needs_a_superintendent_or_the_councils_chief_executive():
    by_inspector = closure_notice(extended_to_hours=48, extended_by="inspector")
    assert keys(validate(by_inspector)) == ["closure.notice_max_hours"]
    assert validate(closure_notice(extended_to_hours=48, extended_by="superintendent")) == []
    council = closure_notice(issuer="council", signed_by="council officer", extended_to_hours=48,
                             extended_by="council officer")
    refusals = validate(council)
    assert keys(refusals) == ["closure.notice_max_hours"]
    assert "the council's chief executive or designate" in refusals[0].message
    assert validate(closure_notice(issuer="council", signed_by="council officer",
                                   extended_to_hours=48,
                                   extended_by="chief executive or designate")) == []


def test_closure_order_heard_within_48_hours_of_the_notice_christmas_day_not_counted():
    notice = closure_notice(at=T(2026, 12, 24, 10))
    in_time = ClosureOrder(party=FLAT, on=D(2026, 12, 27), heard_at=T(2026, 12, 27, 10),
                           ends_on=D(2027, 3, 27))
    assert validate(in_time, [notice]) == []
    late = ClosureOrder(party=FLAT, on=D(2026, 12, 27), heard_at=T(2026, 12, 27, 10, 1),
                        ends_on=D(2027, 3, 27))
    assert keys(validate(late, [notice])) == ["closure.hearing_within_hours"]
    assert keys(validate(in_time, [])) == ["closure.hearing_within_hours"]


def test_closure_order_cannot_exceed_six_months_in_total():
    notice = closure_notice(at=T(2026, 1, 5, 9))
    order = ClosureOrder(party=FLAT, on=D(2026, 1, 6), heard_at=T(2026, 1, 6, 10),
                         ends_on=D(2026, 4, 6))
    assert validate(order, [notice]) == []
    to_six_months = ClosureOrderExtension(party=FLAT, on=D(2026, 4, 1), ends_on=D(2026, 7, 6))
    assert validate(to_six_months, [notice, order]) == []
    beyond = ClosureOrderExtension(party=FLAT, on=D(2026, 6, 30), ends_on=D(2026, 7, 7))
    refusals = validate(beyond, [notice, order, to_six_months])
    assert keys(refusals) == ["closure.order_total_max_months"]
    assert refusals[0].message == (
        "A closure order, with its extensions, lasts at most 6 months in total (2014 Act s.82 "
        "(subsections (7)-(8) per secondary sources: to verify)): the order was made on 6 January "
        "2026, so it can run to 6 July 2026 at the latest, not 7 July 2026.")


def test_closure_order_itself_lasts_at_most_three_months():
    order = ClosureOrder(party=FLAT, on=D(2026, 1, 6), heard_at=T(2026, 1, 6, 10),
                         ends_on=D(2026, 4, 7))
    assert keys(validate(order, [closure_notice(at=T(2026, 1, 5, 9))])) == [
        "closure.order_max_months"]


# --- The engine and its configuration ----------------------------------------------------------

def test_an_action_about_the_wrong_kind_of_party_is_a_programming_error():
    with pytest.raises(ValueError, match="civil injunction is about a person or a body, not premises"):
        validate(CivilInjunction(party=FLAT, on=TODAY))


@pytest.mark.parametrize("action", [
    CivilInjunction(party=SHOP, on=TODAY),
    CriminalBehaviourOrder(party=SHOP, on=TODAY),
    AcceptableBehaviourContract(party=SHOP, on=TODAY),
])
def test_injunction_cbo_and_contract_are_refused_for_a_body(action):
    refusals = validate(action)
    assert [r.rule for r in refusals] == ["powers.about_a_body"]
    assert "is about a person, never a body" in refusals[0].message
    assert "s.43(1)" in refusals[0].source


def test_refuse_unlawful_raises_naming_the_first_rule():
    with pytest.raises(Refused, match=r"written warning first .*\(rule cpn.written_warning_first\)"):
        refuse_unlawful(CommunityProtectionNotice(party=ADULT, on=TODAY))


def test_every_rule_key_the_engine_uses_exists_in_the_shipped_files():
    used = {str(k) for k in Key} | {str(k) for k in CaseReviewKey}
    assert used - set(shipped()) == set()


def test_every_rule_in_the_asb_and_case_review_files_is_used_by_the_engine():
    for name, enum in (("asb-powers.toml", Key), ("case-review.toml", CaseReviewKey)):
        assert set(load_rules(LAW_DIR / name)) == {str(k) for k in enum}, name


# --- commencement: a power is judged only from the day it came into force -----------------------

@pytest.mark.parametrize("action, started", [
    (CriminalBehaviourOrder(party=ADULT, on=D(2013, 5, 1)), "20 October 2014"),
    (CommunityProtectionNotice(party=ADULT, on=D(1900, 1, 1)), "20 October 2014"),
    (CivilInjunction(party=ADULT, on=D(2010, 1, 1)), "23 March 2015"),
    (warning(on=D(2013, 5, 1), comply_by=D(2013, 6, 1)), "20 October 2014"),
])
def test_an_action_dated_before_its_power_came_into_force_is_refused_not_an_error(action, started):
    refusals = validate(action, [])
    assert len(refusals) == 1
    assert refusals[0].rule == "powers.in_force"
    assert f"(in force from {started})" in refusals[0].message
    assert refusals[0].message.startswith("The 2014 Act power did not exist on ")


def test_an_acceptable_behaviour_contract_before_the_rules_start_is_refused_in_its_own_words():
    refusals = validate(AcceptableBehaviourContract(party=ADULT, on=D(2013, 5, 1)), [])
    assert [r.rule for r in refusals] == ["powers.in_force"]
    assert "local practice rules start on 20 October 2014" in refusals[0].message


def test_a_fixed_penalty_for_a_breach_before_the_power_is_refused_not_an_error():
    penalty = FixedPenaltyNotice(party=ADULT, on=D(2015, 1, 1), breach_on=D(2014, 1, 1),
                                 amount=Decimal(50))
    assert [r.rule for r in validate(penalty, [])] == ["powers.in_force"]


def test_a_warning_from_before_the_act_does_not_count_as_the_written_warning_first():
    old = warning(on=D(1900, 1, 1), comply_by=D(1900, 2, 1))
    assert "cpn.written_warning_first" in keys(
        validate(CommunityProtectionNotice(party=ADULT, on=TODAY), [old]))


# --- Community Protection Warning: only to someone a notice could follow -------------------------

def test_a_community_protection_warning_to_a_person_under_16_is_refused():
    child = Party("P-9", born=D(2012, 6, 1))
    refusals = validate(warning(party=child), [])
    assert keys(refusals) == ["cpw.min_age"]
    assert refusals[0].message == (
        "A Community Protection Warning is for a person aged 16 or over, or a body, since no "
        "notice can follow it for anyone younger (2014 Act s.43(1) with s.43(5)(a); statutory "
        "guidance — to verify): this person is 14 on 1 September 2026.")


def test_a_community_protection_warning_to_a_16_year_old_or_a_body_is_allowed():
    sixteen = Party("P-8", born=D(2010, 9, 1))
    assert validate(warning(party=sixteen), []) == []
    assert validate(warning(party=SHOP), []) == []


# --- the record horizon: review and comply-by dates within ten years ----------------------------

def test_a_comply_by_date_more_than_ten_years_after_the_warning_is_refused():
    refusals = validate(warning(on=D(2020, 1, 1), comply_by=D(9999, 12, 31)), [])
    assert keys(refusals) == ["records.review_horizon_years"]
    assert "at most 10 years after it" in refusals[0].message


def test_a_review_date_within_ten_years_is_not_refused_by_the_horizon():
    order = CriminalBehaviourOrder(party=ADULT, on=D(2020, 1, 1), review_on=D(2029, 12, 31))
    assert "records.review_horizon_years" not in keys(validate(order, []))

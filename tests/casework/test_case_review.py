"""The ASB Case Review threshold counted across agencies, each complaint explained, and the
prompt to explain the Case Review at a victim's second report within six months."""

from __future__ import annotations

import datetime
from pathlib import Path

from saferplaces.casework.case_review import (
    Complaint,
    assess,
    assess_all,
    second_report_prompts,
)
from saferplaces.casework.law import overlay, shipped

D = datetime.date
APPLIED = D(2026, 7, 15)


def complaint(reported_on, behaviour_on=None, *, source="council ASB log", ref="C1",
              complainant="V-1", problem="CASE-1", hate=False):
    return Complaint(source=source, reference=ref, problem=problem, complainant=complainant,
                     reported_on=reported_on,
                     behaviour_on=reported_on if behaviour_on is None else behaviour_on,
                     hate=hate)


def local_rules(tmp_path: Path, text: str):
    path = tmp_path / "local.toml"
    path.write_text(text, encoding="utf-8")
    return overlay(shipped(), path)


def test_case_review_triggered_by_third_qualifying_complaint_across_agencies():
    first = complaint(D(2026, 3, 2), source="council ASB log", ref="ASB-17")
    second = complaint(D(2026, 4, 20), source="police ASB", ref="P-9931")
    third = complaint(D(2026, 6, 30), D(2026, 6, 28), source="case complaint", ref="CASE-1/4")
    two = assess([first, second], "CASE-1", APPLIED)
    assert not two.met
    three = assess([first, second, third], "CASE-1", APPLIED)
    assert three.met
    assert [c.complaint.source for c in three.qualifying] == [
        "council ASB log", "police ASB", "case complaint"]
    assert three.qualifying[2].reason == (
        "made to case complaint 2 days after the behaviour on 28 June 2026, within 6 months of "
        "15 July 2026")
    assert (three.routes[0].needed, three.routes[0].found) == (3, 3)


def test_complaint_made_more_than_a_month_after_the_behaviour_does_not_qualify():
    late = complaint(D(2026, 6, 12), D(2026, 5, 10))
    result = assess([complaint(D(2026, 3, 2)), complaint(D(2026, 4, 20)), late], "CASE-1", APPLIED)
    assert not result.met
    [why] = result.not_qualifying
    assert why.complaint is late
    assert why.reason == (
        "made 33 days after the behaviour on 10 May 2026: a qualifying complaint is made within "
        "1 month of the behaviour (2014 Act s.104(11) (per the Act's explanatory notes, para "
        "231; the subsection's text: to verify))")


def test_complaint_made_exactly_one_month_after_the_behaviour_qualifies():
    assert assess([complaint(D(2026, 4, 10), D(2026, 3, 10))], "CASE-1", APPLIED).qualifying
    assert not assess([complaint(D(2026, 4, 11), D(2026, 3, 10))], "CASE-1",
                      APPLIED).qualifying


def test_one_month_after_the_31st_of_january_ends_on_the_last_day_of_february():
    assert assess([complaint(D(2026, 2, 28), D(2026, 1, 31))], "CASE-1", APPLIED).qualifying
    assert not assess([complaint(D(2026, 3, 1), D(2026, 1, 31))], "CASE-1", APPLIED).qualifying


def test_complaint_made_exactly_six_months_before_the_application_still_counts():
    assert assess([complaint(D(2026, 1, 15))], "CASE-1", APPLIED).qualifying
    older = assess([complaint(D(2026, 1, 14))], "CASE-1", APPLIED)
    assert older.not_qualifying[0].reason == (
        "made on 14 January 2026, more than 6 months before 15 July 2026")


def test_police_asb_without_a_complainant_reference_does_not_count():
    anonymous = complaint(D(2026, 5, 1), source="police ASB", complainant=None)
    [why] = assess([anonymous], "CASE-1", APPLIED).not_qualifying
    assert "no complainant is recorded" in why.reason


def test_complaint_without_a_behaviour_date_cannot_be_shown_to_qualify():
    undated = Complaint(source="police ASB", reference="P-1", problem="CASE-1",
                        complainant="V-1", reported_on=D(2026, 5, 1), behaviour_on=None)
    [why] = assess([undated], "CASE-1", APPLIED).not_qualifying
    assert "the date of the behaviour is not recorded" in why.reason


def test_same_behaviour_reported_by_one_person_to_two_agencies_counts_once():
    to_council = complaint(D(2026, 5, 2), D(2026, 5, 1), source="council ASB log")
    to_police = complaint(D(2026, 5, 3), D(2026, 5, 1), source="police ASB")
    neighbour = complaint(D(2026, 5, 3), D(2026, 5, 1), source="police ASB", complainant="V-2")
    result = assess([to_council, to_police, neighbour], "CASE-1", APPLIED)
    assert [c.complaint for c in result.qualifying] == [to_council, neighbour]
    assert "already reported by this person to council ASB log; it counts once" in (
        result.not_qualifying[0].reason)


def test_other_problems_and_later_complaints_are_not_counted():
    other = complaint(D(2026, 5, 1), problem="CASE-2")
    later = complaint(D(2026, 7, 16))
    result = assess([other, later], "CASE-1", APPLIED)
    assert [c.complaint for c in result.complaints] == [later]
    assert not result.qualifying


def test_a_partnership_may_set_a_lower_threshold(tmp_path):
    rules = local_rules(tmp_path, '[[rules."case_review.threshold_complaints".values]]\n'
                                  'from = 2026-04-01\nvalue = 2\n'
                                  'source = "Colchester ASB Case Review procedures 2026"\n')
    two = [complaint(D(2026, 3, 2)), complaint(D(2026, 4, 20))]
    assert assess(two, "CASE-1", APPLIED, rules=rules).met
    assert not assess(two, "CASE-1", D(2026, 3, 31), rules=rules).met


def test_extra_routes_are_off_by_default():
    hate = complaint(D(2026, 6, 1), hate=True)
    result = assess([hate], "CASE-1", APPLIED)
    assert not result.met
    assert [r.rule for r in result.routes] == ["case_review.threshold_complaints"]


def test_one_hate_incident_meets_the_threshold_when_the_partnership_switches_the_route_on(
        tmp_path):
    rules = local_rules(tmp_path, '[[rules."case_review.route.hate.enabled".values]]\n'
                                  'from = 2025-04-01\nvalue = true\n'
                                  'source = "partnership review procedures"\n')
    assert assess([complaint(D(2026, 6, 1), hate=True)], "CASE-1", APPLIED, rules=rules).met
    assert not assess([complaint(D(2026, 6, 1))], "CASE-1", APPLIED, rules=rules).met


def test_several_complainants_route_counts_different_people(tmp_path):
    rules = local_rules(tmp_path, '[[rules."case_review.route.complainants.enabled".values]]\n'
                                  'from = 2025-04-01\nvalue = true\n'
                                  'source = "partnership review procedures"\n'
                                  '[[rules."case_review.route.complainants.count".values]]\n'
                                  'from = 2025-04-01\nvalue = 2\n'
                                  'source = "partnership review procedures"\n')
    two_people = [complaint(D(2026, 6, 1), complainant="V-1"),
                  complaint(D(2026, 6, 2), complainant="V-2")]
    result = assess(two_people, "CASE-1", APPLIED, rules=rules)
    assert result.met
    assert [r.met for r in result.routes] == [False, True]


def test_assess_all_gives_each_problem_its_own_threshold():
    complaints = [complaint(D(2026, m, 1), problem="CASE-1", ref=f"C{m}") for m in (3, 4, 5)]
    complaints.append(complaint(D(2026, 5, 1), problem="CASE-2"))
    results = assess_all(complaints, APPLIED)
    assert {p: r.met for p, r in results.items()} == {"CASE-1": True, "CASE-2": False}


def test_second_report_within_six_months_prompts_case_review_explanation():
    first = complaint(D(2026, 2, 1), source="police ASB")
    second = complaint(D(2026, 7, 30), source="council ASB log")
    [prompt] = second_report_prompts([first, second])
    assert (prompt.complainant, prompt.first, prompt.second) == ("V-1", first, second)
    assert prompt.due
    [explained] = second_report_prompts([first, second], {"V-1": [D(2026, 7, 30)]})
    assert explained.explained_on == D(2026, 7, 30)
    assert not explained.due


def test_a_report_more_than_six_months_after_the_last_does_not_prompt():
    assert second_report_prompts([complaint(D(2026, 1, 31)), complaint(D(2026, 8, 1))]) == []
    assert len(second_report_prompts([complaint(D(2026, 1, 31)), complaint(D(2026, 7, 31))])) == 1


def test_one_prompt_per_run_of_reports_and_one_per_person():
    mine = [complaint(D(2026, m, 1), ref=f"C{m}") for m in (1, 2, 3, 4)]
    theirs = [complaint(D(2026, 3, 5), complainant="V-2"), complaint(D(2026, 3, 9),
                                                                     complainant="V-2")]
    prompts = second_report_prompts(mine + theirs)
    assert [(p.complainant, p.second.reported_on) for p in prompts] == [
        ("V-1", D(2026, 2, 1)), ("V-2", D(2026, 3, 9))]


def test_the_same_incident_reported_to_two_agencies_is_not_a_second_report():
    same = [complaint(D(2026, 5, 2), D(2026, 5, 1), source="council ASB log"),
            complaint(D(2026, 5, 2), D(2026, 5, 1), source="police ASB")]
    assert second_report_prompts(same) == []


def test_no_prompt_before_the_2025_guidance():
    assert second_report_prompts([complaint(D(2024, 3, 1)), complaint(D(2024, 4, 1))]) == []

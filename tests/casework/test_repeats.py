"""Repeat detection's rules (``saferplaces.casework.repeats``): a repeat victim is two crimes
against one person within 12 months, a repeat complainant two reports within 12 months, a
repeat location four incidents at one place within 12 months that are not all one repeat
person's; crimes against businesses never make a repeat victim; every number is a dated rule."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.law import overlay, shipped
from saferplaces.casework.repeats import Kind, Record, Rule, detect, lookback_start

DAY = datetime.date(2025, 3, 10)
HOME = (601999, 223737)
SHOP = (599590, 225165)


def crime(pk: int, on: datetime.date, subject: str = "", category: str = "Violence with injury",
          place: tuple[int, int] | None = None) -> Record:
    return Record(pk, on, category, subject, place)


def found(records: list[Record], subjects: Kind = Kind.VICTIM, **kwargs) -> dict[tuple[str, str], list[int]]:
    return {(d.kind.value, d.key): [r.id for r in d.records]
            for d in detect(records, subjects, **kwargs)}


def test_every_rule_the_engine_reads_is_shipped_with_a_source():
    rules = shipped()
    for key in Rule:
        assert rules[key].source.strip(), key


def test_second_crime_against_one_victim_within_twelve_months_makes_a_repeat_victim():
    records = [crime(1, DAY, "V1"), crime(2, datetime.date(2026, 3, 10), "V1")]
    assert found(records) == {("victim", "V1"): [1, 2]}


def test_crimes_more_than_twelve_months_apart_are_not_a_repeat_victim():
    records = [crime(1, DAY, "V1"), crime(2, datetime.date(2026, 3, 11), "V1")]
    assert found(records) == {}


def test_one_crime_each_against_different_victims_is_no_repeat():
    assert found([crime(1, DAY, "V1"), crime(2, DAY, "V2")]) == {}


def test_crimes_against_a_business_do_not_make_a_repeat_victim():
    records = [crime(i, DAY + datetime.timedelta(days=i), "B00042", "Shoplifting") for i in range(3)]
    assert found(records) == {}


def test_a_business_category_is_matched_ignoring_case_and_spacing():
    records = [crime(1, DAY, "B1", "shoplifting"), crime(2, DAY, "B1", "Making  off without payment")]
    assert found(records) == {}


def test_a_second_report_by_one_complainant_within_twelve_months_makes_a_repeat_complainant():
    records = [crime(1, DAY, "C7", "Noise nuisance"),
               crime(2, datetime.date(2025, 9, 1), "C7", "Noise nuisance")]
    assert found(records, Kind.COMPLAINANT) == {("complainant", "C7"): [1, 2]}


def test_complainant_reports_are_never_read_as_business_crimes():
    records = [crime(1, DAY, "C7", "Shoplifting"), crime(2, DAY, "C7", "Shoplifting")]
    assert found(records, Kind.COMPLAINANT) == {("complainant", "C7"): [1, 2]}


def test_four_incidents_with_different_victims_at_one_place_make_a_repeat_location():
    records = [crime(1, DAY, "", "Trafficking of drugs", HOME),
               crime(2, DAY + datetime.timedelta(days=30), "", "Trafficking of drugs", HOME),
               crime(3, DAY + datetime.timedelta(days=60), "V9", place=HOME),
               crime(4, DAY + datetime.timedelta(days=90), "V8", place=HOME)]
    assert found(records) == {("location", "601999,223737"): [1, 2, 3, 4]}


def test_three_incidents_at_one_place_are_not_yet_a_repeat_location():
    records = [crime(i, DAY + datetime.timedelta(days=i), f"V{i}", place=HOME) for i in range(3)]
    assert found(records) == {}


def test_a_repeat_victims_home_is_proposed_as_the_victim_not_again_as_a_place():
    records = [crime(i, DAY + datetime.timedelta(days=7 * i), "V1", "Domestic abuse", HOME)
               for i in range(5)]
    assert found(records) == {("victim", "V1"): [0, 1, 2, 3, 4]}


def test_a_shop_with_repeated_shoplifting_is_a_repeat_location_not_a_repeat_victim():
    records = [crime(i, DAY + datetime.timedelta(days=7 * i), "B1", "Shoplifting", SHOP)
               for i in range(4)]
    assert found(records) == {("location", "599590,225165"): [0, 1, 2, 3]}


def test_evidence_leaves_out_records_outside_every_run_that_meets_the_threshold():
    records = [crime(1, datetime.date(2022, 1, 5), "V1"), crime(2, DAY, "V1"),
               crime(3, DAY + datetime.timedelta(days=40), "V1")]
    assert found(records) == {("victim", "V1"): [2, 3]}


def test_two_separate_runs_are_both_evidence_and_a_lone_crime_between_them_is_not():
    records = [crime(1, datetime.date(2022, 1, 5), "V1"), crime(2, datetime.date(2022, 2, 5), "V1"),
               crime(3, datetime.date(2023, 6, 1), "V1"),
               crime(4, datetime.date(2024, 9, 1), "V1"), crime(5, datetime.date(2025, 8, 31), "V1")]
    assert found(records) == {("victim", "V1"): [1, 2, 4, 5]}


def test_records_without_a_place_or_reference_are_left_out():
    records = [crime(i, DAY, "", place=None) for i in range(6)]
    assert found(records) == {}


def test_the_rule_in_words_names_the_threshold_window_and_source():
    detection = detect([crime(1, DAY, "V1"), crime(2, DAY, "V1")], Kind.VICTIM)[0]
    assert detection.rule.startswith("2 or more crimes against one victim within 12 months "
                                     "(repeats.victim.threshold: Local policy")
    assert (detection.first, detection.last, detection.categories) == (DAY, DAY, ["Violence with injury"])


def test_thresholds_and_windows_are_local_configuration_dated_from_their_start(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('''
[[rules."repeats.victim.threshold".values]]
from = 2025-01-01
value = 3
source = "Our repeat victim policy, 2025"

[[rules."repeats.location.threshold".values]]
from = 2025-01-01
value = 3
source = "Our repeat location policy, 2025"
''', encoding="utf-8")
    rules = overlay(shipped(), local)
    two = [crime(1, DAY, "V1"), crime(2, DAY, "V1")]
    assert found(two, rules=rules) == {}
    before = [crime(1, datetime.date(2024, 6, 1), "V1"), crime(2, datetime.date(2024, 6, 2), "V1")]
    assert found(before, rules=rules) == {("victim", "V1"): [1, 2]}
    three = [crime(i, DAY, f"X{i}", place=HOME) for i in range(3)]
    assert found(three, rules=rules) == {("location", "601999,223737"): [0, 1, 2]}


def test_a_location_cannot_be_what_references_name():
    with pytest.raises(ValueError, match="victims or complainants"):
        detect([], Kind.LOCATION)


def test_the_default_look_back_is_twelve_months_before_today():
    assert lookback_start(datetime.date(2026, 2, 28)) == datetime.date(2025, 2, 28)

"""Working days and working hours in England and Wales: Monday to Friday, bank holidays (with
their substitute days) excluded, office hours from configuration, Europe/London wall-clock time
across clock changes."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.law import LawError, overlay, shipped
from saferplaces.casework.workingtime import (
    LONDON,
    WorkingHours,
    add_working_days,
    add_working_hours,
    bank_holidays,
    is_overdue,
    is_working_day,
    working_time_between,
)


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=LONDON)


def test_england_and_wales_share_one_bank_holiday_calendar():
    import holidays
    for year in (2022, 2026, 2027):
        wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert bank_holidays(year) == frozenset(wales)


@pytest.mark.parametrize("day, working", [
    (datetime.date(2026, 12, 25), False),   # Christmas Day, Friday
    (datetime.date(2026, 12, 28), False),   # Boxing Day falls on Saturday: substitute Monday
    (datetime.date(2026, 12, 29), True),
    (datetime.date(2027, 12, 27), False),   # both fall at the weekend: Monday and Tuesday
    (datetime.date(2027, 12, 28), False),
    (datetime.date(2022, 9, 19), False),    # one-off: the State Funeral
    (datetime.date(2026, 3, 28), False),    # a Saturday
])
def test_working_days_exclude_weekends_and_bank_holidays_with_their_substitute_days(day, working):
    assert is_working_day(day) is working


def test_working_days_never_count_the_start_day():
    assert add_working_days(datetime.date(2027, 12, 24), 1) == datetime.date(2027, 12, 29)
    assert add_working_days(datetime.date(2026, 3, 2), 0) == datetime.date(2026, 3, 2)


def test_working_hours_run_from_the_start_inside_the_working_day():
    assert add_working_hours(at(2026, 3, 3, 10, 30), 4) == at(2026, 3, 3, 14, 30)


def test_a_target_ending_exactly_at_closing_time_is_due_at_closing_time():
    assert add_working_hours(at(2026, 3, 3, 13, 0), 4) == at(2026, 3, 3, 17, 0)


def test_out_of_hours_receipt_starts_the_clock_at_the_next_opening():
    assert add_working_hours(at(2026, 3, 6, 19, 45), 2) == at(2026, 3, 9, 11, 0)   # Friday night


def test_christmas_and_the_substitute_boxing_day_are_skipped():
    # Thursday 24 December 2026, 16:00: 1 hour that day, then Tuesday 29th, Wednesday 30th...
    assert add_working_hours(at(2026, 12, 24, 16, 0), 24) == at(2026, 12, 31, 16, 0)


def test_working_hours_across_the_spring_clock_change_are_wall_clock_hours():
    due = add_working_hours(at(2026, 3, 27, 15, 0), 4)        # Friday in GMT
    assert due == at(2026, 3, 30, 11, 0)                     # Monday in BST
    assert due.utcoffset() == datetime.timedelta(hours=1)
    assert due.astimezone(datetime.UTC).hour == 10


def test_working_hours_across_the_autumn_clock_change():
    assert add_working_hours(at(2026, 10, 23, 16, 0), 2) == at(2026, 10, 26, 10, 0)
    elapsed = working_time_between(at(2026, 10, 23, 16, 0), at(2026, 10, 26, 10, 0))
    assert elapsed == datetime.timedelta(hours=2)


def test_a_time_given_in_utc_is_read_in_london_time():
    start = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)   # 09:30 BST
    assert add_working_hours(start, 1) == at(2026, 7, 1, 10, 30)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="needs a time zone"):
        add_working_hours(datetime.datetime(2026, 3, 3, 10, 0), 1)


def test_overdue_only_after_the_due_moment():
    due = at(2026, 3, 3, 17, 0)
    assert not is_overdue(due, due)
    assert is_overdue(due, due + datetime.timedelta(seconds=1))


def test_office_hours_are_configuration_with_a_dated_local_value(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('''
[[rules."working_time.day_starts".values]]
from = 2027-01-01
value = "08:30"
source = "Partnership office hours policy 2027"
''', encoding="utf-8")
    rules = overlay(shipped(), local)
    assert WorkingHours.on(datetime.date(2026, 12, 31), rules).starts == datetime.time(9, 0)
    assert add_working_hours(at(2027, 1, 4, 8, 0), 1, rules=rules) == at(2027, 1, 4, 9, 30)


def test_a_malformed_office_hour_names_the_rule(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('[[rules."working_time.day_ends".values]]\nfrom = 2027-01-01\n'
                     'value = "five pm"\nsource = "typo"\n', encoding="utf-8")
    with pytest.raises(LawError, match="working_time.day_ends"):
        WorkingHours.on(datetime.date(2027, 2, 1), overlay(shipped(), local))

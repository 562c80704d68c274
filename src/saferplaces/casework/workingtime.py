"""Working days and working hours in England and Wales.

A **working day** is Monday to Friday and not a bank holiday. England and Wales share one
bank-holiday calendar (Banking and Financial Dealings Act 1971 s.1 and sch.1 para.1, with the
substitute day when a holiday falls at a weekend and one-off days such as coronations and state
funerals, appointed by proclamation); it comes from the ``holidays`` library's United Kingdom
calendar for England (``subdiv="ENG"``, identical to ``"WLS"``).

**Working hours** are a local policy, not law: the partnership's office hours, by default 09:00
to 17:00 on working days (rules ``working_time.day_starts`` and ``working_time.day_ends`` in
``data/law/working-time.toml``). Times are wall-clock times in Europe/London, so a working day
is 09:00-17:00 in GMT and in BST alike, and durations across a clock change are real elapsed
time (the clocks change at 01:00 UTC on a Sunday, never inside a working day).

Counting conventions:

* :func:`add_working_days` never counts the start day: a referral made on a Friday with one
  working day to answer is due on Monday (Tuesday when Monday is a bank holiday).
* :func:`add_working_hours` starts the clock at the start time when it falls inside working
  hours, otherwise at the next opening; a target that runs out exactly at closing time is due
  at closing time, not at the next opening.
* Something due at ``due`` is overdue at ``at`` only when ``at`` is after ``due``
  (:func:`is_overdue`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from saferplaces.casework.law import LawError, Rules, shipped

__all__ = ["LONDON", "WorkingHours", "add_working_days", "add_working_hours", "bank_holidays",
           "is_overdue", "is_working_day", "working_time_between"]

LONDON = ZoneInfo("Europe/London")
_UTC = datetime.UTC
_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """The bank holidays of England and Wales in ``year`` (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += _DAY
        if is_working_day(day):
            days -= 1
    return day


def _clock(text: object, key: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(str(text))
    except ValueError:
        raise LawError(f"{key}: {text!r} is not a time of day such as \"09:00\"") from None


@dataclass(frozen=True)
class WorkingHours:
    """The opening and closing time of a working day (wall-clock, Europe/London)."""

    starts: datetime.time = datetime.time(9)
    ends: datetime.time = datetime.time(17)

    def __post_init__(self) -> None:
        if self.ends <= self.starts:
            raise ValueError("working hours must end after they start")

    @classmethod
    def on(cls, day: datetime.date, rules: Rules | None = None) -> WorkingHours:
        """The working hours in force on ``day`` (rules ``working_time.day_starts``/``_ends``)."""
        rules = rules if rules is not None else shipped()
        return cls(_clock(rules.on("working_time.day_starts", day), "working_time.day_starts"),
                   _clock(rules.on("working_time.day_ends", day), "working_time.day_ends"))

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The working window of ``day`` in UTC, or None when ``day`` is not a working day."""
        if not is_working_day(day):
            return None
        return (datetime.datetime.combine(day, self.starts, LONDON).astimezone(_UTC),
                datetime.datetime.combine(day, self.ends, LONDON).astimezone(_UTC))


def _utc(moment: datetime.datetime, name: str) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} needs a time zone (a naive time is ambiguous at clock changes)")
    return moment.astimezone(_UTC)


def add_working_hours(start: datetime.datetime, hours: float,
                      working_hours: WorkingHours | None = None, *,
                      rules: Rules | None = None) -> datetime.datetime:
    """The moment ``hours`` working hours after ``start``, in Europe/London time.

    ``working_hours`` defaults to the policy in force on the start day."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    cursor = _utc(start, "start")
    local_day = cursor.astimezone(LONDON).date()
    hours_of = working_hours or WorkingHours.on(local_day, rules)
    remaining = datetime.timedelta(hours=hours)
    if not remaining:
        return cursor.astimezone(LONDON)
    day = local_day
    while True:
        window = hours_of.window(day)
        if window is not None and cursor < window[1]:
            begin = max(cursor, window[0])
            available = window[1] - begin
            if remaining <= available:
                return (begin + remaining).astimezone(LONDON)
            remaining -= available
        day += _DAY
        cursor = max(cursor, datetime.datetime.combine(day, datetime.time(), LONDON).astimezone(_UTC))


def working_time_between(start: datetime.datetime, end: datetime.datetime,
                         working_hours: WorkingHours | None = None, *,
                         rules: Rules | None = None) -> datetime.timedelta:
    """The working time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    begin, finish = _utc(start, "start"), _utc(end, "end")
    total = datetime.timedelta()
    if finish <= begin:
        return total
    first = begin.astimezone(LONDON).date()
    hours_of = working_hours or WorkingHours.on(first, rules)
    day = first
    while day <= finish.astimezone(LONDON).date():
        window = hours_of.window(day)
        if window is not None:
            overlap = min(finish, window[1]) - max(begin, window[0])
            total += max(overlap, datetime.timedelta())
        day += _DAY
    return total


def is_overdue(due: datetime.datetime, at: datetime.datetime) -> bool:
    """Whether something due at ``due`` and not done is overdue at ``at`` (strictly after)."""
    return _utc(at, "at") > _utc(due, "due")

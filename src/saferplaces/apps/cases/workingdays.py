"""Working days in England: Monday to Friday, not an England bank holiday.

Bank holidays come from the ``holidays`` library's United Kingdom calendar for England
(``subdiv="ENG"``: the Banking and Financial Dealings Act 1971 holidays and the substitute days
when one falls at a weekend, with one-off holidays such as coronations). Response targets of
referrals (``referral_response_working_days`` of each case type) count from the day after the
referral, so a referral made on a Friday with one working day to answer is due on Monday (or
Tuesday when Monday is a bank holiday).
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

__all__ = ["add_working_days", "is_working_day"]


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day

"""Periods in hours with Christmas Day disregarded.

The 48-hour periods of the closure powers are calculated with Christmas Day disregarded
(Anti-social Behaviour, Crime and Policing Act 2014 s.77(3) for a closure notice, s.80(4) for
the court hearing), so a period that runs through 25 December ends 24 hours later than it
otherwise would. Times are compared as given: pass timezone-aware datetimes (Europe/London) or
naive ones, not a mixture.
"""

from __future__ import annotations

import datetime

__all__ = ["hours_after_excluding_christmas"]


def _christmas_overlap(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    total = datetime.timedelta()
    for year in range(start.year, end.year + 1):
        day_start = start.replace(year=year, month=12, day=25, hour=0, minute=0, second=0,
                                  microsecond=0)
        overlap = min(end, day_start + datetime.timedelta(days=1)) - max(start, day_start)
        if overlap > datetime.timedelta():
            total += overlap
    return total


def hours_after_excluding_christmas(start: datetime.datetime, hours: int) -> datetime.datetime:
    """When a period of ``hours`` beginning at ``start`` ends, Christmas Day not counted."""
    end = start + datetime.timedelta(hours=hours)
    counted_out = datetime.timedelta()
    while True:
        overlap = _christmas_overlap(start, end)
        if overlap == counted_out:
            return end
        end += overlap - counted_out
        counted_out = overlap

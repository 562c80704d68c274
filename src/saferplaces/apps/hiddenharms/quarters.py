"""Calendar quarters, as the hidden-harms page and the briefing count them: ``2026-Q1`` is
January to March 2026, ``Q2`` April to June, ``Q3`` July to September, ``Q4`` October to
December (calendar quarters, not the April financial year: the partnership's own figures are
recorded by day, so any quarter can be counted).

A quarter asked for by a reader (page, briefing file, ``saferplaces briefing``) is checked in one
place, :func:`asked_for`: from :data:`EARLIEST` to the last quarter that has ended."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = ["EARLIEST", "Quarter", "QuarterError", "asked_for"]

_PATTERN = re.compile(r"^([0-9]{4})-Q([1-4])$")


class QuarterError(ValueError):
    """Not a quarter written ``YYYY-Qn``, or one outside the quarters that can be counted."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = _PATTERN.match(text.strip().upper())
        if not found:
            raise QuarterError(f"{text!r} is not a quarter: write it as YYYY-Qn, e.g. 2026-Q1")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete(cls, today: datetime.date) -> Quarter:
        """The newest quarter that ended before ``today``."""
        return cls.of(today).previous()

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next().first_day - datetime.timedelta(days=1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def back(self, count: int) -> list[Quarter]:
        """The ``count`` quarters ending with this one, oldest first."""
        found = [self]
        while len(found) < count:
            found.append(found[-1].previous())
        return found[::-1]

    @property
    def key(self) -> str:
        return f"{self.year:04d}-Q{self.number}"

    @property
    def span(self) -> str:
        """``1 January to 31 March 2026``."""
        return f"{self.first_day:%-d %B} to {self.last_day:%-d %B %Y}"

    def __str__(self) -> str:
        return self.key


#: The first quarter anyone may ask for. The partnerships were made by the Crime and Disorder Act
#: 1998 and police.uk's street-level data starts in December 2010, so no record in the store is
#: older; a page counts eight quarters back from the one asked for, which stays within the
#: calendar (a year before 1 cannot be counted at all).
EARLIEST = Quarter(2000, 1)


def asked_for(text: str, today: datetime.date) -> Quarter:
    """The quarter written ``text``, if it is from :data:`EARLIEST` to the last quarter that ended
    before ``today``; else :class:`QuarterError` saying why, in words for the reader."""
    quarter = Quarter.parse(text)
    latest = Quarter.last_complete(today)
    if quarter > latest:
        raise QuarterError(f"{quarter} has not ended yet: the latest complete quarter is {latest}.")
    if quarter < EARLIEST:
        raise QuarterError(f"{quarter} is too early: the figures start with {EARLIEST}.")
    return quarter

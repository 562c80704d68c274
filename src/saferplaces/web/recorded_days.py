"""The bounds of a day recorded on a case record (a referral, a decision, a concern, the day a
hate case was recorded): not after today, and not before 1 January 1900.

Why: such a day is something that has happened, so a future day is a typing slip (a planned
meeting is a different kind of day); before 1900 is a typing slip too (the same earliest year
as the date boxes of the pages, :class:`saferplaces.web.govuk.DayField`, and the earliest date
of birth). Refusing both also keeps the dates the rules count from (deadlines, months, working
days) far from the calendar's end, where adding to them would overflow.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

__all__ = ["EARLIEST_DAY", "day_problem"]

EARLIEST_DAY = datetime.date(1900, 1, 1)


def day_problem(day: datetime.date | None, what: str, *,
                not_before: datetime.date | None = None, not_before_what: str = "") -> str | None:
    """Why ``day`` (the ``what``, e.g. "day of the referral") cannot be recorded, or None.
    ``not_before``: a later earliest day of this record (e.g. the person's date of birth),
    named by ``not_before_what``."""
    if day is None:
        return None
    if day > timezone.localdate():
        return f"The {what} cannot be in the future."
    if day < EARLIEST_DAY:
        return f"The {what} cannot be before {EARLIEST_DAY.year}."
    if not_before is not None and day < not_before:
        return f"The {what} cannot be before the {not_before_what}."
    return None

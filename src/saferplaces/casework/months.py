"""Calendar months after a date, by the corresponding-date rule: a period of months from a day
ends on the same day of the later month, or on that month's last day when it has no such day
(31 January + 1 month = 28 or 29 February). This is how "within 12 months of" is read by
English courts (Dodds v Walker [1981] 1 WLR 1027, HL)."""

from __future__ import annotations

import calendar
import datetime

__all__ = ["add_months"]


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))

"""Calendar months and assessment periods: the one home of the ``YYYY-MM`` form.

A month is written ``YYYY-MM`` everywhere (files, the store, the CLI, the web forms, reports).
This module checks that form, counts and shifts months, names them in words, and holds
:class:`Period`, the whole months an assessment covers, with the default period (the latest
12 months of data). Plain Python only, so the CLI can use it before numpy, pandas or Django load.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "DEFAULT_PERIOD_MONTHS",
    "MONTH_PATTERN",
    "Period",
    "default_period",
    "is_month",
    "month_at",
    "month_label",
    "month_name",
    "month_number",
    "month_numbers",
    "period_label",
    "shift_month",
]

#: A calendar month as ``YYYY-MM`` (month 01 to 12), the whole string.
MONTH_PATTERN: Final = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

#: The default assessment period is this many months, ending with the latest month of data.
DEFAULT_PERIOD_MONTHS: Final = 12

_EPOCH_YEAR: Final = 1970


def is_month(value: object) -> bool:
    """Whether ``value`` is a string in the form ``YYYY-MM``."""
    return isinstance(value, str) and MONTH_PATTERN.match(value) is not None


def _year_month(month: str) -> tuple[int, int]:
    if not is_month(month):
        raise ValueError(f"{month!r} is not a month in the form YYYY-MM")
    return int(month[:4]), int(month[5:7])


def month_number(month: str) -> int:
    """Months since January 1970 of ``YYYY-MM`` (``"1970-01"`` is 0); ``ValueError`` for
    anything else."""
    year, month_of_year = _year_month(month)
    return (year - _EPOCH_YEAR) * 12 + month_of_year - 1


def month_numbers(values: Any) -> np.ndarray:
    """Months since January 1970 (int64 array, :func:`month_number` for many) of datetime-like
    ``values``: ``YYYY-MM`` or date strings, ``datetime``/``Timestamp`` objects, ``datetime64``;
    parsed by ``pandas.to_datetime`` (its errors for what it cannot read). Needs numpy and
    pandas, imported here so this module stays plain Python for the CLI."""
    import numpy as np
    import pandas as pd

    s = pd.to_datetime(pd.Series(values))
    months: np.ndarray = (s.dt.year.to_numpy() * 12 + s.dt.month.to_numpy() - 1
                          - _EPOCH_YEAR * 12).astype(np.int64)
    return months


def month_at(index: int) -> str:
    """The ``YYYY-MM`` month ``index`` months after January 1970 (the inverse of
    :func:`month_number`)."""
    year, month0 = divmod(int(index) + _EPOCH_YEAR * 12, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def shift_month(month: str, months: int) -> str:
    """``month`` moved by ``months`` (negative: earlier), e.g. ``("2025-01", -1)`` is ``"2024-12"``."""
    return month_at(month_number(month) + months)


def month_label(month: str, *, short: bool = False) -> str:
    """``"2024-06"`` as ``"June 2024"`` (``short``: ``"Jun 2024"``); ``ValueError`` if
    ``month`` is not ``YYYY-MM``."""
    year, month_of_year = _year_month(month)
    return datetime.date(year, month_of_year, 1).strftime("%b %Y" if short else "%B %Y")


def month_name(month: str, *, short: bool = False) -> str:
    """The name of ``"2024-06"``'s month without the year: ``"June"`` (``short``: ``"Jun"``);
    ``ValueError`` if ``month`` is not ``YYYY-MM``."""
    year, month_of_year = _year_month(month)
    return datetime.date(year, month_of_year, 1).strftime("%b" if short else "%B")


def period_label(first_month: str, last_month: str) -> str:
    """``"January 2025 to December 2025"``."""
    return f"{month_label(first_month)} to {month_label(last_month)}"


def default_period(last_month: str, months: int = DEFAULT_PERIOD_MONTHS) -> tuple[str, str]:
    """The ``months`` whole months ending with ``last_month``, as ``(first, last)``: by default
    the assessment year, the latest 12 months of data."""
    return shift_month(last_month, -(months - 1)), last_month


@dataclass(frozen=True)
class Period:
    """The assessment year: whole calendar months ``first_month``..``last_month`` (YYYY-MM)."""

    first_month: str
    last_month: str

    def __post_init__(self) -> None:
        for name in ("first_month", "last_month"):
            value = getattr(self, name)
            if not is_month(value):
                raise ValueError(f"period {name} must be 'YYYY-MM', got {value!r}")
        if self.last_month < self.first_month:
            raise ValueError(f"period ends ({self.last_month}) before it starts "
                             f"({self.first_month})")

    @classmethod
    def coerce(cls, value: Period | Sequence[str] | Mapping[str, str]) -> Period:
        """A period from a :class:`Period`, a ``(first, last)`` pair or a mapping with
        ``first_month`` and ``last_month``."""
        if isinstance(value, Period):
            return value
        if isinstance(value, Mapping):
            return cls(str(value["first_month"]), str(value["last_month"]))
        first, last = value
        return cls(str(first), str(last))

    @property
    def n_months(self) -> int:
        return month_number(self.last_month) - month_number(self.first_month) + 1

    @property
    def first(self) -> pd.Timestamp:
        """The first day of the first month (needs pandas)."""
        import pandas as pd

        return pd.Period(self.first_month, "M").to_timestamp()

    @property
    def last(self) -> pd.Timestamp:
        """The first day of the last month (needs pandas)."""
        import pandas as pd

        return pd.Period(self.last_month, "M").to_timestamp()

    def previous(self) -> Period:
        """The period of the same length immediately before this one."""
        n = self.n_months
        return Period(shift_month(self.first_month, -n), shift_month(self.first_month, -1))

    def label(self) -> str:
        return period_label(self.first_month, self.last_month)

    def to_dict(self) -> dict[str, Any]:
        return {"first_month": self.first_month, "last_month": self.last_month,
                "months": self.n_months}

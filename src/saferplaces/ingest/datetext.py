"""Dates written as text in analysts' CSV files (``--input`` of near-repeat), read the UK way.

Rules:

- with a ``date_format`` (Python strptime codes, e.g. ``%m/%d/%Y``) every value must match it;
- otherwise ISO 8601 dates (``2024-06-01``, ``2024-06-01 00:30``, ``2024-06-01T00:30:00+01:00``)
  are always read; other forms are read day-first, the UK way (``01/06/2024`` is 1 June), with
  one of :data:`DAY_FIRST_FORMATS` that fits every row;
- one form for the whole column: a column that no single form reads in full is refused, naming
  the file, row, column and value, so no row is ever read month-first while another is read
  day-first;
- a value with only a year and month (``2024-06``) is refused: the day is unknown;
- times with a UTC offset are converted to UK local time; times without one are taken to be UK
  local times already, so every date is the local (Europe/London) date.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from saferplaces.analysis.frame import as_local
from saferplaces.ingest.errors import IngestError, RowProblem
from saferplaces.periods import is_month

#: Day-first forms tried in turn when a column is not ISO 8601 (the first that fits every row).
DAY_FIRST_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y", "%d/%m/%y %H:%M",
    "%d-%m-%Y", "%d-%m-%Y %H:%M", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d %b %Y", "%d %B %Y",
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_OFFSET = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
_SHOWN = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%H": "hh", "%M": "mm", "%S": "ss",
          "%b": "Mon", "%B": "Month"}

__all__ = ["DAY_FIRST_FORMATS", "parse_dates"]


def _shown(fmt: str) -> str:
    return re.sub("%[a-zA-Z]", lambda m: _SHOWN.get(m.group(0), m.group(0)), fmt)


def _try(values: pd.Series, fmt: str) -> pd.Series:
    """``values`` read with ``fmt`` (``"ISO8601"`` or strptime codes); unreadable ones NaT."""
    with_offset = values.str.contains(_OFFSET) if fmt == "ISO8601" else pd.Series(False, index=values.index)
    if fmt == "ISO8601":
        parsed = pd.to_datetime(values.where(values.str.match(_ISO_DAY)), format=fmt, errors="coerce", utc=True)
        # an offset-less ISO time is a UK wall-clock time: read it as written, not as UTC
        naive = pd.to_datetime(values.where(~with_offset & values.str.match(_ISO_DAY)), format=fmt,
                               errors="coerce")
        local = as_local(parsed)
        return local.where(with_offset, naive)
    return as_local(pd.to_datetime(values, format=fmt, errors="coerce", utc="%z" in fmt))


def _reason(value: str, why: str) -> str:
    if not value:
        return "is empty (every row needs a date)"
    if is_month(value):
        return "has only a year and month: the day is unknown"
    return why


def _refuse(values: pd.Series, parsed: pd.Series, name: str, column: str, why: str) -> IngestError:
    bad = np.flatnonzero(parsed.isna().to_numpy())
    return IngestError([RowProblem(name, int(i) + 1, int(i) + 2, column, str(values.iat[i]),
                                   _reason(str(values.iat[i]), why)) for i in bad[:50]])


def parse_dates(values: pd.Series, *, name: str, column: str, date_format: str | None = None) -> pd.Series:
    """The text ``values`` of ``column`` in file ``name`` as naive UK local date-times (rules in
    the module docstring). Raises ``IngestError`` naming the row, column and value of every
    value that cannot be read (up to 50), with the form expected."""
    values = values.astype(str).str.strip()
    if date_format:
        parsed = _try(values, date_format)
        if parsed.isna().any():
            raise _refuse(values, parsed, name, column, f"is not a date in the form {date_format} (--date-format)")
        return parsed
    attempts = [("ISO8601", _try(values, "ISO8601"))]
    if attempts[0][1].notna().all():
        return attempts[0][1]
    for fmt in DAY_FIRST_FORMATS:
        parsed = _try(values, fmt)
        if parsed.notna().all():
            return parsed
        attempts.append((fmt, parsed))
    fmt, parsed = max(attempts, key=lambda a: int(a[1].notna().sum()))
    form = "YYYY-MM-DD" if fmt == "ISO8601" else f"{_shown(fmt)} (day first, UK)"
    raise _refuse(values, parsed, name, column,
                  f"is not a date in the form {form} that the other rows use; a column must use one "
                  "form throughout (ISO YYYY-MM-DD, or day first as in the UK), or give --date-format")

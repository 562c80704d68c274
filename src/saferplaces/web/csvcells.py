"""Cells safe to open in a spreadsheet: the one rule every CSV export of the site follows.

Rule (OWASP, *CSV Injection*, https://owasp.org/www-community/attacks/CSV_Injection): a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
may be run as a formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK(...)`` sends the
sheet's data away; ``=cmd|...`` runs a program). Such a cell is written with a single quote
before it, which spreadsheets show as text and do not run.

One exception keeps numbers numbers: a cell that is *only* a plain decimal number, such as
``-3``, ``+2.5`` or ``-1.2e3`` (a sign, digits, an optional fraction and exponent, nothing
else), is left as it is: a number cannot call a function or refer to a cell. ``-inf``, ``-3+4``
or ``-1,2`` are not plain numbers and get the quote. A quote already in front (an export of an
export) is left alone, so the rule can be applied twice without doubling it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping

__all__ = ["FORMULA_STARTS", "safe_cell", "safe_mapping", "safe_row"]

#: The first characters OWASP lists as starting a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> str:
    """``value`` as the text of a CSV cell that no spreadsheet runs as a formula: None is
    empty, a date is ISO 8601, a cell starting a formula gets a leading ``'`` unless it is a
    plain number (see the module's rule)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[object]) -> list[str]:
    """Every cell of a row through :func:`safe_cell` (for ``csv.writer.writerow``)."""
    return [safe_cell(value) for value in values]


def safe_mapping(row: Mapping[str, object]) -> dict[str, str]:
    """A row of ``csv.DictWriter`` with every value through :func:`safe_cell`."""
    return {key: safe_cell(value) for key, value in row.items()}

"""Placeholder references: ``UNKNOWN``, ``N/A``, ``0``, ``-`` in a column that names a person or place.

Partner exports fill a reference they do not have with a stand-in word or number. Counted as a
reference, every ``UNKNOWN`` is one person with dozens of incidents, and the repeat-victim
rate of a file with no repeats comes out high. The rule used everywhere (mapped partner files
at ingest, the repeat-victimisation analysis, the assessment's repeat measures): a placeholder
is **missing**, never a person, a place or a record's identity.

A value is a placeholder when, compared case-insensitively with runs of spaces and punctuation
read as one space (so ``n/a``, ``N.A.``, ``#N/A`` and ``<n/a>`` are all ``n a``):

- it is one of ``DEFAULT_PLACEHOLDERS`` or of the extra ones a mapping lists
  (``[references] placeholders = ["XX"]``);
- or it has no letter or digit other than zeros (``0``, ``00000``, ``0.0``, ``-``, ``--``,
  ``?``, ``***``);
- or it is a spreadsheet error value (``#REF!``, ``#VALUE!``, ...).

Blank cells are missing too, but are not counted as placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_PLACEHOLDERS", "REFERENCE_FIELDS", "PlaceholderCount", "count_placeholders",
    "normalise_reference", "placeholder_mask", "validate_placeholders",
]

#: Store fields that name a person, a place or a row, and so must never hold a placeholder.
REFERENCE_FIELDS = ("source_ref", "victim_ref", "location")

#: Stand-ins found in real police, council and fire exports (compared after normalising).
DEFAULT_PLACEHOLDERS: tuple[str, ...] = (
    "unknown", "unk", "unkn", "not known", "nk", "n k", "n a", "na", "not applicable",
    "none", "nil", "null", "nan", "nat", "missing", "blank", "no ref", "no reference",
    "no location", "no address", "not recorded", "not given", "not provided", "not stated",
    "not supplied", "not disclosed", "refused", "declined", "withheld", "anon", "anonymous",
    "tbc", "tba", "tbd", "to be confirmed",
)

_EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#NULL!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!"})
_SEPARATORS = re.compile(r"[\W_]+")
_ZEROS = re.compile(r"[0 ]*")
MAX_PLACEHOLDER_LENGTH = 100


def normalise_reference(value: str) -> str:
    """``value`` case-folded, with each run of spaces and punctuation read as one space."""
    return _SEPARATORS.sub(" ", str(value).casefold()).strip()


def _placeholder_words(extra: Iterable[str]) -> frozenset[str]:
    return frozenset(DEFAULT_PLACEHOLDERS) | {normalise_reference(v) for v in extra}


def _is_placeholder(text: str, words: frozenset[str]) -> bool:
    stripped = text.strip()
    if not stripped:
        return False  # blank is missing, but not a placeholder to report
    if stripped.upper() in _EXCEL_ERRORS:
        return True
    key = normalise_reference(stripped)
    return key in words or _ZEROS.fullmatch(key) is not None


def placeholder_mask(values: pd.Series, extra: Iterable[str] = ()) -> np.ndarray:
    """Boolean array: which ``values`` are placeholders (see the module docstring).

    Blank and missing (NaN/None) values are ``False``: they are already missing. Each distinct
    value is judged once, so a column of a million rows with few distinct values is cheap.
    """
    codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(codes), dtype=bool)
    words = _placeholder_words(extra)
    judged = np.fromiter((_is_placeholder(str(u), words) for u in uniques), dtype=bool,
                         count=len(uniques))
    return np.where(codes >= 0, judged[np.maximum(codes, 0)], False)


@dataclass(frozen=True)
class PlaceholderCount:
    """Placeholders found in one column of one file: ``values`` maps each as written to its
    count, most frequent first."""

    field: str
    column: str
    values: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.values.values())

    def describe(self) -> str:
        """E.g. ``12 placeholder references (UNKNOWN ×9, N/A ×3) in column 'victim_ref'
        treated as missing``."""
        shown = list(self.values.items())
        listed = ", ".join(f"{v} ×{n}" for v, n in shown[:6])
        if len(shown) > 6:
            listed += f", {len(shown) - 6} more"
        noun = "placeholder reference" if self.total == 1 else "placeholder references"
        text = f"{self.total} {noun} ({listed}) in column {self.column!r} treated as missing"
        if self.field == "source_ref":
            text += "; those rows are identified by their content"
        return text


def count_placeholders(values: pd.Series, mask: np.ndarray, *, field: str,
                       column: str) -> PlaceholderCount | None:
    """The placeholders of ``values`` selected by ``mask``, counted as written; ``None`` if
    there are none."""
    found = pd.Series(values, copy=False)[np.asarray(mask, dtype=bool)].astype(str).str.strip()
    if found.empty:
        return None
    counts = found.value_counts(sort=False)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return PlaceholderCount(field, column, {str(v): int(n) for v, n in ordered})


def validate_placeholders(value: object, where: str) -> tuple[str, ...]:
    """Extra placeholders from a mapping: a list of non-empty texts of at most 100 characters.

    Raises ``ValueError`` naming ``where`` and the bad item otherwise.
    """
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list of texts, e.g. placeholders = [\"XX\", \"NO NAME\"]")
    out = []
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise ValueError(f"{where} item {position} ({item!r}) must be text in quotes")
        if not item.strip():
            raise ValueError(f"{where} item {position} is empty (blank cells are always missing)")
        if len(item) > MAX_PLACEHOLDER_LENGTH:
            raise ValueError(f"{where} item {position} is longer than {MAX_PLACEHOLDER_LENGTH} characters")
        out.append(item.strip())
    return tuple(out)

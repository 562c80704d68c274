"""Decoding and structural checks for CSV bytes, fast enough for million-row files.

Two readers share one set of rules (those of ``pandas.read_csv(dtype=str)``): lines end at
``\\n``, ``\\r\\n`` or ``\\r``; lines holding only spaces and tabs are skipped; a quoted field may
span lines; every row must have as many fields as the header (pandas would pad short rows
silently, so this is checked first).

- ``read_text_table``: the fast path. pyarrow's multithreaded CSV reader parses the bytes into
  string columns and reports any row with the wrong field count. Whenever it meets something it
  does not handle exactly as the rules above (a quoted or blank header, a bad row), the file
  goes through the slow path instead, so that messages are the same either way.
- ``check_field_counts`` + ``read_text_frame``: the slow path, with Python's csv module for
  lines that contain quotes.

Delimiters: European spreadsheet exports separate fields with semicolons, others with tabs or
vertical bars. Every reader here detects the separator from the header line
(:func:`detect_delimiter`: whichever of ``,`` ``;`` tab ``|`` splits it into the most fields,
comma on a tie with comma) and reads the file with it, so such a file loads instead of being
reported as "column missing"; a header that two other separators split equally is refused,
naming both. Messages about field counts name a separator other than the comma.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["DELIMITERS", "decode", "detect_delimiter", "check_field_counts", "read_text_frame",
           "read_text_table", "TextTable"]

_BOM = b"\xef\xbb\xbf"
# str.splitlines() also breaks at these, which CSV readers do not
_OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n|\r|\n")
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


def _first_line(text: str) -> str:
    found = _LINE_BREAK.search(text)
    return (text[: found.start()] if found else text).lstrip("\ufeff")


def detect_delimiter(header_line: str, name: str = "") -> str:
    """The field separator of a file, from its header line.

    Rule: whichever of comma, semicolon, tab and vertical bar splits the header (quotes
    respected) into the most fields; comma when none splits it or when comma ties for the most.
    Raises ``IngestError`` naming both when two other separators tie, as the file could be read
    either way.
    """
    fields = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in DELIMITERS}
    most = max(fields.values())
    tied = [d for d in DELIMITERS if fields[d] == most]
    if most <= 1 or "," in tied:
        return ","
    if len(tied) > 1:
        names = " and ".join(_DELIMITER_NAMES[d] for d in tied)
        raise IngestError([RowProblem(
            name, None, 1, None, header_line[:80],
            f"the header splits into {most} columns at both {names}, so the field separator "
            "is unclear: save the file separated by commas")])
    return tied[0]


def _separated_by(delimiter: str) -> str:
    return "" if delimiter == "," else f" (fields separated by {_DELIMITER_NAMES[delimiter]})"


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM); a bad byte is reported with its line and column. Files that
    are not text at all (``refuse_non_text``) are refused first, saying what they look like."""
    refuse_non_text(data, name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        cr_only = b"\r" in data and b"\n" not in data
        newline = b"\r" if cr_only else b"\n"
        line = data.count(newline, 0, exc.start) + 1
        line_start = data.rfind(newline, 0, exc.start) + 1
        prefix = data[line_start:exc.start].decode("utf-8", errors="replace")
        header = _first_line(data.decode("utf-8", errors="replace"))
        try:
            delimiter = detect_delimiter(header, name)
            columns = next(csv.reader([header], delimiter=delimiter))
        except (IngestError, csv.Error):
            delimiter, columns = ",", []
        field = prefix.count(delimiter)  # approximate when quoted separators precede the bad byte
        column = columns[field] if field < len(columns) else None
        raise IngestError([RowProblem(
            name, line - 1 if line > 1 else None, line, column,
            repr(data[exc.start:exc.end]),
            "is not valid UTF-8 text (save the file as UTF-8)" + (
                "; its lines end in CR only, as in old Mac files (CSV (Macintosh)): save it as CSV UTF-8"
                if cr_only else ""),
        )]) from None


def refuse_non_text(data: bytes, name: str) -> None:
    """Raise ``IngestError`` naming what a file looks like when it is not CSV text at all: UTF-16
    text (a byte-order mark FF FE or FE FF), an Excel workbook or other zip archive (PK 03 04),
    or another binary file (NUL bytes in its first 8 KiB, which no CSV text holds)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        reason = "is UTF-16 text: save it as CSV UTF-8"
    elif head.startswith(b"PK\x03\x04"):
        reason = "is an Excel workbook or zip archive, not a CSV file: save it as CSV UTF-8"
    elif b"\x00" in head:
        reason = "is a binary file, not CSV text"
    else:
        return
    raise IngestError([RowProblem(name, None, None, None, None, reason)])


def _physical_lines(text: str) -> list[str]:
    """Lines as CSV readers see them: split at \\n, \\r\\n and \\r only."""
    if not _OTHER_LINE_BREAKS.search(text):
        return text.splitlines()
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _is_blank(line: str, delimiter: str = ",") -> bool:
    """pandas skips lines made only of spaces and tabs (only of spaces when tabs separate)."""
    return not line.strip(" " if delimiter == "\t" else " \t")


def check_field_counts(text: str, name: str, expected: int,
                       delimiter: str | None = None) -> np.ndarray:
    """Raise if any data row has a field count other than ``expected``.

    Returns, for each data row, its physical line number (header = line 1), skipping blank lines
    as pandas does. Files with quoted line breaks fall back to the csv module. ``delimiter``:
    default detected from the header (:func:`detect_delimiter`, which may raise).
    """
    lines = _physical_lines(text)
    if not lines:
        raise IngestError([RowProblem(name, None, 1, None, None, "the file is empty")])
    d = delimiter or detect_delimiter(lines[0].lstrip("\ufeff"), name)
    body = lines[1:]
    line_numbers = np.arange(2, len(lines) + 1)
    stripped = np.fromiter((not _is_blank(s, d) for s in body), dtype=bool, count=len(body))
    if '"' not in text:
        counts = np.fromiter((s.count(d) + 1 for s in body), dtype=np.int64, count=len(body))
    else:
        quotes = np.fromiter((s.count('"') for s in body), dtype=np.int64, count=len(body))
        if (quotes % 2).any():
            return _check_with_csv_module(text, name, expected, d)
        counts = np.fromiter(
            ((len(next(csv.reader([s], delimiter=d))) if q else s.count(d) + 1)
             for s, q in zip(body, quotes, strict=True)),
            dtype=np.int64, count=len(body),
        )
    bad = np.flatnonzero(stripped & (counts != expected))
    if bad.size:
        problems = []
        for index in bad[:20]:
            row = int(stripped[: index + 1].sum())
            n = int(counts[index])
            why = "is cut short" if n < expected else "has extra fields"
            problems.append(RowProblem(
                name, row, int(line_numbers[index]), None, body[index][:80],
                f"{why}: {n} fields where the header has {expected}{_separated_by(d)}",
            ))
        raise IngestError(problems)
    kept: np.ndarray = line_numbers[stripped]
    return kept


def _check_with_csv_module(text: str, name: str, expected: int, delimiter: str) -> np.ndarray:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader)
    rows: list[int] = []
    problems = []
    start = 2
    for row in reader:
        if row and not (len(row) == 1 and _is_blank(row[0], delimiter)):
            if len(row) != expected:
                why = "is cut short" if len(row) < expected else "has extra fields"
                problems.append(RowProblem(
                    name, len(rows) + 1, start, None, delimiter.join(row)[:80],
                    f"{why}: {len(row)} fields where the header has {expected}"
                    f"{_separated_by(delimiter)}",
                ))
            rows.append(start)
        start = reader.line_num + 1
    if problems:
        raise IngestError(problems[:20])
    return np.asarray(rows, dtype=np.int64)


def read_text_frame(text: str, delimiter: str | None = None) -> pd.DataFrame:
    """Every field as text; empty fields stay empty strings. ``delimiter``: default detected
    from the header line (:func:`detect_delimiter`, which may raise ``IngestError``)."""
    d = delimiter or detect_delimiter(_first_line(text))
    frame = pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, engine="c", sep=d,
    )
    frame.columns = [c.strip() for c in frame.columns]
    return frame


@dataclass(frozen=True)
class TextTable:
    """A CSV file's fields as text: one pyarrow string column per (stripped) header name.

    ``header`` keeps every name in file order; ``columns`` holds the ones asked for (the first
    of any repeated name). Physical line numbers are worked out only when asked for, since
    only error messages need them. ``delimiter`` is the field separator found.
    """

    name: str
    header: tuple[str, ...]
    columns: dict[str, pa.ChunkedArray]
    num_rows: int
    data: bytes
    field_count: int
    delimiter: str = ","

    def line_numbers(self) -> np.ndarray:
        """The physical line (header = 1) of each data row."""
        return check_field_counts(decode(self.data, self.name), self.name, self.field_count,
                                  self.delimiter)


def _header_names(line: str, delimiter: str = ",") -> list[str]:
    """Stripped header names; an empty one is ``Unnamed: <position>`` and repeats are renamed
    ``name.1``, ``name.2``... as pandas does, so the first of a repeated name is the one used."""
    counts: dict[str, int] = {}
    names = []
    for position, raw in enumerate(next(csv.reader([line], delimiter=delimiter))):
        label = raw.strip() or f"Unnamed: {position}"
        seen = counts.get(label, 0)
        while seen:
            counts[label] = seen + 1
            label = f"{label}.{seen}"
            seen = counts.get(label, 0)
        counts[label] = 1
        names.append(label)
    return names


class _RowCounter:
    """pyarrow invalid-row handler: skip lines of spaces and tabs (as pandas does), note the rest."""

    def __init__(self, delimiter: str = ",") -> None:
        self.bad = 0
        self.delimiter = delimiter

    def __call__(self, row: pa_csv.InvalidRow) -> str:
        if not (row.actual_columns == 1 and _is_blank(row.text, self.delimiter)):
            self.bad += 1
        return "skip"


def read_text_table(data: bytes, name: str, columns: Iterable[str] | None = None) -> TextTable:
    """Every field as text, checked as ``check_field_counts`` does, fast.

    ``columns``: the header names to keep (all when ``None``); names not in the file are left out.
    The field separator is detected from the header (:func:`detect_delimiter`).
    Raises ``IngestError`` for text that is not UTF-8, an empty file, a header that two
    separators split equally, or a row with the wrong number of fields, with the same messages
    as the slow path.
    """
    text = decode(data, name)  # UTF-8 check over the whole file, with a precise message
    header_line = _first_line(text)
    del text
    d = detect_delimiter(header_line, name)
    names = (_header_names(header_line, d) if header_line.strip(" \t") and '"' not in header_line
             else [])
    if len(names) > 1:
        keep = None if columns is None else set(columns)
        wanted = [n for n in names if keep is None or n in keep]
        counter = _RowCounter(d)
        body = pa.py_buffer(data)
        if data.startswith(_BOM):
            body = body.slice(len(_BOM))
        try:
            table = pa_csv.read_csv(
                body,
                read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
                parse_options=pa_csv.ParseOptions(delimiter=d,
                                                  newlines_in_values=data.find(b'"') >= 0,
                                                  invalid_row_handler=counter),
                convert_options=pa_csv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, include_columns=wanted,
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
        except pa.ArrowInvalid:
            table = None
        if table is not None and not counter.bad:
            return TextTable(name, tuple(names), {n: table.column(n) for n in wanted},
                             table.num_rows, data, len(names), d)
    return _slow_text_table(data, name, columns)


def _slow_text_table(data: bytes, name: str, columns: Iterable[str] | None) -> TextTable:
    text = decode(data, name)
    if not text.strip():
        raise IngestError([RowProblem(name, None, 1, None, None, "the file is empty")])
    header = _first_line(text)
    d = detect_delimiter(header, name)
    expected = len(next(csv.reader([header], delimiter=d))) if '"' in header else header.count(d) + 1
    check_field_counts(text, name, expected, d)
    frame = read_text_frame(text, d)
    names = tuple(str(c) for c in frame.columns)
    keep = None if columns is None else set(columns)
    kept: dict[str, pa.ChunkedArray] = {}
    for position, label in enumerate(names):
        if label not in kept and (keep is None or label in keep):
            kept[label] = pa.chunked_array([pa.array(frame.iloc[:, position], type=pa.string())])
    return TextTable(name, names, kept, len(frame), data, expected, d)

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

__all__ = ["decode", "check_field_counts", "read_text_frame", "read_text_table", "TextTable"]

_BOM = b"\xef\xbb\xbf"
# str.splitlines() also breaks at these, which CSV readers do not
_OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n|\r|\n")


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM); a bad byte is reported with its line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        prefix = data[line_start:exc.start].decode("utf-8", errors="replace")
        header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
        columns = next(csv.reader([header]))
        field = prefix.count(",")  # approximate when quoted commas precede the bad byte
        column = columns[field] if field < len(columns) else None
        raise IngestError([RowProblem(
            name, line - 1 if line > 1 else None, line, column,
            repr(data[exc.start:exc.end]),
            "is not valid UTF-8 text (save the file as UTF-8)",
        )]) from None


def _physical_lines(text: str) -> list[str]:
    """Lines as CSV readers see them: split at \\n, \\r\\n and \\r only."""
    if not _OTHER_LINE_BREAKS.search(text):
        return text.splitlines()
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _is_blank(line: str) -> bool:
    """pandas skips lines made only of spaces and tabs."""
    return not line.strip(" \t")


def check_field_counts(text: str, name: str, expected: int) -> np.ndarray:
    """Raise if any data row has a field count other than ``expected``.

    Returns, for each data row, its physical line number (header = line 1), skipping blank lines
    as pandas does. Files with quoted line breaks fall back to the csv module.
    """
    lines = _physical_lines(text)
    if not lines:
        raise IngestError([RowProblem(name, None, 1, None, None, "the file is empty")])
    body = lines[1:]
    line_numbers = np.arange(2, len(lines) + 1)
    stripped = np.fromiter((not _is_blank(s) for s in body), dtype=bool, count=len(body))
    if '"' not in text:
        counts = np.fromiter((s.count(",") + 1 for s in body), dtype=np.int64, count=len(body))
    else:
        quotes = np.fromiter((s.count('"') for s in body), dtype=np.int64, count=len(body))
        if (quotes % 2).any():
            return _check_with_csv_module(text, name, expected)
        counts = np.fromiter(
            ((len(next(csv.reader([s]))) if q else s.count(",") + 1) for s, q in zip(body, quotes, strict=True)),
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
                f"{why}: {n} fields where the header has {expected}",
            ))
        raise IngestError(problems)
    return line_numbers[stripped]


def _check_with_csv_module(text: str, name: str, expected: int) -> np.ndarray:
    reader = csv.reader(io.StringIO(text))
    next(reader)
    rows: list[int] = []
    problems = []
    start = 2
    for row in reader:
        if row and not (len(row) == 1 and _is_blank(row[0])):
            if len(row) != expected:
                why = "is cut short" if len(row) < expected else "has extra fields"
                problems.append(RowProblem(
                    name, len(rows) + 1, start, None, ",".join(row)[:80],
                    f"{why}: {len(row)} fields where the header has {expected}",
                ))
            rows.append(start)
        start = reader.line_num + 1
    if problems:
        raise IngestError(problems[:20])
    return np.asarray(rows, dtype=np.int64)


def read_text_frame(text: str) -> pd.DataFrame:
    """Every field as text; empty fields stay empty strings."""
    frame = pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, engine="c",
    )
    frame.columns = [c.strip() for c in frame.columns]
    return frame


@dataclass(frozen=True)
class TextTable:
    """A CSV file's fields as text: one pyarrow string column per (stripped) header name.

    ``header`` keeps every name in file order; ``columns`` holds the ones asked for (the first
    of any repeated name). Physical line numbers are worked out only when asked for, since
    only error messages need them.
    """

    name: str
    header: tuple[str, ...]
    columns: dict[str, pa.ChunkedArray]
    num_rows: int
    data: bytes
    field_count: int

    def line_numbers(self) -> np.ndarray:
        """The physical line (header = 1) of each data row."""
        return check_field_counts(decode(self.data, self.name), self.name, self.field_count)


def _header_names(line: str) -> list[str]:
    """Stripped header names; an empty one is ``Unnamed: <position>`` and repeats are renamed
    ``name.1``, ``name.2``... as pandas does, so the first of a repeated name is the one used."""
    counts: dict[str, int] = {}
    names = []
    for position, raw in enumerate(next(csv.reader([line]))):
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

    def __init__(self) -> None:
        self.bad = 0

    def __call__(self, row: pa_csv.InvalidRow) -> str:
        if not (row.actual_columns == 1 and _is_blank(row.text)):
            self.bad += 1
        return "skip"


def read_text_table(data: bytes, name: str, columns: Iterable[str] | None = None) -> TextTable:
    """Every field as text, checked as ``check_field_counts`` does, fast.

    ``columns``: the header names to keep (all when ``None``); names not in the file are left out.
    Raises ``IngestError`` for text that is not UTF-8, an empty file, or a row with the wrong
    number of fields, with the same messages as the slow path.
    """
    text = decode(data, name)  # UTF-8 check over the whole file, with a precise message
    first_break = _LINE_BREAK.search(text)
    header_line = text[: first_break.start()] if first_break else text
    del text
    names = _header_names(header_line) if header_line.strip(" \t") and '"' not in header_line else []
    if len(names) > 1:
        keep = None if columns is None else set(columns)
        wanted = [n for n in names if keep is None or n in keep]
        counter = _RowCounter()
        body = pa.py_buffer(data)
        if data.startswith(_BOM):
            body = body.slice(len(_BOM))
        try:
            table = pa_csv.read_csv(
                body,
                read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
                parse_options=pa_csv.ParseOptions(newlines_in_values=data.find(b'"') >= 0,
                                                  invalid_row_handler=counter),
                convert_options=pa_csv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, include_columns=wanted,
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
        except pa.ArrowInvalid:
            table = None
        if table is not None and not counter.bad:
            return TextTable(name, tuple(names), {n: table.column(n) for n in wanted},
                             table.num_rows, data, len(names))
    return _slow_text_table(data, name, columns)


def _slow_text_table(data: bytes, name: str, columns: Iterable[str] | None) -> TextTable:
    text = decode(data, name)
    if not text.strip():
        raise IngestError([RowProblem(name, None, 1, None, None, "the file is empty")])
    header = text.split("\n", 1)[0].strip()
    expected = len(next(csv.reader([header]))) if '"' in header else header.count(",") + 1
    check_field_counts(text, name, expected)
    frame = read_text_frame(text)
    names = tuple(str(c) for c in frame.columns)
    keep = None if columns is None else set(columns)
    kept: dict[str, pa.ChunkedArray] = {}
    for position, label in enumerate(names):
        if label not in kept and (keep is None or label in keep):
            kept[label] = pa.chunked_array([pa.array(frame.iloc[:, position], type=pa.string())])
    return TextTable(name, names, kept, len(frame), data, expected)

"""Decoding and structural checks for CSV bytes, fast enough for million-row files.

pandas pads short rows silently, so the field count of every row is checked here first,
with numpy on the raw bytes (a Python csv pass runs only over lines that contain quotes).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["decode", "check_field_counts", "read_text_frame"]


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


def _line_bounds(text: str) -> tuple[list[str], np.ndarray]:
    lines = text.splitlines()
    return lines, np.arange(1, len(lines) + 1)


def check_field_counts(text: str, name: str, expected: int) -> np.ndarray:
    """Raise if any data row has a field count other than ``expected``.

    Returns, for each data row, its physical line number (header = line 1), skipping blank lines
    as pandas does. Files with quoted line breaks fall back to the csv module.
    """
    lines = text.splitlines()
    if not lines:
        raise IngestError([RowProblem(name, None, 1, None, None, "the file is empty")])
    body = lines[1:]
    line_numbers = np.arange(2, len(lines) + 1)
    stripped = np.array([len(s.strip()) > 0 for s in body], dtype=bool) if body else np.zeros(0, bool)
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
        if row:
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

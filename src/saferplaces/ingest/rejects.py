"""The rejects file ``--skip-invalid`` writes beside an input file: one line per problem, with
the rejected row's original fields, so a user can fix the rows and load the file again.

Columns: ``file, row, line, column, value, reason`` (the problem, as before), then every column
of the input file's header holding that row's fields as written (empty for a problem with the
whole file). Files named ``*-rejects.csv`` are saferplaces' own and are never read as input
(``is_rejects_file``)."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from saferplaces.ingest.csvtext import decode, read_text_frame
from saferplaces.ingest.errors import IngestError, RowProblem

REJECTS_SUFFIX = "-rejects.csv"
PROBLEM_COLUMNS = ("file", "row", "line", "column", "value", "reason")

__all__ = ["PROBLEM_COLUMNS", "REJECTS_SUFFIX", "is_rejects_file", "original_rows", "rejects_path",
           "write_rejects"]


def is_rejects_file(name: str | Path) -> bool:
    """Whether a file is a rejects file saferplaces wrote (``*-rejects.csv``)."""
    return Path(name).name.lower().endswith(REJECTS_SUFFIX)


def rejects_path(name: str) -> Path:
    """Where the rejects of ``name`` (a path, or ``archive.zip!member``) go: beside the file
    (beside the archive for a member), as ``<stem>-rejects.csv``."""
    base = Path(name.split("!")[0])
    folder = base if base.is_dir() else base.parent
    return folder / f"{Path(name.split('!')[-1]).stem}{REJECTS_SUFFIX}"


def original_rows(name: str) -> pd.DataFrame | None:
    """The input file's fields as text, one row per data row (row 1 first), or ``None`` when
    the file cannot be read as CSV text (its rejects then hold the problems only)."""
    path, _, member = name.partition("!")
    try:
        if member:
            with zipfile.ZipFile(path) as archive:
                data = archive.read(member)
        else:
            data = Path(path).read_bytes()
        return read_text_frame(decode(data, name))
    except (OSError, zipfile.BadZipFile, KeyError, IngestError, ValueError, csv.Error):
        return None


def write_rejects(target: Path, problems: Sequence[RowProblem], original: pd.DataFrame | None) -> None:
    """Write ``problems`` to ``target`` (UTF-8 CSV), each followed by its row's original fields."""
    header = [] if original is None else [str(c) for c in original.columns]
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*PROBLEM_COLUMNS, *header])
        for p in problems:
            fields: list[str] = [""] * len(header)
            if original is not None and p.row is not None and 1 <= p.row <= len(original):
                fields = [str(v) for v in original.iloc[p.row - 1].tolist()]
            writer.writerow([p.file, p.row, p.line, p.column, p.value, p.reason, *fields])

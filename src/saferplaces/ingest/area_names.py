"""A display-name table for areas: a CSV of ``code,name`` rows, for one kind of area.

Boundary files often carry only codes (E01021234) or official names no resident uses; the
partnership's own names ("Greenstead", "Town centre north") make reports a councillor can read.
The file is checked whole before anything is used: a header with ``code`` and ``name`` columns
(other columns are ignored), a code and a name on every row, no code twice. UTF-8 (with or
without BOM), separated by commas, semicolons, tabs or bars, as every CSV the partnership loads.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from saferplaces.ingest.csvtext import decode, detect_delimiter
from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["NAME_MAX_CHARS", "read_area_names"]

#: The longest name the store keeps (``Area.name``).
NAME_MAX_CHARS = 200


def read_area_names(path: str | Path) -> dict[str, str]:
    """The names by code, in file order; raises ``IngestError`` naming every bad row."""
    p = Path(path)
    name = p.name
    text = decode(p.read_bytes(), name)
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise IngestError([RowProblem(name, None, 1, None, None,
                                      "is empty: it needs a header line 'code,name'")])
    reader = csv.DictReader(io.StringIO(text), delimiter=detect_delimiter(first, name))
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        raise IngestError([RowProblem(name, None, 1, None, first[:60],
                                      f"has no {' or '.join(repr(c) for c in missing)} column: "
                                      "the header must name the columns 'code' and 'name'")])
    names: dict[str, str] = {}
    problems: list[RowProblem] = []
    for row_number, row in enumerate(reader, start=1):
        line = reader.line_num
        code = (row.get(header["code"]) or "").strip()
        label = " ".join((row.get(header["name"]) or "").split())
        if not code and not label:
            continue
        if not code:
            problems.append(RowProblem(name, row_number, line, "code", None, "has no code"))
        elif not label:
            problems.append(RowProblem(name, row_number, line, "name", None,
                                       f"has no name for {code!r}"))
        elif len(label) > NAME_MAX_CHARS:
            problems.append(RowProblem(name, row_number, line, "name", label,
                                       f"is longer than {NAME_MAX_CHARS} characters"))
        elif code in names:
            problems.append(RowProblem(name, row_number, line, "code", code,
                                       "repeats a code named on an earlier row"))
        else:
            names[code] = label
    if problems:
        raise IngestError(problems)
    if not names:
        raise IngestError([RowProblem(name, None, None, None, None,
                                      "holds no names: one row per area, 'code,name'")])
    return names

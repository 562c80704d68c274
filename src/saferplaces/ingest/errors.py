"""Problems found in input files, always naming the file, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    """One bad value: ``row`` counts data rows from 1 (the header is not a row); ``line`` is the
    physical line in the file (the header is line 1)."""

    file: str
    row: int | None
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def describe(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f": {self.value[:60]!r}"
        return f"{', '.join(where)}: {self.reason}{shown}"


class IngestError(Exception):
    """A file was rejected; nothing from it was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        first = problems[0].describe()
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)

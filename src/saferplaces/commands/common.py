"""Helpers shared by the analysis sub-commands: periods, output files, tables."""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from saferplaces.periods import MONTH_PATTERN
from saferplaces.progress import Progress
from saferplaces.web.env import SettingError, env_bool

if TYPE_CHECKING:
    import pandas as pd

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
out = Console(soft_wrap=True)
console = Console(stderr=True, soft_wrap=True)


def setup_django(*, migrate: bool = True) -> None:
    """Configure Django and bring the database schema up to date (zero set-up on SQLite)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.settings")
    import django
    from django.core.management import call_command

    try:
        django.setup()
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)


@contextmanager
def progress_bars(label: str | None = None) -> Iterator[Progress]:
    """A ``progress(stage, done, total)`` callback drawing one rich bar per stage; with a
    ``label``, every stage draws on one bar of that name."""
    with RichProgress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False,
                  disable=not console.is_terminal and not env_bool("SAFERPLACES_PROGRESS")) as bars:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            stage = label or stage
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update


def check_month(value: str | None, option: str) -> str | None:
    if value is not None and not MONTH_PATTERN.match(value):
        raise click.BadParameter(f"{value!r} is not a month in the form YYYY-MM", param_hint=option)
    return value


def _period_end(text: str, value: str, option: str, *, end: bool) -> pd.Timestamp:
    """One end of a period: ``YYYY-MM`` (its first or, for ``end``, last day) or ``YYYY-MM-DD``."""
    import pandas as pd

    if MONTH_PATTERN.match(text):
        first = pd.Timestamp(f"{text}-01")
        return first + pd.offsets.MonthEnd(0) if end else first
    if not ISO_DATE.match(text):
        raise click.BadParameter(f"{value!r}: {text!r} is not a date YYYY-MM-DD or a month YYYY-MM "
                                 "(other forms such as 01/06/2024 are not accepted: they read "
                                 "differently in the UK and the US)", param_hint=option)
    try:
        return pd.Timestamp(datetime.date.fromisoformat(text))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {text!r} is not a date: {exc}", param_hint=option) from None


def parse_period(value: str, option: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``FROM..TO`` as UK calendar dates (YYYY-MM-DD) or months (YYYY-MM, meaning the whole
    month), both ends included. Only these ISO forms are read, so a date is never taken
    month-first; anything else raises ``click.BadParameter``."""
    if ".." not in value:
        raise click.BadParameter(f"{value!r} should be FROM..TO, e.g. 2025-01..2025-06", param_hint=option)
    first, last = (part.strip() for part in value.split("..", 1))
    start = _period_end(first, value, option, end=False)
    end = _period_end(last, value, option, end=True)
    if end < start:
        raise click.BadParameter(f"{value!r} ends before it starts", param_hint=option)
    return start.normalize(), end.normalize()


def write_output(path: Path, *, frame: pd.DataFrame | None = None, data: Any = None) -> None:
    """Write ``data`` as JSON or ``frame`` as CSV, chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    elif suffix == ".csv" and frame is not None:
        frame.to_csv(path, index=False)
    elif suffix in (".geojson",) and data is not None:
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        raise click.BadParameter(f"cannot write {path.name}: use .json or .csv", param_hint="--out")
    out.print(f"Written {path}")


def print_frame(frame: pd.DataFrame, title: str, formats: dict[str, str] | None = None,
                float_format: str | None = None) -> None:
    import pandas as pd

    formats = formats or {}
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), justify="right" if frame[column].dtype.kind in "if" else "left")
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                cells.append("–")
            elif column in formats:
                cells.append(format(value, formats[column]))
            elif float_format and isinstance(value, float):
                cells.append(format(value, float_format))
            else:
                cells.append(str(value))
        table.add_row(*cells)
    out.print(table)

"""``saferplaces ingest``, ``saferplaces areas`` and ``saferplaces status``: data into the store, and what it holds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from saferplaces.commands.common import console, out, progress_bars, setup_django
from saferplaces.vocab import AREA_KINDS

if TYPE_CHECKING:
    from saferplaces.apps.incidents.services import IngestReport


@click.group()
def ingest() -> None:
    """Load incident files into the store (safe to repeat: nothing is added twice)."""


def _short_name(name: str) -> str:
    """A loaded file's own name: ``archive.zip!2024-03/2024-03-essex-street.csv`` gives the CSV's."""
    return Path(name.split("!")[-1]).name


def _print_ingest(report: IngestReport, skip_invalid: bool, reject_dir: Path | None = None) -> int:
    table = Table(title="Ingest", show_lines=False)
    counts = ("rows_read", "rows_added", "rows_updated", "rows_present", "rows_rejected")
    for column in ("file", "read", "added", "updated", "already present", "rejected"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for f in report.files:
        table.add_row(_short_name(f.name), *(str(getattr(f, a)) for a in counts))
    table.add_row("total", *(str(report.total(a)) for a in counts), style="bold")
    out.print(table)
    for f in report.files:
        for notice in f.notices:  # a month loaded before from another download, records kept or repeated
            out.print(f"{_short_name(f.name)}: {notice}", markup=False, highlight=False)
    for f in report.files:
        for found in f.placeholders:  # UNKNOWN, N/A, 0... in a reference column: never a person
            out.print(f"{_short_name(f.name)}: {found.describe()}", markup=False, highlight=False)
    status = 0
    for f in report.files:
        if f.error is not None:
            status = 1
            console.print(f"[red]Rejected[/red] {f.name}: nothing was written.")
            for problem in f.error.problems[:10]:
                console.print(f"  {problem.describe()}", markup=False, highlight=False, soft_wrap=True)
    if any(f.error for f in report.files) and not skip_invalid:
        console.print("No file was loaded because of the errors above. Fix the file, or use "
                      "--skip-invalid to load the good rows and set the bad ones aside.")
    if skip_invalid:
        from saferplaces.ingest.rejects import original_rows, rejects_path, write_rejects

        for f in report.files:
            if f.problems:
                status = 1
                # the rejected rows' own fields follow the reasons, so the rows can be fixed and reloaded
                target = rejects_path(f.name)
                write_rejects(target, f.problems, original_rows(f.name))
                console.print(f"{len(f.problems)} rejected rows of {f.name} written to {target}",
                              markup=False, highlight=False)
    return status


@ingest.command("police-uk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Load good rows; write bad rows with reasons to a CSV beside the file.")
def ingest_police_uk(paths: tuple[Path, ...], skip_invalid: bool) -> None:
    """Load police.uk street-level files: CSV files, folders of them, or the zip archives police.uk gives."""
    setup_django()
    from saferplaces.apps.incidents.services import ingest_police_uk as run

    try:
        with progress_bars() as progress:
            report = run(paths, skip_invalid=skip_invalid, progress=progress)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(_print_ingest(report, skip_invalid))


@ingest.command("csv")
@click.option("--mapping", "mapping_name", required=True,
              help="A mapping TOML file, or the name of a shipped one: council-asb, fire-deliberate, local-incidents.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Load good rows; write bad rows with reasons to a CSV beside the file.")
def ingest_csv(mapping_name: str, paths: tuple[Path, ...], skip_invalid: bool) -> None:
    """Load a partner's CSV (council ASB log, fire service, local records) through a column mapping."""
    setup_django()
    from saferplaces.apps.incidents.services import ingest_mapped
    from saferplaces.ingest.mapped import MappingError, load_mapping

    try:
        mapping = load_mapping(mapping_name)
        with progress_bars() as progress:
            report = ingest_mapped(paths, mapping, skip_invalid=skip_invalid, progress=progress)
    except (MappingError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(_print_ingest(report, skip_invalid))


@click.group()
def areas() -> None:
    """Boundaries: wards, LSOAs, neighbourhoods, PSPO zones, the town centre."""


@areas.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(AREA_KINDS), help="What these areas are.")
@click.option("--name-field", help="Property holding the area name (default: guessed, e.g. LSOA11NM).")
@click.option("--code-field", help="Property holding the area code (default: guessed, e.g. LSOA11CD).")
@click.option("--population-field", help="Property holding the resident population, if any.")
def areas_import(file: Path, kind: str, name_field: str | None, code_field: str | None,
                 population_field: str | None) -> None:
    """Import a GeoJSON boundary file (WGS84 or British National Grid) and assign incidents to it."""
    setup_django()
    from saferplaces.apps.incidents.services import import_areas
    from saferplaces.ingest.errors import IngestError

    try:
        with progress_bars() as progress:
            result = import_areas(file, kind, name_field=name_field, code_field=code_field,
                                  population_field=population_field, progress=progress)
    except IngestError as exc:
        raise click.ClickException(f"{exc}. Nothing was written.") from None
    out.print(f"{kind}: {result.created} areas added, {result.updated} updated; "
              f"{result.links} incident-area links.")


@areas.command("names")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(AREA_KINDS), help="What these areas are.")
def areas_names(file: Path, kind: str) -> None:
    """Name areas as the reports should: a CSV of code,name rows for one kind of area."""
    setup_django()
    from saferplaces.apps.incidents.names import import_area_names
    from saferplaces.ingest.errors import IngestError

    try:
        result = import_area_names(file, kind)
    except IngestError as exc:
        raise click.ClickException(f"{exc}. Nothing was written.") from None
    out.print(f"{kind}: {result.renamed} areas renamed, {result.unchanged} already so named.")
    if result.unknown:
        shown = ", ".join(result.unknown[:10]) + (" ..." if len(result.unknown) > 10 else "")
        out.print(f"{len(result.unknown)} codes in the file match no imported {kind} "
                  f"and were skipped: {shown}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (documented in the README).")
def status(as_json: bool) -> None:
    """What the store holds: incidents by source, category and month range; areas by kind."""
    setup_django()
    from saferplaces.apps.incidents.services import store_status

    data = store_status()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    inc = data["incidents"]
    out.print(f"[bold]{inc['total']}[/bold] incidents, {inc['first_month'] or '-'} to {inc['last_month'] or '-'}"
              + ("  [yellow](synthetic demo data)[/yellow]" if data["synthetic"] else ""))
    for title, mapping in (("Source", inc["by_source"]), ("Category", inc["by_category"])):
        table = Table(title=f"By {title.lower()}")
        table.add_column(title)
        table.add_column("incidents", justify="right")
        for key, value in mapping.items():
            table.add_row(key, str(value))
        out.print(table)
    table = Table(title="Areas")
    for column in ("kind", "areas", "incident links"):
        table.add_column(column)
    for kind, value in data["areas"].items():
        table.add_row(kind, str(value["areas"]), str(value["incident_links"]))
    out.print(table)

"""The ``saferplaces`` command: every job the partnership runs, one sub-command each."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from saferplaces.web.env import SettingError, env_bool

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

AREA_KINDS = ("ward", "lsoa", "msoa", "neighbourhood", "pspo", "town-centre", "custom")


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
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    """A ``progress(stage, done, total)`` callback drawing one rich bar per stage."""
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False,
                  disable=not console.is_terminal and not env_bool("SAFERPLACES_PROGRESS")) as bars:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saferplaces")
def main() -> None:
    """saferplaces: know the place, set priorities, work cases together, act and evaluate.

    The database is ./saferplaces.sqlite3 unless SAFERPLACES_DB names another file, or
    DATABASE_URL points at PostgreSQL.
    """


# --- data in -------------------------------------------------------------------------------


@main.group()
def ingest() -> None:
    """Load incident files into the store (safe to repeat: nothing is added twice)."""


def _print_ingest(report, skip_invalid: bool, reject_dir: Path | None = None) -> int:
    table = Table(title="Ingest", show_lines=False)
    counts = ("rows_read", "rows_added", "rows_updated", "rows_present", "rows_rejected")
    for column in ("file", "read", "added", "updated", "already present", "rejected"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for f in report.files:
        table.add_row(Path(f.name.split("!")[-1]).name, *(str(getattr(f, a)) for a in counts))
    table.add_row("total", *(str(report.total(a)) for a in counts), style="bold")
    out.print(table)
    for f in report.files:
        for notice in f.notices:  # a month loaded before from another download, records kept or repeated
            out.print(f"{Path(f.name.split('!')[-1]).name}: {notice}", markup=False, highlight=False)
    for f in report.files:
        for found in f.placeholders:  # UNKNOWN, N/A, 0... in a reference column: never a person
            out.print(f"{Path(f.name.split('!')[-1]).name}: {found.describe()}", markup=False, highlight=False)
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
        import csv

        for f in report.files:
            if f.problems:
                status = 1
                base = Path(f.name.split("!")[0])
                target = (base.parent if base.is_file() else base) / f"{Path(f.name.split('!')[-1]).stem}-rejects.csv"
                with open(target, "w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(["file", "row", "line", "column", "value", "reason"])
                    for p in f.problems:
                        writer.writerow([p.file, p.row, p.line, p.column, p.value, p.reason])
                console.print(f"{len(f.problems)} rejected rows of {f.name} written to {target}",
                              markup=False, highlight=False)
    return status


@ingest.command("police-uk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Load good rows; write bad rows with reasons to a CSV beside the file.")
def ingest_police_uk(paths: tuple[Path, ...], skip_invalid: bool) -> None:
    """Load police.uk street-level files: CSV files, folders of them, or the zip archives police.uk gives."""
    setup_django()
    from saferplaces.incidents.services import ingest_police_uk as run

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
    from saferplaces.incidents.services import ingest_mapped
    from saferplaces.ingest.mapped import MappingError, load_mapping

    try:
        mapping = load_mapping(mapping_name)
        with progress_bars() as progress:
            report = ingest_mapped(paths, mapping, skip_invalid=skip_invalid, progress=progress)
    except (MappingError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(_print_ingest(report, skip_invalid))


@main.group()
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
    from saferplaces.incidents.services import import_areas
    from saferplaces.ingest.errors import IngestError

    try:
        with progress_bars() as progress:
            result = import_areas(file, kind, name_field=name_field, code_field=code_field,
                                  population_field=population_field, progress=progress)
    except IngestError as exc:
        raise click.ClickException(f"{exc}. Nothing was written.") from None
    out.print(f"{kind}: {result.created} areas added, {result.updated} updated; "
              f"{result.links} incident-area links.")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (documented in the README).")
def status(as_json: bool) -> None:
    """What the store holds: incidents by source, category and month range; areas by kind."""
    setup_django()
    from saferplaces.incidents.services import store_status

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


# --- demo -------------------------------------------------------------------------------------


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed gives the same files.")
@click.option("--months", default=36, show_default=True, help="How many months of incidents.")
@click.option("--scale", default=1.0, show_default=True, help="Volume multiplier (1.0 = a Colchester-sized town).")
@click.option("--no-trend", is_flag=True, help="Do not plant the rising category (for testing that nothing is found).")
def generate(directory: Path, seed: int, months: int, scale: float, no_trend: bool) -> None:
    """Write a synthetic demo town's files (police.uk, partners, boundaries, ground truth)."""
    from saferplaces.demo import generate_town

    with progress_bars() as progress:
        summary = generate_town(directory, seed=seed, months=months, scale=scale,
                                plant_trend=not no_trend, progress=progress)
    out.print(f"Synthetic demo town written to {directory} ({summary})")


def load_demo(directory: Path, progress: Callable[[str, int, int], None]) -> dict:
    """Ingest a generated demo town (areas first, so every incident is assigned as it loads)."""
    from saferplaces.incidents.services import import_areas, ingest_mapped, ingest_police_uk
    from saferplaces.ingest.mapped import load_mapping

    for name, kind in (("lsoas", "lsoa"), ("neighbourhoods", "neighbourhood"),
                       ("town-centre", "town-centre"), ("pspo", "pspo")):
        import_areas(directory / "areas" / f"{name}.geojson", kind, progress=progress)
    reports = {"police-uk": ingest_police_uk([directory / "police-uk"], progress=progress)}
    for name in ("council-asb", "fire-deliberate", "local-incidents"):
        reports[name] = ingest_mapped([directory / "partner" / f"{name}.csv"], load_mapping(name),
                                      progress=progress)
    for name, report in reports.items():
        if not report.ok:
            raise click.ClickException(f"demo file {name} was rejected: {report.files[0].error}")
    return reports


@main.command()
@click.option("--dir", "directory", default="saferplaces-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where to write the demo files.")
@click.option("--seed", default=1, show_default=True)
@click.option("--no-serve", is_flag=True, help="Stop after loading instead of starting the web app.")
@click.option("--port", default=8000, show_default=True)
def demo(directory: Path, seed: int, no_serve: bool, port: int) -> None:
    """Generate the synthetic demo town, load it, and serve the web app on http://127.0.0.1:PORT."""
    from saferplaces.demo import generate_town

    setup_django()
    with progress_bars() as progress:
        if not (directory / "ground_truth.json").exists():
            generate_town(directory, seed=seed, progress=progress)
        reports = load_demo(directory, progress)
    password = _demo_analyst()
    added = sum(r.total("rows_added") for r in reports.values())
    present = sum(r.total("rows_present") for r in reports.values())
    out.print(f"Synthetic demo town loaded from {directory}: {added} incidents added, {present} already present.")
    out.print(f"Sign in to the Assessments section as [bold]demo-analyst[/bold] with password [bold]{password}[/bold] "
              "(a new one each time the demo starts).")
    if not no_serve:
        _serve("127.0.0.1", port)


def _demo_analyst() -> str:
    """A demo analyst account with a fresh random password (the demo is synthetic and local)."""
    import secrets

    from saferplaces.commands.users import ensure_user

    password = secrets.token_urlsafe(9)
    ensure_user("demo-analyst", password, analyst=True)
    return password


# --- web --------------------------------------------------------------------------------------


def _serve(host: str, port: int, *, with_worker: bool = True) -> None:
    """Django's threaded server, with a background worker beside it for long jobs."""
    import subprocess

    from django.core.management import call_command

    helper = None
    if with_worker:
        helper = subprocess.Popen([sys.executable, "-m", "saferplaces.cli", "worker"])
        out.print("Started the background worker (assessments run there).")
    out.print(f"Serving saferplaces on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        if helper is not None:
            helper.terminate()
            helper.wait(timeout=10)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--no-worker", is_flag=True, help="Do not start a background worker (run `saferplaces worker` yourself).")
def serve(host: str, port: int, no_worker: bool) -> None:
    """Start the web application (and a background worker for assessments)."""
    setup_django()
    _serve(host, port, with_worker=not no_worker)


def _register_commands() -> None:
    from saferplaces.commands.analyse import evaluate, trends
    from saferplaces.commands.assess import assess, deep_dive, monitor, street_weeks_command, worker
    from saferplaces.commands.spatial import hotspots, near_repeat
    from saferplaces.commands.users import users

    for command in (trends, evaluate, hotspots, near_repeat, assess, deep_dive, monitor, street_weeks_command,
                    worker, users):
        main.add_command(command)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()

"""``saferplaces assess`` (the strategic assessment) and ``saferplaces worker`` (background jobs)."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.commands.common import check_month, out

FORMATS = ("html", "pdf", "json")


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}, separated by commas", param_hint="--format")
    return chosen


def default_year() -> tuple[str, str]:
    """The latest 12 whole months in the store."""
    import pandas as pd

    from saferplaces.incidents.models import Incident

    last = Incident.objects.order_by("-month").values_list("month", flat=True).first()
    if last is None:
        raise click.ClickException("the store is empty: load data first (saferplaces ingest / demo)")
    end = pd.Period(last, "M")
    return str(end - 11), str(end)


@click.command()
@click.option("--from", "first_month", help="First month of the assessment year (YYYY-MM). Default: 11 months before --to.")
@click.option("--to", "last_month", help="Last month of the assessment year (YYYY-MM). Default: the latest in the store.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML file overriding the default themes, scoring weights and thresholds.")
@click.option("--out", "out_dir", default="assessment", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the report files.")
@click.option("--format", "formats", default="html,pdf,json", show_default=True, help="Report formats.")
@click.option("--public", is_flag=True, help="Write the public version: no case or intelligence data, small counts suppressed.")
def assess(first_month: str | None, last_month: str | None, config_path: Path | None, out_dir: Path,
           formats: str, public: bool) -> None:
    """Run the annual strategic assessment: rank candidate priorities with their evidence and
    write the crime and disorder panel report (HTML, PDF, JSON). The run is kept in the database."""
    from saferplaces.assessment import ConfigError, load_config
    from saferplaces.cli import progress_bars, setup_django

    chosen = _formats(formats)
    check_month(first_month, "--from")
    check_month(last_month, "--to")
    config_text = ""
    if config_path:
        try:
            load_config(config_path)
        except ConfigError as exc:
            raise click.ClickException(f"{config_path}: {exc}") from None
        config_text = config_path.read_text(encoding="utf-8")
    setup_django()
    from saferplaces.assessments.models import AssessmentRun, ReportFile
    from saferplaces.assessments.services import execute_run

    if not last_month:
        last_month = default_year()[1]
    if not first_month:
        import pandas as pd

        first_month = str(pd.Period(last_month, "M") - 11)
    run = AssessmentRun.objects.create(first_month=first_month, last_month=last_month, config_toml=config_text)
    with progress_bars() as progress:
        try:
            execute_run(run, progress=lambda stage, percent: progress("assessment", percent, 100))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    for report in ReportFile.objects.filter(run=run, public=public, format__in=chosen):
        path = out_dir / report.filename
        path.write_bytes(bytes(report.content))
        out.print(f"Written {path}")
    result = run.result or {}
    names = {c["id"]: c.get("name", c["id"]) for c in result.get("candidates", [])}
    out.print(f"Assessment {first_month} to {last_month} (run {run.pk}"
              + (", synthetic demo data" if run.synthetic else "") + "). Priorities:")
    for number, key in enumerate(result.get("priorities", []), start=1):
        out.print(f"  {number}. {names.get(key, key)}")


@click.command()
@click.option("--batch", is_flag=True, help="Run the waiting jobs, then stop.")
def worker(batch: bool) -> None:
    """Run background jobs (assessments started from the web app). `saferplaces serve` and
    `saferplaces demo` start one for you."""
    from django.core.management import call_command

    from saferplaces.cli import setup_django

    setup_django()
    arguments = ["--no-startup-delay", "--interval", "1"] + (["--batch"] if batch else [])
    call_command("db_worker", *arguments)

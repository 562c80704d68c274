"""``saferplaces assess`` (the strategic assessment) and ``saferplaces worker`` (background jobs)."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.commands.common import check_month, out
from saferplaces.periods import default_period

FORMATS = ("html", "pdf", "json", "docx")
#: A deep dive has no Word version.
DEEP_DIVE_FORMATS = ("html", "pdf", "json")


def _formats(value: str, allowed: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(allowed)}, separated by commas", param_hint="--format")
    return chosen


def assessment_year(first_month: str | None, last_month: str | None) -> tuple[str, str]:
    """The period asked for; by default the latest 12 whole months in the store, and a
    missing first month is 11 months before the last. Needs Django set up."""
    import pandas as pd

    from saferplaces.apps.incidents.models import Incident

    check_month(first_month, "--from")
    check_month(last_month, "--to")
    if not last_month:
        last = Incident.objects.order_by("-month").values_list("month", flat=True).first()
        if last is None:
            raise click.ClickException("the store is empty: load data first (saferplaces ingest / demo)")
        last_month = str(pd.Period(last, "M"))
    return first_month or default_period(last_month)[0], last_month


@click.command()
@click.option("--from", "first_month", help="First month of the assessment year (YYYY-MM). Default: 11 months before --to.")
@click.option("--to", "last_month", help="Last month of the assessment year (YYYY-MM). Default: the latest in the store.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML file overriding the default themes, scoring weights and thresholds.")
@click.option("--out", "out_dir", default="assessment", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the report files.")
@click.option("--format", "formats", default="html,pdf,json", show_default=True,
              help="Report formats: html, pdf, json, docx (an editable Word document).")
@click.option("--public", is_flag=True, help="Write the public version: no case or intelligence data, small counts suppressed.")
def assess(first_month: str | None, last_month: str | None, config_path: Path | None, out_dir: Path,
           formats: str, public: bool) -> None:
    """Run the annual strategic assessment: rank candidate priorities with their evidence and
    write the crime and disorder panel report (HTML, PDF, JSON). The run is kept in the database."""
    from saferplaces.commands.common import progress_bars, setup_django
    from saferplaces.strategic import ConfigError, load_config

    chosen = _formats(formats)
    config_text = ""
    if config_path:
        try:
            load_config(config_path)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        config_text = config_path.read_text(encoding="utf-8")
    setup_django()
    from saferplaces.apps.assessments.models import AssessmentRun, ReportFile
    from saferplaces.apps.assessments.services import execute_run

    first_month, last_month = assessment_year(first_month, last_month)
    run = AssessmentRun.objects.create(first_month=first_month, last_month=last_month, config_toml=config_text)
    with progress_bars("assessment") as progress:
        try:
            execute_run(run, progress=progress)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    for report in ReportFile.objects.filter(run=run, public=public, format__in=chosen):
        path = out_dir / report.filename
        path.write_bytes(bytes(report.content))
        out.print(f"Written {path}")
    if "docx" in chosen and run.result:
        from saferplaces.strategic.docx_report import render_docx

        version = "public" if public else "panel"
        path = out_dir / f"assessment-{first_month}-to-{last_month}-{version}.docx"
        path.write_bytes(render_docx(run.result, public=public))
        out.print(f"Written {path}")
    result = run.result or {}
    names = {c["id"]: c.get("name", c["id"]) for c in result.get("candidates", [])}
    out.print(f"Assessment {first_month} to {last_month} (run {run.pk}"
              + (", synthetic demo data" if run.synthetic else "") + "). Priorities:")
    for number, key in enumerate(result.get("priorities", []), start=1):
        out.print(f"  {number}. {names.get(key, key)}")


@click.command("deep-dive")
@click.argument("topic")
@click.option("--from", "first_month", help="First month (YYYY-MM). Default: 11 months before --to (a quarter works too).")
@click.option("--to", "last_month", help="Last month (YYYY-MM). Default: the latest in the store.")
@click.option("--out", "out_dir", default="assessment", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "formats", default="html,pdf,json", show_default=True)
@click.option("--public", is_flag=True, help="Write the public version.")
def deep_dive(topic: str, first_month: str | None, last_month: str | None, out_dir: Path, formats: str,
              public: bool) -> None:
    """A deep dive into one priority topic (a candidate id such as theme:violent-crime or
    police-uk:shoplifting) over any period: the quarterly assessment model. Kept in the database."""
    from saferplaces.commands.common import progress_bars, setup_django

    chosen = _formats(formats, DEEP_DIVE_FORMATS)
    setup_django()
    first_month, last_month = assessment_year(first_month, last_month)
    from saferplaces.apps.assessments.models import AssessmentRun, ReportFile, RunKind
    from saferplaces.apps.assessments.services import execute_run

    run = AssessmentRun.objects.create(kind=RunKind.DEEP_DIVE, topic=topic, first_month=first_month,
                                       last_month=last_month)
    with progress_bars("deep dive") as progress:
        try:
            execute_run(run, progress=progress)
        except (KeyError, ValueError) as exc:
            raise click.ClickException(str(exc).strip("'\"")) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    for report in ReportFile.objects.filter(run=run, public=public, format__in=chosen):
        path = out_dir / report.filename
        path.write_bytes(bytes(report.content))
        out.print(f"Written {path}")
    out.print(run.result.get("finding", "") if run.result else "")


@click.command()
@click.option("--from", "first_month", help="First month monitored (YYYY-MM). Default: 11 months before --to.")
@click.option("--to", "last_month", help="Last month monitored (YYYY-MM). Default: the latest in the store.")
def monitor(first_month: str | None, last_month: str | None) -> None:
    """Track each current priority (from the latest assessment) month by month against its target."""
    from saferplaces.commands.common import print_frame, setup_django

    setup_django()
    first_month, last_month = assessment_year(first_month, last_month)
    import pandas as pd

    from saferplaces.apps.assessments.services import monitor_priorities

    try:
        run, result = monitor_priorities(first_month, last_month)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    out.print(f"Priorities from the assessment {run.first_month} to {run.last_month}; months {first_month} to {last_month}")
    if result.target_from:
        out.print(f"Targets apply from {result.target_from}: earlier months are shown, not judged")
    rows = [{"priority": p.name, "measure": p.measure, "target %": p.change_pct, "to date": p.ytd_actual,
             "target to date": p.ytd_target, "last year": p.ytd_last_year, "status": p.status,
             "months compared": p.compared or "none yet"}
            for p in result.priorities]
    print_frame(pd.DataFrame(rows), "Monitoring", float_format=".0f")
    waiting = [p.name for p in result.priorities if p.status == "before the target period"]
    if waiting:
        out.print(f"Before the target period (not judged): {', '.join(waiting)}")
    for warning in result.warnings:
        out.print(f"[yellow]{warning}[/yellow]")


@click.command("street-weeks")
@click.option("--from", "first_month", help="First month (YYYY-MM). Default: 11 months before --to.")
@click.option("--to", "last_month", help="Last month (YYYY-MM). Default: the latest in the store.")
@click.option("--exclude", multiple=True, help="Area codes to leave out (as well as those with a recent Street Week).")
@click.option("--top", default=10, show_default=True)
def street_weeks_command(first_month: str | None, last_month: str | None, exclude: tuple[str, ...], top: int) -> None:
    """Rank wards/neighbourhoods for the next Street Week, with the reasons (harm-weighted rate,
    trend, repeat ASB, hotspots), leaving out areas treated in the last 12 months."""
    from saferplaces.commands.common import print_frame, setup_django

    setup_django()
    first_month, last_month = assessment_year(first_month, last_month)
    import pandas as pd

    from saferplaces.apps.assessments.services import rank_street_weeks

    try:
        result = rank_street_weeks(first_month, last_month, exclude=exclude)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    rows = [{"rank": a.rank, "area": f"{a.name} ({a.code})", "score": a.score, "reasons": "; ".join(a.reasons)}
            for a in result.ranked[:top]]
    print_frame(pd.DataFrame(rows), f"Next Street Week: {result.area_kind}s, {first_month} to {last_month}",
                float_format=".0f")
    if result.excluded:
        out.print("Left out (recent Street Week): " + ", ".join(a.name for a in result.excluded))


@click.command()
@click.option("--batch", is_flag=True, help="Run the waiting jobs, then stop.")
def worker(batch: bool) -> None:
    """Run background jobs (assessments started from the web app, the daily task reminders). `saferplaces serve` and
    `saferplaces demo` start one for you."""
    from django.core.management import call_command

    from saferplaces.commands.common import setup_django

    setup_django()
    if not batch:  # a long-running worker also sends the daily task reminders
        from saferplaces.apps.cases.reminders import schedule_reminders

        schedule_reminders()
    arguments = ["--no-startup-delay", "--interval", "1"] + (["--batch"] if batch else [])
    call_command("db_worker", *arguments)

"""``saferplaces repeats``: repeat detection from the incident store. ``repeats holder`` says
which agency holds a source's records (the store keeps no owning agency on an incident);
``repeats propose`` finds the repeat victims, complainants and locations in every held source
and proposes them to that agency's case managers. The rules are in
``saferplaces.casework.repeats`` and ``saferplaces.apps.repeats.services``."""

from __future__ import annotations

import datetime

import click

from saferplaces.commands.common import out, progress_bars, setup_django


@click.group()
def repeats() -> None:
    """Repeat detection: who holds each source's records, and proposals to case managers."""


@repeats.command("holder")
@click.argument("source")
@click.argument("agency")
@click.option("--references", type=click.Choice(["victim", "complainant"]), default="victim",
              show_default=True,
              help="What the source's reference column holds: victim references (crime "
                   "records) or complainant references (ASB logs).")
def holder(source: str, agency: str, references: str) -> None:
    """Record that AGENCY (its name) holds SOURCE's records (the store's source name, e.g.
    local or council-asb): its case managers get the proposals made from them."""
    setup_django()
    from saferplaces.apps.agencies.models import Agency
    from saferplaces.apps.incidents.models import Incident
    from saferplaces.apps.repeats import services

    found = Agency.objects.filter(name=agency, active=True).first()
    if found is None:
        raise click.ClickException(f"no active agency is called {agency!r} (see saferplaces agency list)")
    try:
        services.set_holder(source, found, references)
    except services.RepeatRuleError as error:
        raise click.ClickException(str(error)) from None
    stored = Incident.objects.filter(source=source).count()
    out.print(f"{source}: held by {found.name}, its references name {references}s "
              f"({stored:,} incidents stored)", highlight=False)


@repeats.command("propose")
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Read incidents from this day (default: the look-back of the rule "
                   "repeats.lookback_months before today, 12 months).")
def propose(since: str | None) -> None:
    """Find repeat victims, complainants and locations in every held source and propose them
    to the holding agency's case managers (running it again proposes nothing twice)."""
    start: datetime.date | None = None
    if since is not None:
        try:
            start = datetime.date.fromisoformat(since)
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a date YYYY-MM-DD", param_hint="--since") from None
    setup_django()
    from saferplaces.apps.repeats import services

    with progress_bars() as progress:
        run = services.propose(since=start, progress=progress)
    for held in run.holders:
        out.print(f"{held.source}: {held.references} references, held by {held.agency.name}",
                  highlight=False)
    if run.unheld:
        out.print(f"Not read (no holding agency: saferplaces repeats holder SOURCE AGENCY): "
                  f"{', '.join(run.unheld)}", highlight=False)
    found = ", ".join(f"{run.found[kind]} {kind}{'s' if run.found[kind] != 1 else ''}"
                      for kind in ("victim", "complainant", "location"))
    out.print(f"Repeats since {run.since:%-d %B %Y} in {run.read:,} incidents: {found}. "
              f"{run.proposed} proposed, {run.updated} open proposals given new incidents, "
              f"{run.on_cases} already on cases, {run.decided} decided with nothing new.",
              highlight=False)

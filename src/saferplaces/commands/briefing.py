"""``saferplaces briefing --quarter YYYY-Qn [--out DIR]``: the practitioner briefing on
exploitation for one calendar quarter, written as HTML and PDF from the data in the store
(counts only, small counts withheld: ``saferplaces.apps.hiddenharms.briefing``)."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.apps.hiddenharms.quarters import QuarterError, asked_for
from saferplaces.commands.common import out, setup_django


@click.command("briefing")
@click.option("--quarter", "asked", required=True, metavar="YYYY-Qn",
              help="The calendar quarter to brief on: 2026-Q1 is January to March 2026; from "
                   "2000-Q1 to the latest quarter that has ended.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder to write the HTML and PDF into.")
def briefing(asked: str, out_dir: Path) -> None:
    """Write the practitioner briefing on exploitation for a quarter (HTML and PDF): referrals
    by type and age band, cuckooing-risk addresses by neighbourhood, deal lines, trends and what
    to look for. For partner agencies only: not for publication."""
    setup_django()
    from django.utils import timezone

    from saferplaces.apps.audit.services import record
    from saferplaces.apps.hiddenharms.briefing import write_briefing

    # the same rule as the web pages (quarters.asked_for), checked before anything is written
    try:
        quarter = asked_for(asked, timezone.localdate())
    except QuarterError as exc:
        raise click.BadParameter(str(exc), param_hint="--quarter") from None

    written = write_briefing(quarter, out_dir)
    record("export", object_type="hidden-harms-briefing", object_id=quarter.key,
           reason="practitioner briefing (saferplaces briefing)")
    out.print(f"Practitioner briefing {quarter.key} ({quarter.span}):", highlight=False)
    for path in written:
        out.print(f"  {path}", highlight=False)

"""``saferplaces audit``: check that the audit log is whole, and export it.

``verify`` recomputes the hash chain from the first event to the last (see
``saferplaces.apps.audit.chain``) and names the first event where it breaks; ``export`` writes
the log, or a search of it, to a CSV file, and records that it did.
"""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.commands.common import console, out, parse_period, progress_bars


@click.group()
def audit() -> None:
    """The audit log: check it has not been tampered with, and export it."""


@audit.command("verify")
def verify() -> None:
    """Check every event of the audit log: none altered, removed or inserted.

    Exits 0 and prints how many events were checked and the last event's hash (keep a copy of
    it elsewhere to notice later if the newest events were removed); exits 1 naming the first
    event where the log is broken.
    """
    from saferplaces.commands.common import setup_django

    setup_django()
    from saferplaces.apps.audit.services import verify_log

    with progress_bars("verify") as progress:
        result = verify_log(progress)
    if result.broken is not None:
        before = (f" The {result.count} event{'s' if result.count != 1 else ''} before it "
                  f"check{'s' if result.count == 1 else ''} out." if result.count else "")
        console.print(f"Audit log broken at {result.broken}.{before}", markup=False, highlight=False)
        raise SystemExit(1)
    out.print(f"Audit log intact: {result.count} event{'s' if result.count != 1 else ''}", highlight=False)
    if result.count:
        out.print(f"Last event's hash: {result.last_hash}", highlight=False)


@audit.command("export")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The CSV file to write.")
@click.option("--user", "username", default="", help="Only this person's events (their username).")
@click.option("--agency", default="", help="Only events of people in this agency (its name).")
@click.option("--action", default="",
              help="Only this kind of event, for example view, export, login or login-failed.")
@click.option("--record-type", default="", help="Only events about this kind of record, e.g. case.")
@click.option("--record-id", default="", help="Only events about the record with this number.")
@click.option("--period", default=None,
              help="Only events in FROM..TO, UK days YYYY-MM-DD or months YYYY-MM, both included.")
def export(out_path: Path, username: str, agency: str, action: str, record_type: str, record_id: str,
           period: str | None) -> None:
    """Write the audit log (or the events matching the options) to a CSV file, latest first.

    The export is itself recorded in the log as an export made from the command line.
    """
    start = end = None
    if period:
        first, last = parse_period(period, "--period")
        start, end = first.date(), last.date()
    from saferplaces.commands.common import setup_django

    setup_django()
    from saferplaces.apps.audit.models import Action, AuditEvent
    from saferplaces.apps.audit.services import Filters, csv_lines, filter_events, record

    if action and action not in Action.values:
        raise click.BadParameter(f"{action!r} is not one of {', '.join(Action.values)}",
                                 param_hint="--action")
    agency_id = _agency_id(agency) if agency else None
    filters = Filters(username=username, agency_id=agency_id, object_type=record_type,
                      object_id=record_id, action=action, date_from=start, date_to=end)
    record(Action.EXPORT, object_type="audit-log", reason=f"command line; {filters.describe()}")
    events = filter_events(AuditEvent.objects.all(), filters)
    lines = 0
    with open(out_path, "w", encoding="utf-8", newline="") as handle:
        for line in csv_lines(events.iterator(chunk_size=2000)):
            handle.write(line)
            lines += 1
    count = lines - 1  # the header line
    out.print(f"Written {count} event{'s' if count != 1 else ''} to {out_path}", highlight=False)


def _agency_id(name: str) -> int:
    from saferplaces.apps.agencies.models import Agency

    found = Agency.objects.filter(name__iexact=name.strip()).values_list("pk", flat=True).first()
    if found is None:
        known = ", ".join(Agency.objects.order_by("name").values_list("name", flat=True)) or "none yet"
        raise click.BadParameter(f"no agency is called {name!r} (agencies: {known})",
                                 param_hint="--agency")
    return found

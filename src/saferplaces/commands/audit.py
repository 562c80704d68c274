"""``saferplaces audit``: check that the audit log is whole, and export it.

``verify`` recomputes the hash chain from the first event to the last (see
``saferplaces.apps.audit.chain``) and names the first event where it breaks; ``export`` writes
the log, or a search of it, to a CSV file, and records that it did.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from saferplaces.commands.common import console, out, parse_period, progress_bars

if TYPE_CHECKING:
    from saferplaces.apps.audit.services import Filters


@click.group()
def audit() -> None:
    """The audit log: check it has not been tampered with, and export it."""


@audit.command("verify")
def verify() -> None:
    """Check every event of the audit log: none altered, removed or inserted.

    Exits 0 and prints how many events were checked and the last event's hash (keep a copy of
    it elsewhere to notice later if the newest events were removed); exits 1 naming the first
    event where the log is broken, or naming each database trigger that keeps the log
    append-only which is missing (or disabled).
    """
    from saferplaces.commands.common import setup_django

    setup_django()
    from django.db import connection

    from saferplaces.apps.audit.services import verify_log
    from saferplaces.apps.audit.triggers import missing_triggers

    with progress_bars("verify") as progress:
        result = verify_log(progress)
    missing = missing_triggers(connection)
    if result.broken is not None:
        before = (f" The {result.count} event{'s' if result.count != 1 else ''} before it "
                  f"check{'s' if result.count == 1 else ''} out." if result.count else "")
        console.print(f"Audit log broken at {result.broken}.{before}", markup=False, highlight=False)
    else:
        out.print(f"Audit log intact: {result.count} event{'s' if result.count != 1 else ''}",
                  highlight=False)
        if result.count:
            out.print(f"Last event's hash: {result.last_hash}", highlight=False)
    if missing:
        console.print(f"The database trigger{'s' if len(missing) != 1 else ''} keeping the audit log "
                      f"append-only {'are' if len(missing) != 1 else 'is'} missing or disabled: "
                      f"{', '.join(missing)}. Only the database account that owns the table can remove "
                      "a trigger; while one is gone, events can be changed or removed (the newest "
                      "unnoticed). Ask your database administrator to put it back (the SQL is in "
                      "saferplaces/apps/audit/triggers.py) and compare the last hash with your copy.",
                      markup=False, highlight=False)
    if result.broken is not None or missing:
        raise SystemExit(1)


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

    The export is itself recorded in the log as an export made from the command line, once the
    file is written (so it is not in the file itself); an export that fails is not recorded.
    """
    start = end = None
    if period:
        first, last = parse_period(period, "--period")
        start, end = first.date(), last.date()
    folder = out_path.parent.resolve()
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {str(folder)!r} does not exist", param_hint="--out")
    from saferplaces.commands.common import setup_django

    setup_django()
    from saferplaces.apps.audit.models import Action

    if action and action not in Action.values:
        raise click.BadParameter(f"{action!r} is not one of {', '.join(Action.values)}",
                                 param_hint="--action")
    if username:
        _check_username(username)
    from saferplaces.apps.audit.services import Filters

    agency_id = _agency_id(agency) if agency else None
    filters = Filters(username=username, agency_id=agency_id, object_type=record_type,
                      object_id=record_id, action=action, date_from=start, date_to=end)
    try:
        count = _write_and_record(out_path, filters)
    except OSError as exc:
        raise click.ClickException(f"could not write {out_path}: {exc.strerror or exc}; "
                                   "nothing was exported or recorded") from None
    out.print(f"Written {count} event{'s' if count != 1 else ''} to {out_path}", highlight=False)


def _write_and_record(out_path: Path, filters: Filters) -> int:
    """Write the matching events to a temporary file beside ``out_path``, then, in one
    transaction, record the export and move the file into place: either both happen or
    neither (a failed move rolls the event back). Returns the number of events written."""
    import os
    import tempfile

    from django.db import transaction

    from saferplaces.apps.audit.models import Action, AuditEvent
    from saferplaces.apps.audit.services import csv_lines, filter_events, record

    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed below; kept if it must be removed)
        "w", encoding="utf-8", newline="", dir=out_path.parent, prefix=f".{out_path.name}.",
        suffix=".part", delete=False)
    lines = 0
    try:
        with handle:
            for line in csv_lines(filter_events(AuditEvent.objects.all(), filters).iterator(chunk_size=2000)):
                handle.write(line)
                lines += 1
        with transaction.atomic():
            record(Action.EXPORT, object_type="audit-log", reason=f"command line; {filters.describe()}")
            os.replace(handle.name, out_path)
    finally:
        if os.path.exists(handle.name):
            os.remove(handle.name)
    return lines - 1  # the header line


def _check_username(name: str) -> None:
    """Refuse a ``--user`` that is neither an account nor the username of any event (a
    deleted account's events keep its name), as ``--agency`` refuses an unknown agency."""
    from django.contrib.auth import get_user_model

    from saferplaces.apps.audit.models import AuditEvent

    name = name.strip()
    if (get_user_model().objects.filter(username__iexact=name).exists()
            or AuditEvent.objects.filter(username__iexact=name).exists()):
        return
    raise click.BadParameter(f"no user named {name!r} has an account or any event in the log",
                             param_hint="--user")


def _agency_id(name: str) -> int:
    from saferplaces.apps.agencies.models import Agency

    found = Agency.objects.filter(name__iexact=name.strip()).values_list("pk", flat=True).first()
    if found is None:
        known = ", ".join(Agency.objects.order_by("name").values_list("name", flat=True)) or "none yet"
        raise click.BadParameter(f"no agency is called {name!r} (agencies: {known})",
                                 param_hint="--agency")
    return found

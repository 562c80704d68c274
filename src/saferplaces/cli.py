"""The ``saferplaces`` command: every job the partnership runs, one sub-command each.

This module only assembles the command group; each command lives in ``saferplaces.commands``.
"""

from __future__ import annotations

import click

from saferplaces.commands.agency import agency
from saferplaces.commands.analyse import evaluate, trends
from saferplaces.commands.assess import assess, deep_dive, monitor, street_weeks_command, worker
from saferplaces.commands.audit import audit
from saferplaces.commands.briefing import briefing
from saferplaces.commands.casereview import case_review
from saferplaces.commands.check import check
from saferplaces.commands.data import areas, ingest, status
from saferplaces.commands.dataprotection import retention, sar
from saferplaces.commands.demo import demo, generate
from saferplaces.commands.intelligence import intelligence
from saferplaces.commands.reminders import reminders
from saferplaces.commands.repeats import repeats
from saferplaces.commands.spatial import hotspots, near_repeat
from saferplaces.commands.users import users
from saferplaces.commands.web import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saferplaces")
def main() -> None:
    """saferplaces: know the place, set priorities, work cases together, act and evaluate.

    The database is ./saferplaces.sqlite3 unless SAFERPLACES_DB names another file, or
    DATABASE_URL points at PostgreSQL.
    """


for command in (ingest, areas, status, generate, demo, serve, trends, evaluate, hotspots, near_repeat,
                assess, deep_dive, monitor, street_weeks_command, worker, users, audit):
    main.add_command(command)
main.add_command(check)
main.add_command(agency)
main.add_command(reminders)
main.add_command(repeats)
main.add_command(case_review)
main.add_command(sar)
main.add_command(retention)
main.add_command(intelligence)
main.add_command(briefing)

if __name__ == "__main__":  # pragma: no cover
    main()

"""``saferplaces check``: Django's system checks on the configured site; with ``--deploy``, also
whether the settings are safe for a shared deployment (Django's checks and saferplaces's own,
``saferplaces.web.checks``). Any warning fails the command."""

from __future__ import annotations

import sys

import click

from saferplaces.commands.common import console, setup_django


@click.command()
@click.option("--deploy", is_flag=True,
              help="Also check the settings are safe for a shared deployment (HTTPS, secret key, debug, "
                   "host names, two-factor sign-in, lockout, passwords, sessions, the sensitive list, "
                   "PostgreSQL, the audit log's triggers).")
def check(deploy: bool) -> None:
    """Check the configuration; exits non-zero, listing each problem, on any warning."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    setup_django(migrate=False)
    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        console.print(str(exc).removeprefix("SystemCheckError: "), markup=False, highlight=False)
        if deploy:
            console.print("Not ready for a shared deployment: change each setting named above "
                          "(README: Running it for real).", highlight=False)
        sys.exit(1)

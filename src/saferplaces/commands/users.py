"""``saferplaces users``: accounts for the web app (add, list, disable, enable, unlock, reset
two-factor sign-in). The rules are in ``saferplaces.apps.agencies.services``, shared with the
management pages; every change is written to the audit log with the reason "saferplaces command
line" (no signed-in person makes it). Usernames are found whatever their capitals."""

from __future__ import annotations

import sys
from typing import Any

import click

from saferplaces.commands.agency import COMMAND_LINE, LazyChoice, refused_as_errors
from saferplaces.commands.common import out, setup_django


def roles() -> list[str]:
    from saferplaces.apps.agencies.roles import Role

    return list(Role.values)


@click.group()
def users() -> None:
    """Web app accounts: add people to an agency with a role, list, disable, enable, unlock, reset two-factor."""


def _password(given: str | None) -> tuple[str | None, str]:
    """The password to set and how it was chosen: given, typed at a terminal, or (None) to be
    generated when there is no terminal to ask at."""
    if given:
        return given, "the password given"
    if sys.stdin.isatty():
        typed: str = click.prompt("Password (at least 12 characters)", hide_input=True,
                                  confirmation_prompt=True)
        return typed, "the password typed"
    return None, "generated"


@users.command("add")
@click.argument("username")
@click.option("--agency", required=True, help="The agency they work for (its name, as `saferplaces agency list` shows).")
@click.option("--role", required=True, type=LazyChoice(roles), help="What they may do (README: Roles and capabilities).")
@click.option("--intelligence", is_flag=True, help="May read restricted intelligence (given to each person, never by role).")
@click.option("--password", default=None, help="Their first password. Left out: asked for at a terminal, otherwise "
              "a strong one is made and printed once. Never put one in a shell history on a shared machine.")
@click.option("--site-admin", is_flag=True, help="Also a site administrator: adds and deactivates agencies and "
              "manages every agency's users (only this command makes one).")
@click.option("--move", is_flag=True, help="For an existing account in another agency: move them to --agency "
              "(without it, that is refused, so a mistyped or reused username cannot move someone).")
def add(username: str, agency: str, role: str, intelligence: bool, password: str | None,
        site_admin: bool, move: bool) -> None:
    """Add USERNAME to an agency with a role. For someone who already has an account (whatever
    the capitals) this changes their role in their agency; moving them to another agency needs
    --move. Their password changes only when --password is given (and then their API token is
    deleted). A disabled account is refused: enable it first."""
    setup_django()
    from django.db import transaction

    from saferplaces.apps.agencies import services

    with refused_as_errors():
        existing = services.find_user(username)
        if existing is not None:
            _check_existing(existing, services.agency_named(agency), site_admin=site_admin, move=move)
            with transaction.atomic():  # a refused password leaves the membership as it was
                membership = services.update_membership(existing, agency=agency, role=role,
                                                        intelligence=intelligence, reason=COMMAND_LINE)
                if password:
                    services.set_password(existing, password, reason=COMMAND_LINE)
            out.print(f"Updated {existing.username}: {membership.get_role_display()} in "
                      f"{membership.agency.name}"
                      f"{', restricted intelligence' if membership.intelligence else ''} "
                      f"({'new password set, API token deleted' if password else 'password unchanged'})",
                      highlight=False)
            return
        chosen, how = _password(password)
        user, generated = services.add_user(username, agency=agency, role=role,
                                            intelligence=intelligence, password=chosen,
                                            site_admin=site_admin, reason=COMMAND_LINE)
    membership = user.membership
    summary = (f"Added {username}: {membership.get_role_display()} in {membership.agency.name}"
               f"{', restricted intelligence' if intelligence else ''}"
               f"{', site administrator' if site_admin else ''}")
    out.print(summary if generated else f"{summary}, with {how}", highlight=False)
    if generated is not None:
        out.print("No terminal to ask for a password, so one was generated. It is shown only "
                  f"this once; give it to {username} in person or by phone:", highlight=False)
        out.print(generated, highlight=False, markup=False)
    out.print("They set up two-factor sign-in (an authenticator app) when they first sign in.")


def _check_existing(existing: Any, agency: Any, *, site_admin: bool, move: bool) -> None:
    """Refuse ``users add`` on an existing account when it would silently do what was not meant:
    make a site administrator of an existing account, change a disabled account (it would stay
    disabled), or move someone to another agency without --move."""
    name = existing.username
    if site_admin and not existing.is_superuser:
        raise click.ClickException(f"{name} already has an account: only a new account "
                                   "is made a site administrator")
    if not existing.is_active:
        raise click.ClickException(f"{name}'s account is disabled; enable it with "
                                   f"`saferplaces users enable {name}` first")
    membership = getattr(existing, "membership", None)
    if membership is not None and membership.agency_id != agency.pk and not move:
        raise click.ClickException(f"{name} already has an account in {membership.agency.name}: add "
                                   f"--move to move them to {agency.name}")


@users.command("list")
def list_users() -> None:
    """Everyone with an account: agency, role, restricted intelligence, two-factor, active."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rich.table import Table

    accounts = list(get_user_model().objects.select_related("membership__agency").order_by("username"))
    if not accounts:
        out.print("No users yet: add one with saferplaces users add NAME --agency A --role R")
        return
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    table = Table(title="Users")
    for column in ("username", "agency", "role", "intelligence", "2FA set up", "active", "site admin"):
        table.add_column(column)
    for user in accounts:
        membership = getattr(user, "membership", None)
        table.add_row(user.username, membership.agency.name if membership else "–",
                      membership.role if membership else "–",
                      _yes(bool(membership and membership.intelligence)), _yes(user.pk in enrolled),
                      _yes(user.is_active), _yes(user.is_superuser))
    out.print(table)


@users.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable USERNAME's account: they are signed out and cannot sign in again (their records
    and the audit log are kept)."""
    setup_django()
    from saferplaces.apps.agencies import services

    with refused_as_errors():
        user = services.disable_user(username, reason=COMMAND_LINE)
    out.print(f"Disabled {user.username}: signed out everywhere, API token deleted, and can no "
              f"longer sign in (`saferplaces users enable {user.username}` undoes it)", highlight=False)


@users.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Enable USERNAME's disabled account: they can sign in again (their old API token does not
    come back)."""
    setup_django()
    from saferplaces.apps.agencies import services

    with refused_as_errors():
        user = services.enable_user(username, reason=COMMAND_LINE)
    out.print(f"Enabled {user.username}: they can sign in again", highlight=False)


@users.command("unlock")
@click.argument("username")
def unlock(username: str) -> None:
    """Lift the lock on USERNAME after failed sign-ins, before it ends by itself. Do it only when
    you know it was them: if someone else was guessing, the lock is what stops them."""
    setup_django()
    from saferplaces.apps.agencies import services

    with refused_as_errors():
        user = services.user_named(username)
        was_locked = services.unlock_user(user, reason=COMMAND_LINE)
    out.print(f"Unlocked {user.username}: they can sign in again now" if was_locked
              else f"{user.username} was not locked", highlight=False)


@users.command("reset-2fa")
@click.argument("username")
def reset_2fa(username: str) -> None:
    """Reset USERNAME's two-factor sign-in (a lost phone): they set up an authenticator app
    again at their next sign-in."""
    setup_django()
    from saferplaces.apps.agencies import services

    with refused_as_errors():
        user = services.reset_two_factor_for(username, reason=COMMAND_LINE)
    out.print(f"Reset two-factor sign-in for {user.username}: signed out everywhere, API token deleted; "
              "they set it up again when they next sign in", highlight=False)


def _yes(value: bool) -> str:
    return "yes" if value else "no"

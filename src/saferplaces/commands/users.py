"""``saferplaces users``: accounts for the web app (no admin site needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from saferplaces.commands.common import out

if TYPE_CHECKING:
    from django.contrib.auth.models import Group

ANALYSTS = "Analysts"
ANALYST_PERMISSIONS = ("add_assessmentrun", "add_enteredscore", "add_horizonitem", "add_recommendation",
                       "add_target", "add_streetweek")


def analysts_group() -> Group:
    """The Analysts group with its permissions (created by a migration; re-made if missing)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=ANALYSTS)
    if created:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="assessments",
                                                         codename__in=ANALYST_PERMISSIONS))
    return group


def ensure_user(username: str, password: str, *, analyst: bool) -> bool:
    """Create or update a user; returns True when created."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    group = analysts_group()
    if analyst:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return created


@click.group()
def users() -> None:
    """Web app accounts: add people and make them analysts."""


@users.command("add")
@click.argument("username")
@click.option("--analyst", is_flag=True, help="May start assessments and enter partnership scores.")
@click.password_option(help="Asked for when not given (never put it in a shell history on a shared machine).")
def add(username: str, analyst: bool, password: str) -> None:
    """Add a user (or reset their password and role)."""
    from saferplaces.commands.common import setup_django

    setup_django()
    created = ensure_user(username, password, analyst=analyst)
    out.print(f"{'Added' if created else 'Updated'} {username}" + (" (analyst)" if analyst else ""))


@users.command("list")
def list_users() -> None:
    """Everyone who can sign in, and whether they are analysts."""
    from saferplaces.commands.common import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.order_by("username").prefetch_related("groups"):
        analyst = any(g.name == ANALYSTS for g in user.groups.all())
        out.print(f"{user.username}{'  analyst' if analyst else ''}{'' if user.is_active else '  (inactive)'}")

"""``saferplaces agency``: the partner agencies (add, list, reactivate). The rules are in
``saferplaces.apps.agencies.services``, shared with the management pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from saferplaces.commands.common import out, setup_django

#: The audit log's reason for changes made with the command (no signed-in user makes them).
COMMAND_LINE = "saferplaces command line"


class LazyChoice(click.Choice):  # type: ignore[type-arg]
    """A ``click.Choice`` whose values are read when first needed: the kinds of agency live on
    a Django model, which can be imported only once Django is set up, and ``saferplaces --help``
    should not set Django up."""

    def __init__(self, load: Callable[[], list[str]]) -> None:
        self._load = load
        self.case_sensitive = True

    @property
    def choices(self) -> Sequence[str]:  # type: ignore[override]
        return tuple(self._load())


def agency_kinds() -> list[str]:
    setup_django(migrate=False)
    from saferplaces.apps.agencies.models import AgencyKind

    return list(AgencyKind.values)


@contextmanager
def refused_as_errors() -> Iterator[None]:
    """A rule the services refused, as a one-line error (exit status 1), never a traceback."""
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        yield
    except ValidationError as error:
        raise click.ClickException("; ".join(error.messages)) from None
    except PermissionDenied as error:
        raise click.ClickException(str(error)) from None


@click.group()
def agency() -> None:
    """Partner agencies: add, list and reactivate them."""


@agency.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=LazyChoice(agency_kinds),
              help="What sort of agency it is.")
def add(name: str, kind: str) -> None:
    """Add a partner agency called NAME (put it in quotes if it has spaces)."""
    setup_django()
    from saferplaces.apps.agencies import services

    with refused_as_errors():
        added = services.add_agency(name, kind, reason=COMMAND_LINE)
    out.print(f"Added agency {added.name} ({added.get_kind_display().lower()})", highlight=False)


@agency.command("reactivate")
@click.argument("name")
def reactivate(name: str) -> None:
    """Reactivate the deactivated agency NAME: its members can do what their roles allow again
    (their disabled accounts stay disabled)."""
    setup_django()
    from saferplaces.apps.agencies import services

    with refused_as_errors():
        found = services.agency_named(name)
        if found.active:
            out.print(f"{found.name} was already active", highlight=False)
            return
        services.reactivate_agency(found, reason=COMMAND_LINE)
    out.print(f"Reactivated {found.name}: its members can work again", highlight=False)


@agency.command("list")
def list_agencies() -> None:
    """Every agency: its kind, how many users it has, whether it is active or made up for the demo."""
    setup_django()
    from django.db.models import Count
    from rich.table import Table

    from saferplaces.apps.agencies.models import Agency

    table = Table(title="Agencies")
    for column in ("agency", "kind", "users", "active", "synthetic"):
        table.add_column(column, justify="right" if column == "users" else "left")
    agencies: Any = Agency.objects.annotate(users=Count("memberships")).order_by("name")
    for row in agencies:
        table.add_row(row.name, row.kind, str(row.users), _yes(row.active), _yes(row.synthetic))
    if not agencies:
        out.print("No agencies yet: add one with saferplaces agency add NAME --kind KIND")
        return
    out.print(table)


def _yes(value: bool) -> str:
    return "yes" if value else "no"

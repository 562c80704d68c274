"""``saferplaces agency``: the partner agencies (add, list, reactivate) and their service tokens
(``agency token add/revoke/list``). The rules are in ``saferplaces.apps.agencies.services`` and
``service_tokens``, shared with the management pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
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
    """Partner agencies: add, list and reactivate them; their service tokens."""


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


@agency.group("token")
def token() -> None:
    """Service tokens: keys a partner agency's own system uses to send incidents through the API."""


@token.command("add")
@click.argument("agency_name", metavar="AGENCY")
@click.option("--name", "token_name", required=True,
              help="What will use the token, e.g. \"council ASB system\".")
@click.option("--scope", "scopes", multiple=True, required=True,
              help="What it may do (repeat for more): incidents.push.")
@click.option("--mapping", default="",
              help="The column mapping its incident rows come in: a mapping TOML file, or the "
                   "name of a shipped one (council-asb, fire-deliberate, local-incidents). "
                   "Needed with --scope incidents.push.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Days it works (default SAFERPLACES_SERVICE_TOKEN_DAYS, 365).")
def token_add(agency_name: str, token_name: str, scopes: tuple[str, ...], mapping: str,
              days: int | None) -> None:
    """Make a service token for AGENCY and print its key, this once (only a hash is kept)."""
    setup_django()
    from saferplaces.apps.agencies import service_tokens, services

    with refused_as_errors():
        found = services.agency_named(agency_name)
        if mapping and Path(mapping).exists():
            mapping = str(Path(mapping).resolve())
        made = service_tokens.create_token(found, name=token_name, scopes=list(scopes),
                                           mapping=mapping, days=days, reason=COMMAND_LINE)
    made_token = made.token
    out.print(f"Made service token {made_token.pk} \"{made_token.name}\" for {found.name}: "
              f"{', '.join(made_token.scopes)}, until {made_token.expires_at:%Y-%m-%d}",
              highlight=False)
    out.print("Its key (shown only now; the partner system sends it as "
              "\"Authorization: Bearer <key>\"):", highlight=False)
    click.echo(made.key)


@token.command("revoke")
@click.argument("agency_name", metavar="AGENCY")
@click.option("--name", "token_name", required=True, help="The token's name.")
def token_revoke(agency_name: str, token_name: str) -> None:
    """Revoke AGENCY's working service token called NAME: it is refused from now on."""
    setup_django()
    from saferplaces.apps.agencies import service_tokens, services
    from saferplaces.apps.agencies.models import ServiceToken

    with refused_as_errors():
        found = services.agency_named(agency_name)
        live = ServiceToken.objects.filter(agency=found, name=" ".join(token_name.split()),
                                           revoked_at__isnull=True).first()
        if live is None:
            raise click.ClickException(f"{found.name} has no working service token called "
                                       f"{token_name!r} (see saferplaces agency token list)")
        service_tokens.revoke_token(live, reason=COMMAND_LINE)
    out.print(f"Revoked service token {live.pk} \"{live.name}\" of {found.name}: it no longer "
              "works", highlight=False)


@token.command("list")
@click.argument("agency_name", metavar="[AGENCY]", required=False)
def token_list(agency_name: str | None) -> None:
    """Every service token (of AGENCY if given): what it may do, when it expires, its state. Never
    the keys (they are not kept)."""
    setup_django()
    from django.utils import timezone
    from rich.table import Table

    from saferplaces.apps.agencies import services
    from saferplaces.apps.agencies.models import ServiceToken

    tokens = ServiceToken.objects.select_related("agency")
    if agency_name:
        with refused_as_errors():
            tokens = tokens.filter(agency=services.agency_named(agency_name))
    if not tokens:
        out.print("No service tokens: make one with saferplaces agency token add AGENCY --name N "
                  "--scope incidents.push --mapping M", highlight=False)
        return
    table = Table(title="Service tokens")
    for column in ("id", "agency", "name", "scopes", "mapping", "key starts", "expires", "last used",
                   "state"):
        table.add_column(column)
    now = timezone.now()
    for item in tokens:
        state = ("revoked" if item.revoked_at else "expired" if item.expires_at <= now else "working")
        table.add_row(str(item.pk), item.agency.name, item.name, ", ".join(item.scopes),
                      item.mapping, item.prefix + "…", f"{item.expires_at:%Y-%m-%d}",
                      f"{item.last_used_at:%Y-%m-%d %H:%M}" if item.last_used_at else "never", state)
    out.print(table)

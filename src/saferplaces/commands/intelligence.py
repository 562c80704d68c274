"""``saferplaces intelligence import FILE --mapping M --agency A``: bulk import of restricted
intelligence (entities or graded links) from a partner's CSV export through a declarative
mapping. The rules are in :mod:`saferplaces.apps.intelligence.importing`: every row checked
first, all rows or none written, a repeated import updates what it made and never duplicates
it; each problem names the file, row and column."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.commands.agency import refused_as_errors
from saferplaces.commands.common import out, setup_django


@click.group("intelligence")
def intelligence() -> None:
    """Restricted county-lines intelligence."""


@intelligence.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", required=True, help="A mapping file, or a shipped mapping's name "
              "(police-entities, police-links).")
@click.option("--agency", required=True, help="The agency that holds the records (its name, "
              "as `saferplaces agency list` shows).")
@click.option("--recorded-by", default=None, metavar="USERNAME",
              help="The user the records are recorded by (a member of --agency with the "
                   "intelligence flag); left out, the import itself.")
def import_command(file: Path, mapping: str, agency: str, recorded_by: str | None) -> None:
    """Import FILE (entities or links, as the mapping says) for an agency: all rows or none."""
    setup_django()
    from saferplaces.apps.agencies.access import agency_of, has_capability
    from saferplaces.apps.agencies.roles import INTELLIGENCE_VIEW
    from saferplaces.apps.agencies.services import agency_named, find_user
    from saferplaces.apps.intelligence.importing import MappingError, import_file, load_mapping
    from saferplaces.ingest.errors import IngestError

    try:
        chosen = load_mapping(mapping)
    except MappingError as exc:
        raise click.ClickException(str(exc)) from None
    with refused_as_errors():
        holder = agency_named(agency)
        by = None
        if recorded_by is not None:
            by = find_user(recorded_by)
            if by is None:
                raise click.ClickException(f"There is no user called {recorded_by}")
            user_agency = agency_of(by)
            if (user_agency is None or user_agency.pk != holder.pk
                    or not has_capability(by, INTELLIGENCE_VIEW)):
                raise click.ClickException(f"{by.username} is not a member of {holder.name} "
                                           "with the intelligence flag")
    try:
        result = import_file(file, chosen, agency=holder, by=by)
    except IngestError as exc:
        for problem in exc.problems:
            out.print(problem.describe(), highlight=False, markup=False)
        raise click.ClickException(f"{len(exc.problems)} problem"
                                   f"{'s' if len(exc.problems) != 1 else ''} found. "
                                   "Nothing was written.") from None
    out.print(f"{result.file}: {result.rows} {result.records} rows for {holder.name}: "
              f"{result.created} added, {result.updated} updated, {result.unchanged} unchanged",
              highlight=False)

"""Display names of areas from the partnership's own table (``ingest.area_names``): each named
area of the kind gets the name the reports, maps and findings show instead of its code.

The file is checked whole first; then every name is written in one transaction, or none. Codes
in the file that no imported area of the kind has are reported (a county-wide table may name
more areas than the partnership imported) and written nowhere; a file that names none of them is
refused. Re-importing the boundaries (``import_areas``) takes the names from the boundary file
again: import the names table after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from saferplaces.apps.incidents.models import Area
from saferplaces.ingest.area_names import read_area_names
from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["AreaNames", "import_area_names"]


@dataclass(frozen=True)
class AreaNames:
    """What an import did: areas renamed, areas already so named, codes matching no area."""

    kind: str
    renamed: int
    unchanged: int
    unknown: tuple[str, ...]


def import_area_names(path: str | Path, kind: str) -> AreaNames:
    """Set the names of the areas of ``kind`` from the ``code,name`` CSV at ``path``."""
    names = read_area_names(path)
    with transaction.atomic():
        areas = {a.code: a for a in Area.objects.select_for_update().filter(kind=kind,
                                                                            code__in=list(names))}
        if not areas:
            raise IngestError([RowProblem(
                Path(path).name, None, None, "code", None,
                f"names none of the imported areas of kind {kind!r} (import the boundaries "
                "first with 'saferplaces areas import', or check --kind)")])
        changed = [a for code, a in areas.items() if a.name != names[code]]
        for area in changed:
            area.name = names[area.code]
        Area.objects.bulk_update(changed, ["name"])
    unknown = tuple(code for code in names if code not in areas)
    return AreaNames(kind, len(changed), len(areas) - len(changed), unknown)

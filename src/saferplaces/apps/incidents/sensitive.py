"""Which incidents have sensitive locations, read from a reviewed configuration file.

The shipped file is ``saferplaces/data/access/sensitive-categories.toml`` (each entry gives its
reason and the law or policy it rests on); ``SAFERPLACES_SENSITIVE_CATEGORIES_FILE`` names a
partnership's own. An incident's exact location is sensitive when

- it has a victim or complainant reference (any source, any category), or
- its category is listed (compared ignoring case and repeated spaces), or it carries a listed
  flag (``domestic``, ``hate_race`` ...), unless its source is one whose locations are already
  published anonymised (police.uk).

The threshold below which counts of sensitive incidents are withheld is the public report's
(``[public] suppress_below`` of the strategic assessment's default configuration), so the map
and the public report withhold the same counts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from saferplaces.analysis.frame import FLAG_COLUMNS
from saferplaces.analysis.harm import normalise_category
from saferplaces.strategic.config import config_from_dict
from saferplaces.vocab import AREA_KINDS

__all__ = ["DEFAULT_FILE", "SensitiveRules", "SensitivityError", "load_rules", "suppress_below"]

DEFAULT_FILE = (Path(__file__).resolve().parent.parent.parent / "data" / "access"
                / "sensitive-categories.toml")


#: Where sensitive incidents are counted when a file has no ``[aggregation]``: the smallest first.
DEFAULT_AREA_KINDS = ("lsoa", "neighbourhood", "ward", "msoa")


class SensitivityError(ValueError):
    """The sensitive-categories file is missing an entry's reason or source, or is malformed."""


@dataclass(frozen=True)
class SensitiveRules:
    """The configuration as checked data: normalised category names, flags and where to count."""

    categories: frozenset[str]
    flags: tuple[str, ...]
    published_sources: frozenset[str]
    area_kinds: tuple[str, ...]
    grid_cell_m: int
    path: str

    def category_is_sensitive(self, category: str) -> bool:
        return normalise_category(category) in self.categories


def _entries(data: dict[str, Any], table: str, path: Path) -> list[str]:
    names = []
    for i, entry in enumerate(data.get(table, [])):
        where = f"{path.name}: {table}[{i}]"
        if not isinstance(entry, dict):
            raise SensitivityError(f"{where}: must be a table with name, reason and source")
        for key in ("name", "reason", "source"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SensitivityError(f"{where}: needs a {key}")
        names.append(entry["name"])
    return names


def _read(path: Path) -> SensitiveRules:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SensitivityError(f"{path.name}: {exc}") from exc
    categories = _entries(data, "category", path)
    flags = _entries(data, "flag", path)
    unknown = sorted(set(flags) - set(FLAG_COLUMNS))
    if unknown:
        raise SensitivityError(f"{path.name}: unknown flags {unknown}; use {list(FLAG_COLUMNS)}")
    aggregation = data.get("aggregation", {})
    kinds = tuple(aggregation.get("area_kinds", DEFAULT_AREA_KINDS))
    if set(kinds) - set(AREA_KINDS):
        raise SensitivityError(f"{path.name}: aggregation.area_kinds: use kinds of {list(AREA_KINDS)}")
    cell = aggregation.get("grid_cell_m", 1000)
    if not isinstance(cell, int) or isinstance(cell, bool) or cell < 100:
        raise SensitivityError(f"{path.name}: aggregation.grid_cell_m must be whole metres >= 100")
    published = data.get("published", {})
    if published.get("sources") and not str(published.get("reason", "")).strip():
        raise SensitivityError(f"{path.name}: published needs a reason")
    return SensitiveRules(frozenset(normalise_category(c) for c in categories), tuple(flags),
                          frozenset(published.get("sources", ())), kinds, cell, str(path))


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> SensitiveRules:
    return _read(Path(path))


def load_rules(path: str | Path | None = None) -> SensitiveRules:
    """The rules of ``path`` (default: the shipped file), re-read when the file changes."""
    file = Path(path) if path else DEFAULT_FILE
    return _cached(str(file), file.stat().st_mtime)


@lru_cache(maxsize=1)
def suppress_below() -> int:
    """The public report's threshold: counts from 1 to this minus one are withheld."""
    return int(config_from_dict(None).section("public")["suppress_below"])

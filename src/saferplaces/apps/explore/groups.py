"""Category groups: the few colours the Explore page's charts use, read from a data file.

The shipped file is ``saferplaces/data/explore/category-groups.toml`` (its header gives the
grouping's sources). A category belongs to the first group that lists its name (compared as
``analysis.harm.normalise_category`` compares them: ignoring case and repeated spaces) or whose
keywords occur in the normalised name; anything else to the group marked ``default``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from saferplaces.analysis.harm import normalise_category

__all__ = ["DEFAULT_FILE", "CategoryGroup", "GroupError", "Grouping", "load_groups"]

DEFAULT_FILE = (Path(__file__).resolve().parent.parent.parent / "data" / "explore"
                / "category-groups.toml")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class GroupError(ValueError):
    """The category-groups file is malformed: a group without key, label or colour, or not
    exactly one default group."""


@dataclass(frozen=True)
class CategoryGroup:
    key: str
    label: str
    colour: str
    categories: frozenset[str]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """The groups in their file's order; ``default`` is the group of unmatched categories."""

    groups: tuple[CategoryGroup, ...]
    default: CategoryGroup

    def group_of(self, category: str) -> CategoryGroup:
        name = normalise_category(category)
        for group in self.groups:
            if name in group.categories:
                return group
        for group in self.groups:
            if any(word in name for word in group.keywords):
                return group
        return self.default

    def get(self, key: str) -> CategoryGroup | None:
        return next((g for g in self.groups if g.key == key), None)


def _read(path: Path) -> Grouping:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise GroupError(f"{path.name}: {exc}") from exc
    groups, default = [], []
    for i, entry in enumerate(data.get("group", [])):
        where = f"{path.name}: group[{i}]"
        for key in ("key", "label", "colour"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise GroupError(f"{where}: needs a {key}")
        if not COLOUR.match(entry["colour"]):
            raise GroupError(f"{where}: colour must be #rrggbb")
        group = CategoryGroup(entry["key"], entry["label"], entry["colour"],
                              frozenset(normalise_category(c) for c in entry.get("categories", [])),
                              tuple(normalise_category(w) for w in entry.get("keywords", [])))
        groups.append(group)
        if entry.get("default"):
            default.append(group)
    if len(default) != 1:
        raise GroupError(f"{path.name}: mark exactly one group default = true")
    if len({g.key for g in groups}) != len(groups):
        raise GroupError(f"{path.name}: group keys must differ")
    return Grouping(tuple(groups), default[0])


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Grouping:
    return _read(Path(path))


def load_groups(path: str | Path | None = None) -> Grouping:
    """The groups of ``path`` (default: the shipped file), re-read when the file changes."""
    file = Path(path) if path else DEFAULT_FILE
    return _cached(str(file), file.stat().st_mtime)

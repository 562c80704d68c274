"""What an order's terms target: each vocabulary term mapped to incident categories and flags
(``data/targets.toml`` beside this module). The evidence pack counts only the incidents an
order's terms target; free-text terms target nothing of their own."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from saferplaces.analysis.harm import normalise_category
from saferplaces.apps.pspo import vocabulary

__all__ = ["FLAGS", "Targets", "targets_of"]

PATH = Path(__file__).with_name("data") / "targets.toml"
#: The incident store's flags a term may target.
FLAGS = ("alcohol", "drugs", "weapon", "domestic")


@dataclass(frozen=True)
class Targets:
    categories: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.categories and not self.flags

    def describe(self) -> str:
        parts = []
        if self.categories:
            parts.append("incidents recorded as " + ", ".join(self.categories))
        if self.flags:
            parts.append("incidents flagged " + " or ".join(self.flags))
        return " and ".join(parts)


@functools.cache
def _table() -> dict[str, Targets]:
    raw = tomllib.loads(PATH.read_text(encoding="utf-8"))
    table = {}
    for key, entry in raw.items():
        if key not in vocabulary.TERMS:
            raise ValueError(f"{PATH.name}: {key!r} is not a term of the vocabulary")
        flags = tuple(entry.get("flags", ()))
        unknown = set(flags) - set(FLAGS)
        if unknown:
            raise ValueError(f"{PATH.name}: {key!r} names unknown flags {sorted(unknown)}")
        table[key] = Targets(tuple(entry.get("categories", ())), flags)
    return table


def targets_of(keys: list[str]) -> Targets:
    """The categories and flags the terms ``keys`` target, each once, in the file's order."""
    categories: dict[str, str] = {}
    flags: dict[str, None] = {}
    for key in keys:
        found = _table().get(key)
        if found is None:
            continue
        for category in found.categories:
            categories.setdefault(normalise_category(category), category)
        flags.update(dict.fromkeys(found.flags))
    return Targets(tuple(categories.values()), tuple(flags))

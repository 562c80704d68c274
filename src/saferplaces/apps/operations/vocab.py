"""The kinds of activity an operation records, with their units: the shipped list
(``saferplaces/data/operations/activity.toml``), read once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["ACTIVITY_FILE", "ActivityKind", "activity_kind", "activity_kinds"]

ACTIVITY_FILE = Path(__file__).resolve().parents[2] / "data" / "operations" / "activity.toml"


@dataclass(frozen=True)
class ActivityKind:
    """One kind of activity: ``unit`` says what is counted (visits, grams, £); ``whole`` whether
    only whole numbers make sense."""

    key: str
    label: str
    unit: str
    group: str
    whole: bool = True


@lru_cache(maxsize=1)
def activity_kinds() -> tuple[ActivityKind, ...]:
    """Every kind, in the file's order."""
    with ACTIVITY_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(ActivityKind(key, entry["label"], entry["unit"], entry.get("group", ""),
                              bool(entry.get("whole", True)))
                 for key, entry in data["kinds"].items())


def activity_kind(key: str) -> ActivityKind | None:
    """The kind named ``key``, or None."""
    return next((kind for kind in activity_kinds() if kind.key == key), None)

"""The demo's case work beyond the shared case record (2014 Act actions, Case Reviews, MASH and
NRM referrals, hate details, repeat proposals ...): each app's demo builder, run by
``saferplaces demo`` after the demo cases exist, in this order.

A builder is ``make(directory: Path) -> object`` (its ``str()`` is the line the demo prints),
idempotent (a second demo run adds nothing) and made through the app's services, so the law's
rules apply to the demo as to real work.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["BUILDERS", "builders"]

#: "module:function" of each builder.
BUILDERS: tuple[str, ...] = (
    "saferplaces.commands.demo_safeguarding:make",
    "saferplaces.commands.demo_casereview:make",
    "saferplaces.commands.demo_asb:make",
    "saferplaces.commands.demo_repeats:make",
    "saferplaces.commands.demo_hate:make",
    "saferplaces.commands.demo_slavery:make",
    "saferplaces.commands.demo_operations:make",
    "saferplaces.commands.demo_pspo:make",
    "saferplaces.commands.demo_intelligence:make",
)


def builders() -> Iterator[Callable[[Path], object]]:
    for entry in BUILDERS:
        module, function = entry.split(":")
        yield getattr(importlib.import_module(module), function)

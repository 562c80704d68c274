"""The base of the engine's typed results: frozen dataclasses with one JSON form.

Every measure and result section is a frozen dataclass whose fields are named, typed and
documented with their units. ``to_dict()`` gives the plain JSON form (fields in declared order,
nested records as dicts, tuples as lists): the form stored with each run and rendered by the
reports, which must stay the same for the same inputs. Reading a record by key
(``measures["count"]``) returns that JSON form's value, for callers written against it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["Record", "plain"]


def plain(value: Any) -> Any:
    """``value`` with records as dicts and tuples as lists (numbers and NaN untouched)."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class Record:
    """Mixin for frozen dataclasses: ``to_dict()`` and read access by key."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field in declared order, nested values made plain."""
        fields = dataclasses.fields(cast("DataclassInstance", self))
        return {f.name: plain(getattr(self, f.name)) for f in fields}

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The JSON form's value of ``key``, or ``default``."""
        return self.to_dict().get(key, default)

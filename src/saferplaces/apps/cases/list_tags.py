"""Short status tags other apps add to a case's row on the case list (the ASB Case Review flag,
for instance), without the cases app importing them.

An app registers a :class:`ListTags` in its ``AppConfig.ready``. The list asks each registered
provider whose case types include the row's, **only for cases the reader sees in full** (owner,
a full share, or break-glass), as the case page shows panels: a limited share shows no tags,
since a tag says something about records behind the case. The provider gets the same
:class:`~saferplaces.apps.cases.access.CaseAccess` the case page would be opened with and must
reach its answer through the same call its panel uses (no second rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from saferplaces.apps.cases.access import CaseAccess

__all__ = ["ListTags", "Tag", "register", "tags_for"]


@dataclass(frozen=True)
class Tag:
    """One tag: its words and its GOV.UK tag colour (``red``, ``yellow``, ...; empty: default)."""

    text: str
    colour: str = ""


Provider = Callable[[CaseAccess], list[Tag]]


@dataclass(frozen=True)
class ListTags:
    key: str
    provider: Provider
    case_types: frozenset[str] = frozenset()
    order: int = 100


_PROVIDERS: dict[str, ListTags] = {}


def register(tags: ListTags) -> None:
    """Add (or replace, on a second ``ready``) the provider named ``tags.key``."""
    _PROVIDERS[tags.key] = tags


def tags_for(access: CaseAccess) -> list[Tag]:
    """The tags of one case's row for this reader, in order (none on a limited share)."""
    if not access.full:
        return []
    found: list[Tag] = []
    for item in sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key)):
        if item.case_types and access.case.case_type not in item.case_types:
            continue
        found += item.provider(access)
    return found

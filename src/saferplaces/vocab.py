"""Fixed vocabularies shared by the CLI, the engine, the file readers and the web app:
the kinds of area and the PESTELO horizon-scanning headings.

Each is a mapping from the stored value to its label, in display order. The Django models take
their choices from here, and the CLI its ``click.Choice`` (plain Python: no Django set-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["AREA_KINDS", "AREA_KIND_CHOICES", "AREA_KIND_LABELS", "PESTELO", "PESTELO_CHOICES",
           "PESTELO_LABELS"]

#: What an area is (``Area.kind``), with its label.
AREA_KIND_LABELS: Final[Mapping[str, str]] = MappingProxyType({
    "ward": "Ward",
    "lsoa": "LSOA",
    "msoa": "MSOA",
    "neighbourhood": "Neighbourhood",
    "pspo": "PSPO zone",
    "town-centre": "Town centre",
    "custom": "Custom area",
})
AREA_KINDS: Final[tuple[str, ...]] = tuple(AREA_KIND_LABELS)
AREA_KIND_CHOICES: Final[tuple[tuple[str, str], ...]] = tuple(AREA_KIND_LABELS.items())

#: Horizon-scanning headings: Political, Economic, Social, Technological, Environmental,
#: Legal, Organisational.
PESTELO_LABELS: Final[Mapping[str, str]] = MappingProxyType({
    "political": "Political",
    "economic": "Economic",
    "social": "Social",
    "technological": "Technological",
    "environmental": "Environmental",
    "legal": "Legal",
    "organisational": "Organisational",
})
PESTELO: Final[tuple[str, ...]] = tuple(PESTELO_LABELS)
PESTELO_CHOICES: Final[tuple[tuple[str, str], ...]] = tuple(PESTELO_LABELS.items())

"""Candidate priorities: every police.uk category, every local category, and partnership themes.

A candidate says which incidents it counts (its *volume* selection) and which incidents carry
the detail its repeat and vulnerability measures need (its *detail* selection):

- a police.uk category counts police.uk rows of that crime type; its detail rows are the
  detail-source (local records) categories listed for it in ``[detail_categories]`` — the same
  crimes with victims and flags;
- a category of any other source counts and details its own rows;
- a theme counts the union of its selections (``[[themes]]``); its detail rows are its own
  rows from sources other than police.uk plus the detail categories of the police.uk types
  it selects.

Detail sources repeat police.uk crimes, so a category of a detail source that has the same
name as a police.uk type is the same set of crimes and is skipped by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from saferplaces.analysis.harm import normalise_category
from saferplaces.strategic.config import AssessmentConfig, Selector
from saferplaces.strategic.disclosure import is_sensitive

__all__ = ["Candidate", "KIND_LABELS", "build_candidates", "slug"]

KIND_LABELS: dict[str, str] = {
    "police-uk": "police.uk category",
    "local": "local category",
    "theme": "partnership theme",
}


def slug(text: str) -> str:
    """Lower-case, hyphenated identifier for a category name."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


@dataclass(frozen=True)
class Candidate:
    """One candidate priority and how it selects incidents.

    ``kind`` is ``"police-uk"``, ``"local"`` (a category of another source) or ``"theme"``.
    ``selectors`` define the volume selection; ``detail_selectors`` the detail selection.
    """

    id: str
    name: str
    kind: str
    selectors: tuple[Selector, ...]
    detail_selectors: tuple[Selector, ...]
    sensitive: bool = False
    breakdown: str | None = None
    description: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s.source for s in self.selectors}))

    def to_dict(self) -> dict[str, Any]:
        def sel(s: Selector) -> dict[str, Any]:
            return {"source": s.source, "categories": list(s.categories),
                    "flags_any": list(s.flags_any), "area_kind": s.area_kind}
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "kind_label": self.kind_label,
            "sources": list(self.sources), "select": [sel(s) for s in self.selectors],
            "detail": [sel(s) for s in self.detail_selectors], "sensitive": self.sensitive,
            "breakdown": self.breakdown, "description": self.description,
        }


def _detail_for_police(categories: tuple[str, ...], config: AssessmentConfig
                       ) -> tuple[Selector, ...]:
    mapping = config.section("detail_categories")
    detail_sources = config.section("sources")["detail"]
    wanted: list[str] = []
    for c in categories:
        for local in mapping.get(c, ()):
            if local not in wanted:
                wanted.append(local)
    if not wanted:
        return ()
    return tuple(Selector(source=s, categories=tuple(wanted)) for s in detail_sources)


def build_candidates(sources: np.ndarray, categories: np.ndarray, in_year: np.ndarray,
                     config: AssessmentConfig) -> list[Candidate]:
    """All candidates for an incident table (``source`` and ``category`` arrays).

    ``in_year`` marks incidents in the assessment year: categories with fewer than
    ``candidates.min_incidents`` there are left out (themes are always kept).
    """
    settings = config.section("candidates")
    police = config.section("sources")["police_uk"]
    detail_sources = set(config.section("sources")["detail"])
    minimum = settings["min_incidents"]
    police_types = {normalise_category(c) for c in
                    np.unique(categories[sources == police]).tolist()}
    pairs: dict[tuple[str, str], int] = {}
    src_year, cat_year = sources[in_year], categories[in_year]
    if len(src_year):
        keys, counts = np.unique(np.char.add(np.char.add(src_year.astype(str), "\x1f"),
                                             cat_year.astype(str)), return_counts=True)
        for key, n in zip(keys.tolist(), counts.tolist(), strict=True):
            s, c = key.split("\x1f", 1)
            pairs[(s, c)] = int(n)

    out: list[Candidate] = []
    for (source, category), n in sorted(pairs.items(), key=lambda kv: (kv[0][0] != police,
                                                                      kv[0])):
        if n < minimum:
            continue
        if source == police:
            if not settings["police_uk_categories"]:
                continue
            sel = Selector(source=source, categories=(category,))
            out.append(Candidate(
                id=f"{slug(source)}:{slug(category)}", name=category, kind="police-uk",
                selectors=(sel,), detail_selectors=_detail_for_police((category,), config),
                sensitive=is_sensitive((category,), (), config)))
        else:
            if not settings["other_categories"]:
                continue
            if (settings["skip_detail_duplicates"] and source in detail_sources
                    and normalise_category(category) in police_types):
                continue
            sel = Selector(source=source, categories=(category,))
            label = config.section("sources")["labels"].get(source, source)
            out.append(Candidate(
                id=f"{slug(source)}:{slug(category)}", name=category, kind="local",
                selectors=(sel,), detail_selectors=(sel,),
                sensitive=is_sensitive((category,), (), config),
                description=f"from the {label}"))
    for theme in config.themes:
        detail: list[Selector] = []
        cats: list[str] = []
        flags: list[str] = []
        for sel in theme.select:
            cats.extend(sel.categories)
            flags.extend(sel.flags_any)
            if sel.source == police and not sel.categories:
                detail.extend(Selector(source=s) for s in config.section("sources")["detail"])
            elif sel.source == police:
                detail.extend(_detail_for_police(sel.categories, config))
            else:
                detail.append(sel)
        out.append(Candidate(
            id=f"theme:{theme.id}", name=theme.name, kind="theme", selectors=theme.select,
            detail_selectors=tuple(detail),
            sensitive=theme.sensitive or is_sensitive(tuple(cats), tuple(flags), config),
            breakdown=theme.breakdown, description=theme.description))
    return out

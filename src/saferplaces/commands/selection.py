"""Checks of ``--source`` and ``--category`` against what the store holds, so that a name the
store does not hold (a typo, other capitals) is refused naming what it does hold, instead of
giving zeros or "load data first". Needs Django set up (``common.setup_django``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import click

__all__ = ["check_selection", "suggestion"]


def suggestion(name: str, held: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the held name closest to ``name`` (the same ignoring capitals
    and spaces first, else ``difflib``'s closest match), or ``""``."""
    choices = sorted(set(held))
    folded = " ".join(name.split()).casefold()
    same = [c for c in choices if " ".join(c.split()).casefold() == folded]
    close = same or difflib.get_close_matches(name, choices, n=1, cutoff=0.6) or difflib.get_close_matches(
        folded, [c.casefold() for c in choices], n=1, cutoff=0.6)
    if close and close[0] not in choices:  # matched case-folded: give the held spelling
        close = [c for c in choices if c.casefold() == close[0]]
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_selection(sources: Iterable[str] | None, categories: Iterable[str] | None) -> None:
    """Raise ``click.ClickException`` for a source the store does not hold, naming the sources
    it holds, and for a category none of the chosen sources holds (a type police.uk renamed or
    split counts as held when a type of its series is), suggesting the closest held name.
    Nothing is checked when the store is empty (the commands then say to load data first)."""
    from saferplaces.analysis.classification import related_categories
    from saferplaces.apps.incidents.models import Incident

    held_sources = sorted(Incident.objects.values_list("source", flat=True).distinct())
    if not held_sources:
        return
    chosen = list(sources or [])
    for source in chosen:
        if source not in held_sources:
            raise click.ClickException(
                f"no source {source!r} in the store{suggestion(source, held_sources)} "
                f"(it holds: {', '.join(held_sources)})")
    wanted = list(categories or [])
    if not wanted:
        return
    rows = Incident.objects.filter(source__in=chosen) if chosen else Incident.objects.all()
    held = set(rows.values_list("category", flat=True).distinct())
    where = f"source {', '.join(chosen)}" if chosen else "the store"
    for category in wanted:
        if not held & set(related_categories([category])):
            raise click.ClickException(
                f"no category {category!r} in {where}{suggestion(category, held)}; "
                f"its categories are: {', '.join(sorted(held))}")

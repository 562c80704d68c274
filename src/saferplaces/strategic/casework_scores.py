"""Case work into the scores: the ``[[casework_feeds]]`` of the configuration.

Method: for each feed, the named case-work figures of the assessment year (``inputs.Casework``
rows, by key) are added up and expressed per 1,000 of the theme's incidents in the year; that
rate is scored 1–5 on the feed's four cuts (below the first scores 1), as every other dimension.
The theme's dimension then keeps the HIGHER of this score and its incident-based score, so case
work can show repeat victimisation or vulnerability that incident records miss (police.uk rows
carry no victim reference) but never lowers what the incidents show. A dimension the incidents
could not measure becomes measured by case work.

Limits, stated in each score's basis: the case figures count cases, referrals and
applications, not incidents, so the rate is an indicator of the load on case work, not a share
of victims; a theme with no incidents in the year is not fed (no denominator). The basis names
the band reached, never the counts or the exact rate, so small case-work counts stay withheld
(the panel report withholds counts 1–9 in the case-work table too).

Errors: none raised; a feed naming a theme that is not in the run, or a figure the run's case
work does not have, is returned as a warning (the run still completes and says so).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from saferplaces.strategic.config import Scale
from saferplaces.strategic.inputs import Casework
from saferplaces.strategic.scoring import DimensionScore

__all__ = ["apply_casework_feeds", "band_words"]


def band_words(cuts: Sequence[float], score: int) -> str:
    """The band of a 1–5 score on four cuts, in words ("at least 2.5 and under 5")."""
    if score <= 1:
        return f"under {cuts[0]:g}"
    if score >= 5:
        return f"at least {cuts[-1]:g}"
    return f"at least {cuts[score - 2]:g} and under {cuts[score - 1]:g}"


def apply_casework_feeds(scores: dict[str, dict[str, DimensionScore]],
                         counts: Mapping[str, int], casework: Casework | None,
                         feeds: Sequence[Mapping[str, Any]]) -> list[str]:
    """Raise, in place, the repeat/vulnerability scores the feeds reach; return warnings.

    ``scores`` maps candidate id (``theme:<id>`` for themes) → dimension → score; ``counts``
    maps candidate id → its
    incidents in the assessment year; ``casework`` is the year's case work (None when the run
    has no case records, e.g. the CLI on files: then nothing is fed and nothing is warned).
    """
    if casework is None or not feeds:
        return []
    figures = {row.key: row.count for row in casework.rows if row.key}
    warnings: list[str] = []
    for feed in feeds:
        theme, dimension = f"theme:{feed['theme']}", str(feed["dimension"])
        if theme not in scores:
            warnings.append(f"case-work feed for theme {feed['theme']!r}: no such theme in "
                            "this run")
            continue
        missing = [key for key in feed["figures"] if key not in figures]
        if missing:
            warnings.append(f"case-work feed for theme {feed['theme']!r}: no case-work figure "
                            f"{', '.join(repr(k) for k in missing)}; the feed was not used")
            continue
        incidents = int(counts.get(theme, 0))
        if incidents <= 0:
            continue
        total = sum(figures[key] for key in feed["figures"])
        cuts = tuple(float(c) for c in feed["cuts"])
        fed = Scale(str(feed["measure"]), cuts).score(1000.0 * total / incidents)
        assert fed is not None  # the rate is a finite number
        before = scores[theme][dimension]
        words = f"case work: {feed['measure']} {band_words(cuts, fed)} (scores {fed})"
        if before.measured and before.score >= fed:
            basis = f"{before.basis}; {words}, not higher"
            scores[theme][dimension] = replace(before, basis=basis)
        else:
            kept = f"{before.basis} (scores {before.score:g})" if before.measured else (
                f"{before.basis}: not measured from incidents")
            scores[theme][dimension] = DimensionScore(
                dimension, float(fed), before.value, True, f"{kept}; {words}, used")
    return warnings

"""The partnership's hidden-harms figures, in aggregate only (no name, reference, place or
address), and the rule that decides which of them a reader sees.

:func:`quarter_figures` gathers, for the days from ``start`` to ``end`` (both included), the
counts of the case-work apps' ``figures()`` (safeguarding, slavery, hate, the ASB Case Review,
ASB risk assessments and 2014 Act actions, repeat detection), counts from the incident store and
totals of the restricted intelligence (``apps.intelligence.figures.briefing_counts``, prefixed
``intel_``):

- ``incidents_domestic``: incidents flagged domestic; ``incidents_hate``: incidents flagged with
  any hate strand; ``incidents_drugs``: incidents flagged drugs or in police.uk's ``Drugs``
  category. Counted by the month they happened in (every month of the period), from every
  source: the strategic assessment's public report counts partner records too, and these are
  whole-area counts, withheld when small as that report withholds them. The store is loaded in
  batches, so a quarter that starts after its latest month has no incident count at all:
  :func:`harm_figures` shows it as "no data yet", never as 0 (a partly loaded quarter is counted).

:func:`disclosed` applies the public report's rule (``strategic.disclosure.public_rows``,
``[public] suppress_below`` of the assessment's configuration): a count from 1 to
``suppress_below - 1`` is withheld, because a small count of cases about people can point to a
person. A count from the intelligence is stricter: it is shown only at or above the threshold
(a zero is withheld too: that no deal line is known is itself intelligence).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from saferplaces.apps.asb import figures as asb
from saferplaces.apps.casereview import figures as casereview
from saferplaces.apps.hate import figures as hate
from saferplaces.apps.hiddenharms.config import Config, Harm
from saferplaces.apps.hiddenharms.quarters import Quarter
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.apps.intelligence.figures import briefing_counts
from saferplaces.apps.repeats import figures as repeats
from saferplaces.apps.safeguarding import figures as safeguarding
from saferplaces.apps.slavery import figures as slavery
from saferplaces.strategic.disclosure import public_rows

__all__ = ["INCIDENT_KEYS", "FigureRow", "HarmFigures", "disclosed", "harm_figures",
           "incident_figures", "latest_incident_month", "quarter_figures"]

#: The police.uk category counted as drug incidents even without a drugs flag.
DRUGS_CATEGORY = "Drugs"


#: The figures counted from the incident store (module docstring).
INCIDENT_KEYS = frozenset({"incidents_domestic", "incidents_hate", "incidents_drugs"})


def latest_incident_month() -> datetime.date | None:
    """The first day of the incident store's latest month, or None when it holds no incident."""
    latest: datetime.date | None = Incident.objects.aggregate(latest=Max("month"))["latest"]
    return latest


def incident_figures(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """``incidents_domestic``, ``incidents_hate``, ``incidents_drugs`` (module docstring)."""
    hate_flags = Q(hate_race=True) | Q(hate_religion=True) | Q(hate_sexual_orientation=True) \
        | Q(hate_disability=True) | Q(hate_transgender=True)
    found = Incident.objects.filter(month__gte=start.replace(day=1), month__lte=end).aggregate(
        incidents_domestic=Count("pk", filter=Q(domestic=True)),
        incidents_hate=Count("pk", filter=hate_flags),
        incidents_drugs=Count("pk", filter=Q(drugs=True) | Q(category=DRUGS_CATEGORY)))
    return {key: int(value or 0) for key, value in found.items()}


def intelligence_totals(counts: dict[str, Any]) -> dict[str, int]:
    """The intelligence counts as single totals, ``intel_`` prefixed."""
    return {"intel_lines_active": counts["lines_active"],
            "intel_lines_opened": counts["lines_opened"],
            "intel_lines_closed": counts["lines_closed"],
            "intel_cuckooing_addresses": counts["cuckooing_addresses"]["total"],
            "intel_victims_of_exploitation": sum(counts["victims_of_exploitation"].values())}


def quarter_figures(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Every count of the module docstring for ``start`` to ``end``."""
    found: dict[str, int] = {}
    for part in (safeguarding, slavery, hate, casereview, asb, repeats):
        found.update(part.figures(start, end))
    found.update(incident_figures(start, end))
    found.update(intelligence_totals(briefing_counts(start, end)))
    return found


def disclosed(value: int, threshold: int, *, intelligence: bool = False) -> int | None:
    """``value`` as a reader may see it, or None when withheld (module docstring)."""
    if intelligence:
        return value if value >= threshold else None
    row: dict[str, Any] = {"count": value}
    public_rows([row], ("count",), threshold)
    shown: int | None = row["count"]
    return shown


@dataclass(frozen=True)
class FigureRow:
    label: str
    intelligence: bool
    counts: tuple[int | None, ...]  # one per quarter, None where withheld or not yet counted
    #: one per quarter: True where there is no data for the quarter yet (module docstring)
    no_data: tuple[bool, ...] = ()

    @property
    def cells(self) -> list[tuple[int | None, bool]]:
        """``(count, no data yet)`` for each quarter."""
        flags = self.no_data or (False,) * len(self.counts)
        return list(zip(self.counts, flags, strict=True))

    @property
    def any_withheld(self) -> bool:
        return any(c is None and not empty for c, empty in self.cells)


@dataclass(frozen=True)
class HarmFigures:
    harm: Harm
    rows: tuple[FigureRow, ...]


def harm_figures(config: Config, quarters: list[Quarter], threshold: int | None = None, *,
                 public: bool = True) -> list[HarmFigures]:
    """Each harm's configured figures for each of ``quarters``, with the disclosure rule applied
    (``public``: intelligence counts only at or above the threshold; else as every count), and
    incident counts for quarters after the store's latest month marked as no data yet. A key the
    figures do not produce is an error (the configuration names a count that does not exist)."""
    limit = suppress_below() if threshold is None else threshold
    per_quarter = [quarter_figures(q.first_day, q.last_day) for q in quarters]
    latest = latest_incident_month()
    loaded = [latest is not None and q.first_day <= latest for q in quarters]
    out = []
    for harm in config.harms:
        rows = []
        for figure in harm.figures:
            if figure.key not in per_quarter[0]:
                raise KeyError(f"harms.toml: harm {harm.key!r} shows unknown figure {figure.key!r}")
            no_data = tuple(figure.key in INCIDENT_KEYS and not ok for ok in loaded)
            rows.append(FigureRow(figure.label, figure.intelligence, tuple(
                None if empty else disclosed(found[figure.key], limit,
                                             intelligence=public and figure.intelligence)
                for found, empty in zip(per_quarter, no_data, strict=True)), no_data))
        out.append(HarmFigures(harm, tuple(rows)))
    return out

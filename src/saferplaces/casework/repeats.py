"""Repeat detection: the repeat victims, repeat complainants and repeat locations in one source's
records, to be proposed to case managers (``saferplaces.apps.repeats``).

The rules (every number is a dated rule in ``data/law/repeats.toml``, local policy after the usual
definition of repeat victimisation: a victim more than once in 12 months):

* A **repeat victim** is one victim reference with at least ``repeats.victim.threshold`` crimes
  (default 2) dated within ``repeats.victim.window_months`` months (default 12) of each other.
  Crimes in ``repeats.victim.organisation_categories`` (shoplifting, business burglary ...) are
  recorded against a business, not a person, so they are not counted for victims (the store
  holds no victim type); they count at their place.
* A **repeat complainant** is one complainant reference with at least
  ``repeats.complainant.threshold`` reports (default 2) within
  ``repeats.complainant.window_months`` months (default 12).
* A **repeat location** is one place (the same grid reference to the metre, as records geocoded
  to one address have) with at least ``repeats.location.threshold`` incidents (default 4) within
  ``repeats.location.window_months`` months (default 12) — unless those incidents are all one
  repeat victim's or complainant's (their home): that person is the repeat, proposed once.
* "Within N months" is a run measured from its first record, by the corresponding-date rule
  (:func:`saferplaces.casework.months.add_months`: the anniversary day is still within), with
  the rules in force on that first day. A detection's **evidence** is every record in some run
  that meets the threshold, oldest first; a record outside every such run is left out.
* Perpetrators cannot be detected: the incident store holds no suspect or offender reference.

Records are plain :class:`Record` values (no database): a store id, the day, the category, the
victim or complainant reference (``""`` for none) and the place (whole metres, or ``None``).
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.months import add_months

__all__ = ["Detection", "Kind", "Record", "Rule", "detect", "lookback_start", "qualifying"]


class Kind(StrEnum):
    VICTIM = "victim"
    COMPLAINANT = "complainant"
    LOCATION = "location"


class Rule(StrEnum):
    """Every rule of ``repeats.toml`` the engine reads (a test checks each is shipped)."""

    VICTIM_THRESHOLD = "repeats.victim.threshold"
    VICTIM_WINDOW = "repeats.victim.window_months"
    ORGANISATION_CATEGORIES = "repeats.victim.organisation_categories"
    COMPLAINANT_THRESHOLD = "repeats.complainant.threshold"
    COMPLAINANT_WINDOW = "repeats.complainant.window_months"
    LOCATION_THRESHOLD = "repeats.location.threshold"
    LOCATION_WINDOW = "repeats.location.window_months"
    LOOKBACK = "repeats.lookback_months"


#: The threshold and window rules of each kind of repeat.
RULES: dict[Kind, tuple[Rule, Rule]] = {
    Kind.VICTIM: (Rule.VICTIM_THRESHOLD, Rule.VICTIM_WINDOW),
    Kind.COMPLAINANT: (Rule.COMPLAINANT_THRESHOLD, Rule.COMPLAINANT_WINDOW),
    Kind.LOCATION: (Rule.LOCATION_THRESHOLD, Rule.LOCATION_WINDOW),
}


@dataclass(frozen=True)
class Record:
    """One incident of one source: ``subject`` is its victim or complainant reference (``""``
    when it has none), ``place`` its grid reference in whole metres (``None`` when unknown)."""

    id: int
    occurred: datetime.date
    category: str
    subject: str = ""
    place: tuple[int, int] | None = None


@dataclass(frozen=True)
class Detection:
    """A repeat: its kind, its key (the reference, or ``"easting,northing"``), the records in
    runs that met the threshold (oldest first), and the rule as applied, in words."""

    kind: Kind
    key: str
    records: tuple[Record, ...]
    rule: str

    @property
    def first(self) -> datetime.date:
        return self.records[0].occurred

    @property
    def last(self) -> datetime.date:
        return self.records[-1].occurred

    @property
    def categories(self) -> list[str]:
        return sorted({r.category for r in self.records})


def _normal(category: str) -> str:
    return " ".join(category.split()).casefold()


def _sorted(records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.occurred, r.id))


def qualifying(records: Sequence[Record], kind: Kind, rules: Rules) -> list[Record]:
    """The records (sorted by day) that fall in some run meeting ``kind``'s threshold: a run
    starts at a record and takes every record dated within the window of it, with the rules in
    force on its first day."""
    threshold_rule, window_rule = RULES[kind]
    days = [r.occurred for r in records]
    marked: list[Record] = []
    reached = 0  # records before this index are already marked
    for i, start in enumerate(days):
        end = bisect_right(days, add_months(start, int(rules.on(window_rule, start))), lo=i)
        if end - i >= int(rules.on(threshold_rule, start)):
            marked.extend(records[max(i, reached):end])
            reached = max(reached, end)
    return marked


def _rule_words(kind: Kind, rules: Rules, day: datetime.date) -> str:
    threshold_rule, window_rule = RULES[kind]
    threshold, window = int(rules.on(threshold_rule, day)), int(rules.on(window_rule, day))
    what = {Kind.VICTIM: "crimes against one victim", Kind.COMPLAINANT: "reports by one complainant",
            Kind.LOCATION: "incidents at one place"}[kind]
    return (f"{threshold} or more {what} within {window} months "
            f"({threshold_rule}: {rules[threshold_rule].source_on(day)})")


def _by_subject(records: Iterable[Record], kind: Kind, rules: Rules) -> list[Detection]:
    groups: dict[str, list[Record]] = {}
    for record in records:
        if record.subject:
            groups.setdefault(record.subject, []).append(record)
    found = []
    for subject, mine in sorted(groups.items()):
        if kind is Kind.VICTIM:
            mine = [r for r in mine if _normal(r.category) not in
                    {_normal(c) for c in rules.on(Rule.ORGANISATION_CATEGORIES, r.occurred)}]
        runs = qualifying(_sorted(mine), kind, rules)
        if runs:
            found.append(Detection(kind, subject, tuple(runs), _rule_words(kind, rules, runs[0].occurred)))
    return found


def _by_place(records: Iterable[Record], repeat_subjects: set[str], rules: Rules) -> list[Detection]:
    groups: dict[tuple[int, int], list[Record]] = {}
    for record in records:
        if record.place is not None:
            groups.setdefault(record.place, []).append(record)
    found = []
    for (x, y), mine in sorted(groups.items()):
        runs = qualifying(_sorted(mine), Kind.LOCATION, rules)
        if not runs:
            continue
        subjects = {r.subject for r in runs}
        if len(subjects) == 1 and next(iter(subjects)) in repeat_subjects:
            continue  # one repeat victim's or complainant's home: proposed as the person
        found.append(Detection(Kind.LOCATION, f"{x},{y}", tuple(runs),
                               _rule_words(Kind.LOCATION, rules, runs[0].occurred)))
    return found


def detect(records: Iterable[Record], subjects: Kind, *, rules: Rules | None = None) -> list[Detection]:
    """Every repeat in one source's ``records``, whose references name ``subjects``
    (:attr:`Kind.VICTIM` or :attr:`Kind.COMPLAINANT`): the repeat subjects, then the repeat
    locations, each sorted by key."""
    if subjects is Kind.LOCATION:
        raise ValueError("subjects: a source's references name victims or complainants")
    rules = rules if rules is not None else shipped()
    every = list(records)
    people = _by_subject(every, subjects, rules)
    return people + _by_place(every, {d.key for d in people}, rules)


def lookback_start(today: datetime.date, *, rules: Rules | None = None) -> datetime.date:
    """The first day read when no start is given: ``repeats.lookback_months`` before today."""
    rules = rules if rules is not None else shipped()
    return add_months(today, -int(rules.on(Rule.LOOKBACK, today)))

"""Hate crime and non-crime hate incidents: recording rules and figures by strand.

The rules:

* A hate record names one or more of the **monitored strands** (vocabulary ``hate_strands``:
  race, religion or belief, sexual orientation, disability, transgender identity; College of
  Policing APP on hate crime).
* It is **perception-based**: recorded as hate because the victim **or any other person**
  perceives hostility or prejudice on a strand (the agreed criminal justice definitions, College
  of Policing APP); no evidence of hostility is needed to record it, and who perceived it is
  recorded.
* A **crime** is always recordable. A **non-crime hate incident** (NCHI) is recordable only
  while rule ``hate.nchi.recording_allowed`` is true (dated: the regime is under review, so a
  partnership can switch it off from a date) and, under the Non-Crime Hate Incidents Code of
  Practice (2023; rule ``hate.nchi.justification_required``), only with a ground (vocabulary
  ``nchi_grounds``: a real risk of significant harm to individuals or groups with a particular
  characteristic, or of a future criminal offence against them) and the recorder's reasoning.
* **Figures by strand**: a record with two strands counts once in each strand, and once in the
  total (so the strand counts can add up to more than the total).
* **Repeats**: a person (a repeat victim) or a place (a repeat location) is a repeat when it
  appears in at least ``hate.repeat.min_records`` hate records dated within
  ``hate.repeat.window_months`` months of each other (defaults 2 in 12; months by the
  corresponding-date rule, so the anniversary day is still within). Local policy, after the
  police's usual definition of repeat victimisation.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from saferplaces.casework.law import LawError, Rules, shipped
from saferplaces.casework.months import add_months
from saferplaces.casework.refusals import Refused
from saferplaces.casework.vocabularies import vocabulary

__all__ = ["Appearance", "HateFigures", "HateRecord", "figures", "record_hate", "repeats"]

Kind = Literal["crime", "non-crime"]
Perceiver = Literal["victim", "other"]


class HateRecord(BaseModel):
    """A hate crime or incident. Build it with :func:`record_hate`, which applies the rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recorded_on: datetime.date
    kind: Kind
    strands: tuple[str, ...] = Field(min_length=1)
    perceived_by: Perceiver
    nchi_ground: str = ""
    nchi_reasoning: str = ""


def _first_day(rules: Rules, key: str) -> datetime.date | None:
    """The first day rule ``key`` has a value (None: no dated value)."""
    dated = rules[key].dated()
    return dated[0].starts if dated else None


def _on(rules: Rules, key: str, day: datetime.date) -> int:
    """Rule ``key`` on ``day``, or its first value for a day before it (a record dated before
    the rule began still counts by the earliest rule, rather than failing)."""
    try:
        return int(rules.on(key, day))
    except LawError:
        first = _first_day(rules, key)
        if first is None or day >= first:
            raise
        return int(rules.on(key, first))


def _months_after(day: datetime.date, months: int) -> datetime.date:
    """``day`` + ``months`` by the corresponding-date rule, or the calendar's last day when
    that is past it (a window that runs off the calendar's end covers every later record)."""
    try:
        return add_months(day, months)
    except ValueError:
        return datetime.date.max


def record_hate(*, recorded_on: datetime.date, kind: Kind, strands: Iterable[str],
                perceived_by: Perceiver, nchi_ground: str = "", nchi_reasoning: str = "",
                rules: Rules | None = None) -> HateRecord:
    """A hate record, refused with the rule it breaks."""
    rules = rules if rules is not None else shipped()
    vocab = vocabulary("hate_strands")
    chosen = tuple(dict.fromkeys(strands))
    if not chosen:
        raise Refused("hate.strands", "name at least one strand")
    for strand in chosen:
        if strand not in vocab:
            raise Refused("hate.strands", f"{strand!r} is not one of {', '.join(vocab.keys())}")
    if perceived_by not in ("victim", "other"):
        raise Refused("hate.perception", "say who perceived the hostility: the victim or another person")
    if kind == "non-crime":
        first = _first_day(rules, "hate.nchi.recording_allowed")
        if first is None or recorded_on < first:
            since = f" before {first:%-d %B %Y}" if first is not None else ""
            raise Refused("hate.nchi.recording_allowed",
                          f"no rule allows a non-crime hate incident to be recorded{since}")
        if not rules.on("hate.nchi.recording_allowed", recorded_on):
            raise Refused("hate.nchi.recording_allowed",
                          "non-crime hate incidents are not recorded from this date")
        if rules.on("hate.nchi.justification_required", recorded_on):
            grounds = vocabulary("nchi_grounds")
            if nchi_ground not in grounds:
                raise Refused("hate.nchi.justification_required",
                              "a non-crime hate incident needs a ground from the Code of "
                              f"Practice: {', '.join(grounds.keys())}")
            if not nchi_reasoning.strip():
                raise Refused("hate.nchi.justification_required",
                              "a non-crime hate incident needs the reasoning for its ground")
    elif nchi_ground or nchi_reasoning:
        raise Refused("hate.kind", "an NCHI ground is for non-crime incidents only")
    return HateRecord(recorded_on=recorded_on, kind=kind, strands=chosen,
                      perceived_by=perceived_by, nchi_ground=nchi_ground,
                      nchi_reasoning=nchi_reasoning.strip())


@dataclass(frozen=True)
class HateFigures:
    """Counts of records: ``by_strand`` counts a record in each of its strands (every strand of
    the vocabulary listed, zeros included); ``total`` counts each record once."""

    by_strand: Mapping[str, int]
    total: int
    crimes: int
    non_crime: int


def figures(records: Iterable[HateRecord]) -> HateFigures:
    by_strand: Counter[str] = Counter(dict.fromkeys(vocabulary("hate_strands").terms, 0))
    kinds: Counter[str] = Counter()
    total = 0
    for record in records:
        total += 1
        kinds[record.kind] += 1
        by_strand.update(set(record.strands))
    return HateFigures(dict(by_strand), total, kinds["crime"], kinds["non-crime"])


@dataclass(frozen=True)
class Appearance:
    """``who`` (a person's or a place's key) appears in hate record ``record`` dated ``on``."""

    who: str
    record: str
    on: datetime.date


def repeats(appearances: Iterable[Appearance], *,
            rules: Rules | None = None) -> dict[str, tuple[str, ...]]:
    """The repeats among ``appearances``: ``who`` → the records (oldest first) that fall in
    some run of at least ``hate.repeat.min_records`` records within ``hate.repeat.window_months``
    months (each run measured from its first record, with the rules in force on that day).
    A record named twice for the same ``who`` counts once."""
    rules = rules if rules is not None else shipped()
    by_who: dict[str, dict[str, datetime.date]] = {}
    for item in appearances:
        seen = by_who.setdefault(item.who, {})
        seen[item.record] = min(item.on, seen.get(item.record, item.on))
    found: dict[str, tuple[str, ...]] = {}
    for who, records in by_who.items():
        dated = sorted(records.items(), key=lambda pair: (pair[1], pair[0]))
        marked: set[str] = set()
        for i, (_, start) in enumerate(dated):
            end = _months_after(start, _on(rules, "hate.repeat.window_months", start))
            run = [record for record, on in dated[i:] if on <= end]
            if len(run) >= _on(rules, "hate.repeat.min_records", start):
                marked.update(run)
        if marked:
            found[who] = tuple(record for record, _ in dated if record in marked)
    return found

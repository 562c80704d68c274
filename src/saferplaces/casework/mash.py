"""MASH referrals: child or adult, exploitation types, RAG screening and response targets.

The rules:

* **Child or adult** is decided from the date of birth **on the date of the concern** (rule
  ``safeguarding.adult_age``, Children Act 1989 s.105(1)): a 17-year-old whose concern arose
  before their 18th birthday is a child for that concern even if referred after it. Where the
  date of birth is not known, record an estimated one.
* **Exploitation types** (one or more) come from the ``exploitation_types`` vocabulary; types
  that apply to children only (child criminal and child sexual exploitation) are refused for an
  adult, and outcomes likewise (a Children Act s.47 enquiry is for a child, a Care Act s.42
  enquiry for an adult).
* **RAG screening** sets the response target in working hours from receipt (rules
  ``mash.response_working_hours.red|amber|green``: local MASH policy, defaults 4, 24 and 72),
  counted over England and Wales working days and hours
  (:mod:`saferplaces.casework.workingtime`). A referral not answered by then is overdue.
* For a child, children's social care decides the type of response within one working day of
  receipt (rule ``mash.child_decision_working_days``, Working Together to Safeguard Children
  2023): due by the end of that working day.
* A strategy discussion and the response cannot be before receipt; the concern cannot be after
  it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from saferplaces.casework.age import is_child
from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.refusals import Refused
from saferplaces.casework.vocabularies import Vocabulary, vocabulary
from saferplaces.casework.workingtime import (
    LONDON,
    WorkingHours,
    add_working_days,
    add_working_hours,
    is_overdue,
)

__all__ = ["RAG", "MashReferral", "Rag", "Receipt", "check_exploitation_types", "receive",
           "screen"]

Rag = Literal["red", "amber", "green"]
RAG: tuple[Rag, ...] = ("red", "amber", "green")


class MashReferral(BaseModel):
    """A screened MASH referral. Build it with :func:`screen`, which applies the rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    received_at: datetime.datetime
    concern_on: datetime.date
    date_of_birth: datetime.date
    child: bool
    rag: Rag
    exploitation_types: tuple[str, ...] = Field(min_length=1)
    response_due_at: datetime.datetime
    decision_due_on: datetime.date | None
    strategy_discussion_at: datetime.datetime | None = None
    responded_at: datetime.datetime | None = None
    outcome: str = ""

    def is_overdue(self, at: datetime.datetime) -> bool:
        """Not answered by ``at``, and ``at`` is after the response target."""
        answered = self.responded_at is not None and self.responded_at <= at
        return not answered and is_overdue(self.response_due_at, at)

    def answered_late(self) -> bool:
        return self.responded_at is not None and is_overdue(self.response_due_at, self.responded_at)


def _terms(keys: tuple[str, ...], vocab: Vocabulary, child: bool, rule: str) -> None:
    for key in keys:
        if key not in vocab:
            raise Refused(rule, f"{key!r} is not one of the configured {vocab.label.lower()}")
        if not vocab[key].applies(child):
            who = "a child" if child else "an adult"
            raise Refused(rule, f"{vocab[key].label} does not apply to {who}")


def check_exploitation_types(keys: tuple[str, ...], child: bool) -> None:
    """Refused unless every key is a configured exploitation type that applies to a child (or
    to an adult) and there is at least one."""
    if not keys:
        raise Refused("safeguarding.exploitation_types", "choose at least one exploitation type")
    _terms(keys, vocabulary("exploitation_types"), child, "safeguarding.exploitation_types")


@dataclass(frozen=True)
class Receipt:
    """A referral received but not yet screened: child or adult, and (for a child) the day
    children's social care must decide the type of response by."""

    child: bool
    decision_due_on: datetime.date | None


def receive(*, received_at: datetime.datetime, concern_on: datetime.date,
            date_of_birth: datetime.date, exploitation_types: tuple[str, ...],
            rules: Rules | None = None) -> Receipt:
    """The rules that hold before screening (the dates, child or adult at the concern, the
    exploitation types that apply, the one working day decision for a child)."""
    rules = rules if rules is not None else shipped()
    if received_at.tzinfo is None:
        raise ValueError("received_at needs a time zone")
    received_day = received_at.astimezone(LONDON).date()
    if concern_on > received_day:
        raise Refused("mash.dates", "the concern cannot be dated after the referral was received")
    child = is_child(date_of_birth, concern_on, rules)
    check_exploitation_types(exploitation_types, child)
    decision = (add_working_days(received_day, int(rules.on("mash.child_decision_working_days",
                                                             received_day)))
                if child else None)
    return Receipt(child, decision)


def screen(*, received_at: datetime.datetime, concern_on: datetime.date,
           date_of_birth: datetime.date, rag: Rag, exploitation_types: tuple[str, ...],
           strategy_discussion_at: datetime.datetime | None = None,
           responded_at: datetime.datetime | None = None, outcome: str = "",
           rules: Rules | None = None,
           working_hours: WorkingHours | None = None) -> MashReferral:
    """A MASH referral screened ``rag``, its targets set by the rules in force on receipt."""
    rules = rules if rules is not None else shipped()
    receipt = receive(received_at=received_at, concern_on=concern_on,
                      date_of_birth=date_of_birth, exploitation_types=exploitation_types,
                      rules=rules)
    if rag not in RAG:
        raise Refused("mash.rag", f"RAG rating must be one of {', '.join(RAG)}")
    for name, moment in (("strategy discussion", strategy_discussion_at), ("response", responded_at)):
        if moment is not None and moment < received_at:
            raise Refused("mash.dates", f"the {name} cannot be before the referral was received")
    child = receipt.child
    if outcome:
        _terms((outcome,), vocabulary("mash_outcomes"), child, "mash.outcomes")
    received_day = received_at.astimezone(LONDON).date()
    hours = int(rules.on(f"mash.response_working_hours.{rag}", received_day))
    return MashReferral(
        received_at=received_at, concern_on=concern_on, date_of_birth=date_of_birth, child=child,
        rag=rag, exploitation_types=exploitation_types,
        response_due_at=add_working_hours(received_at, hours, working_hours, rules=rules),
        decision_due_on=receipt.decision_due_on, strategy_discussion_at=strategy_discussion_at,
        responded_at=responded_at, outcome=outcome,
    )

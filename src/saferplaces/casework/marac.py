"""Domestic abuse: the MARAC referral decision and the repeat-MARAC flag.

SafeLives' criteria for referring a victim to a Multi-Agency Risk Assessment Conference
(MARAC), each configurable (``data/law/safeguarding.toml``):

* **visible high risk**: at least ``marac.referral_threshold`` "yes" answers (default 14) on the
  risk checklist of ``marac.checklist_questions`` questions (the SafeLives Dash risk checklist,
  which saferplaces does not reproduce: use your licensed copy and enter the count);
* **potential escalation**: at least ``marac.escalation_callouts`` police call-outs for domestic
  abuse in the last ``marac.escalation_window_months`` months (default 3 in 12);
* **professional judgement**: a practitioner's reasoned view, whatever the count.

A **repeat MARAC** case (SafeLives' definition): any new incident of abuse between the same
victim and perpetrator(s) within ``marac.repeat_window_months`` (default 12) months of the last
referral to MARAC, whichever agency learns of it and whether or not reported to the police.
Months follow the corresponding-date rule, so an incident on the anniversary of the referral is
still within 12 months, and one the day after is a new referral, not a repeat. An incident on
the day of the referral is taken to be the one referred.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.months import add_months

__all__ = ["MaracIncident", "MaracReferral", "ReferralDecision", "last_referral",
           "referral_decision", "repeat_marac"]


@dataclass(frozen=True)
class ReferralDecision:
    refer: bool
    criteria: tuple[str, ...]
    yes_answers: int
    threshold: int


def referral_decision(*, yes_answers: int, on: datetime.date, police_callouts: int = 0,
                      professional_judgement: str = "",
                      rules: Rules | None = None) -> ReferralDecision:
    """Whether to refer to MARAC, with the SafeLives criteria met (``visible-high-risk``,
    ``potential-escalation``, ``professional-judgement``). ``police_callouts`` counts the
    call-outs in the escalation window before ``on``; ``professional_judgement`` is the
    practitioner's reason (empty: not used)."""
    rules = rules if rules is not None else shipped()
    questions = int(rules.on("marac.checklist_questions", on))
    if not 0 <= yes_answers <= questions:
        raise ValueError(f"yes answers must be between 0 and {questions} "
                         "(rule marac.checklist_questions)")
    if police_callouts < 0:
        raise ValueError("police call-outs cannot be negative")
    threshold = int(rules.on("marac.referral_threshold", on))
    criteria: list[str] = []
    if yes_answers >= threshold:
        criteria.append("visible-high-risk")
    if police_callouts >= int(rules.on("marac.escalation_callouts", on)):
        criteria.append("potential-escalation")
    if professional_judgement.strip():
        criteria.append("professional-judgement")
    return ReferralDecision(bool(criteria), tuple(criteria), yes_answers, threshold)


@dataclass(frozen=True)
class MaracReferral:
    referred_on: datetime.date
    victim: str
    perpetrators: frozenset[str]


@dataclass(frozen=True)
class MaracIncident:
    occurred_on: datetime.date
    victim: str
    perpetrators: frozenset[str]


def last_referral(referrals: Iterable[MaracReferral], incident: MaracIncident) -> MaracReferral | None:
    """The latest referral of the incident's victim with one of its perpetrators, on or before
    the incident's day."""
    earlier = [r for r in referrals
               if r.victim == incident.victim and r.perpetrators & incident.perpetrators
               and r.referred_on <= incident.occurred_on]
    return max(earlier, key=lambda r: r.referred_on, default=None)


def repeat_marac(referrals: Iterable[MaracReferral], incident: MaracIncident,
                 rules: Rules | None = None) -> bool:
    """Whether ``incident`` makes a repeat MARAC case (see the module's rules)."""
    rules = rules if rules is not None else shipped()
    last = last_referral(referrals, incident)
    if last is None or incident.occurred_on == last.referred_on:
        return False
    window = int(rules.on("marac.repeat_window_months", incident.occurred_on))
    return incident.occurred_on <= add_months(last.referred_on, window)

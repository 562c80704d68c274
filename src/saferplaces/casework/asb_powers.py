"""The Anti-social Behaviour, Crime and Policing Act 2014 powers: is this action lawful?

:func:`validate` checks one action (see :mod:`saferplaces.casework.asb_actions`) against the
rules of ``data/law/asb-powers.toml`` in force on the action's day, with the earlier actions
about the same party (``history``), and returns a :class:`Refusal` for every rule it breaks,
each naming the rule's key and its legal source in words an ASB officer uses. An empty list
means the action keeps every rule encoded here (not that it is wise, or that a court will
grant it).

Method and sources (each rule's source is in the law file, and shown in every refusal):

* **Ages** are whole years on the action's day from the date of birth
  (:func:`saferplaces.casework.age.age_on`; Family Law Reform Act 1969 s.9; a 29 February
  birthday falls on 1 March in other years). Where the Act uses the person's age (injunction
  s.1(1), Community Protection Notice s.43(1), Criminal Behaviour Order terms s.25), an
  unknown date of birth is refused with "date of birth needed", never guessed. Where the Act
  uses the officer's belief or appearance (dispersal s.35(7), s.36(1)), the recorded belief
  counts and a known date of birth is checked too.
* **Months** follow the corresponding-date rule (:mod:`saferplaces.casework.months`); the
  48-hour closure periods leave out Christmas Day (s.77(3), s.80(4)).
* **The fixed penalty maximum** is the one in force on the day of the breach, since a
  penalty may not be heavier than the one in force when the offence was committed (European
  Convention on Human Rights art. 7, Human Rights Act 1998 sch.1). The planned £500 is a
  ``planned`` value, applied only once a law file gives its commencement date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from saferplaces.casework.age import age_on
from saferplaces.casework.asb_actions import (
    AcceptableBehaviourContract,
    Action,
    CivilInjunction,
    ClosureNotice,
    ClosureOrder,
    ClosureOrderExtension,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CriminalBehaviourOrder,
    DispersalAuthorisation,
    DispersalDirection,
    FixedPenaltyNotice,
    WarningLetter,
    rank_at_least,
)
from saferplaces.casework.christmas import hours_after_excluding_christmas
from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.months import add_months
from saferplaces.casework.refusals import Refused

__all__ = ["IN_FORCE", "Key", "Refusal", "commencement", "long_date", "refuse_unlawful", "short_source", "validate"]


class Key(StrEnum):
    """Every rule of ``asb-powers.toml`` this module reads (a test checks each is shipped)."""

    ABC_TERM = "abc.term_months"
    ABC_REVIEW = "abc.review_months"
    CPW_MIN_AGE = "cpw.min_age"
    CPN_MIN_AGE = "cpn.min_age"
    CPN_WARNING = "cpn.written_warning_first"
    CPN_TIME_TO_COMPLY = "cpn.time_to_comply"
    CPN_PENALTY_MAX = "cpn.fixed_penalty_max"
    CPN_PENALTY_BREACH = "cpn.fixed_penalty_for_breach"
    INJ_MIN_AGE = "injunction.min_age"
    INJ_YOUTH_MAX = "injunction.under_18_max_months"
    INJ_YOUTH_YOT = "injunction.under_18_consult_yot"
    INJ_YOUTH_REVIEW = "injunction.under_18_review"
    CBO_ADULT_MIN = "cbo.adult_min_months"
    CBO_YOUTH_MIN = "cbo.under_18_min_months"
    CBO_YOUTH_MAX = "cbo.under_18_max_months"
    CBO_YOUTH_REVIEW = "cbo.under_18_review_months"
    DISPERSAL_RANK = "dispersal.authorising_rank"
    DISPERSAL_AUTH_HOURS = "dispersal.authorisation_max_hours"
    DISPERSAL_EXCLUSION_HOURS = "dispersal.exclusion_max_hours"
    DISPERSAL_MIN_AGE = "dispersal.min_age"
    DISPERSAL_HOME_AGE = "dispersal.take_home_under_age"
    CLOSURE_RANK = "closure.notice_issuing_rank"
    CLOSURE_HOURS = "closure.notice_hours"
    CLOSURE_MAX_HOURS = "closure.notice_max_hours"
    CLOSURE_HIGHER_RANK = "closure.notice_higher_police_rank"
    CLOSURE_HIGHER_COUNCIL = "closure.notice_higher_council"
    CLOSURE_HEARING_HOURS = "closure.hearing_within_hours"
    CLOSURE_ORDER_MONTHS = "closure.order_max_months"
    CLOSURE_TOTAL_MONTHS = "closure.order_total_max_months"
    REVIEW_HORIZON = "records.review_horizon_years"
    ABOUT_A_BODY = "powers.about_a_body"


ACT = "Anti-social Behaviour, Crime and Policing Act 2014"
#: The refusal's rule for an action dated before its power (or, for local practice, its rules)
#: came into force: the day is the first ``from`` date of the rule named in :data:`_COMMENCES`.
IN_FORCE = "powers.in_force"
ADULT_AGE = 18  # the Act's own line between its youth and adult terms (s.1(6), s.25(3)-(4))


@dataclass(frozen=True)
class Refusal:
    """One broken rule: its key, its legal source, and the message for the officer."""

    rule: str
    source: str
    message: str

    def __str__(self) -> str:
        return self.message


def short_source(source: str) -> str:
    return source.replace(ACT, "2014 Act")


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


class _Check:
    """The rules in force on one day, and the refusals found so far."""

    def __init__(self, rules: Rules, day: datetime.date) -> None:
        self.rules = rules
        self.day = day
        self.refusals: list[Refusal] = []

    def value(self, key: Key, day: datetime.date | None = None) -> Any:
        return self.rules.on(key, day or self.day)

    def refuse(self, key: Key, rule: str, fact: str, day: datetime.date | None = None) -> None:
        source = self.rules[key].source_on(day or self.day)
        self.refusals.append(Refusal(str(key), source, f"{rule} ({short_source(source)}): {fact}."))

    def age(self, action: Action, key: Key, rule: str) -> int | None:
        """The person's age on the day, or a "date of birth needed" refusal under ``key``."""
        born = action.party.born
        if born is None:
            self.refuse(key, rule, "date of birth needed: none is recorded for this person")
            return None
        if born > self.day:
            self.refuse(key, rule, f"the recorded date of birth ({long_date(born)}) is after "
                                   f"the {action.label}")
            return None
        return age_on(born, self.day)


A = TypeVar("A", bound=Action)
CheckFn = Callable[[A, _Check, list[Action]], None]
_CHECKS: dict[type[Action], Callable[[Any, _Check, list[Action]], None]] = {}


def _checks(kind: type[A]) -> Callable[[CheckFn[A]], CheckFn[A]]:
    def register(func: CheckFn[A]) -> CheckFn[A]:
        _CHECKS[kind] = func
        return func
    return register


def _needs_kind(action: Action, kinds: tuple[str, ...]) -> str | None:
    if action.party.kind in kinds:
        return None
    wanted = " or ".join(f"a {kind}" for kind in kinds)
    return f"A {action.label} is about {wanted}, not {action.party.kind}"


def validate(action: Action, history: Iterable[Action] = (), *,
             rules: Rules | None = None) -> list[Refusal]:
    """Every rule ``action`` breaks, judged by the law in force on its day with the earlier
    actions about the same party in ``history`` (other parties' actions are ignored). An
    action about a kind of party no power of its kind can concern (an injunction against
    premises) is a ValueError: the form that builds it should not offer that choice. An action
    about a body (a company or organisation) is refused under ``powers.about_a_body`` unless
    its kind is one the law file lists (:func:`_body_refusal`)."""
    in_force = rules if rules is not None else shipped()
    check = _Check(in_force, action.day)
    wrong_kind = _needs_kind(action, _PARTY_KINDS[type(action)])
    if wrong_kind:
        raise ValueError(wrong_kind)
    too_early = _before_commencement(action, in_force)
    if too_early is not None:
        return [too_early]
    not_for_a_body = _body_refusal(action, check)
    if not_for_a_body is not None:
        return [not_for_a_body]
    earlier = [past for past in history
               if past is not action and past.party.key == action.party.key
               and past.day <= action.day and _before_commencement(past, in_force) is None]
    _horizon(action, check)
    _CHECKS[type(action)](action, check, earlier)
    return check.refusals


def _body_refusal(action: Action, check: _Check) -> Refusal | None:
    """The 2014 Act lets a Community Protection Warning or Notice (and its fixed penalty) be
    given to "a person aged 16 or over, or a body" (s.43(1)); an injunction (s.1), a Criminal
    Behaviour Order (s.22) and a dispersal direction (s.35) are about individuals. The powers
    that may be about a body are the law file's ``powers.about_a_body`` list (their labels);
    age rules apply to persons only."""
    if action.party.kind != "body":
        return None
    allowed = check.value(Key.ABOUT_A_BODY)
    if action.label in allowed:
        return None
    listed = ", ".join(allowed) if allowed else "none"
    article = "An" if action.label[0].lower() in "aeiou" else "A"
    check.refuse(Key.ABOUT_A_BODY, f"{article} {action.label} is about a person, never a body "
                 "(a company or organisation)",
                 f"the powers that may be about a body are: {listed}")
    return check.refusals.pop()


def commencement(kind: type[Action], rules: Rules) -> datetime.date | None:
    """The first day the rules for ``kind`` are in force (``None``: a kind with no rules, a
    warning letter)."""
    key = _COMMENCES.get(kind)
    if key is None:
        return None
    return min(value.starts for value in rules[key].dated() if value.starts is not None)


def _before_commencement(action: Action, rules: Rules) -> Refusal | None:
    """A refusal when ``action`` (or the breach a fixed penalty is for) is dated before its
    power came into force: no rule of the Act can judge it, since the power did not exist."""
    start = commencement(type(action), rules)
    day = min(action.day, action.breach_on) if isinstance(action, FixedPenaltyNotice) else action.day
    if start is None or day >= start:
        return None
    key = _COMMENCES[type(action)]
    source = rules[key].dated()[0].source or rules[key].source
    if isinstance(action, AcceptableBehaviourContract):
        message = (f"An Acceptable Behaviour Contract cannot be judged on {long_date(day)}: "
                   f"its local practice rules start on {long_date(start)}.")
    else:
        message = (f"The 2014 Act power did not exist on {long_date(day)} "
                   f"(in force from {long_date(start)}).")
    return Refusal(IN_FORCE, source, message)


#: The dates that look ahead from an action's day: at most ``records.review_horizon_years``.
_AHEAD = {"review_on": "review date", "comply_by": "date to comply by"}


def _horizon(action: Action, check: _Check) -> None:
    """A review or comply-by date far beyond any the law sets is a typing slip (and would set a
    review task decades ahead): refused past the horizon of the law file."""
    years = int(check.value(Key.REVIEW_HORIZON))
    latest = add_months(action.day, 12 * years)
    for name, what in _AHEAD.items():
        day = getattr(action, name, None)
        if isinstance(day, datetime.date) and day > latest:
            check.refuse(Key.REVIEW_HORIZON, f"The {what} of a {action.label} is at most "
                         f"{years} years after it", f"this one is {long_date(day)}")


def refuse_unlawful(action: Action, history: Iterable[Action] = (), *,
                    rules: Rules | None = None) -> None:
    """Raise :class:`~saferplaces.casework.refusals.Refused` (for the first broken rule, with
    every message) when :func:`validate` finds any."""
    refusals = validate(action, history, rules=rules)
    if refusals:
        raise Refused(refusals[0].rule, " ".join(r.message for r in refusals))


_PARTY_KINDS: dict[type[Action], tuple[str, ...]] = {
    WarningLetter: ("person", "body"),
    AcceptableBehaviourContract: ("person", "body"),
    CommunityProtectionWarning: ("person", "body"),
    CommunityProtectionNotice: ("person", "body"),
    FixedPenaltyNotice: ("person", "body"),
    CivilInjunction: ("person", "body"),
    CriminalBehaviourOrder: ("person", "body"),
    DispersalAuthorisation: ("locality",),
    DispersalDirection: ("person", "body"),
    ClosureNotice: ("premises",),
    ClosureOrder: ("premises",),
    ClosureOrderExtension: ("premises",),
}


#: For each kind, the rule whose first dated value marks the day its power commenced.
_COMMENCES: dict[type[Action], Key] = {
    AcceptableBehaviourContract: Key.ABC_TERM,
    CommunityProtectionWarning: Key.CPN_WARNING,
    CommunityProtectionNotice: Key.CPN_WARNING,
    FixedPenaltyNotice: Key.CPN_PENALTY_BREACH,
    CivilInjunction: Key.INJ_MIN_AGE,
    CriminalBehaviourOrder: Key.CBO_ADULT_MIN,
    DispersalAuthorisation: Key.DISPERSAL_RANK,
    DispersalDirection: Key.DISPERSAL_EXCLUSION_HOURS,
    ClosureNotice: Key.CLOSURE_RANK,
    ClosureOrder: Key.CLOSURE_ORDER_MONTHS,
    ClosureOrderExtension: Key.CLOSURE_TOTAL_MONTHS,
}


@_checks(WarningLetter)
def _warning_letter(action: WarningLetter, check: _Check, earlier: list[Action]) -> None:
    """A warning letter has no statutory rule to keep."""


@_checks(AcceptableBehaviourContract)
def _abc(action: AcceptableBehaviourContract, check: _Check, earlier: list[Action]) -> None:
    term, review = int(check.value(Key.ABC_TERM)), int(check.value(Key.ABC_REVIEW))
    rule = f"An Acceptable Behaviour Contract runs for at most {term} months"
    if action.ends_on is None:
        check.refuse(Key.ABC_TERM, rule, "no end date is recorded")
    elif not action.on < action.ends_on <= add_months(action.on, term):
        check.refuse(Key.ABC_TERM, rule, f"this one ends on {long_date(action.ends_on)}")
    last_review = add_months(action.on, review)
    rule = f"An Acceptable Behaviour Contract is reviewed within {review} months"
    if action.review_on is None:
        check.refuse(Key.ABC_REVIEW, rule, "no review date is recorded")
    elif not action.on <= action.review_on <= last_review:
        check.refuse(Key.ABC_REVIEW, rule, f"the review is set for {long_date(action.review_on)}, "
                                           f"after {long_date(last_review)}")


@_checks(CommunityProtectionWarning)
def _cpw(action: CommunityProtectionWarning, check: _Check, earlier: list[Action]) -> None:
    if action.party.kind == "person" and action.party.born is not None:
        # An unknown date of birth is not refused here: the notice that may follow checks it.
        least = int(check.value(Key.CPW_MIN_AGE))
        rule = (f"A Community Protection Warning is for a person aged {least} or over, or a "
                "body, since no notice can follow it for anyone younger")
        age = check.age(action, Key.CPW_MIN_AGE, rule)
        if age is not None and age < least:
            check.refuse(Key.CPW_MIN_AGE, rule, f"this person is {age} on {long_date(action.on)}")
    if action.comply_by <= action.on:
        check.refuse(Key.CPN_TIME_TO_COMPLY, "A Community Protection Warning gives time to deal "
                     "with the matter", "the date to comply by is not after the warning")


@_checks(CommunityProtectionNotice)
def _cpn(action: CommunityProtectionNotice, check: _Check, earlier: list[Action]) -> None:
    if action.party.kind == "person":
        least = int(check.value(Key.CPN_MIN_AGE))
        rule = f"A Community Protection Notice is for a person aged {least} or over, or a body"
        age = check.age(action, Key.CPN_MIN_AGE, rule)
        if age is not None and age < least:
            check.refuse(Key.CPN_MIN_AGE, rule, f"this person is {age} on {long_date(action.on)}")
    warnings = [w for w in earlier
                if isinstance(w, CommunityProtectionWarning) and w.on < action.on]
    if check.value(Key.CPN_WARNING) and not warnings:
        who = "person" if action.party.kind == "person" else "body"
        check.refuse(Key.CPN_WARNING, "A Community Protection Notice needs a written warning "
                     "first", f"none is recorded for this {who}")
    if check.value(Key.CPN_TIME_TO_COMPLY) and warnings:
        latest = max(warnings, key=lambda w: w.on)
        if action.on <= latest.comply_by:
            check.refuse(Key.CPN_TIME_TO_COMPLY, "A Community Protection Notice comes only after "
                         "the time to comply given in the warning",
                         f"the warning of {long_date(latest.on)} gave until "
                         f"{long_date(latest.comply_by)}")


@_checks(FixedPenaltyNotice)
def _fixed_penalty(action: FixedPenaltyNotice, check: _Check, earlier: list[Action]) -> None:
    notices = [n for n in earlier
               if isinstance(n, CommunityProtectionNotice) and n.on <= action.breach_on]
    if check.value(Key.CPN_PENALTY_BREACH) and not notices:
        check.refuse(Key.CPN_PENALTY_BREACH, "A fixed penalty is for failing to comply with a "
                     "Community Protection Notice", "no notice is recorded for this party before "
                     f"the breach on {long_date(action.breach_on)}")
    if action.breach_on > action.on:
        check.refuse(Key.CPN_PENALTY_BREACH, "A fixed penalty follows the breach",
                     f"the breach is recorded on {long_date(action.breach_on)}, after the penalty")
        return
    most = check.value(Key.CPN_PENALTY_MAX, action.breach_on)
    if action.amount > most:
        check.refuse(Key.CPN_PENALTY_MAX, f"A Community Protection Notice fixed penalty is at "
                     f"most £{most}", f"£{action.amount} is more than the maximum in force on the"
                     f" day of the breach ({long_date(action.breach_on)})", action.breach_on)


@_checks(CivilInjunction)
def _injunction(action: CivilInjunction, check: _Check, earlier: list[Action]) -> None:
    least = int(check.value(Key.INJ_MIN_AGE))
    rule = f"A civil injunction is for a person aged {least} or over"
    age = check.age(action, Key.INJ_MIN_AGE, rule)
    if age is None:
        return
    if age < least:
        check.refuse(Key.INJ_MIN_AGE, rule, f"this person is {age} on {long_date(action.on)}")
        return
    if age >= ADULT_AGE:
        return
    months = int(check.value(Key.INJ_YOUTH_MAX))
    rule = f"An injunction for someone under 18 has a term of at most {months} months"
    if action.ends_on is None:
        check.refuse(Key.INJ_YOUTH_MAX, rule, f"this person is {age} and no end date is given")
    elif action.ends_on > add_months(action.on, months):
        check.refuse(Key.INJ_YOUTH_MAX, rule, f"this one ends on {long_date(action.ends_on)}")
    consulted = action.youth_offending_team_consulted_on
    if (check.value(Key.INJ_YOUTH_YOT) and not action.without_notice
            and (consulted is None or consulted > action.on)):
        check.refuse(Key.INJ_YOUTH_YOT, "The youth offending team is consulted before applying "
                     "for an injunction against someone under 18",
                     "no consultation is recorded before it was granted")
    if check.value(Key.INJ_YOUTH_REVIEW) and action.review_on is None:
        check.refuse(Key.INJ_YOUTH_REVIEW, "An injunction for someone under 18 has a review date",
                     "none is recorded")


@_checks(CriminalBehaviourOrder)
def _cbo(action: CriminalBehaviourOrder, check: _Check, earlier: list[Action]) -> None:
    rule = "A Criminal Behaviour Order's term depends on the offender's age"
    age = check.age(action, Key.CBO_ADULT_MIN, rule)
    if age is None:
        return
    if age >= ADULT_AGE:
        least = int(check.value(Key.CBO_ADULT_MIN))
        if action.ends_on is not None and action.ends_on < add_months(action.on, least):
            check.refuse(Key.CBO_ADULT_MIN, f"A Criminal Behaviour Order for an adult lasts at "
                         f"least {least // 12} years, or is indefinite",
                         f"this one ends on {long_date(action.ends_on)}")
        return
    least, most = int(check.value(Key.CBO_YOUTH_MIN)), int(check.value(Key.CBO_YOUTH_MAX))
    rule = (f"A Criminal Behaviour Order for someone under 18 is for a fixed term of "
            f"{least // 12} to {most // 12} years")
    if action.ends_on is None:
        check.refuse(Key.CBO_YOUTH_MAX, rule, f"this person is {age} and the order has no end date")
        return
    if action.ends_on < add_months(action.on, least):
        check.refuse(Key.CBO_YOUTH_MIN, rule, f"this one ends on {long_date(action.ends_on)}")
    if action.ends_on > add_months(action.on, most):
        check.refuse(Key.CBO_YOUTH_MAX, rule, f"this one ends on {long_date(action.ends_on)}")
    period = int(check.value(Key.CBO_YOUTH_REVIEW))
    last_day = add_months(action.on, period) - datetime.timedelta(days=1)
    born = action.party.born
    assert born is not None  # checked by check.age above
    if age_on(born, last_day) < ADULT_AGE and action.ends_on >= last_day:
        rule = (f"A Criminal Behaviour Order for someone under 18 is reviewed within each "
                f"{period} months")
        if action.review_on is None:
            check.refuse(Key.CBO_YOUTH_REVIEW, rule, f"no review is set by {long_date(last_day)}")
        elif not action.on <= action.review_on <= last_day:
            check.refuse(Key.CBO_YOUTH_REVIEW, rule, f"the review is set for "
                         f"{long_date(action.review_on)}, after {long_date(last_day)}")


def _hours(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 3600


@_checks(DispersalAuthorisation)
def _dispersal_authorisation(action: DispersalAuthorisation, check: _Check,
                             earlier: list[Action]) -> None:
    lowest = str(check.value(Key.DISPERSAL_RANK))
    if not rank_at_least(action.rank, lowest):
        check.refuse(Key.DISPERSAL_RANK, f"Dispersal powers are authorised by an officer of at "
                     f"least the rank of {lowest}", f"this one was authorised by a {action.rank}")
    most = int(check.value(Key.DISPERSAL_AUTH_HOURS))
    if not action.at < action.ends_at or _hours(action.ends_at - action.at) > most:
        check.refuse(Key.DISPERSAL_AUTH_HOURS, f"A dispersal authorisation lasts at most {most} "
                     "hours", f"this one runs {_hours(action.ends_at - action.at):g} hours")


@_checks(DispersalDirection)
def _dispersal_direction(action: DispersalDirection, check: _Check, earlier: list[Action]) -> None:
    auth = action.authorisation
    if not auth.at <= action.at <= auth.ends_at:
        check.refuse(Key.DISPERSAL_AUTH_HOURS, "A dispersal direction is given while an "
                     "authorisation is in force", "it was given outside the authorised period")
    most = int(check.value(Key.DISPERSAL_EXCLUSION_HOURS))
    if _hours(action.excluded_until - action.at) > most:
        check.refuse(Key.DISPERSAL_EXCLUSION_HOURS, f"A dispersal direction excludes for at most "
                     f"{most} hours", f"this one runs "
                     f"{_hours(action.excluded_until - action.at):g} hours")
    born = action.party.born
    age = age_on(born, action.day) if born is not None and born <= action.day else None
    youngest = int(check.value(Key.DISPERSAL_MIN_AGE))
    if age is not None and age < youngest:
        check.refuse(Key.DISPERSAL_MIN_AGE, f"A dispersal direction is never given to a child "
                     f"under {youngest}", f"this person is {age}")
    home_age = int(check.value(Key.DISPERSAL_HOME_AGE))
    if action.taken_home and not action.believed_under_16 and (age is None or age >= home_age):
        fact = (f"this person is {age} and the officer's belief that they were under {home_age} "
                "is not recorded" if age is not None
                else f"the officer's belief that the person was under {home_age} is not recorded")
        check.refuse(Key.DISPERSAL_HOME_AGE, f"Only a person believed to be under {home_age} may "
                     "be taken home or to a place of safety", fact)


@_checks(ClosureNotice)
def _closure_notice(action: ClosureNotice, check: _Check, earlier: list[Action]) -> None:
    issuing = str(check.value(Key.CLOSURE_RANK))
    higher_rank = str(check.value(Key.CLOSURE_HIGHER_RANK))
    council = str(check.value(Key.CLOSURE_HIGHER_COUNCIL))
    if action.issuer == "police" and not rank_at_least(action.signed_by, issuing):
        check.refuse(Key.CLOSURE_RANK, f"A police closure notice is issued by an officer of at "
                     f"least the rank of {issuing}", f"this one by a {action.signed_by}")

    def higher(who: str | None) -> bool:
        if action.issuer == "police":
            return who is not None and rank_at_least(who, higher_rank)
        return who == council

    authority = (f"an officer of at least the rank of {higher_rank}" if action.issuer == "police"
                 else f"the council's {council}")
    base, most = int(check.value(Key.CLOSURE_HOURS)), int(check.value(Key.CLOSURE_MAX_HOURS))
    if action.hours > most or (action.hours > base and not higher(action.signed_by)):
        check.refuse(Key.CLOSURE_MAX_HOURS, f"A closure notice lasts at most {base} hours, or "
                     f"{most} when signed by {authority}",
                     f"this one is for {action.hours} hours, signed by a {action.signed_by}")
    extended = action.extended_to_hours
    if extended is not None and (extended > most or not higher(action.extended_by)):
        check.refuse(Key.CLOSURE_MAX_HOURS, f"A closure notice is extended, to {most} hours in "
                     f"all, only by {authority}", f"this extension to {extended} hours is by "
                     f"{action.extended_by or 'nobody recorded'}")


def notice_ends_at(notice: ClosureNotice) -> datetime.datetime:
    """When a closure notice ends (Christmas Day not counted in a 48-hour period, s.77(3))."""
    hours = notice.extended_to_hours or notice.hours
    if hours > 24:
        return hours_after_excluding_christmas(notice.at, hours)
    return notice.at + datetime.timedelta(hours=hours)


@_checks(ClosureOrder)
def _closure_order(action: ClosureOrder, check: _Check, earlier: list[Action]) -> None:
    notices = [n for n in earlier if isinstance(n, ClosureNotice) and n.at <= action.heard_at]
    hours = int(check.value(Key.CLOSURE_HEARING_HOURS))
    rule = (f"A closure order application is heard by a magistrates' court within {hours} hours "
            "of the closure notice")
    if not notices:
        check.refuse(Key.CLOSURE_HEARING_HOURS, rule, "no closure notice is recorded for these "
                     "premises before the hearing")
    else:
        notice = max(notices, key=lambda n: n.at)
        deadline = hours_after_excluding_christmas(notice.at, hours)
        if action.heard_at > deadline:
            check.refuse(Key.CLOSURE_HEARING_HOURS, rule, f"the notice was served "
                         f"{notice.at:%d %B %Y %H:%M} and the hearing was after "
                         f"{deadline:%d %B %Y %H:%M}")
    months = int(check.value(Key.CLOSURE_ORDER_MONTHS))
    if not action.on < action.ends_on <= add_months(action.on, months):
        check.refuse(Key.CLOSURE_ORDER_MONTHS, f"A closure order lasts at most {months} months",
                     f"this one, made {long_date(action.on)}, ends on {long_date(action.ends_on)}")


@_checks(ClosureOrderExtension)
def _closure_extension(action: ClosureOrderExtension, check: _Check,
                       earlier: list[Action]) -> None:
    orders = [o for o in earlier if isinstance(o, ClosureOrder)]
    total = int(check.value(Key.CLOSURE_TOTAL_MONTHS))
    rule = f"A closure order, with its extensions, lasts at most {total} months in total"
    if not orders:
        check.refuse(Key.CLOSURE_TOTAL_MONTHS, "A closure order is extended only while one is in "
                     "force", "no closure order is recorded for these premises")
        return
    order = max(orders, key=lambda o: o.on)
    extensions = [e for e in earlier
                  if isinstance(e, ClosureOrderExtension) and e.on >= order.on]
    current_end = max([order.ends_on, *(e.ends_on for e in extensions)])
    if action.on > current_end:
        check.refuse(Key.CLOSURE_ORDER_MONTHS, "A closure order is extended before it ends",
                     f"the order ended on {long_date(current_end)}")
    months = int(check.value(Key.CLOSURE_ORDER_MONTHS))
    if action.ends_on > add_months(current_end, months):
        check.refuse(Key.CLOSURE_ORDER_MONTHS, f"A closure order is extended by at most {months} "
                     "months at a time", f"this extension runs from {long_date(current_end)} to "
                     f"{long_date(action.ends_on)}")
    latest = add_months(order.on, total)
    if action.ends_on > latest:
        check.refuse(Key.CLOSURE_TOTAL_MONTHS, rule, f"the order was made on "
                     f"{long_date(order.on)}, so it can run to {long_date(latest)} at the latest, "
                     f"not {long_date(action.ends_on)}")

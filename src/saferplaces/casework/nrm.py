"""Modern slavery: National Referral Mechanism (NRM) referrals and Duty to Notify records.

The rules (``data/law/modern-slavery.toml``, vocabularies in ``data/casework/vocabularies.toml``):

* A referral is made by a **first responder organisation** (vocabulary ``nrm_first_responders``,
  from the Home Office statutory guidance under Modern Slavery Act 2015 s.49) on a date.
* A **child** (under 18 on the referral date, or presumed so where there are reasonable grounds
  to believe it: Modern Slavery Act 2015 s.51) is referred without consent. An **adult** must
  consent (rule ``nrm.adult_consent_required``). An adult who declines is not referred: the
  organisation makes a **Duty to Notify** record instead (s.52 and the Modern Slavery (Duty to
  Notify) Regulations 2015), which holds no identifying details: :class:`DutyToNotify` has no
  field for a name, date of birth, address or any other identifier, and refuses one.
* The **reasonable-grounds decision** is targeted within 5 working days of the referral, where
  possible (rule ``nrm.reasonable_grounds_target_working_days``): a target, flagged when missed,
  not a limit.
* A positive reasonable-grounds decision starts the **recovery period**: at least 30 days
  beginning with the day of that decision, and until the conclusive-grounds decision if later
  (rule ``nrm.recovery_period_min_days``; Modern Slavery Act 2015 s.50A and Nationality and
  Borders Act 2022 s.61).
* The **conclusive-grounds decision** has no target date; it follows a positive
  reasonable-grounds decision and is not made before the end of the minimum recovery period:
  not before the last of ``nrm.cg_not_before_days`` days beginning with the reasonable-grounds
  decision (30; Modern Slavery Act 2015 s.50A and the statutory guidance). A **support outcome** (vocabulary
  ``nrm_support_outcomes``, for children or adults) is recorded after a decision.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from saferplaces.casework.age import is_child
from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.refusals import Refused
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.casework.workingtime import add_working_days

__all__ = ["Decision", "DutyToNotify", "NrmReferral", "refer"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    decided_on: datetime.date
    positive: bool


class DutyToNotify(BaseModel):
    """An anonymous notification about an adult who declined an NRM referral: no identifiers
    (no name, date of birth, address, contact details, reference numbers or free text about
    the person) by construction; any extra field is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notified_on: datetime.date
    organisation: str
    exploitation_types: tuple[str, ...] = Field(min_length=1)
    age_group: Literal["adult"] = "adult"
    statutory: bool


class NrmReferral(BaseModel):
    """A referral into the NRM. Build it with :func:`refer`, which applies the rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    referred_on: datetime.date
    first_responder: str
    name: Text
    date_of_birth: datetime.date | None
    child: bool
    consented: bool
    exploitation_types: tuple[str, ...] = Field(min_length=1)
    reasonable_grounds: Decision | None = None
    conclusive_grounds: Decision | None = None
    support_outcome: str = ""

    def reasonable_grounds_due_on(self, rules: Rules | None = None) -> datetime.date:
        rules = rules if rules is not None else shipped()
        days = int(rules.on("nrm.reasonable_grounds_target_working_days", self.referred_on))
        return add_working_days(self.referred_on, days)

    def reasonable_grounds_overdue(self, on: datetime.date, rules: Rules | None = None) -> bool:
        """No reasonable-grounds decision by ``on``, and ``on`` is after the target day."""
        decided = self.reasonable_grounds is not None and self.reasonable_grounds.decided_on <= on
        return not decided and on > self.reasonable_grounds_due_on(rules)

    def recovery_period_ends(self, rules: Rules | None = None) -> datetime.date | None:
        """The earliest last day of the recovery period (None without a positive RG decision):
        the later of the 30th day beginning with the RG decision and the CG decision day; with
        no CG decision yet the period runs on past the day returned."""
        rg = self.reasonable_grounds
        if rg is None or not rg.positive:
            return None
        rules = rules if rules is not None else shipped()
        days = int(rules.on("nrm.recovery_period_min_days", rg.decided_on))
        minimum = rg.decided_on + datetime.timedelta(days=days - 1)
        cg = self.conclusive_grounds
        return max(minimum, cg.decided_on) if cg is not None else minimum


def _exploitation(types: tuple[str, ...]) -> None:
    vocab = vocabulary("nrm_exploitation_types")
    for key in types:
        if key not in vocab:
            raise Refused("nrm.exploitation_types", f"{key!r} is not an NRM exploitation type")


def _decisions(referred_on: datetime.date, rg: Decision | None, cg: Decision | None,
               support_outcome: str, child: bool, rules: Rules) -> None:
    if rg is not None and rg.decided_on < referred_on:
        raise Refused("nrm.dates.reasonable_grounds",
                      "the reasonable-grounds decision cannot precede the referral")
    if cg is not None:
        if rg is None or not rg.positive:
            raise Refused("nrm.dates", "a conclusive-grounds decision follows a positive "
                                       "reasonable-grounds decision")
        if cg.decided_on < rg.decided_on:
            raise Refused("nrm.dates", "the conclusive-grounds decision cannot precede the "
                                       "reasonable-grounds decision")
        days = int(rules.on("nrm.cg_not_before_days", rg.decided_on))
        earliest = rg.decided_on + datetime.timedelta(days=days - 1)
        if cg.decided_on < earliest:
            raise Refused("nrm.cg_not_before_days",
                          f"the conclusive-grounds decision comes after the {days} days beginning "
                          f"with the reasonable-grounds decision: not before {earliest:%-d %B %Y}")
    if support_outcome:
        if rg is None:
            raise Refused("nrm.support_outcomes", "a support outcome follows a decision")
        vocab = vocabulary("nrm_support_outcomes")
        if support_outcome not in vocab:
            raise Refused("nrm.support_outcomes", f"{support_outcome!r} is not a support outcome")
        if not vocab[support_outcome].applies(child):
            raise Refused("nrm.support_outcomes", f"{vocab[support_outcome].label} does not apply "
                                                  f"to {'a child' if child else 'an adult'}")


def refer(*, referred_on: datetime.date, first_responder: str, name: str,
          date_of_birth: datetime.date | None, exploitation_types: tuple[str, ...],
          consented: bool, believed_child: bool = False,
          reasonable_grounds: Decision | None = None, conclusive_grounds: Decision | None = None,
          support_outcome: str = "", rules: Rules | None = None) -> NrmReferral | DutyToNotify:
    """An NRM referral, or, for an adult who does not consent, a Duty to Notify record that
    keeps none of the identifying details given (``name``, ``date_of_birth``).

    ``believed_child``: there are reasonable grounds to believe the person is a child (s.51);
    with no date of birth, the person is an adult unless so believed."""
    rules = rules if rules is not None else shipped()
    responders = vocabulary("nrm_first_responders")
    if first_responder not in responders:
        raise Refused("nrm.first_responders",
                      f"{first_responder!r} is not a first responder organisation")
    _exploitation(exploitation_types)
    child = believed_child or (date_of_birth is not None
                               and is_child(date_of_birth, referred_on, rules))
    needs_consent = not child and bool(rules.on("nrm.adult_consent_required", referred_on))
    if needs_consent and not consented:
        return DutyToNotify(
            notified_on=referred_on, organisation=first_responder,
            exploitation_types=exploitation_types,
            statutory=first_responder in responders.flagged("duty-to-notify"),
        )
    _decisions(referred_on, reasonable_grounds, conclusive_grounds, support_outcome, child, rules)
    return NrmReferral(
        referred_on=referred_on, first_responder=first_responder, name=name,
        date_of_birth=date_of_birth, child=child, consented=consented,
        exploitation_types=exploitation_types, reasonable_grounds=reasonable_grounds,
        conclusive_grounds=conclusive_grounds, support_outcome=support_outcome,
    )

"""The actions of the anti-social behaviour ladder, as typed records.

Each action is about one **party**: a person (with a date of birth when known), a body (a
company or organisation), premises (for closure) or a locality (for a dispersal authorisation).
Dated actions carry the day they were given, issued, agreed or made (``on``); the powers counted
in hours carry the moment (``at``). The rules they must keep are checked by
:func:`saferplaces.casework.asb_powers.validate`; these types only hold what was done.

Police ranks and the council's signatories are small fixed vocabularies, because the Act names
them (2014 Act s.34(1), s.76(1), s.77(2)).
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

__all__ = [
    "COUNCIL_SIGNATORIES", "POLICE_RANKS", "AcceptableBehaviourContract", "Action",
    "CivilInjunction", "ClosureNotice", "ClosureOrder", "ClosureOrderExtension",
    "CommunityProtectionNotice", "CommunityProtectionWarning", "CriminalBehaviourOrder",
    "DatedAction", "DispersalAuthorisation", "DispersalDirection", "FixedPenaltyNotice", "Party",
    "TimedAction", "WarningLetter", "rank_at_least",
]

POLICE_RANKS = (
    "constable", "sergeant", "inspector", "chief inspector", "superintendent",
    "chief superintendent", "assistant chief constable", "deputy chief constable",
    "chief constable",
)
COUNCIL_SIGNATORIES = ("council officer", "chief executive or designate")

PartyKind = Literal["person", "body", "premises", "locality"]


def rank_at_least(rank: str, lowest: str) -> bool:
    """Whether police ``rank`` is ``lowest`` or above (an unknown rank is not)."""
    if rank not in POLICE_RANKS or lowest not in POLICE_RANKS:
        return False
    return POLICE_RANKS.index(rank) >= POLICE_RANKS.index(lowest)


@dataclass(frozen=True)
class Party:
    """Who or what an action is about. ``key`` is the case's own reference to it (never a name
    in a URL or a log); ``born`` is a person's date of birth, ``None`` when not known."""

    key: str
    kind: PartyKind = "person"
    born: datetime.date | None = None


@dataclass(frozen=True, kw_only=True)
class Action(ABC):
    """What every action records: about whom, by which officer and agency, on what conditions."""

    party: Party
    officer: str = ""
    agency: str = ""
    conditions: tuple[str, ...] = ()

    label: ClassVar[str] = "action"

    @property
    @abstractmethod
    def day(self) -> datetime.date:
        """The day the action was taken (the day its rules are judged by)."""


@dataclass(frozen=True, kw_only=True)
class DatedAction(Action):
    on: datetime.date

    @property
    def day(self) -> datetime.date:
        return self.on


@dataclass(frozen=True, kw_only=True)
class TimedAction(Action):
    at: datetime.datetime

    @property
    def day(self) -> datetime.date:
        return self.at.date()


@dataclass(frozen=True, kw_only=True)
class WarningLetter(DatedAction):
    label: ClassVar[str] = "warning letter"


@dataclass(frozen=True, kw_only=True)
class AcceptableBehaviourContract(DatedAction):
    ends_on: datetime.date | None = None
    review_on: datetime.date | None = None

    label: ClassVar[str] = "Acceptable Behaviour Contract"


@dataclass(frozen=True, kw_only=True)
class CommunityProtectionWarning(DatedAction):
    """The written warning that a notice will follow unless the conduct stops by ``comply_by``."""

    comply_by: datetime.date

    label: ClassVar[str] = "Community Protection Warning"


@dataclass(frozen=True, kw_only=True)
class CommunityProtectionNotice(DatedAction):
    label: ClassVar[str] = "Community Protection Notice"


@dataclass(frozen=True, kw_only=True)
class FixedPenaltyNotice(DatedAction):
    """A fixed penalty for failing to comply with a Community Protection Notice on
    ``breach_on``; ``amount`` in pounds."""

    breach_on: datetime.date
    amount: Decimal

    label: ClassVar[str] = "fixed penalty notice"


@dataclass(frozen=True, kw_only=True)
class CivilInjunction(DatedAction):
    """Granted ``on``; ``ends_on`` ``None`` means until further order."""

    ends_on: datetime.date | None = None
    review_on: datetime.date | None = None
    youth_offending_team_consulted_on: datetime.date | None = None
    without_notice: bool = False

    label: ClassVar[str] = "civil injunction"


@dataclass(frozen=True, kw_only=True)
class CriminalBehaviourOrder(DatedAction):
    """Made ``on``; ``ends_on`` ``None`` means indefinite; ``review_on`` the first review."""

    ends_on: datetime.date | None = None
    review_on: datetime.date | None = None

    label: ClassVar[str] = "Criminal Behaviour Order"


@dataclass(frozen=True, kw_only=True)
class DispersalAuthorisation(TimedAction):
    """The authorisation for a locality (``party.kind == "locality"``), from ``at`` to
    ``ends_at``, by an officer of ``rank``."""

    ends_at: datetime.datetime
    rank: str

    label: ClassVar[str] = "dispersal authorisation"


@dataclass(frozen=True, kw_only=True)
class DispersalDirection(TimedAction):
    """A direction given ``at`` under ``authorisation``, excluding the person until
    ``excluded_until``; ``taken_home`` when removed home or to a place of safety."""

    authorisation: DispersalAuthorisation
    excluded_until: datetime.datetime
    taken_home: bool = False
    believed_under_16: bool = False

    label: ClassVar[str] = "dispersal direction"


@dataclass(frozen=True, kw_only=True)
class ClosureNotice(TimedAction):
    """Served ``at`` for ``hours``; issued by the police (``signed_by`` a rank) or the council
    (``signed_by`` one of :data:`COUNCIL_SIGNATORIES`); optionally extended to
    ``extended_to_hours`` by ``extended_by``."""

    issuer: Literal["police", "council"]
    signed_by: str
    hours: int
    extended_to_hours: int | None = None
    extended_by: str | None = None

    label: ClassVar[str] = "closure notice"


@dataclass(frozen=True, kw_only=True)
class ClosureOrder(DatedAction):
    """Made ``on`` at a hearing ``heard_at``; in force until ``ends_on``."""

    heard_at: datetime.datetime
    ends_on: datetime.date

    label: ClassVar[str] = "closure order"


@dataclass(frozen=True, kw_only=True)
class ClosureOrderExtension(DatedAction):
    """An extension made ``on`` to a closure order, now in force until ``ends_on``."""

    ends_on: datetime.date

    label: ClassVar[str] = "closure order extension"

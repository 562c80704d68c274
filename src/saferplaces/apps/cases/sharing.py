"""Consent and lawful basis to share: the check made before a case is shared with, or referred
to, another agency.

The bases are configuration, ``saferplaces/data/people/lawful-bases.toml`` (each with its legal
source and the date it came into force). A share or referral is allowed when **every person who
is a party** to the case is covered on the day, by either

1. their consent given: the latest :class:`~saferplaces.apps.people.models.Consent` recorded on
   or before the day says *given* (UK GDPR Article 6(1)(a), Article 9(2)(a)); or
2. the basis the sharer records, when it is known, in force on the day (``valid_from``), does
   not itself rest on consent (``needs_consent``), and covers that person (below).

Who a basis covers without consent (:data:`COVERS`, with the source of each limit):

- ``safeguarding-children`` covers parties who are **children** on the day (under 18 by their
  date of birth or estimated age; Children Act 1989 s.17, s.47 and s.105): a child needs no
  consent when their safeguarding is the basis.
- ``modern-slavery`` covers **children** only: the National Referral Mechanism needs no consent
  for a child, while an adult must consent (otherwise the Duty to Notify goes to the Home
  Office without identifiers; Modern Slavery Act 2015 s.52 and its statutory guidance).
- ``safeguarding-adults`` covers **adults** (18 or over; Care Act 2014 s.42).
- Every other basis (crime and disorder s.115, vital interests, public task, and any a
  partnership adds) covers every party.

A party whose age is not known is neither a child nor an adult for these limits, so only consent
or a basis that covers everyone will do. A party who refused consent can still be covered by a
basis (the law allows sharing without consent on these bases); the refusal shows on the form.
With no basis covering everyone, the share is refused unless the sharer holds
``cases.share_without_basis`` and gives a reason (the override, stored with the share and
written to the audit log).
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from saferplaces.apps.people.models import Consent, ConsentStatus, Person

__all__ = ["BASES_FILE", "COVERS", "BasisCheck", "BasisError", "LawfulBasis", "check_basis",
           "lawful_bases"]

BASES_FILE = Path(__file__).resolve().parents[2] / "data" / "people" / "lawful-bases.toml"

Covers = Literal["children", "adults"]

#: Bases that cover only children or only adults without consent (module docstring, sources).
COVERS: dict[str, Covers] = {
    "safeguarding-children": "children",
    "modern-slavery": "children",
    "safeguarding-adults": "adults",
}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class BasisError(ValueError):
    """The lawful-bases file is malformed (the message names the file and the key)."""


class LawfulBasis(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = ""
    label: Text
    source: Text
    valid_from: datetime.date
    needs_consent: bool = False

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day


class _BasesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    bases: dict[str, LawfulBasis]


@lru_cache(maxsize=4)
def lawful_bases(path: str | None = None) -> dict[str, LawfulBasis]:
    """The bases of the file (the shipped one when None), keyed, in file order."""
    file = Path(path) if path else BASES_FILE
    try:
        with file.open("rb") as fh:
            parsed = _BasesFile.model_validate(tomllib.load(fh))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BasisError(f"{file.name}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BasisError(f"{file.name}: {where}: {first['msg']}") from None
    return {key: basis.model_copy(update={"key": key}) for key, basis in parsed.bases.items()}


@dataclass(frozen=True)
class PartyCheck:
    """One person party: whether they are covered, and how (or why not), in words."""

    person: Person
    covered: bool
    how: str


@dataclass(frozen=True)
class BasisCheck:
    """The outcome for a whole case: ``allowed`` when every person party is covered."""

    basis: LawfulBasis | None
    parties: tuple[PartyCheck, ...]
    problem: str

    @property
    def allowed(self) -> bool:
        return not self.problem and all(party.covered for party in self.parties)

    @property
    def uncovered(self) -> list[PartyCheck]:
        return [party for party in self.parties if not party.covered]


def latest_consent(person: Person, day: datetime.date) -> Consent | None:
    return person.consents.filter(recorded_on__lte=day).order_by("-recorded_on", "-pk").first()


def _covers(basis: LawfulBasis, person: Person, day: datetime.date) -> tuple[bool, str]:
    limit = COVERS.get(basis.key)
    if limit is None:
        return True, f"basis: {basis.label}"
    child = person.is_child_on(day)
    if child is None:
        return False, f"age not known, and {basis.label.lower()} covers {limit} only"
    if (limit == "children") == child:
        return True, f"basis: {basis.label} ({'a child' if child else 'an adult'})"
    return False, f"{'a child' if child else 'an adult'}: {basis.label.lower()} covers {limit} only"


def check_basis(people: Iterable[Person], basis_key: str, day: datetime.date) -> BasisCheck:
    """Whether sharing with ``people`` as parties is allowed on ``day`` with ``basis_key``
    (empty: consent alone). See the module docstring for the rule."""
    bases = lawful_bases()
    basis = bases.get(basis_key) if basis_key else None
    problem = ""
    if basis_key and basis is None:
        problem = "Choose a lawful basis from the list."
    elif basis is not None and not basis.in_force_on(day):
        problem = f"{basis.label} was not in force on {day:%d %B %Y}."
    checks = []
    for person in people:
        consent = latest_consent(person, day)
        if consent is not None and consent.status == ConsentStatus.GIVEN:
            checks.append(PartyCheck(person, True, f"consent given on {consent.recorded_on:%d %B %Y}"))
            continue
        if basis is None or problem or basis.needs_consent:
            state = "consent refused" if consent and consent.status == ConsentStatus.REFUSED \
                else "no consent given"
            checks.append(PartyCheck(person, False, f"{state}, and no basis covers them"))
            continue
        covered, how = _covers(basis, person, day)
        checks.append(PartyCheck(person, covered, how))
    return BasisCheck(basis, tuple(checks), problem)

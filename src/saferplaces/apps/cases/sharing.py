"""Consent and lawful basis to share: the check made before a case is shared with, referred
to or offered for transfer to another agency, and before a party is added to a case that is
already disclosed to one.

The bases are configuration, ``saferplaces/data/people/lawful-bases.toml``, read by the one
loader :func:`saferplaces.apps.people.consent.lawful_bases` (each with its legal source, the
date it came into force, and whom it covers without consent). A share, referral or transfer is
allowed when **every person who is a party** to the case is covered on the day, by either

1. their consent given: the latest :class:`~saferplaces.apps.people.models.Consent` recorded on
   or before the day says *given* (UK GDPR Article 6(1)(a), Article 9(2)(a)); or
2. the basis the sharer records, when it is known, in force on the day (``valid_from``), does
   not itself rest on consent (``needs_consent``), and covers that person: its ``covers`` key
   in the file says ``children`` (under 18 on the day by their date of birth or estimated age,
   Children Act 1989 s.105), ``adults`` or ``everyone``, with the source of each limit beside
   it (child safeguarding and modern slavery cover children only, adult safeguarding adults).

A party whose age is not known is neither a child nor an adult for these limits, so only consent
or a basis that covers everyone will do. A party who refused consent can still be covered by a
basis (the law allows sharing without consent on these bases); the refusal shows on the form.
With no basis covering everyone, the share is refused unless the sharer holds
``cases.share_without_basis`` and gives a reason (the override, stored with the share and
written to the audit log).

**A case with no person parties** may be shared, referred or transferred on any basis (or on
consent): there is nothing personal to cover. Its parties are checked when they are added
(:func:`check_new_party`): every live share of the case, waiting referral and waiting transfer
discloses the new party to an agency, so each must cover them, by consent or by the basis
recorded for it (an override covered the parties of its day, not a later one). That holds for
a partner agency adding its own person too: the third agencies with a share would read them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from saferplaces.apps.people.consent import (
    BASES_FILE,
    BasisError,
    LawfulBasis,
    latest_consent,
    lawful_bases,
)
from saferplaces.apps.people.models import ConsentStatus, Person

__all__ = ["BASES_FILE", "BasisCheck", "BasisError", "Disclosure", "LawfulBasis", "PartyCheck",
           "check_basis", "check_new_party", "lawful_bases"]


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


def _covers(basis: LawfulBasis, person: Person, day: datetime.date) -> tuple[bool, str]:
    limit = basis.covers
    if limit == "everyone":
        return True, f"basis: {basis.label}"
    child = person.is_child_on(day)
    if child is None:
        return False, f"age not known, and {basis.label.lower()} covers {limit} only"
    if (limit == "children") == child:
        return True, f"basis: {basis.label} ({'a child' if child else 'an adult'})"
    return False, f"{'a child' if child else 'an adult'}: {basis.label.lower()} covers {limit} only"


def check_basis(people: Iterable[Person], basis_key: str, day: datetime.date, *,
                bases: Mapping[str, LawfulBasis] | None = None) -> BasisCheck:
    """Whether sharing with ``people`` as parties is allowed on ``day`` with ``basis_key``
    (empty: consent alone), among ``bases`` (the configured ones when None). No people: allowed
    (nothing personal to cover) when the basis named, if any, exists and is in force. See the
    module docstring for the rule."""
    bases = lawful_bases() if bases is None else bases
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


@dataclass(frozen=True)
class Disclosure:
    """An agency a case's parties are disclosed to (``what``: its share, a waiting referral or
    a waiting transfer) and the basis recorded for it (empty: consent)."""

    agency: str
    what: str
    basis_key: str

    def words(self) -> str:
        basis = lawful_bases().get(self.basis_key) if self.basis_key else None
        on = f"on {basis.label.lower()}" if basis else (
            "on consent" if not self.basis_key else f"on {self.basis_key}, no longer configured")
        return f"the {self.what} {'with' if self.what == 'share' else 'to'} {self.agency} ({on})"


def check_new_party(person: Person, disclosures: Iterable[Disclosure],
                    day: datetime.date) -> list[str]:
    """What does not cover ``person`` as a new party, in words naming the agency, the basis and
    why (empty: every disclosure covers them)."""
    bases = lawful_bases()
    gaps = []
    for disclosure in disclosures:
        # a basis since taken out of the configuration covers no one new: consent alone will do
        key = disclosure.basis_key if disclosure.basis_key in bases else ""
        check = check_basis([person], key, day, bases=bases)
        if not check.allowed:
            why = check.problem or check.uncovered[0].how
            gaps.append(f"{disclosure.words()}: {why}")
    return gaps

"""The duplicate check made before a new person is saved: is this someone the partnership
already holds?

Each stored person (not merged away) is compared with the proposed one on three things, each
scored from 0 to 1:

- **name** (weight ``NAME_WEIGHT`` = 0.5): ``0.7 × J + 0.3 × P``. ``J`` is the best
  Jaro–Winkler similarity (rapidfuzz) between any normalised full name of one (name and aliases;
  accents folded, case and punctuation dropped, both name orders tried) and any of the other.
  ``P`` is 1 when a family name of one sounds like one of the other (jellyfish Metaphone or
  Soundex codes equal: Smith/Smyth), else 0.
- **date of birth** (weight ``DOB_WEIGHT`` = 0.3): 1 for the same date of birth; 0.7 when either
  side only has an estimated age and the two birth dates are within a year of each other
  (``ESTIMATE_YEARS``); 0 otherwise.
- **address** (weight ``ADDRESS_WEIGHT`` = 0.2): 1 when a postcode of one (current or past
  address) equals one of the other; else the best rapidfuzz token-set ratio of the address
  texts.

A thing either side does not record (no date of birth or estimate; no address) scores
``UNKNOWN`` = 0.5, neither for nor against. The total is the weighted sum; a stored person is a
candidate when the total is at least ``THRESHOLD`` = 0.75 **and** the name score at least
``NAME_FLOOR`` = 0.8 (two people at one address with one birthday, such as twins, are not a
match unless their names are too).

So "Jon Smyth" and "John Smith" born on the same day (J 0.92, P 1: name 0.94) score 0.87; the
same name with nothing else known scores 0.75 (offered); the same name with a different known
date of birth 0.6 (not offered); "Jane Smith" and "John Smith" with nothing else known 0.72.

The weights follow the record-linkage practice of weighting identifiers by how much they
discriminate (Fellegi and Sunter 1969; the ONS and NHS demographic batch-matching rules put the
name first and date of birth next); the threshold was set on the examples above and is checked
by the tests.

Which stored people are compared: those sharing a family-name initial, a birth date within the
estimate window, a postcode, or an alias containing the family name (a database filter; the
phonetic codes keep the first letter, Soundex by design). Who learns what is decided by
:func:`check_for_user`: candidates the user may see in full are offered by name; for the others
the user learns only which agency holds a possible match.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jellyfish
from django.core import signing
from django.db.models import Q
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.people.models import Person

__all__ = ["ADDRESS_WEIGHT", "DOB_WEIGHT", "ESTIMATE_YEARS", "NAME_FLOOR", "NAME_WEIGHT",
           "THRESHOLD", "UNKNOWN", "Candidate", "DuplicateCheck", "HeldBy", "Proposal",
           "check_for_user", "find_candidates", "person_from_token", "score", "token_for"]

NAME_WEIGHT = 0.5
DOB_WEIGHT = 0.3
ADDRESS_WEIGHT = 0.2
UNKNOWN = 0.5
THRESHOLD = 0.75
NAME_FLOOR = 0.8
ESTIMATE_YEARS = 1
ESTIMATE_SCORE = 0.7
_JARO_PART, _PHONETIC_PART = 0.7, 0.3

#: How long the "request access" token of a held-by match lasts (seconds).
TOKEN_AGE = 3600
_SALT = "saferplaces.people.duplicate"


@dataclass(frozen=True)
class Proposal:
    """A person as described before saving (or a stored one, for comparison)."""

    given_name: str
    family_name: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: datetime.date | None = None
    estimated_age: int | None = None
    estimated_on: datetime.date | None = None
    postcodes: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    @classmethod
    def of(cls, person: Person) -> Proposal:
        """A stored person as the check compares them. A confidential address is left out, as if
        not recorded: otherwise anyone could confirm where a person lives by trying postcodes."""
        addresses = [] if person.confidential_address else list(person.addresses.all())
        return cls(given_name=person.given_name, family_name=person.family_name,
                   aliases=tuple(a.name for a in person.aliases.all()),
                   date_of_birth=person.date_of_birth, estimated_age=person.estimated_age,
                   estimated_on=person.estimated_on,
                   postcodes=tuple(a.postcode for a in addresses if a.postcode),
                   addresses=tuple(a.text for a in addresses if a.text))

    def birth_date(self) -> tuple[datetime.date | None, bool]:
        """The date of birth, or the one implied by the estimate; and whether it is estimated."""
        if self.date_of_birth is not None:
            return self.date_of_birth, False
        if self.estimated_age is not None:
            on = self.estimated_on or datetime.date.today()
            try:
                return on.replace(year=on.year - self.estimated_age), True
            except ValueError:  # 29 February
                return on.replace(year=on.year - self.estimated_age, day=28), True
        return None, False


def normalise(name: str) -> str:
    """Accents folded, lower case, letters and single spaces only."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z ]+", " ", folded.lower().replace("'", "")).split())


def _full_names(p: Proposal) -> list[str]:
    names = [normalise(f"{p.given_name} {p.family_name}")] + [normalise(a) for a in p.aliases]
    out: list[str] = []
    for name in names:
        if name:
            out.append(name)
            words = name.split()
            if len(words) > 1:
                out.append(" ".join([words[-1], *words[:-1]]))
    return out


def _family_names(p: Proposal) -> set[str]:
    names = {normalise(p.family_name)} | {normalise(a).split()[-1] for a in p.aliases
                                          if normalise(a)}
    return {n.replace(" ", "") for n in names if n}


def _sounds_alike(a: set[str], b: set[str]) -> bool:
    codes_a = {(f(n)) for n in a for f in (jellyfish.metaphone, jellyfish.soundex)}
    codes_b = {(f(n)) for n in b for f in (jellyfish.metaphone, jellyfish.soundex)}
    return bool(codes_a & codes_b)


def name_score(a: Proposal, b: Proposal) -> float:
    names_a, names_b = _full_names(a), _full_names(b)
    if not names_a or not names_b:
        return 0.0
    jaro = max(JaroWinkler.normalized_similarity(x, y) for x in names_a for y in names_b)
    phonetic = 1.0 if _sounds_alike(_family_names(a), _family_names(b)) else 0.0
    return _JARO_PART * jaro + _PHONETIC_PART * phonetic


def dob_score(a: Proposal, b: Proposal) -> float:
    (born_a, est_a), (born_b, est_b) = a.birth_date(), b.birth_date()
    if born_a is None or born_b is None:
        return UNKNOWN
    if not est_a and not est_b:
        return 1.0 if born_a == born_b else 0.0
    return ESTIMATE_SCORE if abs((born_a - born_b).days) <= 366 * ESTIMATE_YEARS else 0.0


def _postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def address_score(a: Proposal, b: Proposal) -> float:
    codes_a = {_postcode(p) for p in a.postcodes if p.strip()}
    codes_b = {_postcode(p) for p in b.postcodes if p.strip()}
    if codes_a & codes_b:
        return 1.0
    if not a.addresses or not b.addresses:
        return UNKNOWN if not (codes_a and codes_b) else 0.0
    return max(fuzz.token_set_ratio(x.lower(), y.lower()) for x in a.addresses
               for y in b.addresses) / 100.0


def score(a: Proposal, b: Proposal) -> tuple[float, float]:
    """(total, name score) of two people: see the module for the weights."""
    name = name_score(a, b)
    total = (NAME_WEIGHT * name + DOB_WEIGHT * dob_score(a, b)
             + ADDRESS_WEIGHT * address_score(a, b))
    return round(total, 3), name


def _prefilter(p: Proposal) -> Q:
    query = Q()
    for family in _family_names(p):
        query |= Q(family_name__istartswith=family[0]) | Q(aliases__name__icontains=family)
    born, _ = p.birth_date()
    if born is not None:
        window = datetime.timedelta(days=366 * ESTIMATE_YEARS)
        query |= Q(date_of_birth__range=(born - window, born + window))
        query |= Q(date_of_birth__isnull=True, estimated_age__isnull=False)
    for code in p.postcodes:
        if code.strip():
            query |= Q(addresses__postcode__iexact=code.strip(), confidential_address=False)
    return query


def find_candidates(proposal: Proposal, *, exclude: Iterable[int] = ()) -> list[tuple[Person, float]]:
    """Every stored person (any agency; not merged away) that may be ``proposal``, best first.

    Service-internal: what a user learns of them is decided by :func:`check_for_user`."""
    query = _prefilter(proposal)
    if not query:
        return []
    people = (Person.objects.filter(merged_into__isnull=True).filter(query)
              .exclude(pk__in=list(exclude)).distinct()
              .select_related("owner_agency").prefetch_related("aliases", "addresses"))
    found = []
    for person in people:
        total, name = score(proposal, Proposal.of(person))
        if total >= THRESHOLD and name >= NAME_FLOOR:
            found.append((person, total))
    return sorted(found, key=lambda pair: (-pair[1], pair[0].pk))


@dataclass(frozen=True)
class Candidate:
    """A possible match the user may see in full: offered by name to use instead."""

    person: Person
    score: float


@dataclass(frozen=True)
class HeldBy:
    """A possible match the user may not see: only the agency holding it, and a token the
    user can send to request access (it names the record without telling the user its id)."""

    agency: Agency
    token: str


@dataclass
class DuplicateCheck:
    visible: list[Candidate] = field(default_factory=list)
    held_by: list[HeldBy] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.visible or self.held_by)


def token_for(user: Any, person: Person) -> str:
    return signing.dumps({"p": person.pk, "u": user.pk}, salt=_SALT)


def person_from_token(user: Any, token: str) -> Person | None:
    """The person a held-by token names, if it was made for ``user`` within the hour."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("p"), int):
        return None
    return Person.objects.filter(pk=int(data["p"]), merged_into__isnull=True).first()


def check_for_user(user: Any, proposal: Proposal) -> DuplicateCheck:
    """The duplicate check as ``user`` may learn it: possible matches they may see in full (by
    ``get_person_for_user``), and for the rest only the agencies holding them."""
    from django.http import Http404

    from saferplaces.apps.people.access import get_person_for_user

    result = DuplicateCheck()
    held: set[int] = set()
    for person, total in find_candidates(proposal):
        try:
            seen = get_person_for_user(user, person.pk)
        except Http404:
            seen = None
        if seen is not None and seen.full:
            result.visible.append(Candidate(person, total))
        elif person.owner_agency_id not in held:
            held.add(person.owner_agency_id)
            result.held_by.append(HeldBy(person.owner_agency, token_for(user, person)))
    return result

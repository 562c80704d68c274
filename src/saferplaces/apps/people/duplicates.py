"""The duplicate check made before a new person is saved: is this someone the partnership
already holds?

Each stored person (not merged away) is compared with the proposed one on three things, each
scored from 0 to 1:

- **name** (weight ``NAME_WEIGHT`` = 0.5): the best, over every name and alias of one against
  every one of the other, **in the order typed and with given and family names swapped**, of
  ``0.7 × J + 0.3 × P`` (names normalised: accents folded, case, spacing and punctuation
  dropped). ``J`` is the Jaro–Winkler similarity of the full names (rapidfuzz). ``P`` is 1 when
  the family names agree: they sound alike (jellyfish Metaphone or Soundex codes equal: Smith
  and Smyth) or are one slip apart (see below), else 0. Trying the swapped order in both halves
  is what finds "Mossbottom Matthew" typed for "Matthew Mossbottom": records taken down from
  forms, letters or by phone put the names in either box, and with the family name compared
  only straight the phonetic half was lost (name 0.7, under the floor). The swap costs nothing
  when the names really differ: "Mossbottom Martin" against "Matthew Mossbottom" has different
  given names in either order (below), so it is not offered even with the same birthday.
- **date of birth** (weight ``DOB_WEIGHT`` = 0.3): 1 for the same date of birth; 0.7 when either
  side only has an estimated age and the two birth dates are within a year of each other
  (``ESTIMATE_YEARS``); 0 otherwise.
- **address** (weight ``ADDRESS_WEIGHT`` = 0.2): 1 when a postcode of one (current or past
  address) equals one of the other; else the best rapidfuzz token-set ratio of the address
  texts.

A thing either side does not record (no date of birth or estimate; no address) scores
``UNKNOWN`` = 0.5, neither for nor against. The total is the weighted sum; a stored person is a
candidate when the total is at least ``THRESHOLD`` = 0.75 **and** the name score at least
``NAME_FLOOR`` = 0.8.

**Clearly different given names are different people.** An alignment of two names whose given
names are both recorded and clearly differ scores 0 for the name, however alike the rest: this
is what keeps twins (one family name, one birthday, one address: everything but the given name
agrees, a total near 0.9) from being offered as one person, and a brother and sister at one
address with them. Given names do *not* clearly differ when some word of one is, against some
word of the other:

- the same, or an initial of it ("J" and "John");
- one slip apart: one letter typed wrong, left out, doubled, or swapped with the next
  (Damerau–Levenshtein distance 1; Damerau 1964 found about 80% of misspellings are one such
  slip), so "Mattheu" for "Matthew" is still found with the same birthday and address;
- at least ``GIVEN_SIMILAR`` = 0.9 alike by Jaro–Winkler (two slips in a long name:
  "Cristopher"); different names sharing a start stay under it (Oliver and Olivia 0.87,
  Christopher and Christina 0.84);
- the same Metaphone code of three letters or more (Steven and Stephen; shorter codes, such as
  "L" for Leo, Lee and Lia, say too little);
- a known short form of it, or both short forms of one name (Bob and Robert, Sue and Susan,
  Bob and Rob), in the ``nicknames`` dataset (Northern and Crews: hand-curated English given
  names and their nicknames). A known short form also counts as the name itself for ``J``
  ("Bob Li" is compared as "Robert Li").

So a person known by a quite different name (a name taken later, a middle name used) is found
only through an alias: record it as one. Two given names one letter apart that are both real
names (John and Joan, Leo and Lea) cannot be told from a slip and are still offered: check a
possible match before using it.

Examples: "Jon Smyth" and "John Smith" born on the same day (Jon a short form of John; P 1:
name 0.97) score 0.89; the same name with nothing else known scores 0.75 (offered); the same
name with a different known date of birth 0.6 (not offered: a parent and child of one name at
one address score 0.7); "Jane Smith" and "John Smith" 0.25 (given names differ); twins "Oliver"
and "Matthew Mossbottom" with one birthday and postcode 0.5; "Mathew Mossbottom" for "Matthew"
0.995; "Mossbottom Matthew" for "Matthew Mossbottom" with one birthday 0.9.

The weights follow the record-linkage practice of weighting identifiers by how much they
discriminate (Fellegi and Sunter 1969; the ONS and NHS demographic batch-matching rules put the
name first and date of birth next); the threshold was set on the examples above and is checked
by the tests, and the whole check is measured on the demo's planted people
(``tests/demo/test_duplicates_on_demo.py``).

Which stored people are compared: those sharing a family-name initial (or whose family name
starts with the proposal's given-name initial, for swapped names), a birth date within the
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
from functools import cache
from typing import Any

import jellyfish
from django.core import signing
from django.db.models import Q
from nicknames import NickNamer
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.people.models import Person

__all__ = ["ADDRESS_WEIGHT", "DOB_WEIGHT", "ESTIMATE_YEARS", "GIVEN_SIMILAR", "NAME_FLOOR",
           "NAME_WEIGHT", "THRESHOLD", "UNKNOWN", "Candidate", "DuplicateCheck", "HeldBy",
           "Proposal", "check_for_user", "find_candidates", "given_names_differ",
           "is_short_form", "name_score", "person_from_token", "score", "token_for"]

NAME_WEIGHT = 0.5
DOB_WEIGHT = 0.3
ADDRESS_WEIGHT = 0.2
UNKNOWN = 0.5
THRESHOLD = 0.75
NAME_FLOOR = 0.8
ESTIMATE_YEARS = 1
ESTIMATE_SCORE = 0.7
_JARO_PART, _PHONETIC_PART = 0.7, 0.3
GIVEN_SIMILAR = 0.9
_GIVEN_CODE_LENGTH = 3

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


@dataclass(frozen=True)
class _Name:
    """One way a person is named (their name or an alias), normalised."""

    given: str
    family: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}".strip()

    def swapped(self) -> _Name:
        return _Name(given=self.family, family=self.given)


def _names(p: Proposal) -> list[_Name]:
    """The person's name and aliases; an alias's last word is taken as its family name."""
    names = [_Name(normalise(p.given_name), normalise(p.family_name))]
    for alias in p.aliases:
        words = normalise(alias).split()
        if words:
            names.append(_Name(" ".join(words[:-1]), words[-1]))
    return [n for n in names if n.full]


def _family_names(p: Proposal) -> set[str]:
    return {n.family.replace(" ", "") for n in _names(p) if n.family}


def _sound_codes(name: str) -> set[str]:
    return {f(name) for f in (jellyfish.metaphone, jellyfish.soundex)} if name else set()


def _one_edit(a: str, b: str) -> bool:
    """One letter typed wrong, left out, doubled or swapped with the next (Damerau 1964)."""
    return DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1


def _family_names_agree(a: str, b: str) -> bool:
    """Family names agree when they sound alike (Smith and Smyth) or are one slip apart (a
    letter left out can change the sound codes: Nettlefold and Nettleold)."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return bool(a) and bool(b) and (bool(_sound_codes(a) & _sound_codes(b)) or _one_edit(a, b))


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


def is_short_form(a: str, b: str) -> bool:
    """Whether one given name is a known short form of the other (Bob and Robert, Sue and
    Susan), or both are short forms of one name (Bob and Rob), in the nicknames dataset
    (Northern and Crews, hand-curated English given names and their nicknames)."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return False
    namer = _nicknamer()
    forms_a = namer.nicknames_of(a) | namer.canonicals_of(a)
    forms_b = namer.nicknames_of(b) | namer.canonicals_of(b)
    return a == b or b in forms_a or a in forms_b or bool(
        namer.canonicals_of(a) & namer.canonicals_of(b))


def _same_given_word(a: str, b: str) -> bool:
    if a == b or (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return True  # the same, or an initial
    if _one_edit(a, b):
        return True
    if JaroWinkler.normalized_similarity(a, b) >= GIVEN_SIMILAR:
        return True
    code_a, code_b = jellyfish.metaphone(a), jellyfish.metaphone(b)
    return code_a == code_b and len(code_a) >= _GIVEN_CODE_LENGTH  # Steven and Stephen


def given_names_differ(a: str, b: str) -> bool:
    """Whether two given names are clearly different: both recorded, and no word of one is
    the same as, an initial of, a misspelling of, sounds like or is a known short form of a
    word of the other (see the module docstring)."""
    words_a, words_b = normalise(a).split(), normalise(b).split()
    if not words_a or not words_b:
        return False
    if _same_given_word("".join(words_a), "".join(words_b)):  # "Mary Ann" and "Maryann"
        return False
    return not any(_same_given_word(x, y) or is_short_form(x, y)
                   for x in words_a for y in words_b)


def _aligned_score(a: _Name, b: _Name) -> float | None:
    """The name score of two names as they stand, or None when the given names differ."""
    if given_names_differ(a.given, b.given):
        return None
    jaro = JaroWinkler.normalized_similarity(a.full, b.full)
    if a.given and b.given and a.given != b.given and is_short_form(a.given, b.given):
        # A known short form counts as the name itself: "Bob Li" as "Robert Li".
        jaro = max(jaro, JaroWinkler.normalized_similarity(_Name(b.given, a.family).full,
                                                           b.full))
    phonetic = 1.0 if _family_names_agree(a.family, b.family) else 0.0
    return _JARO_PART * jaro + _PHONETIC_PART * phonetic


def name_score(a: Proposal, b: Proposal) -> float:
    """The best name score over every name and alias of one against every one of the other,
    each in the order given and with given and family names swapped; 0 when in every such
    alignment the given names clearly differ."""
    scores = [s for x in _names(a) for y in _names(b) for z in {y, y.swapped()}
              if (s := _aligned_score(x, z)) is not None]
    return max(scores, default=0.0)


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
    for name in _names(p):
        if name.given:  # the names may have been swapped on either record
            query |= Q(family_name__istartswith=name.given[0])
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

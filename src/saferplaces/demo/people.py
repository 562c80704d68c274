"""Synthetic people for the demo's duplicate check: distinct people and planted near-duplicates.

Every name is invented (given names are common ones; family names are made up, such as
"Puddleford" or "Thistlewick"), every date of birth random, every address on an invented street
with a postcode in the ``ZZ9`` area, which does not exist (ZZ is not a UK postcode area; the NHS
uses ZZ99 for "no fixed abode"). ``saferplaces demo`` stores them as people of the demo
agencies, each labelled synthetic, and ``tests/demo`` measures the duplicate check's precision
and recall on them.

The planted truth: :func:`synthetic_people` returns ``distinct`` different people and, for
``pairs`` of them, a second record of the same person as another agency might type it, in one of
the ways records of one person differ in practice (:data:`VARIANTS`). Among the distinct people
are hard cases that are **not** duplicates: siblings at one address; twins (same family name,
same date of birth, same address, different given names); and a parent and child of one name
(same given and family name, same address, born 20 to 30 years apart).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, replace

__all__ = ["AGENCIES", "NICKNAMES", "SyntheticPerson", "VARIANTS", "planted_pairs",
           "synthetic_people"]

#: The demo agencies (keys of the demo's agency table) that hold people.
AGENCIES = ("police", "council", "health", "probation", "charity")

GIVEN = (
    ("Robert", "male"), ("William", "male"), ("James", "male"), ("Thomas", "male"),
    ("Michael", "male"), ("Daniel", "male"), ("Samuel", "male"), ("Joseph", "male"),
    ("Edward", "male"), ("Richard", "male"), ("Anthony", "male"), ("Christopher", "male"),
    ("Jonathan", "male"), ("Matthew", "male"), ("Nicholas", "male"), ("Benjamin", "male"),
    ("Oliver", "male"), ("Harry", "male"), ("George", "male"), ("Leo", "male"),
    ("Arjun", "male"), ("Tomasz", "male"), ("Kwame", "male"), ("Ibrahim", "male"),
    ("Elizabeth", "female"), ("Margaret", "female"), ("Katherine", "female"),
    ("Jennifer", "female"), ("Rebecca", "female"), ("Victoria", "female"),
    ("Alexandra", "female"), ("Abigail", "female"), ("Charlotte", "female"),
    ("Samantha", "female"), ("Deborah", "female"), ("Patricia", "female"),
    ("Susan", "female"), ("Amelia", "female"), ("Olivia", "female"), ("Isla", "female"),
    ("Priya", "female"), ("Agnieszka", "female"), ("Amara", "female"), ("Fatima", "female"),
    ("Chloe", "female"), ("Grace", "female"), ("Hannah", "female"), ("Zoe", "female"),
)

#: Short forms a second record might use.
NICKNAMES = {
    "Robert": "Bob", "William": "Bill", "James": "Jim", "Thomas": "Tom", "Michael": "Mike",
    "Daniel": "Dan", "Samuel": "Sam", "Joseph": "Joe", "Edward": "Ed", "Richard": "Rich",
    "Anthony": "Tony", "Christopher": "Chris", "Jonathan": "Jon", "Matthew": "Matt",
    "Nicholas": "Nick", "Benjamin": "Ben", "Elizabeth": "Liz", "Margaret": "Maggie",
    "Katherine": "Kate", "Jennifer": "Jenny", "Rebecca": "Becky", "Victoria": "Vicky",
    "Alexandra": "Alex", "Abigail": "Abby", "Charlotte": "Lottie", "Samantha": "Sam",
    "Deborah": "Debbie", "Patricia": "Pat", "Susan": "Sue",
}

FAMILY = (
    "Puddleford", "Thistlewick", "Bramblecote", "Nettlefold", "Marrowby", "Quillington",
    "Mossbottom", "Fernwhistle", "Cobbleswick", "Larkspurrow", "Teasdowne", "Brackenmoor",
    "Wobblethorpe", "Pennywhistle", "Gorseby", "Dandelow", "Hollowmere", "Burdockley",
    "Knapweed", "Sorrelton", "Tansyfield", "Yarrowby", "Cowslipp", "Foxglover", "Hedgecombe",
    "Nightjarr", "Wrenhallow", "Starlingford", "Kestrelby", "Plovermoor", "Curlewick",
    "Sandpiperton", "Fieldfare", "Linnetby", "Dunnockley", "Stonechatte", "Whinchatton",
    "Bramblingham", "Redpollby", "Siskinford", "Twitewell", "Crossbillow", "Quailmere",
    "Ospreydale", "Merlinscombe", "Harrierby", "Buzzardine", "Goshawkley", "Hobbyford",
    "Nuthatchley",
)

STREETS = (
    "Teasel Road", "Kiln Court", "Granary Crescent", "Beacon Road", "Orchard Court",
    "Bishop Avenue", "Quarry Way", "Reed Crescent", "Rectory Mews", "Cedar Way",
    "Plough Court", "Church Court", "Mill Lane", "Foundry Walk", "Tannery Row",
    "Wharf Street", "Ropewalk", "Maltings Close", "Dovecote Lane", "Brewery Yard",
    "Chandlers Row", "Weavers Close", "Saddlers Way", "Coopers Lane", "Smithy Green",
    "Cooperage Road", "Lantern Walk", "Millpond Close", "Threshing Lane", "Haybarn Road",
)

#: How a second record of one person differs from the first (cycled over the pairs).
VARIANTS = ("typo", "transposed", "nickname", "estimated-dob", "moved", "dropped-letter",
            "spacing-and-case", "given-typo-no-dob")

_VOWELS = "aeiou"


@dataclass(frozen=True)
class SyntheticPerson:
    key: str
    given_name: str
    family_name: str
    gender: str
    date_of_birth: datetime.date | None
    estimated_age: int | None
    address: str
    postcode: str
    agency: str
    duplicate_of: str = ""  # the key of the record this one is a second record of
    variant: str = ""  # how it differs (VARIANTS), or the kind of hard non-match


def _postcode(street: int) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"ZZ9 {street % 9 + 1}{letters[street % 20]}{letters[(street * 7) % 20]}"


def _address(rng: random.Random) -> tuple[str, str]:
    street = rng.randrange(len(STREETS))
    return f"{rng.randint(1, 140)} {STREETS[street]}", _postcode(street)


def _birthday(rng: random.Random) -> datetime.date:
    return datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(58 * 365))


def _age(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _change_vowel(word: str, rng: random.Random) -> str:
    places = [i for i, c in enumerate(word) if c in _VOWELS and 0 < i < len(word) - 1]
    if not places:
        return word + "e"
    i = rng.choice(places)
    return word[:i] + rng.choice([v for v in _VOWELS if v != word[i]]) + word[i + 1:]


def _drop_or_double(word: str, rng: random.Random) -> str:
    i = rng.randrange(2, len(word) - 1)
    if word[i] == word[i - 1]:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:] if rng.random() < 0.5 else word[:i] + word[i + 1:]


def _second_record(original: SyntheticPerson, variant: str, key: str, agency: str,
                   rng: random.Random, today: datetime.date) -> SyntheticPerson:
    dup = replace(original, key=key, agency=agency, duplicate_of=original.key, variant=variant)
    if variant == "typo":
        return replace(dup, family_name=_change_vowel(original.family_name, rng).capitalize())
    if variant == "transposed":
        return replace(dup, given_name=original.family_name, family_name=original.given_name,
                       address="", postcode="")
    if variant == "nickname":
        return replace(dup, given_name=NICKNAMES.get(original.given_name, original.given_name))
    if variant == "estimated-dob":
        assert original.date_of_birth is not None
        return replace(dup, date_of_birth=None,
                       estimated_age=_age(original.date_of_birth, today), address="", postcode="")
    if variant == "moved":
        address, postcode = _address(rng)
        while postcode == original.postcode:
            address, postcode = _address(rng)
        return replace(dup, address=address, postcode=postcode)
    if variant == "dropped-letter":
        return replace(dup, family_name=_drop_or_double(original.family_name, rng).capitalize(),
                       address="", postcode="")
    if variant == "spacing-and-case":
        family = original.family_name
        cut = len(family) // 2
        return replace(dup, given_name=original.given_name.upper(),
                       family_name=f"{family[:cut]} {family[cut:]}".upper())
    if variant == "given-typo-no-dob":
        return replace(dup, given_name=_change_vowel(original.given_name, rng).capitalize(),
                       date_of_birth=None, estimated_age=None)
    raise ValueError(f"unknown variant {variant!r}")


def synthetic_people(*, seed: int = 1, distinct: int = 200, pairs: int = 20,
                     today: datetime.date | None = None) -> list[SyntheticPerson]:
    """``distinct`` different people (siblings, twins, and parents and children of one name
    among them) and a second record of ``pairs`` of them, keys ``P0001``..., the same for the
    same arguments. ``today`` fixes the estimated ages of the "estimated-dob" records (default:
    today)."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    people: list[SyntheticPerson] = []
    names: set[tuple[str, str]] = set()

    def new_key() -> str:
        return f"P{len(people) + 1:04d}"

    def fresh_given(family: str, gender: str | None = None) -> tuple[str, str]:
        while True:
            given, sex = rng.choice(GIVEN)
            if (given, family) not in names and (gender is None or sex == gender):
                return given, sex

    households = max(1, distinct // 25)  # siblings: one pair in every 25 people
    twins = max(1, distinct // 60)
    namesakes = max(1, distinct // 60)  # a parent and child of one name
    while len(people) < distinct:
        family = rng.choice(FAMILY)
        given, gender = fresh_given(family)
        address, postcode = _address(rng)
        born = _birthday(rng)
        agency = rng.choice(AGENCIES)
        names.add((given, family))
        people.append(SyntheticPerson(new_key(), given, family, gender, born, None, address,
                                      postcode, agency))
        kind = ("sibling" if households > 0 else "twin" if twins > 0
                else "namesake" if namesakes > 0 else "")
        if kind and len(people) < distinct and len(people) % 7 == 0:
            if kind == "namesake":
                other, sex = given, gender
                later = 1 if born.year < 1980 else -1  # the child is never born in the future
                born2 = born + datetime.timedelta(
                    days=later * (365 * rng.randint(20, 30) + rng.randrange(365)))
            else:
                other, sex = fresh_given(family)
                names.add((other, family))
                born2 = born if kind == "twin" else born + datetime.timedelta(
                    days=rng.choice((-1, 1)) * rng.randint(500, 3000))
            people.append(SyntheticPerson(new_key(), other, family, sex, born2, None, address,
                                          postcode, rng.choice(AGENCIES), variant=kind))
            if kind == "sibling":
                households -= 1
            elif kind == "twin":
                twins -= 1
            else:
                namesakes -= 1
    ordinary = [p for p in people if not p.variant and p.given_name in NICKNAMES]
    originals = rng.sample(ordinary, pairs)
    for n, original in enumerate(originals):
        variant = VARIANTS[n % len(VARIANTS)]
        agency = rng.choice([a for a in AGENCIES if a != original.agency])
        people.append(_second_record(original, variant, new_key(), agency, rng, today))
    return people


def planted_pairs(people: list[SyntheticPerson]) -> set[frozenset[str]]:
    """The true duplicate pairs, as pairs of keys."""
    return {frozenset((p.key, p.duplicate_of)) for p in people if p.duplicate_of}

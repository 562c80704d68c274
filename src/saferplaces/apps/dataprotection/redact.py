"""Taking other people's personal data out of free text before it goes to a data subject.

A subject access export gives the requester their own data, not other people's (UK GDPR
Article 15(4); Data Protection Act 2018 Schedule 2 paragraph 16: information identifying
another individual is withheld unless they consent or it is reasonable to disclose). Free text
(case titles, summaries and outcomes, notes, timeline texts, file names, referral and transfer
reasons, consent notes, the person's own notes) is cleaned in two passes:

1. **What the system holds about the other people in the requester's cases**: every party to any
   of those cases other than the requester, whether or not the person asking for the copy may
   open that case, and the records merged into theirs. Their names and aliases become
   ``[another person]``; their dates of birth (in the usual written forms), addresses (whole,
   and the first line), postcodes, phone numbers and e-mail addresses become
   ``[redacted: third party]``.
2. **Details found by their shape** (:mod:`.detect`): any UK phone number, e-mail address, UK
   postcode, or date given as a date of birth becomes ``[redacted: third party]`` unless it is
   the requester's own (their phone, e-mail, address postcodes and date of birth, and those of
   records merged into theirs).

The requester's own names are kept even when another party shares one of them (a parent and
child with one family name): full names are replaced first, then the requester's own names
are protected, then the other people's single given and family names are replaced. Staff
names are not redacted (they act in a professional capacity; ICO guidance on the right of
access, "What about information about other people?"); staff phone numbers and e-mail
addresses found by shape are. Another person's **confidential address** is taken out even when
other people's data is included (then pass 2 is not applied: the decision was to include them).

Limits: a name, or a street address without its postcode, of someone the system does not hold
cannot be found, nor a detail written unusually. So the first copy is a draft that a person
reads before anything is released (:mod:`.review`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from saferplaces.apps.dataprotection import detect
from saferplaces.apps.people.models import Person

__all__ = ["ANOTHER_PERSON", "THIRD_PARTY", "Redactor"]

ANOTHER_PERSON = "[another person]"
THIRD_PARTY = "[redacted: third party]"

_MIN_NAME = 2
_MIN_PHONE_DIGITS = 6


def _words(text: str) -> str:
    """A case-insensitive pattern for ``text`` as whole words, any run of spaces matching."""
    parts = [re.escape(part) for part in text.split()]
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def _postcode(code: str) -> str:
    compact = re.sub(r"\s+", "", code)
    if len(compact) < 5:
        return _words(code)
    return r"(?<!\w)" + re.escape(compact[:-3]) + r"\s*" + re.escape(compact[-3:]) + r"(?!\w)"


def _phone(number: str) -> str | None:
    digits = re.sub(r"\D", "", number)
    if len(digits) < _MIN_PHONE_DIGITS:
        return None
    return r"(?<!\d)" + r"[\s().-]*".join(re.escape(d) for d in digits) + r"(?!\d)"


def _dates(person: Person) -> list[str]:
    born = person.date_of_birth
    if born is None:
        return []
    day, month, year = born.day, born.month, born.year
    names = (born.strftime("%B"), born.strftime("%b"))
    forms = {born.isoformat(), f"{day:02d}/{month:02d}/{year}", f"{day}/{month}/{year}",
             f"{day:02d}-{month:02d}-{year}", f"{day}.{month}.{year}",
             f"{day:02d}.{month:02d}.{year}"}
    patterns = [r"(?<!\d)" + re.escape(form) + r"(?!\d)" for form in forms]
    patterns += [r"(?<!\d)0?" + str(day) + r"(?:st|nd|rd|th)?\s+" + re.escape(name) + r"\.?,?\s+"
                 + str(year) + r"(?!\d)" for name in names]
    return patterns


def _addresses(person: Person, own: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """Patterns for the person's addresses, except one the subject shares (a family's home)."""
    patterns = []
    for address in person.addresses.all():
        if ("postcode", detect.postcode_key(address.postcode)) in own and address.postcode.strip():
            continue
        text = address.text.strip()
        if text:
            patterns.append(_words(text))
            first = text.split(",")[0].strip()
            if first and first != text:
                patterns.append(_words(first))
        if address.postcode.strip():
            patterns.append(_postcode(address.postcode))
    return patterns


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted(set(patterns), key=len, reverse=True)  # the longest form first
    return re.compile("|".join(unique), re.IGNORECASE) if unique else None


def _own_keys(people: Iterable[Person]) -> frozenset[tuple[str, str]]:
    """The requester's own details as :mod:`.detect` keys (kind, normal form)."""
    keys: set[tuple[str, str]] = set()
    for person in people:
        if person.phone.strip():
            keys.add(("phone", detect.phone_key(person.phone)))
        if person.email.strip():
            keys.add(("email", person.email.strip().casefold()))
        if person.date_of_birth is not None:
            keys.add(("birth-date", person.date_of_birth.isoformat()))
            keys.add(("birth-date", str(person.date_of_birth.year)))
        keys.update(("postcode", detect.postcode_key(a.postcode))
                    for a in person.addresses.all() if a.postcode.strip())
    return frozenset(keys)


def _with_merged(people: Iterable[Person]) -> list[Person]:
    """These people and every record merged into theirs (their aliases and details too)."""
    found = list(people)
    ids = {person.pk for person in found}
    while ids:
        merged = list(Person.objects.filter(merged_into__in=ids).exclude(
            pk__in=[p.pk for p in found]).prefetch_related("aliases", "addresses"))
        found += merged
        ids = {person.pk for person in merged}
    return found


@dataclass(frozen=True)
class Redactor:
    """Replaces other people's names and details in text; keeps the subject's own."""

    full_names: re.Pattern[str] | None
    own_names: re.Pattern[str] | None
    single_names: re.Pattern[str] | None
    details: re.Pattern[str] | None
    #: find details by shape (pass 2), keeping these (kind, key) pairs: the subject's own
    detect: bool = False
    own: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def for_subject(cls, subject: Person, others: Iterable[Person]) -> Redactor:
        selves = _with_merged([subject])
        own = [name for self in selves
               for name in (self.name, *self.aliases.values_list("name", flat=True),
                            self.given_name, self.family_name)]
        full: list[str] = []
        single: list[str] = []
        details: list[str] = []
        mine = _own_keys(selves)
        for other in _with_merged(others):
            if other.pk in {self.pk for self in selves}:
                continue
            names = [other.name, *other.aliases.values_list("name", flat=True)]
            full += [_words(name) for name in names if len(name.split()) > 1]
            single += [_words(name) for name in names if len(name.split()) == 1]
            single += [_words(part) for part in (other.given_name, other.family_name)
                       if len(part.strip()) >= _MIN_NAME]
            details += _dates(other) + _addresses(other, mine)
            if other.email.strip() and ("email", other.email.strip().casefold()) not in mine:
                details.append(_words(other.email))
            phone = _phone(other.phone)
            if phone and ("phone", detect.phone_key(other.phone)) not in mine:
                details.append(phone)
        return cls(_compile(full),
                   _compile(_words(name) for name in own if len(name.strip()) >= _MIN_NAME),
                   _compile(single), _compile(details), detect=True, own=mine)

    @classmethod
    def confidential_addresses(cls, others: Iterable[Person]) -> Redactor:
        """Only the confidential addresses of other people: what even an unredacted export
        takes out (a victim's refuge must never reach the person asking)."""
        details = [pattern for other in _with_merged(others) if other.confidential_address
                   for pattern in _addresses(other)]
        return cls(None, None, None, _compile(details))

    def _by_shape(self, text: str) -> str:
        parts: list[str] = []
        last = 0
        for found in detect.find_all(text):
            if (found.kind, found.key) in self.own:
                continue
            parts += [text[last:found.start], THIRD_PARTY]
            last = found.end
        return "".join(parts) + text[last:]

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self.details is not None:
            text = self.details.sub(THIRD_PARTY, text)
        if self.detect:
            text = self._by_shape(text)
        if self.full_names is not None:
            text = self.full_names.sub(ANOTHER_PERSON, text)
        kept: list[str] = []

        def protect(match: re.Match[str]) -> str:
            kept.append(match.group(0))
            return f"\x00{len(kept) - 1}\x00"

        if self.own_names is not None:
            text = self.own_names.sub(protect, text)
        if self.single_names is not None:
            text = self.single_names.sub(ANOTHER_PERSON, text)
        return re.sub("\x00(\\d+)\x00", lambda match: kept[int(match.group(1))], text)

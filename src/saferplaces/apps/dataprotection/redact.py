"""Taking other people's personal data out of free text before it goes to a data subject.

A subject access export gives the requester their own data, not other people's (UK GDPR
Article 15(4); Data Protection Act 2018 Schedule 2 paragraph 16: information identifying
another individual is withheld unless they consent or it is reasonable to disclose). The
other people the system knows of on the requester's cases are the other parties: their names
and aliases become ``[another person]``; their dates of birth, addresses, postcodes, phone
numbers and email addresses become ``[removed]``.

The requester's own names are kept even when another party shares one of them (a parent and
child with one family name): full names are replaced first, then the requester's own names
are protected, then the other people's single given and family names are replaced. Staff
names are not redacted (they act in a professional capacity; ICO guidance on the right of
access, "What about information about other people?"). Another person's **confidential
address** is taken out even when other people's data is included. Free text may still name people the
system does not hold: the export is read by a person before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from saferplaces.apps.people.models import Person

__all__ = ["ANOTHER_PERSON", "REMOVED", "Redactor"]

ANOTHER_PERSON = "[another person]"
REMOVED = "[removed]"

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


def _addresses(person: Person) -> list[str]:
    patterns = []
    for address in person.addresses.all():
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


@dataclass(frozen=True)
class Redactor:
    """Replaces other people's names and details in text; keeps the subject's own names."""

    full_names: re.Pattern[str] | None
    own_names: re.Pattern[str] | None
    single_names: re.Pattern[str] | None
    details: re.Pattern[str] | None

    @classmethod
    def for_subject(cls, subject: Person, others: Iterable[Person]) -> Redactor:
        own = [subject.name, *subject.aliases.values_list("name", flat=True),
               subject.given_name, subject.family_name]
        full: list[str] = []
        single: list[str] = []
        details: list[str] = []
        for other in others:
            names = [other.name, *other.aliases.values_list("name", flat=True)]
            full += [_words(name) for name in names if len(name.split()) > 1]
            single += [_words(name) for name in names if len(name.split()) == 1]
            single += [_words(part) for part in (other.given_name, other.family_name)
                       if len(part.strip()) >= _MIN_NAME]
            details += _dates(other) + _addresses(other)
            details += [_words(other.email)] if other.email.strip() else []
            phone = _phone(other.phone)
            details += [phone] if phone else []
        return cls(_compile(full),
                   _compile(_words(name) for name in own if len(name.strip()) >= _MIN_NAME),
                   _compile(single), _compile(details))

    @classmethod
    def confidential_addresses(cls, others: Iterable[Person]) -> Redactor:
        """Only the confidential addresses of other people: what even an unredacted export
        takes out (a victim's refuge must never reach the person asking)."""
        details = [pattern for other in others if other.confidential_address
                   for pattern in _addresses(other)]
        return cls(None, None, None, _compile(details))

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self.details is not None:
            text = self.details.sub(REMOVED, text)
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

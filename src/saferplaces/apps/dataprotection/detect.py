"""Finding personal details in free text by their shape: UK phone numbers, e-mail addresses,
UK postcodes and dates given as someone's date of birth.

Used by :mod:`.redact` for a subject access copy, where a note may hold the details of someone
the system does not know. Each finder returns the spans it found with a *key*, the detail in a
normal form, so the requester's own details can be told apart and kept.

- Phone numbers: the ``phonenumbers`` library (Google's libphonenumber) finds numbers written in
  any usual way (``07700 900123``, ``(01206) 555-111``, ``+44 7700 900123``) at its "possible"
  leniency, which also accepts Ofcom's ranges reserved for drama and tests; a match counts only
  when it is written as a UK number is (starting ``0``, ``+`` or ``(0``), has the 9 or 10
  digits of a UK national number, and is not part of a reference (``0123456789/21``,
  ``ASB-2019-0001``). The key is the national number.
- E-mail addresses: ``name@domain.tld``. The key is the address in lower case.
- Postcodes: the Royal Mail formats (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA,
  letters allowed in each position as in BS 7666), any case, with or without the space. The key
  is the postcode in capitals without the space.
- Dates of birth: a date introduced as one (``born``, ``b.``, ``DOB``, ``D.O.B.``, ``date of
  birth``, ``birth date``, ``birthday``, then up to ``on``/``in``/``:``): day/month/year in
  figures (UK order), ISO dates, ``5th May 1991``, ``May 5, 1991``, or a year alone. The key is
  the ISO date (or the year). Only the date is taken out; a date not introduced as a birth date
  is taken to be an event and kept.

Limits (said on the copy's cover): names, street addresses without a postcode, and details
written unusually (``seven seven double-oh``) are not found by shape.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Found", "birth_dates", "emails", "find_all", "phone_key", "phones", "postcode_key",
           "postcodes"]

_MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(GIR[ \t]?0AA|(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9]"
    r"[0-9ABEHMNPRV-Y]?)[ \t]{0,2}[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])", re.IGNORECASE)
_CUE = (r"(?:\bborn\b|\bb\.|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bbirthday\b)"
        r"(?:\s*(?:[:\-–]|\bis\b|\bwas\b|\bon\b|\bin\b|\bof\b))*\s*")
_DATE = (r"(?P<numeric>(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4}|\d{2}))"
         r"|(?P<iso>(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2}))"
         r"|(?P<words>(?P<d3>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<m3>" + _MONTH + r"),?\s+"
         r"(?P<y3>\d{4}))"
         r"|(?P<us>(?P<m4>" + _MONTH + r")\s+(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{4}))"
         r"|(?P<year>(?:19|20)\d{2})")
_BIRTH = re.compile(_CUE + r"(?P<date>" + _DATE + r")(?![\d/])", re.IGNORECASE)
_UK_NATIONAL_DIGITS = (9, 10)


@dataclass(frozen=True)
class Found:
    """A detail found in a text: where it is, what kind, and its normal form (``key``)."""

    start: int
    end: int
    kind: str
    key: str


def phone_key(number: str) -> str:
    """The national number of a phone number as written (its digits when it cannot be read)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", number).lstrip("0")
    return str(parsed.national_number)


def postcode_key(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode).upper()


def phones(text: str) -> Iterator[Found]:
    import phonenumbers

    for match in phonenumbers.PhoneNumberMatcher(text, "GB",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        national = str(match.number.national_number)
        before = text[match.start - 1] if match.start else " "
        after = text[match.end] if match.end < len(text) else " "
        if not re.match(r"\+|\(?0", raw) or len(national) not in _UK_NATIONAL_DIGITS:
            continue
        if before.isalnum() or before in "/-" or after.isalnum() or after == "/":
            continue
        yield Found(match.start, match.end, "phone", national)


def emails(text: str) -> Iterator[Found]:
    for match in _EMAIL.finditer(text):
        yield Found(match.start(), match.end(), "email", match.group(0).casefold())


def postcodes(text: str) -> Iterator[Found]:
    for match in _POSTCODE.finditer(text):
        yield Found(match.start(1), match.end(1), "postcode", postcode_key(match.group(1)))


def _birth_key(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["year"]:
        return groups["year"]
    if groups["numeric"]:
        day, month, year = int(groups["d1"]), int(groups["m1"]), int(groups["y1"])
        if year < 100:  # a two-digit year of birth: the most recent century it fits
            year += 1900 if year > datetime.date.today().year % 100 else 2000
    elif groups["iso"]:
        day, month, year = int(groups["d2"]), int(groups["m2"]), int(groups["y2"])
    elif groups["words"]:
        day, year = int(groups["d3"]), int(groups["y3"])
        month = _MONTHS[groups["m3"].rstrip(".").casefold()]
    else:
        day, year = int(groups["d4"]), int(groups["y4"])
        month = _MONTHS[groups["m4"].rstrip(".").casefold()]
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def birth_dates(text: str) -> Iterator[Found]:
    for match in _BIRTH.finditer(text):
        key = _birth_key(match)
        if key is not None:
            yield Found(match.start("date"), match.end("date"), "birth-date", key)


def find_all(text: str) -> list[Found]:
    """Every detail found, in text order, overlapping finds reduced to the first and longest."""
    found = sorted([*emails(text), *birth_dates(text), *postcodes(text), *phones(text)],
                   key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept

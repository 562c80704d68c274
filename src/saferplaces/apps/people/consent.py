"""Consent to share and the lawful bases for sharing without it.

A person's current consent is the latest one recorded (history kept, newest first). Sharing a
case, referring it or offering its ownership to another agency needs consent given, or one of
the lawful bases of ``saferplaces/data/people/lawful-bases.toml`` (each with its legal source:
Crime and Disorder Act 1998 s.115, the safeguarding duties, UK GDPR Article 6/9 with the DPA
2018 Schedule 1 paragraph). The cases app enforces that (:mod:`saferplaces.apps.cases.sharing`);
this module is the one reader of the bases file and answers what consent says on a day.

Each basis says whom it covers without consent (``covers``: ``children``, ``adults`` or
``everyone``, the default), with the source of the limit in the file. A file that breaks the
shape is refused with a message naming the file and the key.

A consent is recorded on a real day of the person's life (:func:`consent_date_problem`): not in
the future, not before their date of birth when it is known, and not before
:data:`EARLIEST_CONSENT_DATE` (a date before it is a typing slip, and this is what the form
tells the user).
"""

from __future__ import annotations

import datetime
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from saferplaces.apps.people.models import Consent, ConsentStatus, Person

__all__ = ["BASES_FILE", "EARLIEST_CONSENT_DATE", "BasisError", "Covers", "LawfulBasis",
           "consent_date_problem", "consent_given", "current_consent", "latest_consent",
           "lawful_bases"]

BASES_FILE = Path(__file__).resolve().parents[2] / "data" / "people" / "lawful-bases.toml"

#: The earliest consent date accepted: no one working with the partnership now gave consent
#: before it, so an earlier date is a slip of the keyboard (not a legal threshold).
EARLIEST_CONSENT_DATE = datetime.date(1900, 1, 1)

Covers = Literal["children", "adults", "everyone"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class BasisError(ValueError):
    """The lawful-bases file is malformed (the message names the file and the key)."""


class LawfulBasis(BaseModel):
    """One basis: its words, legal source, the day it came into force, whether it rests on
    consent itself, and whom it covers without consent (children under 18 on the day, adults,
    or everyone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = ""
    label: Text
    source: Text
    valid_from: datetime.date
    needs_consent: bool = False
    covers: Covers = "everyone"
    covers_source: str = ""

    @model_validator(mode="after")
    def _limit_has_a_source(self) -> LawfulBasis:
        if self.covers != "everyone" and not self.covers_source.strip():
            raise ValueError(f"covers = {self.covers!r} needs covers_source: where the limit "
                             "comes from")
        return self

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day


class _BasesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    bases: dict[str, LawfulBasis]


@lru_cache(maxsize=4)
def lawful_bases(path: str | None = None) -> dict[str, LawfulBasis]:
    """The bases of the file (the shipped one when None), keyed, in file order; BasisError
    names the file and the key when the file breaks the shape."""
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


def latest_consent(person: Person, day: datetime.date | None = None) -> Consent | None:
    """The latest consent recorded for ``person`` on or before ``day`` (any day when None)."""
    consents = person.consents.all()
    if day is not None:
        consents = consents.filter(recorded_on__lte=day)
    return consents.order_by("-recorded_on", "-pk").first()


def current_consent(person: Person) -> Consent | None:
    """The latest consent recorded for ``person`` (None when none has been)."""
    return latest_consent(person)


def consent_given(person: Person, day: datetime.date | None = None) -> bool:
    latest = latest_consent(person, day)
    return latest is not None and latest.status == ConsentStatus.GIVEN


def consent_date_problem(person: Person, day: datetime.date, today: datetime.date) -> str:
    """What is wrong with recording ``person``'s consent as of ``day`` (empty: nothing)."""
    if day > today:
        return "The date of consent cannot be in the future."
    if day < EARLIEST_CONSENT_DATE:
        return f"The date of consent cannot be before {EARLIEST_CONSENT_DATE.year}."
    if person.date_of_birth is not None and day < person.date_of_birth:
        return (f"The date of consent cannot be before they were born "
                f"({person.date_of_birth:%d %B %Y}).")
    return ""

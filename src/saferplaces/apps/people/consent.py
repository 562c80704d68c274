"""Consent to share and the lawful bases for sharing without it.

A person's current consent is the latest one recorded (history kept, newest first). Sharing a
case or referring it to another agency needs consent given, or one of the lawful bases of
``saferplaces/data/people/lawful-bases.toml`` (each with its legal source: Crime and Disorder
Act 1998 s.115, the safeguarding duties, UK GDPR Article 6/9 with the DPA 2018 Schedule 1
paragraph). The cases app enforces that when it shares or refers; this module answers the two
questions it asks: what the bases are, and whether consent is given now.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from saferplaces.apps.people.models import Consent, ConsentStatus, Person

__all__ = ["BASES_FILE", "LawfulBasis", "consent_given", "current_consent", "lawful_bases"]

BASES_FILE = (Path(__file__).resolve().parent.parent.parent / "data" / "people"
              / "lawful-bases.toml")


@dataclass(frozen=True)
class LawfulBasis:
    key: str
    label: str
    source: str
    valid_from: datetime.date
    needs_consent: bool = False


@cache
def lawful_bases() -> dict[str, LawfulBasis]:
    """Every configured basis by key, in the file's order."""
    with BASES_FILE.open("rb") as handle:
        data = tomllib.load(handle)["bases"]
    return {key: LawfulBasis(key=key, label=entry["label"], source=entry["source"],
                             valid_from=datetime.date.fromisoformat(str(entry["valid_from"])),
                             needs_consent=bool(entry.get("needs_consent", False)))
            for key, entry in data.items()}


def current_consent(person: Person) -> Consent | None:
    """The latest consent recorded for ``person`` (None when none has been)."""
    return person.consents.order_by("-recorded_on", "-pk").first()


def consent_given(person: Person) -> bool:
    latest = current_consent(person)
    return latest is not None and latest.status == ConsentStatus.GIVEN

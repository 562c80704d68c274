"""The case work's configurable vocabularies: exploitation types, MASH outcomes, hate-crime
strands, the Code of Practice's grounds for recording a non-crime hate incident, NRM first
responders, NRM exploitation types and support outcomes.

They ship in ``data/casework/vocabularies.toml``; each vocabulary and each term names its
source. A term may say whom it applies to (``applies_to = "children"`` or ``"adults"``; default
both): child criminal exploitation is a term for under-18s, a section 47 enquiry is for
children, a Care Act section 42 enquiry for adults. A term may carry flags (``flags = [...]``)
that a rule reads, such as ``"duty-to-notify"`` on the public authorities that Modern Slavery
Act 2015 s.52 places under the duty to notify.

A partnership may replace the file with its own (same layout); errors name the file and key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from saferplaces.casework.law import LawError

__all__ = ["VOCABULARY_FILE", "Term", "Vocabulary", "load_vocabularies", "vocabulary"]

VOCABULARY_FILE = Path(__file__).resolve().parents[1] / "data" / "casework" / "vocabularies.toml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
AppliesTo = Literal["children", "adults", "both"]


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = ""
    label: Text
    source: str = ""
    applies_to: AppliesTo = "both"
    flags: tuple[str, ...] = ()

    def applies(self, child: bool) -> bool:
        return self.applies_to == "both" or self.applies_to == ("children" if child else "adults")


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = ""
    label: Text
    source: Text
    terms: dict[str, Term] = Field(min_length=1)

    def __getitem__(self, key: str) -> Term:
        try:
            return self.terms[key]
        except KeyError:
            raise LawError(f"{self.key}: {key!r} is not one of "
                           f"{', '.join(self.terms)}") from None

    def __contains__(self, key: object) -> bool:
        return key in self.terms

    def keys(self) -> tuple[str, ...]:
        return tuple(self.terms)

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(key, label) pairs in file order, for forms and model choices."""
        return tuple((key, term.label) for key, term in self.terms.items())

    def flagged(self, flag: str) -> tuple[str, ...]:
        return tuple(key for key, term in self.terms.items() if flag in term.flags)


class _VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    vocabularies: dict[str, Vocabulary]


def load_vocabularies(path: Path) -> Mapping[str, Vocabulary]:
    """Every vocabulary of one file, checked (labels, sources, at least one term each)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise LawError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LawError(f"{path.name}: {exc}") from None
    try:
        parsed = _VocabularyFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise LawError(f"{path.name}: {where}: {first['msg']}") from None
    return {
        name: vocab.model_copy(update={
            "key": name,
            "terms": {key: term.model_copy(update={"key": key}) for key, term in vocab.terms.items()},
        })
        for name, vocab in parsed.vocabularies.items()
    }


@lru_cache(maxsize=1)
def _shipped() -> Mapping[str, Vocabulary]:
    return load_vocabularies(VOCABULARY_FILE)


def vocabulary(name: str, vocabularies: Mapping[str, Vocabulary] | None = None) -> Vocabulary:
    """One vocabulary (``"exploitation_types"``), from the shipped file unless given."""
    found = vocabularies if vocabularies is not None else _shipped()
    try:
        return found[name]
    except KeyError:
        raise LawError(f"no vocabulary file defines {name!r}") from None

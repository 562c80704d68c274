"""Risk-assessment questionnaires as data: one TOML file per questionnaire.

A questionnaire has sections of questions; each question has answer options with a weight; the
total of the chosen weights places the assessment in a **band** (the highest band whose
``min_score`` the total reaches). An option may also set a band by itself
(``sets_band = "high"``): an answer that on its own means high risk, whatever the total. Each
band names the law-file rules that set its response target (``contact_rule``, in working days)
and its re-assessment interval (``reassess_rule``, in days), so a partnership changes them as it
changes any rule, dated and sourced; ``alert = true`` raises an alert.

Layout (``data/questionnaires/asb-victim-risk.toml`` is the shipped example)::

    [questionnaire]
    key = "asb-victim-risk"
    title = "..."
    version = "2026.1"
    origin = "who wrote it and on what it draws"

    [[sections]]
    key = "personal"
    title = "Personal vulnerability"

    [[sections.questions]]
    key = "health"
    text = "..."
    options = [{ key = "yes", label = "Yes", weight = 3 }, { key = "no", label = "No", weight = 0 }]

    [[bands]]
    key = "standard"
    label = "Standard"
    min_score = 0
    contact_rule = "risk.asb_victim.standard.contact_working_days"
    reassess_rule = "risk.asb_victim.standard.reassess_days"

Errors name the file and the key (``asb-victim-risk.toml: sections.0.questions.2.options: ...``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from saferplaces.casework.law import LawError, Rules, shipped

__all__ = ["QUESTIONNAIRE_DIR", "Band", "Option", "Question", "Questionnaire",
           "QuestionnaireError", "Section", "load_questionnaire", "shipped_questionnaire"]

QUESTIONNAIRE_DIR = Path(__file__).resolve().parents[1] / "data" / "questionnaires"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class QuestionnaireError(ValueError):
    """A questionnaire file is missing, malformed or inconsistent (the message names the file
    and the key)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    key: Key
    label: Text
    weight: int = Field(ge=0)
    sets_band: str = ""


class Question(_Strict):
    key: Key
    text: Text
    help: str = ""
    options: tuple[Option, ...] = Field(min_length=2)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


class Section(_Strict):
    key: Key
    title: Text
    questions: tuple[Question, ...] = Field(min_length=1)


class Band(_Strict):
    key: Key
    label: Text
    min_score: int = Field(ge=0)
    contact_rule: Text
    reassess_rule: Text
    alert: bool = False


class About(_Strict):
    key: Key
    title: Text
    version: Text
    origin: Text


class Questionnaire(_Strict):
    questionnaire: About
    sections: tuple[Section, ...] = Field(min_length=1)
    bands: tuple[Band, ...] = Field(min_length=1)

    @property
    def key(self) -> str:
        return self.questionnaire.key

    @property
    def version(self) -> str:
        return self.questionnaire.version

    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def band(self, key: str) -> Band:
        return next(b for b in self.bands if b.key == key)

    def rank(self, band_key: str) -> int:
        """The band's place from lowest (0) to highest."""
        return [b.key for b in self.bands].index(band_key)


def _consistency(q: Questionnaire, rules: Rules) -> str | None:
    """The first inconsistency, as ``key: message``, or None."""
    seen: set[str] = set()
    for i, section in enumerate(q.sections):
        for j, question in enumerate(section.questions):
            where = f"sections.{i}.questions.{j}"
            if question.key in seen:
                return f"{where}.key: question {question.key!r} appears twice"
            seen.add(question.key)
            if len({o.key for o in question.options}) != len(question.options):
                return f"{where}.options: two options share a key"
            for k, option in enumerate(question.options):
                if option.sets_band and option.sets_band not in {b.key for b in q.bands}:
                    return f"{where}.options.{k}.sets_band: no band {option.sets_band!r}"
    if len({s.key for s in q.sections}) != len(q.sections):
        return "sections: two sections share a key"
    scores = [b.min_score for b in q.bands]
    if scores[0] != 0:
        return "bands.0.min_score: the lowest band must start at 0"
    if scores != sorted(set(scores)):
        return "bands: list bands from lowest to highest, with rising min_score"
    for i, band in enumerate(q.bands):
        for name in ("contact_rule", "reassess_rule"):
            if getattr(band, name) not in rules:
                return f"bands.{i}.{name}: no law file defines the rule {getattr(band, name)!r}"
    return None


def load_questionnaire(path: Path, rules: Rules | None = None) -> Questionnaire:
    """A questionnaire file, checked: unique keys, bands rising from 0, and every rule a band
    names defined in ``rules`` (the shipped law files unless given)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise QuestionnaireError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{path.name}: {exc}") from None
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise QuestionnaireError(f"{path.name}: {where}: {first['msg']}") from None
    try:
        problem = _consistency(questionnaire, rules if rules is not None else shipped())
    except LawError as exc:
        raise QuestionnaireError(f"{path.name}: {exc}") from None
    if problem:
        raise QuestionnaireError(f"{path.name}: {problem}")
    return questionnaire


@lru_cache(maxsize=8)
def shipped_questionnaire(key: str) -> Questionnaire:
    """A shipped questionnaire by its key (``"asb-victim-risk"``)."""
    path = QUESTIONNAIRE_DIR / f"{key}.toml"
    if not path.is_file():
        raise QuestionnaireError(f"no shipped questionnaire {key!r}")
    return load_questionnaire(path)

"""Scoring a risk assessment, its response target and re-assessment date, and its history.

The rules (the questionnaire's own, see :mod:`saferplaces.casework.questionnaire`):

* Every question must be answered with one of its options: a missing answer is refused, never
  counted as zero (a "not known" answer is an option the questionnaire offers, with its weight).
* The score is the sum of the chosen weights; the band is the highest whose ``min_score`` the
  score reaches, raised to any band an answer sets by itself, and raised (never lowered) by
  professional judgement with a written reason.
* The band's rules set the contact target (working days after the assessment day, England and
  Wales bank holidays excluded) and the re-assessment date (days after the assessment day), as
  in force on the assessment day; a band with ``alert = true`` raises an alert.
* History: each assessment is kept; comparing two gives the change of band, and of score when
  both used the same questionnaire version (scores of different versions are not comparable).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.questionnaire import Questionnaire
from saferplaces.casework.workingtime import add_working_days

__all__ = ["AnswerError", "Assessment", "Change", "assess", "compare", "history"]

Direction = Literal["up", "down", "same"]


class AnswerError(ValueError):
    """Answers that cannot be scored: unanswered or unknown questions, or an unknown option."""


@dataclass(frozen=True)
class Assessment:
    questionnaire: str
    version: str
    assessed_on: datetime.date
    answers: Mapping[str, str]
    section_scores: Mapping[str, int]
    score: int
    band: str
    band_label: str
    set_by: tuple[str, ...]
    judgement_reason: str
    alert: bool
    contact_by: datetime.date
    reassess_on: datetime.date


@dataclass(frozen=True)
class Change:
    earlier: Assessment
    later: Assessment
    band: Direction
    score: Direction | None
    score_change: int | None


def _check(questionnaire: Questionnaire, answers: Mapping[str, str]) -> None:
    keys = {question.key: question for _, question in questionnaire.questions()}
    unknown = sorted(set(answers) - set(keys))
    if unknown:
        raise AnswerError(f"not questions of {questionnaire.key}: {', '.join(unknown)}")
    missing = [key for key in keys if not answers.get(key)]
    if missing:
        raise AnswerError(f"unanswered (a missing answer is not scored as zero): {', '.join(missing)}")
    for key, answer in answers.items():
        if keys[key].option(answer) is None:
            allowed = ", ".join(o.key for o in keys[key].options)
            raise AnswerError(f"{key}: {answer!r} is not one of {allowed}")


def assess(questionnaire: Questionnaire, answers: Mapping[str, str], *, on: datetime.date,
           raise_to: str = "", reason: str = "", rules: Rules | None = None) -> Assessment:
    """Score ``answers`` (question key → option key) as assessed ``on`` a day.

    ``raise_to`` is a band chosen by professional judgement: it must name a band at least as
    high as the scored one and come with ``reason``."""
    rules = rules if rules is not None else shipped()
    _check(questionnaire, answers)
    section_scores: dict[str, int] = {}
    band_rank = 0
    set_by: list[str] = []
    for section, question in questionnaire.questions():
        option = question.option(answers[question.key])
        assert option is not None  # checked above
        section_scores[section.key] = section_scores.get(section.key, 0) + option.weight
        if option.sets_band:
            set_by.append(question.key)
            band_rank = max(band_rank, questionnaire.rank(option.sets_band))
    score = sum(section_scores.values())
    by_score = max(i for i, b in enumerate(questionnaire.bands) if score >= b.min_score)
    band_rank = max(band_rank, by_score)
    if raise_to:
        if raise_to not in {b.key for b in questionnaire.bands}:
            raise AnswerError(f"no band {raise_to!r} in {questionnaire.key}")
        if not reason.strip():
            raise AnswerError("professional judgement needs a written reason")
        if questionnaire.rank(raise_to) < band_rank:
            raise AnswerError("professional judgement may raise the band, never lower it")
        band_rank = questionnaire.rank(raise_to)
    band = questionnaire.bands[band_rank]
    return Assessment(
        questionnaire=questionnaire.key, version=questionnaire.version, assessed_on=on,
        answers=dict(answers), section_scores=section_scores, score=score, band=band.key,
        band_label=band.label, set_by=tuple(set_by),
        judgement_reason=reason.strip() if raise_to else "", alert=band.alert,
        contact_by=add_working_days(on, int(rules.on(band.contact_rule, on))),
        reassess_on=on + datetime.timedelta(days=int(rules.on(band.reassess_rule, on))),
    )


def _direction(delta: int) -> Direction:
    return "up" if delta > 0 else "down" if delta < 0 else "same"


def compare(earlier: Assessment, later: Assessment, questionnaire: Questionnaire) -> Change:
    """How risk moved from ``earlier`` to ``later`` (two assessments with ``questionnaire``)."""
    if earlier.questionnaire != later.questionnaire:
        raise ValueError("assessments with different questionnaires cannot be compared")
    band = _direction(questionnaire.rank(later.band) - questionnaire.rank(earlier.band))
    if earlier.version != later.version:
        return Change(earlier, later, band, None, None)
    delta = later.score - earlier.score
    return Change(earlier, later, band, _direction(delta), delta)


def history(assessments: Sequence[Assessment], questionnaire: Questionnaire) -> list[Change]:
    """Each assessment compared with the one before it, oldest first."""
    ordered = sorted(assessments, key=lambda a: a.assessed_on)
    return [compare(a, b, questionnaire) for a, b in zip(ordered, ordered[1:], strict=False)]

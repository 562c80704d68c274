"""The people pages' vocabularies: ethnic groups (ONS Census 2021, configuration in
``saferplaces/data/people/ethnicity-ons-2021.toml``) and vulnerability flags.

The vulnerability flags are the factors partners most often record when deciding how to work
with someone (the Care Act 2014 s.42 adult-at-risk factors, the Working Together to Safeguard
Children 2023 contextual-harm factors, and the ASB Statutory Guidance 2023 victim-vulnerability
prompts), kept short so a flag is a prompt to read the notes, not a diagnosis.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

__all__ = ["ETHNICITY_FILE", "VULNERABILITIES", "ethnicity_choices", "ethnicity_label",
           "vulnerability_label"]

ETHNICITY_FILE = (Path(__file__).resolve().parent.parent.parent / "data" / "people"
                  / "ethnicity-ons-2021.toml")

VULNERABILITIES: tuple[tuple[str, str], ...] = (
    ("mental-health", "Mental health"),
    ("learning-disability", "Learning disability or difficulty"),
    ("physical-disability", "Physical disability or long-term illness"),
    ("substance-misuse", "Drug or alcohol misuse"),
    ("domestic-abuse", "Domestic abuse"),
    ("exploitation", "Risk of exploitation (criminal or sexual)"),
    ("homelessness", "Homeless or at risk of homelessness"),
    ("frailty", "Older age or frailty"),
    ("language", "Needs an interpreter"),
    ("care-leaver", "Care leaver or looked-after child"),
    ("repeat-victim", "Repeat victim"),
)
_VULNERABILITY_LABELS = dict(VULNERABILITIES)


@cache
def _groups() -> dict[str, str]:
    with ETHNICITY_FILE.open("rb") as handle:
        return dict(tomllib.load(handle)["groups"])


def ethnicity_choices() -> list[tuple[str, str]]:
    """The ONS 2021 groups as form choices, with an empty "not recorded" first."""
    return [("", "Not recorded"), *_groups().items()]


def ethnicity_label(key: str) -> str:
    return _groups().get(key, "") if key else ""


def vulnerability_label(key: str) -> str:
    return _VULNERABILITY_LABELS.get(key, key)

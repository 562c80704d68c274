"""The intelligence records' configuration: the 3x5x2 grading scale and the local policy
(review interval, retention, which case types are safeguarding cases), read from
``saferplaces/data/intelligence/grading.toml`` and ``policy.toml``. Each value there names its
source; the scale is the College of Policing APP *Intelligence management* 3x5x2 report.
"""

from __future__ import annotations

import calendar
import datetime
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["DATA", "Grading", "Policy", "add_months", "grading", "policy"]

DATA = Path(__file__).resolve().parents[2] / "data" / "intelligence"


@dataclass(frozen=True)
class Grading:
    """The 3x5x2 scale: each grade's meaning, and where it comes from."""

    source: str
    url: str
    checked: str
    status: str
    source_evaluation: dict[str, str]
    intelligence_assessment: dict[str, str]
    handling_code: dict[str, str]


@dataclass(frozen=True)
class Policy:
    review_months: int
    review_source: str
    retention_years: int
    retention_source: str
    safeguarding_case_types: frozenset[str]
    cuckooed: frozenset[str]
    safeguarding_source: str


def _read(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def grading() -> Grading:
    raw = _read("grading.toml")
    source = raw["source"]
    return Grading(source=source["name"], url=source["url"], checked=source["checked"],
                   status=source.get("status", ""),
                   source_evaluation=dict(raw["source_evaluation"]),
                   intelligence_assessment=dict(raw["intelligence_assessment"]),
                   handling_code=dict(raw["handling_code"]))


@lru_cache(maxsize=1)
def policy() -> Policy:
    raw = _read("policy.toml")
    review, retention, safeguarding = raw["review"], raw["retention"], raw["safeguarding"]
    months, years = int(review["months"]), int(retention["years"])
    if not (1 <= months <= 60 and 1 <= years <= 100):
        raise ValueError("policy.toml: review.months must be 1-60 and retention.years 1-100")
    return Policy(review_months=months, review_source=review["source"],
                  retention_years=years, retention_source=retention["source"],
                  safeguarding_case_types=frozenset(safeguarding["case_types"]),
                  cuckooed=frozenset(safeguarding["cuckooed"]),
                  safeguarding_source=safeguarding["source"])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` later, on the last day of the month when that day does not exist."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))

"""The hidden harms and where to report them, read from ``saferplaces/data/hiddenharms/``:

- ``harms.toml``: each harm's title, summary, signs for the public, what practitioners look for,
  the services to report to (keys of ``reporting.toml``), the guidance the signs come from, and
  which aggregate figures are shown (keys of :func:`~.figures.quarter_figures`; ``intelligence``
  marks a count from the restricted intelligence, shown in public only at or above the public
  report's threshold);
- ``reporting.toml``: the national numbers and services, each with its source (the service's
  own page), the day it was checked and its status (``checked`` or ``to verify``), and
  ``[page] quarters`` (how many quarters the public page shows) and ``[briefing] quarters``
  (how many the briefing's trends show).

Both files are checked when read: an unknown service key, a missing source or a bad date is an
error naming the file, not a page with a gap.
"""

from __future__ import annotations

import datetime
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["DATA", "Config", "ConfigError", "Figure", "Harm", "Service", "load"]

DATA = Path(__file__).resolve().parent.parent.parent / "data" / "hiddenharms"


class ConfigError(ValueError):
    """A hidden-harms configuration file is missing something or is malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Strict):
    key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    contact: str = Field(min_length=1)
    when: str = Field(min_length=1)
    note: str = ""
    source: str = Field(min_length=1)
    checked: datetime.date
    status: Literal["checked", "to verify"]


class Figure(_Strict):
    key: str = Field(min_length=1)
    label: str = Field(min_length=1)
    intelligence: bool = False


class Harm(_Strict):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    signs: tuple[str, ...] = Field(min_length=1)
    practitioner_signs: tuple[str, ...] = Field(min_length=1)
    report: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    figures: tuple[Figure, ...] = ()


class _Quarters(_Strict):
    quarters: int = Field(ge=1, le=40)


class Config(_Strict):
    harms: tuple[Harm, ...] = Field(min_length=1)
    services: tuple[Service, ...] = Field(min_length=1)
    page: _Quarters
    briefing: _Quarters

    @model_validator(mode="after")
    def _services_known(self) -> Config:
        known = {s.key for s in self.services}
        if len(known) != len(self.services):
            raise ValueError("two services share a key")
        for harm in self.harms:
            unknown = sorted(set(harm.report) - known)
            if unknown:
                raise ValueError(f"harm {harm.key!r} reports to unknown services {unknown}")
        return self

    def service(self, key: str) -> Service:
        return next(s for s in self.services if s.key == key)

    def services_for(self, harm: Harm) -> list[Service]:
        return [self.service(key) for key in harm.report]


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path.name}: {exc}") from exc


@lru_cache(maxsize=2)
def _load(directory: str) -> Config:
    harms, reporting = _read(Path(directory) / "harms.toml"), _read(Path(directory) / "reporting.toml")
    try:
        return Config.model_validate({"harms": harms.get("harm", []),
                                      "services": reporting.get("service", []),
                                      "page": reporting.get("page", {}),
                                      "briefing": reporting.get("briefing", {})})
    except ValidationError as exc:
        raise ConfigError(f"hidden-harms configuration in {Path(directory).name}: {exc}") from exc


def load(directory: Path | None = None) -> Config:
    """The checked configuration (the shipped files unless ``directory`` names others)."""
    return _load(str(directory or DATA))

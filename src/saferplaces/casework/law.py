"""Law and policy as dated configuration.

Every threshold, limit, duration, penalty maximum and response target of the case work is a
**rule** in a TOML file under ``saferplaces/data/law/`` (one file per subject, e.g.
``asb-powers.toml``), never a literal in code. A rule names its legal source and holds one or
more **dated values**: the value in force on a day is the latest one whose ``from`` date is on
or before that day, so a change in the law (the planned rise of the Community Protection Notice
fixed penalty, say) is a new dated value, and an action dated before the change is still judged
by the old one. A value may carry its own ``source`` (the amending instrument); without one it
uses the rule's. A value whose commencement date is not yet known is written with
``planned = true`` and no ``from``: it is shown to users but never applied.

File layout::

    [rules."cpn.fixed_penalty_max"]
    label = "Community Protection Notice: fixed penalty maximum"
    unit = "GBP"
    source = "Anti-social Behaviour, Crime and Policing Act 2014 s.52(7)"

    [[rules."cpn.fixed_penalty_max".values]]
    from = 2014-10-20
    value = 100

A partnership's own file (same layout) is laid over the shipped one with :func:`overlay`: its
values for a rule are added to the shipped ones (a local value must name its own source, e.g.
the partnership's policy), and rules it adds must be complete. Errors name the file and the key.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

__all__ = ["LAW_DIR", "DatedValue", "LawError", "Rule", "Rules", "load_rules", "overlay", "shipped"]

LAW_DIR = Path(__file__).resolve().parents[1] / "data" / "law"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Value = bool | int | float | str | list[str]


class LawError(ValueError):
    """A law file is missing, malformed or incomplete (the message names the file and key), or a
    rule is asked for that no file defines, or on a day before its first value."""


class DatedValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    starts: datetime.date | None = Field(default=None, alias="from")
    value: Value
    source: str = ""
    planned: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _dated_unless_planned(self) -> DatedValue:
        if self.starts is None and not self.planned:
            raise ValueError("a value needs a `from` date (or `planned = true` when its "
                             "commencement date is not yet known)")
        if self.starts is not None and self.planned:
            raise ValueError("a planned value has no `from` date: give the date and remove "
                             "`planned` once it is in force")
        return self


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = ""
    label: Text
    source: Text
    unit: str = ""
    values: tuple[DatedValue, ...] = Field(min_length=1)

    def dated(self) -> list[DatedValue]:
        """The values in force at some date, oldest first (planned ones left out)."""
        return sorted((v for v in self.values if v.starts is not None),
                      key=lambda v: v.starts or datetime.date.min)

    def in_force(self, day: datetime.date) -> DatedValue:
        current = [v for v in self.dated() if v.starts is not None and v.starts <= day]
        if not current:
            raise LawError(f"{self.key}: no value in force on {day.isoformat()} "
                           f"(the first is from {self.dated()[0].starts})")
        return current[-1]

    def on(self, day: datetime.date) -> Any:
        """The value in force on ``day``."""
        return self.in_force(day).value

    def source_on(self, day: datetime.date) -> str:
        """The legal source of the value in force on ``day``."""
        return self.in_force(day).source or self.source

    def planned(self) -> list[DatedValue]:
        return [v for v in self.values if v.planned]


class _LawFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: dict[str, Rule]


@dataclass(frozen=True)
class Rules:
    """The rules of one or more law files, by key (``"cpn.fixed_penalty_max"``)."""

    by_key: Mapping[str, Rule] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Rule:
        try:
            return self.by_key[key]
        except KeyError:
            raise LawError(f"no law file defines the rule {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self.by_key

    def on(self, key: str, day: datetime.date) -> Any:
        """The value of rule ``key`` in force on ``day``."""
        return self[key].on(day)

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_key)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise LawError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LawError(f"{path.name}: {exc}") from None


def _where(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"


def load_rules(path: Path) -> Rules:
    """The rules of one law file, each checked (label, source, at least one dated value)."""
    try:
        parsed = _LawFile.model_validate(_read(path))
    except ValidationError as exc:
        raise LawError(f"{path.name}: {_where(exc)}") from None
    return Rules({key: rule.model_copy(update={"key": key}) for key, rule in parsed.rules.items()})


@lru_cache(maxsize=1)
def shipped() -> Rules:
    """Every rule of the shipped law files (``data/law/*.toml``); a key defined twice is an
    error."""
    merged: dict[str, Rule] = {}
    for path in sorted(LAW_DIR.glob("*.toml")):
        for key, rule in load_rules(path).by_key.items():
            if key in merged:
                raise LawError(f"{path.name}: rule {key!r} is already defined in another law file")
            merged[key] = rule
    return Rules(merged)


def overlay(base: Rules, path: Path) -> Rules:
    """``base`` with a partnership's file laid over it: new dated values of existing rules (each
    naming its own source) and new, complete rules."""
    data = _read(path).get("rules", {})
    if not isinstance(data, dict):
        raise LawError(f"{path.name}: `rules` must be a table of rules")
    merged = dict(base.by_key)
    for key, entry in data.items():
        if key in merged and set(entry) <= {"values"}:
            try:
                extra = [DatedValue.model_validate(v) for v in entry.get("values", [])]
            except ValidationError as exc:
                raise LawError(f"{path.name}: rules.{key}.values: {_where(exc)}") from None
            unsourced = [v for v in extra if not v.source]
            if unsourced:
                raise LawError(f"{path.name}: rules.{key}.values: a local value must name its "
                               "own `source` (for example the partnership's policy)")
            rule = merged[key]
            merged[key] = rule.model_copy(update={"values": (*rule.values, *extra)})
            continue
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as exc:
            raise LawError(f"{path.name}: rules.{key}.{_where(exc)}") from None
        merged[key] = rule.model_copy(update={"key": key})
    return Rules(merged)

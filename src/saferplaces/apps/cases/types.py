"""Case types as configuration: the shipped ``saferplaces/data/cases/case-types.toml``, or a
partnership's own file named by ``SAFERPLACES_CASE_TYPES_FILE``.

Each type gives its label, the prefix of its case references (``ASB`` → ``ASB-2026-0001``), the
roles a party may have in it, its retention period after closure and the working days a
referral to another agency should be answered in, each rule with its source. Every key is
checked (``extra="forbid"``): a misspelt or missing key stops loading with a message naming the
file and the key (``case-types.toml: types.repeat-asb.party_roles: ...``).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

__all__ = ["DEFAULT_FILE", "CaseType", "CaseTypesError", "case_type", "case_types",
           "load_case_types", "role_label"]

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "cases" / "case-types.toml"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: How a party role reads on a page; a role not listed reads as its key in words.
ROLE_LABELS = {
    "alleged-perpetrator": "Alleged perpetrator",
    "parent-carer": "Parent or carer",
    "vulnerable-person": "Vulnerable person",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("-", " ").capitalize())


class CaseTypesError(ValueError):
    """The case-types file is missing, malformed, or a key is wrong (the message names both)."""


class CaseType(BaseModel):
    """One kind of case, with its rules and their sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Slug = ""
    label: Text
    reference_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,6}$")]
    party_roles: Annotated[list[Slug], Field(min_length=1)]
    retention_years: Annotated[int, Field(ge=1, le=100)]
    retain_until_age: Annotated[int | None, Field(ge=18, le=120)] = None
    retention_source: Text
    referral_response_working_days: Annotated[int, Field(ge=1, le=60)]
    referral_response_source: Text

    def role_choices(self) -> list[tuple[str, str]]:
        return [(role, role_label(role)) for role in self.party_roles]


class CaseTypesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    types: Annotated[dict[Slug, CaseType], Field(min_length=1)]


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


@lru_cache(maxsize=8)
def load_case_types(path: str | None = None) -> dict[str, CaseType]:
    """The case types of ``path`` (the shipped file when None), keyed and in file order."""
    file = Path(path) if path else DEFAULT_FILE
    try:
        with file.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise CaseTypesError(f"{file.name}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseTypesError(f"{file.name}: {exc}") from None
    try:
        parsed = CaseTypesFile.model_validate(raw)
    except ValidationError as exc:
        # a misspelt key shows as an unknown key and a missing one: name the misspelling
        first = sorted(exc.errors(), key=lambda error: error["type"] != "extra_forbidden")[0]
        raise CaseTypesError(f"{file.name}: {_where(tuple(first['loc']))}: {first['msg']}") from None
    prefixes: dict[str, str] = {}
    types: dict[str, CaseType] = {}
    for key, kind in parsed.types.items():
        if kind.reference_prefix in prefixes:
            raise CaseTypesError(f"{file.name}: types.{key}.reference_prefix: "
                                 f"{kind.reference_prefix} is also types.{prefixes[kind.reference_prefix]}'s")
        prefixes[kind.reference_prefix] = key
        types[key] = kind.model_copy(update={"key": key})
    return types


def case_types() -> dict[str, CaseType]:
    """The partnership's case types (``SAFERPLACES_CASE_TYPES_FILE``, else the shipped file)."""
    return load_case_types(getattr(settings, "SAFERPLACES_CASE_TYPES_FILE", "") or None)


def case_type(key: str) -> CaseType | None:
    """One configured type, or None (a case of a type since removed from the file)."""
    return case_types().get(key)

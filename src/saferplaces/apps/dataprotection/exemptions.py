"""The exemptions from the right of access a reviewer may claim, as configuration: the shipped
``saferplaces/data/dataprotection/sar-exemptions.toml`` (each with its legal source, when it
applies, and whether its paragraph was checked; read the file's header).

Every key is checked (``extra="forbid"``): a misspelt or missing key stops loading with a
message naming the file and every wrong key.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

__all__ = ["DEFAULT_FILE", "Exemption", "ExemptionsError", "choices", "exemption",
           "load_exemptions"]

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "dataprotection" / "sar-exemptions.toml"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ExemptionsError(ValueError):
    """The exemptions file is missing, malformed, or a key is wrong (the message names both)."""


class Exemption(BaseModel):
    """One exemption: what it is, its legal source, when it applies, whether it was checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Slug = ""
    label: Text
    source: Text
    applies_when: Text
    checked: bool


class ExemptionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exemptions: Annotated[dict[Slug, Exemption], Field(min_length=1)]


@lru_cache(maxsize=4)
def load_exemptions(path: str | None = None) -> dict[str, Exemption]:
    """The exemptions of ``path`` (the shipped file when None), keyed and in file order."""
    file = Path(path) if path else DEFAULT_FILE
    try:
        with file.open("rb") as fh:
            raw = tomllib.load(fh)
        parsed = ExemptionsFile.model_validate(raw)
    except OSError as exc:
        raise ExemptionsError(f"{file.name}: cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExemptionsError(f"{file.name}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in error['loc']) or '(top level)'}: "
                             f"{error['msg']}" for error in exc.errors())
        raise ExemptionsError(f"{file.name}: {problems}") from None
    return {key: item.model_copy(update={"key": key}) for key, item in parsed.exemptions.items()}


def exemption(key: str) -> Exemption | None:
    return load_exemptions().get(key)


def choices() -> list[tuple[str, str]]:
    """(key, "label (source)") for a form's list."""
    return [(item.key, f"{item.label} ({item.source})") for item in load_exemptions().values()]

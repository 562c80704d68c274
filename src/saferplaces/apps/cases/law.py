"""The law and policy rules in force for this partnership: the shipped law files
(``saferplaces/data/law/``) with the partnership's own file (``SAFERPLACES_LAW_FILE``) laid over
them (see :mod:`saferplaces.casework.law`). Every app of the case work reads its rules here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from saferplaces.casework.law import Rules, overlay, shipped

__all__ = ["rules"]


@lru_cache(maxsize=4)
def _rules(local: str) -> Rules:
    return overlay(shipped(), Path(local)) if local else shipped()


def rules() -> Rules:
    """The rules in force: shipped, with ``SAFERPLACES_LAW_FILE`` over them when it is set."""
    return _rules(getattr(settings, "SAFERPLACES_LAW_FILE", "") or "")

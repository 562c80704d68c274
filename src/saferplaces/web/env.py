"""Every environment variable saferplaces reads, declared once as data, with typed readers that
fail loudly on a bad value.

``SETTINGS`` is the single list: the Django settings, the CLI and the README's Configuration
table (kept in step by ``tests/test_docs.py``) all come from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "bool", "int", "list"]


class SettingError(ValueError):
    """An environment variable holds a value saferplaces cannot use."""


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, type, default (as the README shows it) and meaning."""

    name: str
    kind: Kind
    default: str | bool | int | tuple[str, ...]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SAFERPLACES_DB", "str", "saferplaces.sqlite3",
            "the SQLite database file (relative to the working directory)"),
    Setting("DATABASE_URL", "str", "",
            "PostgreSQL, e.g. `postgres://user:pass@host:5432/saferplaces`; used instead of SQLite when set"),
    Setting("SAFERPLACES_SECRET_KEY", "str", "saferplaces-local-only-not-for-production",
            "set a long random value for any shared deployment"),
    Setting("SAFERPLACES_ALLOWED_HOSTS", "list", ("127.0.0.1", "localhost"),
            "host names the web app answers to, separated by commas"),
    Setting("SAFERPLACES_DEBUG", "bool", False, "Django debug pages (never on a shared deployment)"),
    Setting("SAFERPLACES_TILE_URL", "str", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "XYZ tile template for maps; empty for none (maps still draw areas and points)"),
    Setting("SAFERPLACES_TILE_ATTRIBUTION", "str", "&copy; OpenStreetMap contributors",
            "attribution shown on maps"),
    Setting("SAFERPLACES_MAP_POINT_LIMIT", "int", 20000, "most points drawn on one map"),
    Setting("SAFERPLACES_FILES", "str", "saferplaces-files",
            "folder for report files written by the web app (relative to the working directory)"),
    Setting("SAFERPLACES_STATIC_ROOT", "str", "saferplaces-static",
            "folder static files are collected into for a deployment (relative to the working directory)"),
    Setting("SAFERPLACES_TASK_BACKEND", "str", "django_tasks_db.DatabaseBackend",
            "background job backend: the database queue the worker reads (tests use the immediate backend)"),
    Setting("SAFERPLACES_LOG_LEVEL", "str", "WARNING", "logging level: DEBUG, INFO, WARNING or ERROR"),
    Setting("SAFERPLACES_PROGRESS", "bool", False,
            "draw progress bars even when the output is not a terminal (e.g. in a CI log)"),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def declared(name: str) -> Setting:
    """The declaration of ``name``; a ``KeyError`` for a variable nobody declared."""
    return _BY_NAME[name]


def _raw(name: str) -> str | None:
    declared(name)
    raw = os.environ.get(name)
    return None if raw is None or raw.strip() == "" else raw


def env_str(name: str) -> str:
    """The text of ``name``; set but empty stays empty (an empty tile URL turns tiles off)."""
    raw = os.environ.get(name)
    return str(declared(name).default) if raw is None else raw


def env_bool(name: str) -> bool:
    raw = _raw(name)
    if raw is None:
        return bool(declared(name).default)
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str) -> int:
    raw = _raw(name)
    if raw is None:
        return int(declared(name).default)  # type: ignore[arg-type]
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingError(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str) -> list[str]:
    raw = _raw(name)
    if raw is None:
        return list(declared(name).default)  # type: ignore[arg-type]
    return [item.strip() for item in raw.split(",") if item.strip()]

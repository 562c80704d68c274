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
    Setting("SAFERPLACES_HTTPS", "bool", False,
            "the site is reached over HTTPS: secure cookies, plain-HTTP requests redirected, HSTS "
            "(turn on for any shared deployment)"),
    Setting("SAFERPLACES_HSTS_SECONDS", "int", 31536000,
            "how long browsers keep to HTTPS only for this host (Strict-Transport-Security), when "
            "`SAFERPLACES_HTTPS` is on; one year"),
    Setting("SAFERPLACES_BEHIND_PROXY", "bool", False,
            "a reverse proxy in front ends HTTPS and sets `X-Forwarded-Proto` (trusted only with "
            "`SAFERPLACES_HTTPS` on; never turn on without such a proxy)"),
    Setting("SAFERPLACES_TILE_URL", "str", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "XYZ tile template for maps; empty for none (maps still draw areas and points)"),
    Setting("SAFERPLACES_TILE_ATTRIBUTION", "str", "&copy; OpenStreetMap contributors",
            "attribution shown on maps"),
    Setting("SAFERPLACES_MAP_POINT_LIMIT", "int", 20000, "most points drawn on one map"),
    Setting("SAFERPLACES_SENSITIVE_CATEGORIES_FILE", "str", "",
            "your own list of sensitive categories and flags (TOML, each with its reason and legal "
            "source), whose exact locations only analysts and co-ordinators see; empty for the "
            "shipped list"),
    Setting("SAFERPLACES_CASE_TYPES_FILE", "str", "",
            "your own case types (TOML: label, reference prefix, party roles, retention and "
            "referral response target, each rule with its source); empty for the shipped types"),
    Setting("SAFERPLACES_LAW_FILE", "str", "",
            "your partnership's own dated values of the law and policy rules (TOML, laid over the "
            "shipped ones; each value names its source); empty for the shipped defaults"),
    Setting("SAFERPLACES_ASSESSMENT_SETTINGS_FILE", "str", "",
            "your partnership's strategic-assessment settings (TOML, e.g. the [report] identity "
            "and protective marking, scoring weights), laid over the defaults for every run; a "
            "run's own pasted configuration is laid over this; empty for the defaults"),
    Setting("SAFERPLACES_FILES", "str", "saferplaces-files",
            "folder for report files written by the web app (relative to the working directory)"),
    Setting("SAFERPLACES_STATIC_ROOT", "str", "saferplaces-static",
            "folder static files are collected into for a deployment (relative to the working directory)"),
    Setting("SAFERPLACES_TASK_BACKEND", "str", "django_tasks_db.DatabaseBackend",
            "background job backend: the database queue the worker reads (tests use the immediate backend)"),
    Setting("SAFERPLACES_LOG_LEVEL", "str", "WARNING", "logging level: DEBUG, INFO, WARNING or ERROR"),
    Setting("SAFERPLACES_PUBLIC_SITE", "bool", False,
            "let anyone, signed out, see the public-safe pages: the public report and the "
            "aggregate police.uk picture (otherwise every page needs sign-in)"),
    Setting("SAFERPLACES_ACCESSIBILITY_CONTACT", "str", "",
            "an email address or web page for reporting an accessibility problem or asking for "
            "information in another format, shown on the accessibility statement"),
    Setting("SAFERPLACES_REQUIRE_2FA", "bool", True,
            "two-factor sign-in for every user; off only for a local demo (serve refuses to "
            "start off loopback without it)"),
    Setting("SAFERPLACES_PASSWORD_MIN_LENGTH", "int", 12,
            "the shortest password accepted (NCSC: long passphrases such as three random words); "
            "common passwords, all-number passwords and ones like the username are refused too"),
    Setting("SAFERPLACES_LOCKOUT_FAILURES", "int", 5,
            "failed sign-in attempts (wrong password or wrong two-factor code) before a username "
            "is locked"),
    Setting("SAFERPLACES_LOCKOUT_MINUTES", "int", 30,
            "how long a locked username stays locked after its latest failed attempt"),
    Setting("SAFERPLACES_SESSION_IDLE_MINUTES", "int", 30,
            "minutes without activity after which a signed-in person is signed out"),
    Setting("SAFERPLACES_SESSION_MAX_HOURS", "int", 12,
            "hours after signing in when a person is signed out however active (sessions also "
            "end when the browser is closed)"),
    Setting("SAFERPLACES_BREAK_GLASS_HOURS", "int", 3,
            "how long break-glass access to a record outside one's agency lasts (local policy; "
            "3 hours as in DHIS2)"),
    Setting("SAFERPLACES_API_TOKEN_DAYS", "int", 90,
            "days an API token works after it is created; then it is refused as expired and its "
            "owner creates a new one (local policy)"),
    Setting("SAFERPLACES_SERVICE_TOKEN_DAYS", "int", 365,
            "days a partner system's service token works after it is made (local policy: "
            "a year, so a forgotten token still dies); then make a new one"),
    Setting("SAFERPLACES_ATTACHMENT_MAX_MB", "int", 20,
            "the largest file (in megabytes) that may be attached to a case"),
    Setting("SAFERPLACES_UPLOAD_MAX_MB", "int", 200,
            "the largest data file (in megabytes) an analyst may upload on the Upload data page: a "
            "police.uk CSV or zip, a partner's CSV or a GeoJSON boundary file"),
    Setting("SAFERPLACES_ATTACHMENT_TYPES", "list", ("pdf", "docx", "xlsx", "jpg", "png", "txt"),
            "the kinds of file that may be attached to a case, by extension, separated by commas "
            "(each file's content is checked to be that kind too; known: pdf, docx, xlsx, jpg, "
            "png, txt)"),
    Setting("SAFERPLACES_TEXT_MAX_CHARS", "int", 20000,
            "the most characters in one piece of free text on a case or a person (a note, a "
            "summary, an outcome, a reason); about ten pages: longer documents are attached "
            "as files"),
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


def set_for_this_run(name: str, value: str) -> None:
    """Set the declared variable ``name`` for this process and the processes it starts (the web
    server and worker of ``saferplaces demo``); call before Django is set up."""
    declared(name)
    os.environ[name] = value

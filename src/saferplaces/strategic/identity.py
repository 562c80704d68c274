"""Who a report is from, and its protective marking: the ``[report]`` settings of the run's
configuration as the HTML, PDF and Word reports show them.

The panel version carries the protective marking of the Government Security Classifications
(``report.marking``: OFFICIAL or OFFICIAL-SENSITIVE, checked by ``config``) at the top and foot of
every page, as the GSC asks. The public version is made for publication and carries no marking:
the GSC does not require routine OFFICIAL information to be marked, and a published report
marked OFFICIAL would read as if it were not meant for the public.

The logo is a file on this machine, read when the report is written and embedded in it (a data
URI in HTML and PDF, a picture in Word): a report never fetches anything over the network. A run
rendered again after its logo file has gone is written without the logo.
"""

from __future__ import annotations

import base64
import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from saferplaces.strategic.config import DEFAULT_CONFIG_PATH

__all__ = ["Identity", "identity"]

#: The first bytes of the logo formats accepted (as ``config`` checks them).
_LOGO_TYPES = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@cache
def _defaults() -> dict[str, Any]:
    """The shipped ``[report]`` table (for runs stored before it existed)."""
    with DEFAULT_CONFIG_PATH.open("rb") as fh:
        table: dict[str, Any] = tomllib.load(fh)["report"]
    return table


@dataclass(frozen=True)
class Identity:
    """The identity block of one report version. ``marking`` is None in the public version."""

    partnership: str
    author: str
    date: str
    version: str
    status: str
    period: str
    marking: str | None
    logo: bytes | None = None
    logo_type: str = ""

    @property
    def logo_uri(self) -> str | None:
        """The logo as a ``data:`` URI, or None without one."""
        if self.logo is None:
            return None
        return f"data:{self.logo_type};base64," + base64.b64encode(self.logo).decode("ascii")

    @property
    def running_title(self) -> str:
        """The line at the top of every page."""
        return f"{self.partnership}: strategic assessment {self.period}"

    @property
    def version_line(self) -> str:
        """The version, status and date, at the foot of every page."""
        return f"Version {self.version} ({self.status}), {self.date}"

    def rows(self) -> list[tuple[str, str]]:
        """The identity table of the cover, in order."""
        rows = [("Partnership", self.partnership), ("Period", self.period)]
        if self.author:
            rows.append(("Author", self.author))
        rows += [("Date produced", self.date), ("Version", self.version),
                 ("Status", self.status.capitalize())]
        rows.append(("Protective marking", self.marking or "None: public version"))
        return rows


def _logo(path: str) -> tuple[bytes | None, str]:
    if not path:
        return None, ""
    try:
        content = Path(path).read_bytes()
    except OSError:
        return None, ""
    for magic, kind in _LOGO_TYPES:
        if content.startswith(magic):
            return content, kind
    return None, ""


def identity(data: dict[str, Any], *, public: bool,
             produced: dt.date | None = None) -> Identity:
    """The identity of a report of ``data`` (a result's JSON form, whose ``parameters`` hold the
    run's configuration): ``report.date`` when set, else ``produced``, else today."""
    settings = {**_defaults(), **(data.get("parameters", {}).get("report") or {})}
    when = settings["date"] or (produced or dt.date.today()).isoformat()
    period = data["period"]
    logo, logo_type = _logo(str(settings["logo"]))
    return Identity(
        partnership=str(settings["partnership"]), author=str(settings["author"]), date=when,
        version=str(settings["version"]), status=str(settings["status"]),
        period=f"{period['first_month']} to {period['last_month']}",
        marking=None if public else str(settings["marking"]), logo=logo, logo_type=logo_type)

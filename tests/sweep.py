"""The URL sweep's shared parts: the kinds of person, and asking a URL as each of them.

Each app keeps its own table, ``SWEEP`` in ``tests/apps/<app>/test_url_sweep.py``: route
pattern → (example path, expected answers in the column order of ``ACTORS``). The example path
may name objects made by the app's ``objects`` fixture as ``{name}``.
``tests/apps/agencies/test_url_sweep.py`` checks that the tables together cover every URL.

Columns:

    A  anonymous (signed out)                  O  outsider agency (a case manager there)
    P  partner agency (a practitioner)         V  owner agency viewer
    C  owner agency case manager               N  owner agency analyst
    D  owner agency administrator              S  site administrator (no agency)

Answers: 200 ok, 302 sent to sign in (anonymous) or on, 401 API without credentials, 403 no
capability, 404 not found (unknown record, or not theirs), 405 the view is reached but takes
POST only (GET is used throughout, so the sweep changes nothing).
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.partnership import Partnership, sign_in

ACTORS = {
    "A": None,
    "O": "outsider-case_manager",
    "P": "partner-practitioner",
    "V": "owner-viewer",
    "C": "owner-case_manager",
    "N": "owner-analyst",
    "D": "owner-administrator",
    "S": "site-admin",
}


def answers(path: str, partnership: Partnership) -> str:
    """The status codes for ``path`` (GET), one per actor, space-separated."""
    codes = []
    for user in ACTORS.values():
        client = Client() if user is None else sign_in(Client(), partnership.users[user])
        codes.append(str(client.get(path).status_code))
    return " ".join(codes)


def check(sweep: dict[str, tuple[str, str]], route: str, partnership: Partnership,
          objects: dict[str, Any]) -> None:
    path, expected = sweep[route]
    path = path.format(**objects)
    assert answers(path, partnership) == expected, f"{path}: columns {' '.join(ACTORS)}"

"""``saferplaces`` run as a user runs it: a fresh process with its own SQLite store in a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def environment(home: Path) -> dict[str, str]:
    """This environment for a ``saferplaces`` process in ``home``: the store ``home/store.sqlite3``
    (never PostgreSQL) and a wide terminal so tables are not cut."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SAFERPLACES_DB"] = str(home / "store.sqlite3")
    env["COLUMNS"] = "250"
    return env


def saferplaces(*args: str, home: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run ``saferplaces ARGS`` in ``home`` (see :func:`environment`)."""
    return subprocess.run([sys.executable, "-m", "saferplaces.cli", *args], env=environment(home),
                          cwd=home, capture_output=True, text=True, timeout=timeout)


def ok(*args: str, home: Path) -> str:
    """What ``saferplaces ARGS`` printed (standard output, then errors); fails the test on a non-zero exit."""
    done = saferplaces(*args, home=home)
    assert done.returncode == 0, f"saferplaces {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr

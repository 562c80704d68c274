"""``saferplaces`` run as a user runs it: a fresh process with its own SQLite store in a folder."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
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


_migrated: Path | None = None

_MIGRATE_AND_CLOSE = """
from django.db import connection
from saferplaces.commands.common import setup_django
setup_django()
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
connection.close()
"""


def with_migrated_store(home: Path) -> Path:
    """``home`` with a store that has every migration applied, as the first command run there
    leaves it. Each process would otherwise spend seconds migrating an empty file, so the store is
    migrated once per test process (in a fresh process, as ``saferplaces`` does) and copied.
    Tests of what a first run on an empty folder does must not use this."""
    global _migrated
    if _migrated is None:
        folder = Path(tempfile.mkdtemp(prefix="saferplaces-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        done = subprocess.run([sys.executable, "-c", _MIGRATE_AND_CLOSE], env=environment(folder), cwd=folder,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        _migrated = folder / "store.sqlite3"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated, home / "store.sqlite3")
    return home

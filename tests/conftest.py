"""Shared fixtures: small police.uk files written the way police.uk writes them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from saferplaces.ingest.policeuk import COLUMNS
from tests.partnership import partnership, signed_in_client  # noqa: F401  (shared fixtures)

DATA = Path(__file__).parent / "data"
REAL_POLICE_UK = DATA / "police-uk" / "2016-07" / "2016-07-west-yorkshire-street.csv"

COLCHESTER_ROWS = [
    # Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name,
    # Crime type, Last outcome category, Context
    ["a" * 64, "2024-03", "Essex Police", "Essex Police", "0.901000", "51.889000", "On or near High Street",
     "", "", "Shoplifting", "Investigation complete; no suspect identified", ""],
    ["", "2024-03", "Essex Police", "Essex Police", "0.901000", "51.889000", "On or near High Street",
     "", "", "Anti-social behaviour", "", ""],
    ["", "2024-03", "Essex Police", "Essex Police", "0.901000", "51.889000", "On or near High Street",
     "", "", "Anti-social behaviour", "", ""],
    ["b" * 64, "2024-03", "Essex Police", "Essex Police", "", "", "No Location", "", "",
     "Burglary", "Under investigation", ""],
    ["c" * 64, "2024-03", "Essex Police", "Essex Police", "0.950000", "51.850000", "On or near Bromley Road",
     "", "", "Violence and sexual offences", "Unable to prosecute suspect", ""],
]


def write_police_csv(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


#: Directories whose test files share session-scoped fixtures (a generated demo town and its
#: assessment): under pytest-xdist they run on one worker so the town is built once.
SHARED_SESSION_DIRECTORIES = ("strategic",)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group tests for pytest-xdist's ``--dist loadgroup`` (pyproject.toml addopts): a test file
    runs on one worker, so its module-scoped fixtures (a town generated and loaded by the CLI, a
    store) are built once, not once per worker; a directory in ``SHARED_SESSION_DIRECTORIES`` runs
    on one worker for its session-scoped ones."""
    for item in items:
        parts = Path(item.nodeid.split("::")[0]).parts
        shared = len(parts) > 2 and parts[1] in SHARED_SESSION_DIRECTORIES
        item.add_marker(pytest.mark.xdist_group("/".join(parts[:2]) if shared else "/".join(parts)))


@pytest.fixture
def small_police_file(tmp_path: Path) -> Path:
    return write_police_csv(tmp_path / "2024-03" / "2024-03-essex-street.csv", COLCHESTER_ROWS)


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_survive_test_flushes():
    """Transactional tests empty the tables after each test; the audit log's append-only
    triggers would refuse that, so the flush lifts them for itself (tests/apps/audit/flushing.py)."""
    from tests.apps.audit.flushing import flush_keeping_audit_triggers

    with flush_keeping_audit_triggers():
        yield


@pytest.fixture(autouse=True)
def _forget_kept_summaries():
    """Summaries are kept until the store's data change, judged by row counts and newest ids;
    two tests' stores can match on those, so nothing kept by one test may reach the next."""
    yield
    from django.conf import settings

    if not settings.configured:
        return
    from django.core.cache import caches

    from saferplaces.apps.explore.tables import forget
    from saferplaces.apps.incidents import hotspots

    caches["default"].clear()
    forget()
    hotspots._kept.clear()

"""A database made by saferplaces 0.1 as it landed before the apps moved under ``apps/`` (a small
synthetic town, an annual assessment and a burglary deep dive, trimmed to one month of
incidents) migrates forward with today's code and still serves its stored runs."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

LANDED = Path(__file__).parents[1] / "data" / "landed" / "saferplaces-0.1-landed.sqlite3.gz"

pytestmark = pytest.mark.slow

SERVE_STORED_RUNS = textwrap.dedent("""
    import json, os
    os.environ["DJANGO_SETTINGS_MODULE"] = "saferplaces.web.settings"
    from saferplaces.commands.common import setup_django
    setup_django()
    from django.test import Client
    from django.contrib.auth import get_user_model
    from saferplaces.apps.agencies.models import Membership
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    # the users the landed database had keep their role in one agency made by the upgrade
    before = Membership.objects.select_related("agency").get(user__username="demo-analyst")
    assert (before.agency.name, before.role) == ("Partnership (users from before agencies)", "analyst")
    user = get_user_model().objects.get(username="demo-analyst")
    client = Client()
    client.force_login(user)
    session = client.session  # signed in with a second factor, as tests.partnership.sign_in does
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, name="app").persistent_id
    session.save()
    pages = {}
    for url in ("/assessments/", "/assessments/1/", "/assessments/2/", "/assessments/1/report.json",
                "/assessments/1/public.html", "/assessments/compare/", "/assessments/deep-dive/"):
        response = client.get(url)
        pages[url] = [response.status_code, response.content.decode("utf-8", "replace")]
    print(json.dumps(pages))
""")


@pytest.fixture
def landed_database(tmp_path: Path) -> Path:
    database = tmp_path / "landed.sqlite3"
    with gzip.open(LANDED) as packed, open(database, "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    return database


def run_python(code: str, database: Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLACES_DB"] = str(database)
    env["SAFERPLACES_ALLOWED_HOSTS"] = "testserver"  # the host name Django's test client sends
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_landed_database_was_made_before_the_move(landed_database):
    with sqlite3.connect(landed_database) as db:
        applied = set(db.execute("SELECT app, name FROM django_migrations"))
        runs = db.execute("SELECT kind, status FROM assessments_assessmentrun ORDER BY id").fetchall()
    assert ("incidents", "0003_import_batch_updates") not in applied
    assert runs == [("annual", "done"), ("deep-dive", "done")]


def test_landed_database_migrates_forward_and_serves_its_stored_runs(landed_database, tmp_path):
    pages = json.loads(run_python(SERVE_STORED_RUNS, landed_database, tmp_path))
    assert {url: status for url, (status, _) in pages.items()} == dict.fromkeys(pages, 200)
    assert "Synthetic" in pages["/assessments/1/"][1] or "SYNTHETIC" in pages["/assessments/1/"][1]
    assert "Burglary" in pages["/assessments/2/"][1]
    stored = json.loads(pages["/assessments/1/report.json"][1])
    assert stored["candidates"] and stored["priorities"]
    with sqlite3.connect(landed_database) as db:
        applied = {name for app, name in db.execute("SELECT app, name FROM django_migrations")
                   if app == "incidents"}
        infinite = db.execute("SELECT COUNT(*) FROM incidents_incident WHERE x > 1e300").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"0003_import_batch_updates", "0004_no_location_no_grid_point"} <= applied
    assert infinite == 0  # the two no-location crimes the landed loader gave an infinite grid point
    assert {"incidents_incident", "assessments_assessmentrun"} <= tables  # table names unchanged

"""Page speed on the demo: the pages that summarise the whole incident store, one user at a time.

    python benchmarks/pages.py                           # the demo in a temporary folder, 30 requests a page
    python benchmarks/pages.py --work /tmp/pages         # keep (and on the next run reuse) the demo there
    eval "$(bash .ci/postgres.sh /tmp/pg-pages 54341)"   # PostgreSQL (DATABASE_URL); else SQLite
    python benchmarks/pages.py --requests 50

Builds the demo (``saferplaces demo --no-serve``: the demo town, 120,869 incidents over 36
months, with its agencies and cases) unless the database already holds it, and a strategic
assessment of the year before the latest year of data when there is none (monitoring follows
its priorities through the latest year). Then, signed in as the demo co-ordinator through
Django's test client (the whole request: middleware, access checks, the view, the template),
it requests each page ``--requests`` times and reports the first request, p50, p95 and the
slowest, and p95 as a multiple of the peer's p95.

- ``/`` (police.uk, then all sources): totals and the month-by-category table;
- ``/assessments/monitoring/``: the latest assessment's priorities month by month;
- ``/assessments/street-weeks/``: the areas ranked for the next Street Week;
- the peer, ``/assessments/``: a page that reads no incidents, so the ratio shows what the
  incident summaries add to an ordinary page on the same machine in the same run.

Target (issue 15): p95 under 300 ms for every page. The summaries are worked out once per change
of the store's data (``saferplaces.apps.incidents.summaries``), so the first request of a fresh
server process, or the first after an import, pays for working them out; it is reported on its
own line and not held to the target. Exit status 1 when a p95 misses the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95 = 0.300
USER = "demo-coordinator"
PEER = ("reads no incidents (peer)", "/assessments/")
PAGES = (
    ("home, police.uk", "/"),
    ("home, all sources", "/?source=all"),
    ("monitoring", "/assessments/monitoring/"),
    ("Street Weeks", "/assessments/street-weeks/"),
)


def setup(work: Path) -> None:
    """Django, with production defaults (no debug pages) and the database of ``DATABASE_URL``
    or else a SQLite file in ``work``; the demo built there unless it is already in it."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from load import ensure_demo, environment

    env = environment(work)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("SAFERPLACES_", "DATABASE_URL"))})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.settings")
    # the static files are collected by ``serve``, not here; the test client never asks for them
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test client's host name is allowed
    call_command("migrate", verbosity=0)
    print(ensure_demo(env, work, work / "town", 1.0))


def ensure_assessment() -> str:
    """A finished strategic assessment of the year before the latest year of data."""
    from saferplaces.apps.assessments import services
    from saferplaces.apps.assessments.models import AssessmentRun
    from saferplaces.periods import shift_month

    if services.latest_assessment() is not None:
        return "assessment already in the database"
    year = services.latest_year()
    if year is None:
        raise SystemExit("the store holds no incidents")
    first, last = shift_month(year[0], -12), shift_month(year[1], -12)
    started = time.perf_counter()
    run = AssessmentRun.objects.create(first_month=first, last_month=last)
    services.execute_run(run)
    return f"assessment of {first} to {last} run in {time.perf_counter() - started:.0f} s"


def client():  # type: ignore[no-untyped-def]
    """The test client signed in as the demo co-ordinator, second factor passed."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=USER)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def timed(browser, path: str, count: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    """The first request's seconds and those of ``count`` more."""
    times = []
    for _ in range(count + 1):
        started = time.perf_counter()
        response = browser.get(path)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times[0], times[1:]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the demo and its SQLite database "
                                                  "(kept; reused when it already holds them)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        setup(work)
        print(ensure_assessment())
        browser = client()
        rows = []
        for label, path in (PEER, *PAGES):
            first, times = timed(browser, path, args.requests)
            rows.append((label, path, first, times))
        peer = p95(rows[0][3])
        print(f"\n{args.requests} requests a page after the first, signed in as {USER}; "
              f"target p95 < {TARGET_P95 * 1000:.0f} ms")
        print(f"{'page':28} {'first':>8} {'p50':>8} {'p95':>8} {'slowest':>8} {'p95 / peer':>11}")
        missed = []
        for label, _, first, times in rows:
            high = p95(times)
            print(f"{label:28} {first * 1000:6.0f}ms {statistics.median(times) * 1000:6.0f}ms "
                  f"{high * 1000:6.0f}ms {max(times) * 1000:6.0f}ms {high / peer:10.1f}×")
            if high >= TARGET_P95:
                missed.append(label)
        print("target met" if not missed else f"target missed: {', '.join(missed)}")
        return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

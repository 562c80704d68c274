"""Users, a small store and stored runs for the Assessments pages.

- ``analyst`` has the ``assessments.add_assessmentrun`` permission (starts runs, enters
  scores); ``viewer`` is signed in without it (reads only). Anonymous visitors use ``client``.
- The store is the web tests' small store (police.uk January and March 2024, a council ASB log,
  two neighbourhoods): its latest 12 months are April 2023 to March 2024.
- Runs are stored rows with a small hand-made result in the shape of
  ``AssessmentResult.to_dict()`` (only the keys the pages read) and report files, so the pages
  can be tested without running an assessment; ``test_end_to_end`` runs a real one.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.assessments.models import AssessmentRun, ReportFile, RunStatus
from tests.partnership import sign_in
from tests.web.conftest import build_store

PDF_BYTES = b"%PDF-1.7\nhand-made test file\n%%EOF\n"


def candidate(key: str, name: str, rank: int, risk: float, *, best: int | None = None,
              worst: int | None = None, count: int = 100, previous: int = 100,
              direction: str = "stable", areas: list[dict[str, Any]] | None = None,
              hotspots: dict[str, Any] | None = None, covered_by: str | None = None
              ) -> dict[str, Any]:
    """One candidate in the shape of ``CandidateResult.to_dict()``."""
    pct = 100.0 * (count - previous) / previous
    return {
        "id": key, "name": name, "kind": key.split(":")[0],
        "kind_label": {"theme": "partnership theme", "police-uk": "police.uk category"}[key.split(":")[0]],
        "sensitive": False, "rank": rank, "risk_score": risk,
        "rank_range": {"best": best or rank, "worst": worst or rank},
        "grid": {}, "covered_by": covered_by, "priority": False,
        "finding": f"{name}: {count} incidents, {previous} the year before.",
        "finding_plain": f"{name}: {count} incidents.",
        "measures": {"count": count, "previous": previous, "pct_change": pct,
                     "p_value": 0.004, "p_adj": 0.012, "direction": direction,
                     "test": "exact conditional Poisson test (C-test), two-sided; "
                             "Benjamini–Hochberg adjusted across candidates",
                     "trend_pct_per_year": 8.0, "trend_p_adj": 0.03, "trend_note": "",
                     "rate": count / 10.0, "harm_rate": count * 2.5},
        "areas": areas or [], "hotspots": hotspots,
    }


def make_result(candidates: list[dict[str, Any]], priorities: list[str], *,
                warnings: tuple[str, ...] = (), first: str = "2023-04", last: str = "2024-03"
                ) -> dict[str, Any]:
    for c in candidates:
        c["priority"] = c["id"] in priorities
    return {
        "kind": "saferplaces strategic assessment", "synthetic": False, "scheme": "morile",
        "period": {"first_month": first, "last_month": last, "months": 12},
        "comparison": {"first_month": "2022-04", "last_month": "2023-03", "months": 12},
        "area_kind": "neighbourhood", "priorities": priorities, "candidates": candidates,
        "sensitivity": {"weight_change": 0.2}, "warnings": list(warnings),
        "parameters": {"assessment": {"top_areas": 2}, "public": {"suppress_below": 10}},
    }


CASTLE = {"code": "N1", "name": "Castle", "count": 80, "previous": 50, "rate": 9.5,
          "harm_rate": 30.0, "pct_change": 60.0, "p_value": 0.01, "p_adj": 0.02, "rank": 1,
          "population": 8400.0}
BERECHURCH = {"code": "N2", "name": "Berechurch", "count": 50, "previous": 50, "rate": 3.1,
              "harm_rate": 10.0, "pct_change": 0.0, "p_value": 1.0, "p_adj": 1.0, "rank": 2,
              "population": 16000.0}
UNRANKED = {"code": "N3", "name": "Lexden", "count": 3, "previous": 4, "rate": 0.4,
            "harm_rate": 1.0, "pct_change": -25.0, "p_value": 1.0, "p_adj": 1.0, "rank": None,
            "population": 7000.0}


def first_result() -> dict[str, Any]:
    """Violence (rising, two ranked neighbourhoods, hotspots) and Burglary are the priorities;
    Shoplifting ranks third."""
    return make_result([
        candidate("theme:violence", "Violence", 1, 62.5, best=1, worst=2, count=130,
                  direction="rising", areas=[CASTLE, BERECHURCH, UNRANKED],
                  hotspots={"hot_cells": 4, "new_hot_cells": 1, "hot_share": 0.35,
                            "areas_with_hot_cells": ["N1"]}),
        candidate("police-uk:burglary", "Burglary", 2, 48.0, best=1, worst=3, count=80,
                  direction="falling"),
        candidate("police-uk:shoplifting", "Shoplifting", 3, 40.0),
    ], ["theme:violence", "police-uk:burglary"],
        warnings=("entered community concern score for unknown candidate 'theme:old' ignored",))


def second_result() -> dict[str, Any]:
    """A year later: Shoplifting is first, Violence second, Burglary is no longer a priority
    and Drugs is a new candidate."""
    return make_result([
        candidate("police-uk:shoplifting", "Shoplifting", 1, 58.0),
        candidate("theme:violence", "Violence", 2, 55.25),
        candidate("police-uk:drugs", "Drugs", 3, 45.0),
        candidate("police-uk:burglary", "Burglary", 4, 48.0),
    ], ["police-uk:shoplifting", "theme:violence"], first="2024-04", last="2025-03")


def store_run(result: dict[str, Any] | None, *, status: str = RunStatus.DONE, user=None,
              reports: bool = True, **fields: Any) -> AssessmentRun:
    period = result["period"] if result else {"first_month": "2023-04", "last_month": "2024-03"}
    run = AssessmentRun.objects.create(
        first_month=period["first_month"], last_month=period["last_month"], status=status,
        result=result, created_by=user, progress=100 if status == RunStatus.DONE else 0,
        finished_at=timezone.now() if status in (RunStatus.DONE, RunStatus.FAILED) else None,
        **fields)
    if reports and status == RunStatus.DONE:
        for public in (False, True):
            version = "Public version" if public else "Restricted: for the crime and disorder panel"
            ReportFile.objects.create(run=run, format="html", public=public,
                                      content=f"<html><body><p>{version}</p></body></html>".encode())
            ReportFile.objects.create(run=run, format="pdf", public=public, content=PDF_BYTES)
            ReportFile.objects.create(run=run, format="json", public=public,
                                      content=b'{"public": %s}' % (b"true" if public else b"false"))
    return run


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The production hasher takes about half a second a password on purpose; tests need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def store(db, tmp_path: Path) -> Path:
    build_store(tmp_path)
    return tmp_path


def _member(user, role: str):
    from saferplaces.apps.agencies.models import Agency, Membership

    agency, _ = Agency.objects.get_or_create(name="Essex Police", defaults={"kind": "police"})
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def analyst(django_user_model):
    return _member(django_user_model.objects.create_user(
        "alice", password="correct horse battery", first_name="Alice", last_name="Analyst"),
        "analyst")


@pytest.fixture
def viewer(django_user_model):
    return _member(django_user_model.objects.create_user("victor", password="another good password"),
                   "viewer")


@pytest.fixture
def analyst_client(client, analyst):
    return sign_in(client, analyst)


@pytest.fixture
def viewer_client(client, viewer):
    return sign_in(client, viewer)


@pytest.fixture
def finished_run(db, analyst) -> AssessmentRun:
    return store_run(first_result(), user=analyst)


@pytest.fixture
def later_run(db, analyst, finished_run) -> AssessmentRun:
    run = store_run(second_result(), user=analyst)
    AssessmentRun.objects.filter(pk=run.pk).update(created_at=finished_run.created_at + timedelta(days=365))
    run.refresh_from_db()
    return run

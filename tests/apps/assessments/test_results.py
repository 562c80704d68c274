"""A run's stored result read as typed models (``results``), old runs included, and the Street
Week exclusion read once a page.

The two files in ``data/`` are results exactly as the code stored them before results carried a
``schema_version`` (``AssessmentRun.result`` of an assessment and a shoplifting deep dive of the
demo town: ``saferplaces generate DIR --seed 5 --scale 0.2``, ``saferplaces demo --dir DIR
--no-serve``, ``saferplaces assess``, ``saferplaces deep-dive police-uk:shoplifting --from
2025-10``).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pydantic import ValidationError

from saferplaces.apps.assessments import services
from saferplaces.apps.assessments.models import AssessmentRun, RunKind, StreetWeek
from saferplaces.apps.assessments.results import (
    SCHEMA_VERSION,
    AnnualResult,
    DeepDiveResult,
    load_annual,
    load_deep_dive,
)
from tests.apps.assessments.conftest import first_result, store_run

DATA = Path(__file__).parent / "data"
LANDED = Path(__file__).parents[2] / "data" / "landed" / "saferplaces-0.1-landed.sqlite3.gz"


def stored(name: str) -> dict[str, Any]:
    with gzip.open(DATA / f"stored-{name}-before-schema-version.json.gz") as packed:
        data: dict[str, Any] = json.load(packed)
    return data


def test_an_assessment_stored_before_versions_loads_as_version_1_with_every_figure():
    data = stored("annual")
    assert "schema_version" not in data
    result = load_annual(data)
    assert result.schema_version == 1 == SCHEMA_VERSION
    assert [c.id for c in result.candidates] == [c["id"] for c in data["candidates"]]
    assert set(result.priorities) <= set(result.by_id()) and len(result.priorities) == 5
    top = result.candidates[0]
    assert (top.rank, top.risk_score, top.measures.count) == (
        1, data["candidates"][0]["risk_score"], data["candidates"][0]["measures"]["count"])
    assert [a.rank for a in top.areas] == [a["rank"] for a in data["candidates"][0]["areas"]]
    # free-form parts keep what they do not declare
    assert top.measures.model_extra is not None and "recent" in top.measures.model_extra
    assert result.parameters.assessment.top_areas == data["parameters"]["assessment"]["top_areas"]


def test_a_deep_dive_stored_before_versions_loads_as_version_1():
    data = stored("deep-dive")
    result = load_deep_dive(data)
    assert result.schema_version == 1
    assert result.topic.id == "police-uk:shoplifting" and result.finding == data["finding"]
    assert result.measures.same_period_last_year.count == data["measures"]["same_period_last_year"]["count"]
    assert [q.quarter for q in result.quarterly] == [q["quarter"] for q in data["quarterly"]]
    assert result.hotspots is not None and result.hotspots.hot_cells == data["hotspots"]["hot_cells"]


def test_the_runs_of_the_database_saferplaces_0_1_made_load(tmp_path):
    database = tmp_path / "landed.sqlite3"
    with gzip.open(LANDED) as packed, open(database, "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT kind, result FROM assessments_assessmentrun ORDER BY id").fetchall()
    loaded = [load_annual(json.loads(r)) if kind == "annual" else load_deep_dive(json.loads(r))
              for kind, r in rows]
    assert [type(r) for r in loaded] == [AnnualResult, DeepDiveResult]
    assert all(r.schema_version == 1 for r in loaded)


def test_an_unknown_version_or_key_is_refused_and_a_wrong_type_named():
    data = stored("annual")
    with pytest.raises(ValidationError, match="schema_version"):
        load_annual({**data, "schema_version": 2})
    with pytest.raises(ValidationError, match="surprise"):
        load_annual({**data, "surprise": 1})
    broken = json.loads(json.dumps(data))
    broken["candidates"][0]["rank"] = "first"
    with pytest.raises(ValidationError, match=r"candidates\.0\.rank"):
        load_annual(broken)
    with pytest.raises(ValidationError):
        load_deep_dive(data)  # an assessment is not a deep dive


def test_a_new_run_stores_its_result_with_the_schema_version(db, monkeypatch):
    class Stub:
        def to_dict(self, *, public: bool = False) -> dict[str, Any]:
            return first_result()

    monkeypatch.setattr(services, "run_assessment", lambda inputs, config: Stub())
    monkeypatch.setattr(services, "render_html", lambda result, *, public: "<html></html>")
    monkeypatch.setattr(services, "render_pdf", lambda html: b"%PDF")
    run = AssessmentRun(kind=RunKind.ANNUAL, first_month="2023-04", last_month="2024-03")
    data, files = services._compute(run, mock.Mock(), mock.Mock(), lambda stage, done, total: None)
    assert data == {"schema_version": SCHEMA_VERSION, **first_result()}
    assert json.loads(files[2][2]) == first_result()  # the JSON report is the engine's, unchanged
    assert load_annual(data).schema_version == 1


def test_a_run_page_shows_a_versioned_result_as_one_stored_before(analyst_client, analyst):
    def shown() -> str:
        html = analyst_client.get(f"/assessments/{run.pk}/").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    run = store_run(first_result(), user=analyst)
    before = shown()
    AssessmentRun.objects.filter(pk=run.pk).update(result={"schema_version": 1, **first_result()})
    assert shown() == before


def test_the_street_weeks_page_reads_the_recent_street_weeks_once(analyst_client, store):
    StreetWeek.objects.create(area_code="N1", area_name="Castle", start=date(2024, 2, 5),
                              end=date(2024, 2, 11))
    counted = mock.Mock(wraps=services.recent_street_week_codes)
    with mock.patch.object(services, "recent_street_week_codes", counted), \
            CaptureQueriesContext(connection) as queries:
        response = analyst_client.get("/assessments/street-weeks/")
    assert response.status_code == 200
    counted.assert_called_once_with("2024-03", 12)
    exclusions = [q["sql"] for q in queries.captured_queries
                  if "assessments_streetweek" in q["sql"] and '"end" >=' in q["sql"]]
    assert len(exclusions) == 1


def test_a_runs_reports_withhold_everything_the_maps_sensitive_list_names(db):
    from saferplaces.apps.incidents.sensitive import load_rules
    from saferplaces.strategic.disclosure import normalise_category

    run = AssessmentRun(kind=RunKind.ANNUAL, first_month="2023-04", last_month="2024-03",
                        config_toml='[public]\nsensitive_categories = ["Cuckooing"]\n')
    public = services._run_config(run).section("public")
    listed = {normalise_category(c) for c in public["sensitive_categories"]}
    assert load_rules().categories <= listed and normalise_category("Cuckooing") in listed
    assert set(load_rules().flags) <= set(public["sensitive_flags"])

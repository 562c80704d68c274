"""The Word version of a strategic assessment on its run page: offered beside the HTML and PDF,
made from the stored result when downloaded, under the same access rules as the other files."""

from __future__ import annotations

import io
import json
from typing import Any

import docx
import pytest
from django.test import Client

from saferplaces.apps.assessments.models import RunKind
from saferplaces.strategic import load_config, run_assessment
from tests.apps.assessments.conftest import store_run
from tests.strategic.smalltown import build

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def stored_result() -> dict[str, Any]:
    """A real assessment's stored form, as ``services.execute_run`` keeps it."""
    return {"schema_version": 1, **json.loads(json.dumps(
        run_assessment(build(), load_config()).to_dict(), default=str))}


def test_the_run_page_offers_the_word_version_of_both_reports_and_it_opens(
        analyst_client, analyst, stored_result):
    run = store_run(stored_result, user=analyst)
    page = analyst_client.get(f"/assessments/{run.pk}/").content.decode()
    for version, label in (("report", "panel"), ("public", "public")):
        assert (f'href="/assessments/{run.pk}/{version}.docx" download>Download the {label} '
                "report as a Word document (DOCX, editable)</a>") in page
    panel = analyst_client.get(f"/assessments/{run.pk}/report.docx")
    assert panel.status_code == 200 and panel["Content-Type"] == DOCX
    assert panel["Content-Disposition"] == (
        'attachment; filename="assessment-2025-01-to-2025-12-panel.docx"')
    assert "no-store" in panel["Cache-Control"]
    made = docx.Document(io.BytesIO(panel.content))
    header = [p.text for p in made.sections[0].header.paragraphs if p.text]
    assert header[0] == "OFFICIAL-SENSITIVE"
    assert made.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    public = docx.Document(io.BytesIO(analyst_client.get(f"/assessments/{run.pk}/public.docx").content))
    assert public.paragraphs[0].text == "Public version"
    assert "OFFICIAL" not in " ".join(p.text for p in public.sections[0].header.paragraphs)


def test_a_deep_dive_has_no_word_version_and_visitors_must_sign_in(analyst_client, analyst,
                                                                    stored_result):
    dive = store_run(stored_result, user=analyst, kind=RunKind.DEEP_DIVE, topic="theme:violent-crime")
    assert analyst_client.get(f"/assessments/{dive.pk}/report.docx").status_code == 404
    run = store_run(stored_result, user=analyst)
    assert Client().get(f"/assessments/{run.pk}/report.docx").status_code == 302

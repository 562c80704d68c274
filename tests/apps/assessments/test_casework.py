"""The partnership's case work in the strategic assessment: a run over a year counts the case
records of that year in aggregate, its panel and public reports show them with small counts
withheld, and results stored before case work was counted still load and render."""

from __future__ import annotations

import datetime
import gzip
import html as markup
import json
import re
from pathlib import Path
from typing import Any

import pytest

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.assessments import services
from saferplaces.apps.assessments.casework import casework, period_days
from saferplaces.apps.assessments.models import AssessmentRun, ReportFile, RunKind
from saferplaces.apps.assessments.results import load_annual
from saferplaces.apps.cases.models import Case
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.apps.slavery.models import DutyToNotify
from saferplaces.periods import Period
from saferplaces.strategic.report import render_html
from tests.apps.assessments.conftest import store_run

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
YEAR = Period("2023-04", "2024-03")  # the small store's latest twelve months


def _agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(name="Colchester City Council",
                                             defaults={"kind": "council"})
    return agency


def _repeat_asb_cases(days: list[datetime.date]) -> None:
    agency = _agency()
    for i, day in enumerate(days, start=Case.objects.count() + 1):
        Case.objects.create(reference=f"ASB-T{i}", case_type="repeat-asb", title="Noise",
                            owner_agency=agency, opened_on=day)


def _duty_to_notify(days: list[datetime.date]) -> None:
    for day in days:
        DutyToNotify.objects.create(agency=_agency(), notified_on=day, organisation="police",
                                    statutory=True)


def _count(rows: list[dict[str, Any]], label: str) -> Any:
    return next(r["count"] for r in rows if label in r["label"])


def _section(page: str) -> str:
    found = re.search(r'<section id="casework">(.*?)</section>', page, re.S)
    assert found, "the case-work section is missing"
    return markup.unescape(found.group(1))


def _shown(section: str, label: str) -> str:
    found = re.search(rf"<td>{re.escape(label)}</td>\s*<td[^>]*>(.*?)</td>", section, re.S)
    assert found, label
    return found.group(1).strip()


def test_the_assessment_year_runs_from_the_first_to_the_last_day_of_its_months():
    assert period_days(YEAR) == (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))
    assert period_days(Period("2024-01", "2024-02")) == (datetime.date(2024, 1, 1),
                                                         datetime.date(2024, 2, 29))


def test_casework_counts_only_the_records_of_the_assessment_year():
    _repeat_asb_cases([datetime.date(2023, 4, 1), datetime.date(2024, 3, 31),
                       datetime.date(2023, 3, 31), datetime.date(2024, 4, 1)])
    _duty_to_notify([datetime.date(2023, 6, 1), datetime.date(2022, 6, 1)])
    rows = [r.to_dict() for r in casework(YEAR).rows]
    assert _count(rows, "cases opened") == 2
    assert _count(rows, "Duty to Notify") == 1
    assert _count(rows, "NRM referrals") == 0
    groups = list(dict.fromkeys(r["group"] for r in rows))
    assert groups == ["Repeat anti-social behaviour", "ASB Case Review (Community Trigger)",
                      "Safeguarding and exploitation", "Modern slavery",
                      "Hate crime and hate incidents"]
    labels = {r["label"] for r in rows}
    assert {"Applications", "Threshold not met", "Reviews carried out",
            "Reviews with recommendations", "Repeat MARAC referrals", "MASH referrals",
            "Concerns: Cuckooing (home taken over for crime)", "Strand: Race",
            "Non-crime hate incidents"} <= labels


@pytest.mark.slow
def test_a_run_shows_the_years_case_work_with_small_counts_withheld(store):
    threshold = suppress_below()
    visible, small = threshold + 2, 2
    assert 0 < small < threshold, "the check below must be able to fail"
    _repeat_asb_cases([datetime.date(2023, 5, 1) + datetime.timedelta(days=i) for i in range(visible)]
                      + [datetime.date(2022, 5, 1)])  # the year before: not counted
    _duty_to_notify([datetime.date(2023, 9, 1)] * small)
    run = AssessmentRun.objects.create(kind=RunKind.ANNUAL, first_month=YEAR.first_month,
                                       last_month=YEAR.last_month)
    services.execute_run(run)

    stored = run.result["casework"]["rows"]
    assert _count(stored, "cases opened") == visible
    assert _count(stored, "Duty to Notify") == small  # the run keeps every figure
    assert load_annual(run.result).casework is not None

    for public in (False, True):
        files = {f.format: f.content for f in ReportFile.objects.filter(run=run, public=public)}
        section = _section(files["html"].decode())
        assert "partnership's case records" in section and "none lowers a score" in section
        assert _shown(section, "Repeat anti-social behaviour cases opened") == str(visible)
        assert _shown(section, "Duty to Notify records (adults who declined a referral)") == (
            f"fewer than {threshold}")
        rows = json.loads(files["json"])["casework"]["rows"]
        assert _count(rows, "cases opened") == visible
        assert _count(rows, "Duty to Notify") is None


def test_a_result_stored_before_case_work_was_counted_still_loads_and_renders(analyst_client):
    with gzip.open(DATA / "stored-annual-before-schema-version.json.gz") as packed:
        old: dict[str, Any] = json.load(packed)
    assert "casework" not in old
    assert load_annual(old).casework is None
    for public in (False, True):
        page = render_html(old, public=public)
        assert 'id="casework"' not in page
        assert "8. Data sources, methods and limitations" in page
    run = store_run(old)
    assert analyst_client.get(f"/assessments/{run.pk}/").status_code == 200

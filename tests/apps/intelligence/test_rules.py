"""The rules of the records: each kind holds only its own fields, a link carries a 3x5x2
grade (the scale from the College of Policing APP, cited in grading.toml), a C link states its
conditions, records get review and retention dates from policy, and an edit made from an old
version saves nothing."""

from __future__ import annotations

import datetime
import tomllib

import pytest
from django.utils import timezone

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.intelligence import services
from saferplaces.apps.intelligence.models import (
    HandlingCode,
    IntelligenceGrade,
    SourceGrade,
)
from saferplaces.apps.intelligence.policy import DATA, add_months, grading, policy
from tests.apps.intelligence.conftest import years_ago


def test_the_grading_scale_is_3x5x2_as_cited_and_matches_the_choices():
    scale = grading()
    assert "College of Policing" in scale.source and "Intelligence management" in scale.source
    assert scale.url.startswith("https://www.college.police.uk/")
    assert datetime.date.fromisoformat(scale.checked)
    assert list(scale.source_evaluation) == SourceGrade.values == ["1", "2", "3"]
    assert list(scale.intelligence_assessment) == IntelligenceGrade.values == list("ABCDE")
    assert list(scale.handling_code) == HandlingCode.values == ["P", "C"]
    raw = tomllib.loads((DATA / "policy.toml").read_text())
    assert all(raw[key]["source"] for key in ("review", "retention", "safeguarding"))


def test_each_kind_holds_only_its_own_fields(partnership):
    agency = partnership.owner
    with pytest.raises(services.IntelligenceRuleError) as refused:
        services.create_entity(agency=agency, kind="vehicle", registration="AB12CDE",
                               role="runner")
    assert refused.value.field == "role"
    with pytest.raises(services.IntelligenceRuleError) as refused:
        services.create_entity(agency=agency, kind="nominal", label="Moth")
    assert refused.value.field == "role"
    with pytest.raises(services.IntelligenceRuleError):
        services.create_entity(agency=agency, kind="nominal", role="runner")  # no label
    with pytest.raises(services.IntelligenceRuleError) as refused:
        services.create_entity(agency=agency, kind="deal_line", line_name="Bravo",
                               opened=years_ago(1), closed=years_ago(2), status="closed")
    assert refused.value.field == "closed"
    car = services.create_entity(agency=agency, kind="vehicle", registration="ab12 cde")
    assert (car.label, car.registration) == ("AB12 CDE", "AB12 CDE")


def test_records_get_review_and_retention_dates_from_policy(intel):
    today = timezone.localdate()
    assert intel.runner.review_date == add_months(today, policy().review_months)
    assert intel.runner.retain_until == add_months(today, 12 * policy().retention_years)
    assert intel.runner_uses.review_date == add_months(today, policy().review_months)


def test_a_c_link_must_state_its_conditions_and_a_p_link_has_none(intel, partnership):
    base = {"a": intel.dealer, "b": intel.car, "agency": partnership.owner, "kind": "drives",
            "date": timezone.localdate(), "source": "CCTV", "source_grade": "1",
            "intelligence_grade": "A"}
    with pytest.raises(services.IntelligenceRuleError) as refused:
        services.create_link(**base, handling_code="C")
    assert refused.value.field == "handling_conditions"
    with pytest.raises(services.IntelligenceRuleError):
        services.create_link(**base, handling_code="P", handling_conditions="Police only")
    with pytest.raises(services.IntelligenceRuleError) as refused:
        services.create_link(**{**base, "source_grade": "4"}, handling_code="P")
    assert refused.value.field == "source_grade"
    with pytest.raises(services.IntelligenceRuleError) as refused:
        services.create_link(**{**base, "b": intel.dealer}, handling_code="P")
    assert refused.value.field == "b"


def test_an_edit_from_an_old_version_saves_nothing(intel):
    runner = intel.runner
    services.update_entity(runner, version=runner.version, changes={"label": "Moth II"},
                           by=intel.analyst)
    with pytest.raises(services.Conflict) as conflict:
        services.update_entity(runner, version=runner.version, changes={"label": "Stale"},
                               by=intel.analyst)
    assert conflict.value.current.label == "Moth II"
    runner.refresh_from_db()
    assert runner.label == "Moth II"
    assert AuditEvent.objects.filter(action="update", object_id=str(runner.pk),
                                     changed_fields=["label"]).count() == 1


def test_a_child_is_under_18_on_the_day(intel):
    today = timezone.localdate()
    assert services.is_child(intel.runner, today)
    assert not services.is_child(intel.boss, today)
    eighteenth = intel.runner.date_of_birth.replace(year=intel.runner.date_of_birth.year + 18)
    assert services.is_child(intel.runner, eighteenth - datetime.timedelta(days=1))
    assert not services.is_child(intel.runner, eighteenth)

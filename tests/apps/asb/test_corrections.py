"""A recorded 2014 Act action or breach is put right by a correction with a reason, never a
silent edit: the values it replaced are kept and shown, the change is on the case's timeline
and audited, the corrected record is judged by the engine like a new one (with the other
actions about the same person), and a stale correction saves nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions, corrections
from saferplaces.apps.asb.models import AsbAction, Breach, Correction
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Task, TimelineEntry
from saferplaces.apps.cases.services import CaseRuleError
from tests.apps.asb.conftest import day_fields

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _record(asb, kind, **values):
    return actions.record_action(get_case_for_user(asb.manager, asb.case.pk), asb.manager,
                                 kind=kind, agency=asb.case.owner_agency, officer="PC 1234 Example",
                                 person_id=asb.perpetrator.pk, **values)


def _correct(asb, action, reason="Date mistyped", **values):
    action.refresh_from_db()
    return corrections.correct_action(
        get_case_for_user(asb.manager, asb.case.pk), asb.manager, action,
        version=action.version, reason=reason, officer=action.officer, agency=action.agency,
        conditions=action.conditions, **values)


def test_correcting_an_action_keeps_the_original_and_is_on_the_timeline(asb, signed_in_client):
    warning = _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    client = signed_in_client(asb.manager)
    answer = client.post(f"/cases/{asb.case.pk}/actions/{warning.pk}/correct/", {
        "version": "1", "reason": "The comply-by date was typed wrong", "officer": "PC 1234 Example",
        "agency": str(asb.case.owner_agency.pk), "conditions": "",
        **day_fields("on", days_ago(40)), **day_fields("comply_by", days_ago(30))})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    warning.refresh_from_db()
    assert warning.comply_by == days_ago(30) and warning.version == 2
    correction = Correction.objects.get(action=warning)
    assert correction.previous == {"comply_by": days_ago(26).isoformat()}
    assert correction.changed == ["comply_by"]
    assert correction.reason == "The comply-by date was typed wrong"
    assert TimelineEntry.objects.filter(
        case=asb.case, kind="asb-correction",
        text=f"Community Protection Warning on {asb.case.reference} corrected (comply by)").exists()
    assert AuditEvent.objects.filter(action="update", object_type="asb-action",
                                     object_id=str(warning.pk)).exists()
    page = client.get(f"/cases/{asb.case.pk}/actions/{warning.pk}/").content.decode()
    assert "The comply-by date was typed wrong" in page
    assert days_ago(26).isoformat() in page
    task = Task.objects.get(pk=warning.review_task_id)
    assert task.due == TODAY  # the new comply-by date has passed: due today, as on recording


def test_a_correction_is_refused_when_the_engine_refuses_it(asb):
    contract = _record(asb, "abc", on=days_ago(10), ends_on=days_ago(10) + datetime.timedelta(days=150),
                       review_on=days_ago(10) + datetime.timedelta(days=60))
    with pytest.raises(actions.ActionRefused) as refused:
        _correct(asb, contract, on=days_ago(10), ends_on=days_ago(10) + datetime.timedelta(days=400),
                 review_on=days_ago(10) + datetime.timedelta(days=60))
    assert [r.rule for r in refused.value.refusals] == ["abc.term_months"]
    assert not Correction.objects.exists()
    contract.refresh_from_db()
    assert contract.version == 1


def test_a_correction_that_would_make_a_later_notice_unlawful_is_refused(asb):
    warning = _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    _record(asb, "cpn", on=days_ago(10))
    with pytest.raises(actions.ActionRefused) as refused:
        _correct(asb, warning, on=days_ago(40), comply_by=days_ago(5))
    assert [r.rule for r in refused.value.refusals] == ["cpn.time_to_comply"]
    assert "would make the Community Protection Notice" in str(refused.value)
    warning.refresh_from_db()
    assert warning.comply_by == days_ago(26) and warning.version == 1
    assert not Correction.objects.exists()


def test_a_stale_correction_saves_nothing_and_shows_both_versions(asb, signed_in_client):
    warning = _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    _correct(asb, warning, on=days_ago(40), comply_by=days_ago(27))
    answer = signed_in_client(asb.manager).post(f"/cases/{asb.case.pk}/actions/{warning.pk}/correct/", {
        "version": "1", "reason": "Another fix", "officer": "PC 9 Other",
        "agency": str(asb.case.owner_agency.pk), "conditions": "",
        **day_fields("on", days_ago(40)), **day_fields("comply_by", days_ago(26))})
    assert answer.status_code == 409
    warning.refresh_from_db()
    assert warning.officer == "PC 1234 Example" and warning.comply_by == days_ago(27)
    assert Correction.objects.count() == 1


def test_a_correction_needs_a_reason_and_a_change(asb):
    warning = _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    with pytest.raises(CaseRuleError, match="Say why"):
        _correct(asb, warning, reason=" ", on=days_ago(40), comply_by=days_ago(27))
    with pytest.raises(CaseRuleError, match="Nothing is changed"):
        _correct(asb, warning, on=days_ago(40), comply_by=days_ago(26))


def test_correcting_a_breach_keeps_the_original_and_checks_the_penalty(asb, signed_in_client):
    _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    notice = _record(asb, "cpn", on=days_ago(20))
    breach = actions.add_breach(get_case_for_user(asb.manager, asb.case.pk), asb.manager, notice,
                                version=1, breach=actions.BreachInput(
                                    on=days_ago(5), description="Music at 2am",
                                    penalty_amount=Decimal("80"), penalty_on=days_ago(4)))
    client = signed_in_client(asb.manager)
    url = f"/cases/{asb.case.pk}/actions/{notice.pk}/breaches/{breach.pk}/correct/"
    too_much = {"version": "2", "reason": "Amount typed wrong", "description": "Music at 2am",
                "penalty_amount": "150", **day_fields("on", days_ago(5)),
                **day_fields("penalty_on", days_ago(4))}
    refused = client.post(url, too_much)
    assert refused.status_code == 400
    assert "cpn.fixed_penalty_max" in refused.content.decode()
    answer = client.post(url, {**too_much, "penalty_amount": "100"})
    assert answer.status_code == 302
    breach.refresh_from_db()
    assert breach.penalty_amount == Decimal("100")
    correction = Correction.objects.get(breach=breach)
    assert correction.previous == {"penalty_amount": "80.00"}
    assert TimelineEntry.objects.filter(case=asb.case, kind="asb-correction").exists()
    assert Breach.objects.count() == 1 and AsbAction.objects.get(pk=notice.pk).version == 3


def test_an_outsider_cannot_correct_and_a_viewer_is_forbidden(asb, signed_in_client):
    warning = _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    url = f"/cases/{asb.case.pk}/actions/{warning.pk}/correct/"
    assert signed_in_client(asb.outsider).get(url).status_code == 404
    assert signed_in_client(asb.viewer).get(url).status_code == 403
    assert signed_in_client(asb.manager).get(url).status_code == 200

"""ASB victim risk assessments on a repeat-ASB case: the questionnaire page is generated from its
file, every question must be answered, history is kept (each assessment immutable, a new one
supersedes), a high result alerts the owner's case managers and sets a contact task due within
the band's working days, and the case's risk follows (raised, never lowered)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.asb import risk
from saferplaces.apps.asb.models import ImmutableRecord, RiskAssessment
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, Notification, Task, TimelineEntry
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.casework.questionnaire import shipped_questionnaire
from tests.apps.asb.conftest import CALM, HIGH, MEDIUM, answers_form

#: Friday 1 May 2026; Monday 4 May 2026 is the early May bank holiday in England and Wales.
FRIDAY_BEFORE_BANK_HOLIDAY = datetime.date(2026, 5, 1)


def _assess(asb, answers, user=None, **kwargs):
    user = user or asb.manager
    return risk.assess_person(get_case_for_user(user, asb.case.pk), user,
                              person_id=asb.victim.pk, answers=answers, **kwargs)


def test_the_form_asks_every_question_of_the_questionnaire_file(asb, signed_in_client):
    page = signed_in_client(asb.manager).get(
        f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/assess/").content.decode()
    questionnaire = shipped_questionnaire("asb-victim-risk")
    for section, question in questionnaire.questions():
        assert section.title in page and f'name="q_{question.key}"' in page
        for option in question.options:
            assert f'value="{option.key}"' in page


def test_high_risk_assessment_raises_alert_and_contact_task_due_next_working_day(
        asb, signed_in_client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: FRIDAY_BEFORE_BANK_HOLIDAY)
    answer = signed_in_client(asb.practitioner).post(
        f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/assess/", answers_form(HIGH))
    assert answer.status_code == 302
    made = RiskAssessment.objects.get(case=asb.case)
    assert (made.band, made.score, made.alert) == ("high", 26, True)
    # one working day after Friday, over the bank holiday Monday: Tuesday 5 May
    assert made.contact_by == datetime.date(2026, 5, 5)
    task = Task.objects.get(case=asb.case, title="Contact the victim")
    assert task.due == datetime.date(2026, 5, 5) and task.assigned_agency == asb.case.owner_agency
    assert made.contact_task == task
    alerts = Notification.objects.filter(text__startswith="High risk", case=asb.case)
    assert {n.user.username for n in alerts} == {"owner-case_manager", "owner-coordinator"}
    assert all("Vera" not in n.text and asb.case.reference in n.text for n in alerts)
    assert Case.objects.get(pk=asb.case.pk).risk == "high"
    assert made.reassess_on == FRIDAY_BEFORE_BANK_HOLIDAY + datetime.timedelta(days=7)


def test_a_standard_result_raises_no_alert_and_sets_no_task(asb):
    made = _assess(asb, CALM)
    assert (made.band, made.alert, made.contact_task) == ("standard", False, None)
    assert not Task.objects.filter(case=asb.case).exists()
    assert not Notification.objects.filter(text__startswith="Standard risk").exists()


def test_a_missing_answer_is_refused_and_nothing_is_saved(asb, signed_in_client):
    body = answers_form(CALM)
    del body["q_violence"]
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/assess/", body)
    assert answer.status_code == 400
    assert "a missing answer is not scored as zero" in answer.content.decode()
    assert not RiskAssessment.objects.exists()
    with pytest.raises(CaseRuleError, match="Unanswered"):
        _assess(asb, {k: v for k, v in CALM.items() if k != "violence"})


def test_a_new_assessment_supersedes_the_last_and_both_are_kept(asb, signed_in_client):
    first = _assess(asb, MEDIUM, on=timezone.localdate() - datetime.timedelta(days=20))
    second = _assess(asb, CALM)
    first.refresh_from_db()
    assert second.supersedes == first and first.superseded_by == second
    assert [a.pk for a in risk.current_assessments(asb.case.pk)] == [second.pk]
    page = signed_in_client(asb.partner).get(
        f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/").content.decode()
    assert "(superseded)" in page and "(current)" in page and "Down from medium" in page


def test_a_saved_assessment_is_never_changed(asb):
    made = _assess(asb, CALM)
    made.score = 30
    with pytest.raises(ImmutableRecord):
        made.save()
    assert RiskAssessment.objects.get(pk=made.pk).score == 0


def test_professional_judgement_raises_the_band_only_with_a_reason(asb, signed_in_client):
    url = f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/assess/"
    refused = signed_in_client(asb.manager).post(url, answers_form(CALM, raise_to="high"))
    assert refused.status_code == 400 and not RiskAssessment.objects.exists()
    signed_in_client(asb.manager).post(url, answers_form(
        CALM, raise_to="medium", reason="Known to mental health services; isolated"))
    made = RiskAssessment.objects.get()
    assert (made.score, made.band, made.judgement_reason) == (
        0, "medium", "Known to mental health services; isolated")
    with pytest.raises(CaseRuleError, match="never lower"):
        _assess(asb, HIGH, raise_to="medium", reason="The victim seems fine to me now")


def test_a_form_opened_before_another_assessment_saves_nothing(asb, signed_in_client):
    url = f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/assess/"
    _assess(asb, MEDIUM, user=asb.partner)  # saved while the manager's form was open on none
    answer = signed_in_client(asb.manager).post(url, answers_form(HIGH, latest=0))
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "Nothing was saved" in page and "Medium (score 13)" in page
    assert RiskAssessment.objects.count() == 1


def test_the_case_risk_is_raised_by_an_assessment_but_never_lowered(asb):
    _assess(asb, MEDIUM, on=timezone.localdate() - datetime.timedelta(days=3))
    assert Case.objects.get(pk=asb.case.pk).risk == "medium"
    assert TimelineEntry.objects.filter(case=asb.case,
                                        text__contains="risk set to medium by an ASB victim").exists()
    assert any("risk" in event.changed_fields for event in AuditEvent.objects.filter(
        object_type="case", object_id=str(asb.case.pk), action="update"))
    _assess(asb, CALM)
    assert Case.objects.get(pk=asb.case.pk).risk == "medium"


def test_reassessment_due_list_marks_an_overdue_one(asb, signed_in_client):
    _assess(asb, MEDIUM, on=timezone.localdate() - datetime.timedelta(days=30))  # due after 14
    page = signed_in_client(asb.manager).get(f"/cases/{asb.case.pk}/").content.decode()
    due = page.split('id="reassessment-list"')[1].split("</ul>")[0]
    assert "Vera Victim" in due and "Overdue" in due


def test_only_victims_complainants_and_vulnerable_people_are_assessed(asb, signed_in_client):
    answer = signed_in_client(asb.manager).get(
        f"/cases/{asb.case.pk}/risk/{asb.party(asb.perpetrator)}/assess/")
    assert answer.status_code == 404
    with pytest.raises(CaseRuleError, match="victim, complainant or vulnerable person"):
        risk.assess_person(get_case_for_user(asb.manager, asb.case.pk), asb.manager,
                           person_id=asb.perpetrator.pk, answers=CALM)

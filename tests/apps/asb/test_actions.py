"""The 2014 Act actions on a repeat-ASB case: each checked by the casework engine against the
earlier actions about the same person (or premises); a refusal is shown on the form naming the
rule and its source, and nothing is saved. Review dates set tasks; breaches of a Community
Protection Notice may carry a fixed penalty no higher than the maximum on the day of the breach."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions
from saferplaces.apps.asb.models import AsbAction, Breach
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Task, TimelineEntry
from saferplaces.apps.cases.services import CaseRuleError
from tests.apps.asb.conftest import day_fields

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _record(asb, kind, *, person=None, user=None, **values):
    user = user or asb.manager
    subject = {"place_id": asb.house.pk} if kind.startswith("closure") else \
        {"person_id": (person or asb.perpetrator).pk}
    return actions.record_action(get_case_for_user(user, asb.case.pk), user, kind=kind,
                                 agency=asb.case.owner_agency, officer="PC 1234 Example",
                                 **subject, **values)


def _page_body(asb, subject, **fields):
    return {"subject": str(subject), "officer": "PC 1234 Example",
            "agency": str(asb.case.owner_agency.pk), "conditions": "", **fields}


def test_cpn_refused_without_prior_written_warning(asb, signed_in_client):
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/record/cpn/",
        _page_body(asb, asb.perpetrator.pk, **day_fields("on", days_ago(1))))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "A Community Protection Notice needs a written warning first" in page
    assert "cpn.written_warning_first" in page
    assert "Anti-social Behaviour, Crime and Policing Act 2014 s.43(5)(a)" in page
    assert not AsbAction.objects.exists()
    assert not TimelineEntry.objects.filter(kind="asb-action").exists()


def test_cpn_after_a_warning_and_its_time_to_comply_is_recorded(asb, signed_in_client):
    _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/record/cpn/",
        _page_body(asb, asb.perpetrator.pk, conditions="No music after 23:00\nNo parking on the verge",
                   **day_fields("on", days_ago(10))))
    assert answer.status_code == 302
    notice = AsbAction.objects.get(kind="cpn")
    assert notice.condition_list() == ("No music after 23:00", "No parking on the verge")
    assert TimelineEntry.objects.filter(
        case=asb.case, text=f"Community Protection Notice recorded on {asb.case.reference} "
                            f"({asb.case.owner_agency.name})").exists()


def test_a_warning_about_someone_else_does_not_count(asb):
    victim_warned = _record(asb, "cpw", person=asb.victim, on=days_ago(40), comply_by=days_ago(26))
    with pytest.raises(actions.ActionRefused) as refused:
        _record(asb, "cpn", on=days_ago(10))
    assert [r.rule for r in refused.value.refusals] == ["cpn.written_warning_first"]
    assert AsbAction.objects.get() == victim_warned


def test_injunction_refused_for_a_nine_year_old(asb, signed_in_client):
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/record/injunction/",
        _page_body(asb, asb.child.pk, without_notice="no", **day_fields("on", TODAY)))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "A civil injunction is for a person aged 10 or over" in page
    assert "this person is 9" in page and "injunction.min_age" in page
    assert not AsbAction.objects.exists()


def test_closure_order_cannot_exceed_six_months_in_total(asb):
    served = timezone.make_aware(datetime.datetime.combine(days_ago(100), datetime.time(10, 0)))
    _record(asb, "closure-notice", at=served, issuer="police", signed_by="inspector", hours=24)
    made = days_ago(99)
    _record(asb, "closure-order", on=made, heard_at=served + datetime.timedelta(hours=20),
            ends_on=made + datetime.timedelta(days=89))
    with pytest.raises(actions.ActionRefused) as refused:
        _record(asb, "closure-extension", on=days_ago(20), ends_on=made + datetime.timedelta(days=200))
    assert "closure.order_total_max_months" in [r.rule for r in refused.value.refusals]
    assert "lasts at most 6 months in total" in str(refused.value)
    assert AsbAction.objects.filter(kind="closure-extension").count() == 0
    _record(asb, "closure-extension", on=days_ago(20), ends_on=made + datetime.timedelta(days=150))
    assert AsbAction.objects.filter(kind="closure-extension").count() == 1


def test_a_review_date_sets_a_task_for_the_agency_that_took_the_action(asb):
    review = TODAY + datetime.timedelta(days=60)
    abc = _record(asb, "abc", on=days_ago(30), ends_on=days_ago(30) + datetime.timedelta(days=150),
                  review_on=review)
    task = Task.objects.get(case=asb.case)
    assert abc.review_task == task and task.due == review
    assert task.assigned_agency == asb.case.owner_agency
    assert "Acceptable Behaviour Contract" in task.title and "Perry" not in task.title
    assert actions.next_review(abc) == review


def test_an_abc_without_a_review_date_is_refused(asb):
    with pytest.raises(actions.ActionRefused, match="reviewed within 3 months"):
        _record(asb, "abc", on=days_ago(3), ends_on=days_ago(3) + datetime.timedelta(days=150))


def test_an_action_about_someone_who_is_not_a_party_is_refused(asb, partnership):
    from tests.apps.cases.conftest import person

    stranger = person(partnership.owner, "Sam", "Stranger", born=datetime.date(1980, 1, 1))
    with pytest.raises(CaseRuleError, match="party of this case"):
        _record(asb, "warning-letter", person=stranger, on=TODAY)


@pytest.fixture
def notice(asb):
    _record(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    return _record(asb, "cpn", on=days_ago(20))


def test_a_cpn_breach_with_a_fixed_penalty_up_to_the_maximum_is_recorded(asb, notice,
                                                                         signed_in_client):
    answer = signed_in_client(asb.partner).post(
        f"/cases/{asb.case.pk}/actions/{notice.pk}/breach/",
        {"version": str(notice.version), "description": "Music until 3am",
         "penalty_amount": "100", **day_fields("on", days_ago(5)),
         **day_fields("penalty_on", days_ago(4))})
    assert answer.status_code == 302
    breach = Breach.objects.get()
    assert breach.penalty_amount == Decimal("100") and breach.agency == asb.partner.membership.agency
    page = signed_in_client(asb.manager).get(f"/cases/{asb.case.pk}/").content.decode()
    listed = page.split('id="asb-action-list"')[1].split("</table>")[0]
    assert "Community Protection Notice" in listed and "1 fixed penalty" in listed


def test_a_fixed_penalty_over_the_maximum_on_the_day_of_the_breach_is_refused(asb, notice,
                                                                             signed_in_client):
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/{notice.pk}/breach/",
        {"version": str(notice.version), "description": "Music until 3am",
         "penalty_amount": "500", **day_fields("on", days_ago(5)),
         **day_fields("penalty_on", days_ago(4))})
    assert answer.status_code == 400
    assert "cpn.fixed_penalty_max" in answer.content.decode()
    assert not Breach.objects.exists()


def test_a_breach_form_opened_before_another_breach_saves_nothing(asb, notice, signed_in_client):
    actions.add_breach(get_case_for_user(asb.manager, asb.case.pk), asb.manager, notice,
                       version=notice.version,
                       breach=actions.BreachInput(on=days_ago(6), description="Shouting"))
    answer = signed_in_client(asb.practitioner).post(
        f"/cases/{asb.case.pk}/actions/{notice.pk}/breach/",
        {"version": str(notice.version), "description": "Music until 3am",
         **day_fields("on", days_ago(5))})
    assert answer.status_code == 409 and "Nothing was saved" in answer.content.decode()
    assert Breach.objects.count() == 1


def test_a_fixed_penalty_only_follows_a_cpn_breach(asb):
    order = _record(asb, "cbo", on=days_ago(30))
    with pytest.raises(CaseRuleError, match="only for a breach of a Community Protection Notice"):
        actions.add_breach(get_case_for_user(asb.manager, asb.case.pk), asb.manager, order,
                           version=order.version,
                           breach=actions.BreachInput(on=days_ago(2), description="Entered the area",
                                                      penalty_amount=Decimal("50"),
                                                      penalty_on=days_ago(1)))


def _at(days: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(days_ago(days), datetime.time(hour, 0)))


def test_a_dispersal_authorised_by_a_sergeant_is_refused_and_by_an_inspector_recorded(asb):
    direction = {"at": _at(2, 21), "excluded_until": _at(1, 21), "locality": "Castle Park",
                 "authorised_at": _at(2, 18), "authorised_until": _at(1, 18),
                 "authorising_officer": "PS 77 Example"}
    with pytest.raises(actions.ActionRefused) as refused:
        _record(asb, "dispersal", authorising_rank="sergeant", **direction)
    assert [r.rule for r in refused.value.refusals] == ["dispersal.authorising_rank"]
    made = _record(asb, "dispersal", authorising_rank="inspector", **direction)
    assert made.authorising_officer == "PS 77 Example" and made.locality == "Castle Park"


def test_the_action_page_asks_only_for_what_its_kind_records(asb, signed_in_client):
    page = signed_in_client(asb.manager).get(
        f"/cases/{asb.case.pk}/actions/record/closure-notice/").content.decode()
    assert 'name="hours"' in page and 'name="signed_by"' in page and 'name="comply_by' not in page
    assert "14 Example Road" in page and "Perry" not in page

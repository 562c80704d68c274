"""A Community Protection Warning or Notice may be given to "a person aged 16 or over, or a
body" (2014 Act s.43(1)): a company or organisation, recorded by name (and company number),
with no age rule. An injunction, a Criminal Behaviour Order and a dispersal direction concern
individuals: the engine refuses them for a body under ``powers.about_a_body``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions
from saferplaces.apps.asb.models import AsbAction
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from tests.apps.asb.conftest import day_fields

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _body_action(asb, kind, name="Example Takeaways Ltd", number="01234567", **values):
    return actions.record_action(get_case_for_user(asb.manager, asb.case.pk), asb.manager,
                                 kind=kind, agency=asb.case.owner_agency, officer="PC 1234 Example",
                                 body_name=name, body_company_number=number, **values)


def _page_body(asb, **fields):
    return {"subject": "body", "body_name": "Example Takeaways Ltd",
            "body_company_number": "01234567", "officer": "PC 1234 Example",
            "agency": str(asb.case.owner_agency.pk), "conditions": "", **fields}


def test_cpn_may_be_issued_to_a_body(asb, signed_in_client):
    _body_action(asb, "cpw", on=days_ago(40), comply_by=days_ago(26))
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/record/cpn/",
        _page_body(asb, conditions="Bins emptied daily", **day_fields("on", days_ago(10))))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    notice = AsbAction.objects.get(kind="cpn")
    assert (notice.body_name, notice.body_company_number, notice.person_id) == (
        "Example Takeaways Ltd", "01234567", None)
    page = signed_in_client(asb.manager).get(answer["Location"]).content.decode()
    assert "Example Takeaways Ltd (a body, company 01234567)" in page
    assert AuditEvent.objects.filter(action="create", object_type="asb-action",
                                     object_id=str(notice.pk)).exists()


def test_a_notice_to_a_body_still_needs_the_bodys_own_written_warning(asb):
    _body_action(asb, "cpw", name="Other Firm Ltd", number="07654321", on=days_ago(40),
                 comply_by=days_ago(26))
    with pytest.raises(actions.ActionRefused) as refused:
        _body_action(asb, "cpn", on=days_ago(10))
    assert [r.rule for r in refused.value.refusals] == ["cpn.written_warning_first"]
    assert "none is recorded for this body" in str(refused.value)


def test_injunction_refused_for_a_body(asb, signed_in_client):
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/record/injunction/",
        _page_body(asb, without_notice="no", **day_fields("on", TODAY)))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "A civil injunction is about a person, never a body" in page
    assert "powers.about_a_body" in page
    assert not AsbAction.objects.exists()


@pytest.mark.parametrize("kind", ["cbo", "abc"])
def test_order_and_contract_refused_for_a_body(asb, kind):
    with pytest.raises(actions.ActionRefused) as refused:
        _body_action(asb, kind, on=TODAY)
    assert [r.rule for r in refused.value.refusals] == ["powers.about_a_body"]


def test_a_company_number_without_a_name_is_refused(asb):
    with pytest.raises(actions.CaseRuleError, match="body's name"):
        _body_action(asb, "warning-letter", name=" ", on=TODAY)


def test_the_api_records_a_warning_to_a_body_and_refuses_an_order(asb, signed_in_client):
    client = signed_in_client(asb.manager)
    body = {"body_name": "Example Takeaways Ltd", "officer": "PC 1234 Example",
            "agency": asb.case.owner_agency.pk}
    made = client.post(f"/api/cases/{asb.case.pk}/asb-actions/",
                       {**body, "kind": "cpw", "on": days_ago(2).isoformat(),
                        "comply_by": (TODAY + datetime.timedelta(days=14)).isoformat()},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["body_name"] == "Example Takeaways Ltd" and made.json()["person_id"] is None
    refused = client.post(f"/api/cases/{asb.case.pk}/asb-actions/",
                          {**body, "kind": "cbo", "on": days_ago(1).isoformat()},
                          content_type="application/json")
    assert refused.status_code == 400
    assert "never a body" in refused.content.decode()

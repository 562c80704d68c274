"""NRM referrals on a modern-slavery case: a child referred without consent, an adult only with
consent, an adult who declines becomes a Duty to Notify record with no identifying details (not
linked to the person or the case, absent from their record and subject access export); the
reasonable-grounds target of 5 working days (overdue marker), the recovery period of at least
30 days, decisions in order (the engine's rules); no lost updates."""

from __future__ import annotations

import datetime

import pytest
from django.db import models

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import TimelineEntry
from saferplaces.apps.dataprotection.sar import subject_access, to_json
from saferplaces.apps.slavery.figures import figures
from saferplaces.apps.slavery.models import DutyToNotify, NrmReferral
from tests.apps.cases.conftest import share
from tests.apps.slavery.conftest import REFERRED, decisions_form, refer_form


def test_child_is_referred_without_consent(slavery, signed_in_client):
    client = signed_in_client(slavery.manager)
    answer = client.post(f"/slavery/cases/{slavery.case.pk}/refer/",
                         refer_form(slavery.child, exploitation_types=["criminal"]))
    assert answer.status_code == 302
    referral = NrmReferral.objects.get(case=slavery.case)
    assert referral.child and not referral.consented and referral.party == slavery.child
    assert TimelineEntry.objects.filter(case=slavery.case, kind="nrm").exists()


def test_adult_who_consents_is_referred(slavery, signed_in_client):
    client = signed_in_client(slavery.manager)
    answer = client.post(f"/slavery/cases/{slavery.case.pk}/refer/",
                         refer_form(slavery.adult, consent="given"))
    assert answer.status_code == 302
    referral = NrmReferral.objects.get(case=slavery.case)
    assert not referral.child and referral.consented
    assert not DutyToNotify.objects.exists()


def test_adult_declining_nrm_becomes_duty_to_notify_without_identifiers(slavery, partnership,
                                                                       signed_in_client):
    client = signed_in_client(slavery.manager)
    timeline_before = TimelineEntry.objects.filter(case=slavery.case).count()
    answer = client.post(f"/slavery/cases/{slavery.case.pk}/refer/",
                         refer_form(slavery.adult, consent="declined"))
    assert answer.status_code == 200 and "Duty to Notify record made" in answer.content.decode()
    assert not NrmReferral.objects.exists()
    notice = DutyToNotify.objects.get()
    assert (notice.notified_on, notice.organisation, notice.statutory) == (REFERRED, "police", True)
    # nothing that identifies the person: no link to a person, party or case, no such field
    links = {f.related_model for f in DutyToNotify._meta.get_fields() if f.is_relation}
    assert links == {type(partnership.owner)}
    names = {f.name for f in DutyToNotify._meta.get_fields()}
    assert not names & {"person", "party", "case", "name", "given_name", "family_name",
                        "date_of_birth", "address", "postcode", "phone", "email", "notes"}
    assert not any(isinstance(f, models.TextField) for f in DutyToNotify._meta.get_fields())
    stored = str(list(DutyToNotify.objects.values()))
    assert "Marek" not in stored and "Woadfield" not in stored and "1994" not in stored
    # nothing on the case, the person's page or their subject access export ties it to them
    assert TimelineEntry.objects.filter(case=slavery.case).count() == timeline_before
    assert AuditEvent.objects.filter(object_type="duty-to-notify", object_id=str(notice.pk)).exists()
    assert not AuditEvent.objects.filter(object_type="case", object_id=str(slavery.case.pk),
                                         changed_fields__icontains="nrm").exists()
    page = client.get(f"/people/{slavery.adult.person_id}/").content.decode()
    case_page = client.get(f"/cases/{slavery.case.pk}/").content.decode()
    export = to_json(subject_access(slavery.adult.person, redact=False))
    for text in (page, case_page, export):
        assert "Duty to Notify record made" not in text and "duty-to-notify" not in text.lower()
    assert "No NRM referral on this case" in case_page
    # the agency sees its anonymous record; another agency does not
    assert "Labour exploitation" in client.get("/slavery/duty-to-notify/").content.decode()
    other = signed_in_client(partnership.user("outsider", "case_manager"))
    assert other.get("/api/slavery/duty-to-notify/").json() == []


def test_an_adult_whose_consent_is_not_given_either_way_is_refused_not_notified(slavery,
                                                                               signed_in_client):
    answer = signed_in_client(slavery.manager).post(f"/slavery/cases/{slavery.case.pk}/refer/",
                                                    refer_form(slavery.adult))
    assert answer.status_code == 400 and "nrm.adult_consent_required" in answer.content.decode()
    assert not DutyToNotify.objects.exists() and not NrmReferral.objects.exists()


def _referred(slavery, signed_in_client, party=None, **fields):
    client = signed_in_client(slavery.manager)
    client.post(f"/slavery/cases/{slavery.case.pk}/refer/", refer_form(party or slavery.child, **fields))
    return client, NrmReferral.objects.get(case=slavery.case)


def test_reasonable_grounds_decision_overdue_after_five_working_days(slavery, signed_in_client,
                                                                    monkeypatch):
    from django.utils import timezone

    client, referral = _referred(slavery, signed_in_client)
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 30))
    page = client.get(f"/cases/{slavery.case.pk}/").content.decode()
    assert "Target 30 December 2026" in page and "Overdue" not in page
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 31))
    assert "Overdue" in client.get(f"/cases/{slavery.case.pk}/").content.decode()


def test_recovery_period_lasts_at_least_thirty_days_from_a_positive_decision(slavery,
                                                                            signed_in_client):
    client, referral = _referred(slavery, signed_in_client)
    answer = client.post(f"/slavery/referrals/{referral.pk}/",
                         decisions_form(referral.version, rg_decided_on=datetime.date(2027, 1, 4),
                                        rg="positive", support_outcome="childrens-services"))
    assert answer.status_code == 302
    page = client.get(f"/cases/{slavery.case.pk}/").content.decode()
    assert "Recovery period to at least 2 February 2027" in page


def test_conclusive_decision_before_the_reasonable_grounds_decision_is_refused(slavery,
                                                                             signed_in_client):
    client, referral = _referred(slavery, signed_in_client)
    answer = client.post(f"/slavery/referrals/{referral.pk}/",
                         decisions_form(referral.version, rg_decided_on=datetime.date(2027, 1, 4),
                                        rg="positive", cg_decided_on=datetime.date(2027, 1, 3),
                                        cg="positive"))
    assert answer.status_code == 400 and "cannot precede" in answer.content.decode()
    referral.refresh_from_db()
    assert referral.rg_decided_on is None


def test_an_adult_support_outcome_is_refused_for_a_child(slavery, signed_in_client):
    client, referral = _referred(slavery, signed_in_client)
    answer = client.put(f"/api/slavery/referrals/{referral.pk}/",
                        {"version": referral.version, "rg_decided_on": "2026-12-23",
                         "rg_positive": True, "support_outcome": "victim-care-contract"},
                        content_type="application/json")
    assert answer.status_code == 400 and "does not apply to a child" in answer.json()["detail"]


def test_a_stale_decision_saves_nothing_and_shows_both_versions(slavery, signed_in_client):
    client, referral = _referred(slavery, signed_in_client)
    first = decisions_form(referral.version, rg_decided_on=datetime.date(2026, 12, 23), rg="positive")
    assert client.post(f"/slavery/referrals/{referral.pk}/", first).status_code == 302
    stale = decisions_form(referral.version, rg_decided_on=datetime.date(2026, 12, 24), rg="negative")
    answer = client.post(f"/slavery/referrals/{referral.pk}/", stale)
    assert answer.status_code == 409 and "Nothing was saved" in answer.content.decode()
    referral.refresh_from_db()
    assert referral.rg_decided_on == datetime.date(2026, 12, 23) and referral.rg_positive


def test_outsider_gets_404_a_limited_share_403_and_a_full_share_may_refer(slavery, partnership,
                                                                         signed_in_client):
    _, referral = _referred(slavery, signed_in_client)
    outsider = signed_in_client(partnership.user("outsider", "case_manager"))
    for path in (f"/slavery/cases/{slavery.case.pk}/refer/", f"/slavery/referrals/{referral.pk}/",
                 f"/api/cases/{slavery.case.pk}/nrm/", f"/api/slavery/referrals/{referral.pk}/"):
        assert outsider.get(path).status_code == 404, path
    share(slavery.case, partnership.partner, "limited")
    partner = signed_in_client(partnership.user("partner", "case_manager"))
    assert partner.get(f"/api/slavery/referrals/{referral.pk}/").status_code == 403
    assert partner.get(f"/slavery/cases/{slavery.case.pk}/refer/").status_code == 403
    assert "National Referral Mechanism" not in partner.get(f"/cases/{slavery.case.pk}/").content.decode()
    slavery.case.shares.update(level="full")
    made = partner.post(f"/api/cases/{slavery.case.pk}/nrm/",
                        {"party_id": slavery.adult.pk, "first_responder": "local-authority",
                         "referred_on": "2026-12-22", "exploitation_types": ["labour"],
                         "consented": True}, content_type="application/json")
    assert made.status_code == 201 and made.json()["outcome"] == "referral"
    assert figures(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))["nrm_referrals"] == 2


@pytest.mark.parametrize(("day", "words"), [("2009-01-01", "before the person's date of birth"),
                                            ("9999-12-31", "cannot be in the future"),
                                            ("2027-07-01", "cannot be in the future"),
                                            ("1899-12-31", "before 1900")])
def test_a_referral_dated_in_the_future_or_before_birth_or_1900_is_refused(slavery,
                                                                           signed_in_client,
                                                                           day, words):
    client = signed_in_client(slavery.manager)
    answer = client.post(f"/api/cases/{slavery.case.pk}/nrm/",
                         {"party_id": slavery.child.pk, "first_responder": "police",
                          "referred_on": day, "exploitation_types": ["labour"]},
                         content_type="application/json")
    assert answer.status_code == 400 and words in str(answer.json())
    on = datetime.date.fromisoformat(day)
    if on.year >= 1900 and on.year <= 2999:
        page = client.post(f"/slavery/cases/{slavery.case.pk}/refer/", refer_form(slavery.child, on))
        assert page.status_code == 400
    assert not NrmReferral.objects.filter(case=slavery.case).exists()


def test_a_conclusive_decision_before_the_end_of_the_thirty_day_recovery_period_is_refused(
        slavery, signed_in_client):
    client, referral = _referred(slavery, signed_in_client)
    rg = datetime.date(2027, 1, 4)
    early = client.post(f"/slavery/referrals/{referral.pk}/",
                        decisions_form(referral.version, rg_decided_on=rg, rg="positive",
                                       cg_decided_on=rg + datetime.timedelta(days=1),
                                       cg="positive"))
    assert early.status_code == 400 and "nrm.cg_not_before_days" in early.content.decode()
    referral.refresh_from_db()
    assert referral.cg_decided_on is None
    on_time = client.post(f"/slavery/referrals/{referral.pk}/",
                          decisions_form(referral.version, rg_decided_on=rg, rg="positive",
                                         cg_decided_on=rg + datetime.timedelta(days=29),
                                         cg="positive"))
    assert on_time.status_code == 302


def test_a_reasonable_grounds_decision_before_the_referral_is_refused_on_its_own_field(slavery):
    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.slavery import services

    client_referral = services.refer(get_case_for_user(slavery.manager, slavery.case.pk),
                                     slavery.manager, party_id=slavery.child.pk,
                                     first_responder="police", referred_on=REFERRED,
                                     exploitation_types=["labour"], consented=None)
    with pytest.raises(services.NrmRuleError) as refused:
        services.decide(get_case_for_user(slavery.manager, slavery.case.pk), slavery.manager,
                        client_referral, version=client_referral.version,
                        rg_decided_on=REFERRED - datetime.timedelta(days=1), rg_positive=True,
                        cg_decided_on=None, cg_positive=None)
    assert refused.value.field == "rg_decided_on"

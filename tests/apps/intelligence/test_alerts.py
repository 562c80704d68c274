"""Safeguarding one click away: a child runner, or a cuckooed address with a vulnerable
resident, with no open safeguarding case raises one alert to the owner agency's holders of the
intelligence flag (its flagged co-ordinators first) through the reminders run, saying nothing of
the intelligence, and never to anyone without the flag; linking an open safeguarding case clears
it."""

from __future__ import annotations

from django.test import Client

from saferplaces.apps.cases import services as case_services
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.cases.reminders import send_reminders
from saferplaces.apps.intelligence.alerts import check_safeguarding
from saferplaces.apps.intelligence.models import AlertReason, SafeguardingAlert
from tests.apps.intelligence.conftest import intelligence_user, years_ago
from tests.partnership import sign_in


def _open(entity):
    return SafeguardingAlert.objects.filter(entity=entity, cleared_at__isnull=True)


def test_child_runner_without_safeguarding_case_alerts_the_flag_holders_and_clears_when_a_case_is_opened(
        intel, partnership):
    coordinator = partnership.user("owner", "coordinator")  # no intelligence flag
    holder = intelligence_user(partnership, "owner", "practitioner")  # flag, reads cases
    run = send_reminders()
    assert run.alerts >= 2
    assert _open(intel.runner).get().reason == AlertReason.CHILD_RUNNER
    assert _open(intel.flat).get().reason == AlertReason.CUCKOOED_VULNERABLE_ADULT
    assert not _open(intel.boss).exists() and not _open(intel.dealer).exists()

    assert not Notification.objects.filter(user=coordinator).exists()
    assert not Notification.objects.filter(user=intel.analyst).exists()  # a practitioner first
    mine = Notification.objects.filter(user=holder, read_at__isnull=True)
    assert mine.count() == 2
    for note in mine:
        assert note.text.startswith("An intelligence record needs a safeguarding case")
        assert note.case is None
        for secret in ("Moth", "Granary", "Hollis", "runner", "07700", f"entities/{intel.runner.pk}"):
            assert secret not in note.text
    assert not Notification.objects.filter(user__membership__agency=partnership.agencies["partner"]
                                           ).exists()
    client = sign_in(Client(), holder)
    assert client.get("/intelligence/alerts/").status_code == 200
    assert b"needs a safeguarding case" in client.get("/notifications/").content

    assert check_safeguarding() == 0  # once
    assert Notification.objects.filter(user=holder).count() == 2

    # a case manager with the flag opens an exploitation case and links it from the runner's page
    worker = intelligence_user(partnership, "owner", "case_manager")
    case = case_services.create_case(worker, case_type_key="exploitation", title="Exploitation")
    page = sign_in(Client(), worker)
    assert page.post(f"/intelligence/entities/{intel.runner.pk}/safeguarding/",
                     {"case": case.pk}).status_code == 302
    intel.runner.refresh_from_db()
    assert intel.runner.safeguarding_case == case
    assert not _open(intel.runner).exists()
    assert _open(intel.flat).exists()
    assert Notification.objects.filter(user=holder, read_at__isnull=True).count() == 1
    assert check_safeguarding() == 0
    shown = page.get(f"/intelligence/entities/{intel.runner.pk}/").content.decode()
    assert f"/cases/{case.pk}/" in shown and case.reference in shown


def test_only_an_open_safeguarding_case_the_user_can_open_is_linked(intel, partnership):
    worker = intelligence_user(partnership, "owner", "case_manager")
    asb = case_services.create_case(worker, case_type_key="repeat-asb", title="Noise")
    page = sign_in(Client(), worker)
    refused = page.post(f"/intelligence/entities/{intel.runner.pk}/safeguarding/",
                        {"case": asb.pk})
    assert refused.status_code == 400 and b"safeguarding or exploitation case" in refused.content
    outsider_case = case_services.create_case(partnership.user("outsider", "case_manager"),
                                              case_type_key="exploitation", title="Theirs")
    refused = page.post(f"/intelligence/entities/{intel.runner.pk}/safeguarding/",
                        {"case": outsider_case.pk})
    assert refused.status_code == 400 and b"a case you can open" in refused.content
    intel.runner.refresh_from_db()
    assert intel.runner.safeguarding_case is None


def test_a_closed_case_raises_the_alert_again(intel, partnership):
    worker = intelligence_user(partnership, "owner", "case_manager")
    case = case_services.create_case(worker, case_type_key="vulnerable-child", title="Child")
    check_safeguarding()
    from saferplaces.apps.intelligence import services

    services.link_safeguarding_case(intel.runner, case, by=worker)
    assert not _open(intel.runner).exists()
    case.status = "closed"
    case.save()
    intel.runner.refresh_from_db()
    assert check_safeguarding() == 1
    assert _open(intel.runner).exists()


def test_a_coordinator_without_the_intelligence_flag_is_never_alerted(intel, partnership):
    unflagged = partnership.user("owner", "coordinator")
    check_safeguarding()
    assert not Notification.objects.filter(user=unflagged).exists()
    assert sign_in(Client(), unflagged).get("/intelligence/alerts/").status_code == 404


def test_flagged_coordinators_are_alerted_before_other_flag_holders(intel, partnership):
    lead = intelligence_user(partnership, "owner", "coordinator")
    check_safeguarding()
    assert Notification.objects.filter(user=lead).count() == 2
    assert not Notification.objects.filter(user=intel.analyst).exists()
    assert not Notification.objects.filter(user=partnership.user("owner", "coordinator")).exists()


def test_an_agency_without_a_coordinator_alerts_its_flag_holders(partnership):
    """As in the demo: the line is held by an agency with no co-ordinator."""
    from saferplaces.apps.intelligence import services

    partner = partnership.agencies["partner"]
    holder = intelligence_user(partnership, "partner", "practitioner")
    partnership.user("partner", "coordinator").delete()  # the agency has no co-ordinator
    runner = services.create_entity(agency=partner, kind="nominal", by=holder, label="Runner P",
                                    role="runner", date_of_birth=years_ago(15))
    assert check_safeguarding() == 1
    assert _open(runner).exists()
    assert Notification.objects.filter(user=holder).count() == 1
    assert not Notification.objects.filter(user__membership__agency=partner
                                           ).exclude(user=holder).exists()


def test_an_agency_whose_only_flag_holder_is_an_analyst_still_alerts_them(partnership):
    from saferplaces.apps.intelligence import services

    partner = partnership.agencies["partner"]
    analyst = intelligence_user(partnership, "partner", "analyst")
    services.create_entity(agency=partner, kind="nominal", by=analyst, label="Runner Q",
                           role="runner", date_of_birth=years_ago(14))
    assert check_safeguarding() == 1
    assert Notification.objects.filter(user=analyst).count() == 1
    assert b"Runner Q" in sign_in(Client(), analyst).get("/intelligence/alerts/").content

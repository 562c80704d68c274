"""The dashboard (mine), the overdue dashboard (my agency's, case managers) and notifications:
each list only what its reader could open."""

from __future__ import annotations

import datetime

from django.utils import timezone

from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, Notification, Referral, Risk
from tests.apps.cases.conftest import REASON

TODAY = timezone.localdate()
LAST_WEEK = TODAY - datetime.timedelta(days=7)


def section(page: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` (up to the end of its table or list)."""
    start = page.index(f'id="{element_id}"')
    ends = [page.find(tag, start) for tag in ("</table>", "</ul>")]
    return page[start:min(end for end in ends if end != -1)]


def test_my_dashboard_shows_my_tasks_my_agencys_overdue_and_referrals_waiting(world, client_of):
    manager = world.user("owner-case_manager")
    partner_manager = world.user("partner-case_manager")
    mine = world.task(agency=world.partnership.partner, user=partner_manager, title="Mine to do")
    world.task(agency=world.partnership.partner, due=LAST_WEEK, title="Anyone, and late")
    world.task(title="The police's own")
    access = get_case_for_user(manager, world.private_case.pk)
    services.refer_case(access, manager, agency=world.partnership.partner, reason=REASON)
    services.offer_transfer(get_case_for_user(manager, world.case.pk), manager,
                            agency=world.partnership.partner, reason=REASON,
                            basis="crime-and-disorder-s115")
    page = client_of("partner-case_manager").get("/dashboard/").content.decode()
    assert "Mine to do" in section(page, "my-tasks")
    assert "Anyone, and late" in section(page, "agency-tasks")
    assert "Anyone, and late" in section(page, "overdue") and "Mine to do" not in section(page, "overdue")
    assert "The police&#x27;s own" not in page and "The police's own" not in page
    assert world.private_case.reference in section(page, "new-referrals")
    assert world.case.reference in section(page, "new-transfers")
    assert f"/tasks/{mine.pk}/" in page
    # a practitioner answers no referrals: the section is not there
    practitioner = client_of("partner-practitioner").get("/dashboard/").content.decode()
    assert 'id="new-referrals"' not in practitioner


def test_high_risk_cases_are_listed_only_when_seen_in_full(world, client_of):
    Case.objects.filter(pk__in=[world.case.pk, world.limited_case.pk, world.private_case.pk]
                        ).update(risk=Risk.HIGH)
    partner = section(client_of("partner-practitioner").get("/dashboard/").content.decode(),
                      "high-risk")
    assert world.case.reference in partner
    assert world.limited_case.reference not in partner and world.private_case.reference not in partner
    owner = section(client_of("owner-practitioner").get("/dashboard/").content.decode(), "high-risk")
    for case in (world.case, world.limited_case, world.private_case):
        assert case.reference in owner
    outsider = section(client_of("outsider-case_manager").get("/dashboard/").content.decode(),
                       "high-risk")
    assert "None." in outsider


def test_the_overdue_dashboard_shows_each_agency_its_own_late_work(world, client_of):
    late = world.task(agency=world.partnership.partner, due=LAST_WEEK, title="Partner is late")
    world.task(due=TODAY, title="Due today, not late")
    manager = world.user("owner-case_manager")
    referral = services.refer_case(get_case_for_user(manager, world.private_case.pk), manager,
                                   agency=world.partnership.partner, reason=REASON)
    Referral.objects.filter(pk=referral.pk).update(respond_by=LAST_WEEK)

    owner = client_of("owner-case_manager").get("/dashboard/overdue/").content.decode()
    assert "Partner is late" in section(owner, "overdue-others")
    assert "Partner is late" not in section(owner, "overdue-ours")
    assert world.private_case.reference in section(owner, "overdue-referrals-from-us")
    assert "Due today" not in owner

    partner = client_of("partner-case_manager").get("/dashboard/overdue/").content.decode()
    assert "Partner is late" in section(partner, "overdue-ours")
    assert world.private_case.reference in section(partner, "overdue-referrals-to-us")
    assert f"/tasks/{late.pk}/" in partner

    outsider = client_of("outsider-case_manager").get("/dashboard/overdue/").content.decode()
    assert "Partner is late" not in outsider and world.private_case.reference not in outsider
    assert client_of("partner-practitioner").get("/dashboard/overdue/").status_code == 403


def test_notifications_are_marked_read_only_by_their_own_reader(world, client_of):
    mine = Notification.objects.create(user=world.user("owner-case_manager"), case=world.case,
                                       text=f"New task on case {world.case.reference}")
    other = Notification.objects.create(user=world.user("owner-practitioner"), case=world.case,
                                        text="Someone else's")
    client = client_of("owner-case_manager")
    page = client.get("/dashboard/").content.decode()
    assert "Unread notifications (1)" in page and "Someone else" not in page
    assert client.post(f"/notifications/{other.pk}/read/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/read/", {"next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    assert client.post(f"/notifications/{mine.pk}/read/",
                       {"next": "https://elsewhere.example/"})["Location"] == "/notifications/"
    assert "Unread notifications (0)" in client.get("/dashboard/").content.decode()


def test_marking_all_read_leaves_other_peoples_notifications_alone(world, client_of):
    for _ in range(3):
        Notification.objects.create(user=world.user("partner-practitioner"), text="One")
    Notification.objects.create(user=world.user("partner-case_manager"), text="Theirs")
    client_of("partner-practitioner").post("/notifications/read-all/")
    assert Notification.objects.filter(read_at__isnull=True).values_list("text", flat=True).get() == "Theirs"

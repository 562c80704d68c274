"""The audit log page in a real headless Chromium: an administrator searches, pages and finds
the download link, on a page that keeps to the Content Security Policy (the flush after this
transactional test also shows the append-only triggers do not get in the test's way)."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.test import Client

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.audit.services import record
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.partnership import make_partnership, sign_in

pytestmark = BROWSER_MARKS


def test_an_administrator_searches_the_log_in_a_browser(transactional_db, live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    partnership = make_partnership()
    for i in range(55):
        record("view", user=partnership.user("owner", "practitioner"), object_type="case", object_id=i,
               reason="weekly review")
    record("update", user=partnership.user("partner", "case_manager"), object_type="case", object_id=7,
           fields=["status"])
    client = sign_in(Client(), partnership.users["site-admin"])
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                                  "url": live_server.url}])
            policy = PolicyWatch()
            policy.attach(context)
            page = context.new_page()
            page.goto(f"{live_server.url}/audit/")
            assert page.locator("#events tbody tr").count() == 50
            page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
            page.get_by_role("link", name="Next page").click()
            assert page.locator("#events tbody tr").count() >= 7

            page.fill("#id_object_id", "7")
            page.select_option("#id_action", "update")
            page.get_by_role("button", name="Search").click()
            assert page.locator("#events tbody tr").count() == 1
            assert "partner-case_manager" in page.locator("#events").inner_text()
            assert "fields: status" in page.locator("#events").inner_text()
            link = page.locator("#export-link").get_attribute("href")
            assert link is not None and "object_id=7" in link and "action=update" in link
            policy.assert_kept()
        finally:
            browser.close()
    assert AuditEvent.objects.filter(action="update").count() == 1

"""Upload data in a real headless Chromium: an analyst uploads the zip police.uk gives and sees
what each month's file added."""

from __future__ import annotations

from django.conf import settings as django_settings

from saferplaces.apps.incidents.models import Incident
from tests.apps.uploads.conftest import IMMEDIATE, POLICE_ZIP
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.partnership import sign_in

pytestmark = BROWSER_MARKS


def test_an_analyst_uploads_a_police_uk_zip_and_sees_its_counts(transactional_db, live_server, client,
                                                               partnership, settings, tmp_path):
    from playwright.sync_api import sync_playwright

    settings.TASKS = IMMEDIATE  # the load runs within the upload's request
    sign_in(client, partnership.user("owner", "analyst"))
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                                  "url": live_server.url}])
            policy = PolicyWatch()
            policy.attach(context)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/uploads/")
            page.locator("label[for='upload-kind']").click()
            page.set_input_files("#upload-file", files=[{"name": "essex-2024.zip", "mimeType": "application/zip",
                                                         "buffer": POLICE_ZIP}])
            page.click("button:has-text('Upload and load')")
            page.wait_for_selector("#upload-counts", timeout=20_000)
            assert page.locator("#upload-status-tag").text_content() == "Loaded"
            rows = page.locator("#upload-counts tbody tr").all_inner_texts()
            assert [row.split("\t")[:3] for row in rows] == [
                ["2024-01/2024-01-essex-street.csv", "2", "2"],
                ["2024-03/2024-03-essex-street.csv", "5", "5"],
                ["Total", "7", "7"]]
            page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)
        finally:
            browser.close()

    assert errors == []
    policy.assert_kept()
    assert Incident.objects.count() == 7

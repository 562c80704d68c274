"""In a real headless Chromium: an analyst opens the time-of-day heat table on the Explore
page, downloads it as CSV (the same cells as the page), then adds a recommendation and reports
its progress, with no script error and no Content Security Policy violation."""

from __future__ import annotations

import csv
import datetime as dt

from django.conf import settings as django_settings

from saferplaces.apps.assessments.models import Recommendation
from saferplaces.apps.incidents.models import Incident, Precision
from tests.apps.assessments.conftest import first_result, store_run
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.partnership import sign_in

pytestmark = BROWSER_MARKS


def test_heat_table_csv_and_a_recommendation_tracked_in_the_browser(
        transactional_db, live_server, client, partnership, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    for i, hour in enumerate((8, 8, 17)):  # Tuesday 5 March 2024, GMT
        Incident.objects.create(source="council-asb", source_ref=f"B{i}", category="Noise nuisance",
                                month=dt.date(2024, 3, 1), precision=Precision.MINUTE,
                                occurred=dt.datetime(2024, 3, 5, hour, 10 + i, tzinfo=dt.UTC))
    Incident.objects.create(source="police-uk", source_ref="P1", category="Burglary", month=dt.date(2024, 3, 1),
                            occurred=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), precision=Precision.MONTH)
    store_run(first_result())
    sign_in(client, partnership.users["owner-analyst"])
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
            context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                                  "url": live_server.url}])
            policy = PolicyWatch()
            policy.attach(context)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

            page.goto(f"{live_server.url}/explore/")
            expect(page.locator("#heat-empty")).to_be_visible()  # police.uk first: month only
            page.locator("#source").select_option("council-asb")
            page.click("button:has-text('Show')")
            heat = page.locator("#heat-table")
            expect(heat).to_be_visible()
            assert heat.locator("tbody tr").nth(8).locator("td").nth(1).text_content() == "2"  # Tuesday 08:00
            page.screenshot(path=str(tmp_path / "explore.png"), full_page=True)

            with page.expect_download() as download_info:
                page.click("#heat-csv")
            rows = list(csv.reader(download_info.value.path().read_text(encoding="utf-8").splitlines()))
            assert rows[0][:3] == ["Time of day", "Monday", "Tuesday"]
            assert rows[9][2] == "2" and rows[18][2] == "1" and rows[-1][-1] == "3"

            page.goto(f"{live_server.url}/assessments/entries/")
            page.locator("#recommendation-finding").select_option("theme:violence")
            page.fill("#recommendation-text", "Fund street marshals on Friday nights")
            page.fill("#recommendation-owner", "Night-time economy group")
            page.locator("#recommendation-agency").select_option(label="Colchester City Council")
            page.click("button:has-text('Add the recommendation')")
            page.wait_for_url("**/assessments/entries/#recommendations")

            page.click("#track-recommendations")
            page.click("text=Fund street marshals on Friday nights")
            expect(page.locator("#recommendation-status")).to_have_text("Not started")
            page.locator("label[for='progress-status-2']").click()
            page.fill("#progress-note", "Marshals funded from the PCC's fund")
            page.click("button:has-text('Save the progress')")
            expect(page.locator("#recommendation-status")).to_have_text("In progress")
            expect(page.locator("#progress-table")).to_contain_text("Marshals funded from the PCC's fund")
            page.screenshot(path=str(tmp_path / "recommendation.png"), full_page=True)
        finally:
            browser.close()

    assert Recommendation.objects.get().status == "in-progress"
    assert errors == []
    policy.assert_kept()

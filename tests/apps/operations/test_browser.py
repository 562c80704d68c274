"""In a real headless Chromium (Debian's): record an operation with activity through the pages
and open its one-page result; no script error, no breach of the Content Security Policy."""

from __future__ import annotations

from tests.apps.operations.conftest import START
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.web.test_browser import signed_in_page

pytestmark = BROWSER_MARKS


def fill_day(page, prefix: str, day) -> None:
    page.fill(f"#{prefix}-day", str(day.day))
    page.fill(f"#{prefix}-month", str(day.month))
    page.fill(f"#{prefix}-year", str(day.year))


def test_record_an_operation_with_activity_and_open_its_one_page_result(
        transactional_db, partnership, town, live_server):
    from playwright.sync_api import expect, sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, live_server, partnership.user("owner", "practitioner"))
            policy = PolicyWatch()
            policy.attach(page)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/operations/")
            page.click("#record-operation")
            page.fill("#name", "Operation Nightjar")
            page.get_by_label("Town-centre operation").check()
            page.fill("#purpose", "Cut anti-social behaviour and criminal damage")
            page.get_by_label("Anti-social behaviour").check()
            page.get_by_label("Criminal damage and arson").check()
            page.get_by_label("Neighbourhood 11 (Neighbourhood)").check()
            fill_day(page, "start", START)
            fill_day(page, "end", START.replace(month=10, day=31))
            page.get_by_label("Colchester City Council").check()
            page.click("#save-operation")
            expect(page.locator("h1")).to_have_text("Operation Nightjar")
            fill_day(page, "activity-day", START)
            page.select_option("#activity-kind", "patrols")
            page.fill("#activity-amount", "36")
            page.click("#record-activity")
            expect(page.locator("#activity-totals")).to_contain_text("36 patrols")
            page.click("#result-link")
            expect(page.locator("#result-headline")).to_contain_text("Operation Nightjar",
                                                                      timeout=30_000)
            expect(page.locator("#result-activity")).to_contain_text("36 patrols")
            expect(page.locator("#synthetic-label")).to_be_visible()
            assert page.locator("img[src^='data:image/svg+xml']").count() == 1
        finally:
            browser.close()
    assert errors == []
    policy.assert_kept()

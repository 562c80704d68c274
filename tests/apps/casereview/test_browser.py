"""The ASB Case Review on a case page in a real headless Chromium: an Essex Police officer and
a council practitioner record complaints from the same complainant; after the second (within
six months) the page asks staff to explain the Case Review, and after the third qualifying
complaint (across the two agencies) it shows the Case Review flag. No script error and no
Content Security Policy violation on any page."""

from __future__ import annotations

from typing import Any

from saferplaces.apps.casereview.models import Complaint
from tests.apps.casereview.conftest import days_ago
from tests.apps.cases.test_browser import edit_page
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch

pytestmark = BROWSER_MARKS


def record_complaint(page: Any, base: str, case: Any, who: str, reported: int,
                     behaviour: int) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/cases/{case.pk}/")
    page.click("text=Record a complaint")
    expect(page.locator("h1")).to_have_text("Record a complaint")
    page.select_option("#id_complainant", label=who)
    for name, day in (("behaviour_on", days_ago(behaviour)), ("reported_on", days_ago(reported))):
        page.fill(f"#id_{name}-day", str(day.day))
        page.fill(f"#id_{name}-month", str(day.month))
        page.fill(f"#id_{name}-year", str(day.year))
    page.check("input[name=channel][value=telephone]")
    page.click("button:has-text('Record the complaint')")
    page.wait_for_url(f"{base}/cases/{case.pk}/")


def test_case_review_flag_after_the_third_complaint_and_prompt_after_the_second(
        transactional_db, live_server, asb):
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    errors: list[str] = []
    policy = PolicyWatch()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            police = edit_page(browser, base, asb.police, policy, errors)
            council = edit_page(browser, base, asb.council, policy, errors)

            record_complaint(police, base, asb.case, "Vera Victim", 70, 72)
            expect(police.locator("#complaint-list")).to_contain_text("Qualifies")
            expect(police.locator("#case-review-prompt")).to_have_count(0)
            expect(police.locator("#case-review-flag")).to_have_count(0)

            record_complaint(council, base, asb.case, "Vera Victim", 30, 31)
            expect(council.locator("#case-review-prompt")).to_be_visible()
            expect(council.locator("#case-review-prompt")).to_contain_text(
                "Vera Victim reported again")
            expect(council.locator("#case-review-flag")).to_have_count(0)
            expect(council.locator("#case-review-count")).to_contain_text("2 of 3")

            record_complaint(police, base, asb.case, "Vera Victim", 3, 5)
            expect(police.locator("#case-review-flag")).to_be_visible()
            expect(police.locator("#case-review-flag")).to_contain_text(
                "ASB Case Review threshold met")

            # the prompt stays until someone records that they explained the Case Review
            police.click("#case-review-prompt >> text=record that you explained it")
            police.check("input[name=how][value=telephone]")
            police.click("button:has-text('Record the explanation')")
            police.wait_for_url(f"{base}/cases/{asb.case.pk}/")
            expect(police.locator("#case-review-prompt")).to_have_count(0)
            expect(police.locator("#explanations")).to_contain_text("Vera Victim")
        finally:
            browser.close()
    assert Complaint.objects.filter(case=asb.case).count() == 3
    assert errors == []
    policy.assert_kept()

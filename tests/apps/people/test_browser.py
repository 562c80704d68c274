"""A person's record edited by two people at once, in a real headless Chromium: the second save
is refused (nothing saved), the page shows the record as it is now next to the second person's
changes, and once they carry the first person's change into their form and save, both edits are
kept. No script error and no Content Security Policy violation on any page."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.test import Client

from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.partnership import sign_in

pytestmark = BROWSER_MARKS

WAIT = 15_000  # ms: generous for a shared machine, bounded so a broken page fails quickly
PHONE = "01206 500100"
NOTE = "Prefers contact through his support worker"


def console_error(message: Any) -> str:
    """A console error with the address it came from (a failed load names the resource)."""
    return f"{message.location.get('url', '')} {message.text}"


def window_of(browser: Any, base: str, user: Any, policy: PolicyWatch, errors: list[str]) -> Any:
    """A new browser window signed in as ``user`` (session from the test client)."""
    client = sign_in(Client(), user)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                          "url": base}])
    policy.attach(context)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.on("console", lambda m: errors.append(console_error(m)) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return page


def test_two_people_editing_the_same_person_do_not_lose_either_edit(
        transactional_db, live_server, world, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    john = world.john
    version = john.version
    base = live_server.url
    edit = f"{base}/people/{john.pk}/edit/"
    errors: list[str] = []
    policy = PolicyWatch()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            first = window_of(browser, base, world.partnership.user("owner", "case_manager"),
                              policy, errors)
            second = window_of(browser, base, world.partnership.user("owner", "practitioner"),
                               policy, errors)
            for page in (first, second):
                page.goto(edit)
                expect(page.locator("#id_given_name")).to_have_value("John")
                expect(page.locator("#id_phone")).to_have_value("")

            first.fill("#id_phone", PHONE)
            first.click("main button:has-text('Save')")
            first.wait_for_url(f"{base}/people/{john.pk}/")
            expect(first.locator("main")).to_contain_text("Details saved")

            second.fill("#id_notes", NOTE)
            second.click("main button:has-text('Save')")
            expect(second.locator("#conflict")).to_contain_text("Nothing was saved")
            now = second.locator("#current-version")
            expect(now.locator(".govuk-summary-list__row", has_text="Phone")).to_contain_text(PHONE)
            expect(now.locator(".govuk-summary-list__row", has_text="Notes")).to_contain_text(
                "Not recorded")
            expect(second.locator("#id_notes")).to_have_value(NOTE)  # their changes kept in the form
            expect(second.locator("#id_phone")).to_have_value("")
            second.screenshot(path=str(tmp_path / "person-conflict.png"), full_page=True)
            john.refresh_from_db()
            assert (john.phone, john.notes, john.version) == (PHONE, "", version + 1)

            # they carry the other change into their form and save again
            shown = now.locator(".govuk-summary-list__row", has_text="Phone")
            second.fill("#id_phone", shown.locator("dd").text_content().strip())
            second.click("main button:has-text('Save')")
            second.wait_for_url(f"{base}/people/{john.pk}/")
            expect(second.locator("main")).to_contain_text("Details saved")
        finally:
            browser.close()

    john.refresh_from_db()
    assert (john.phone, john.notes, john.version) == (PHONE, NOTE, version + 2)
    # the refused save is an answer (409), not a script error
    assert [e for e in errors if not (e.startswith(f"{edit} ") and "status of 409" in e)] == []
    policy.assert_kept()

"""Signing in, in a real headless Chromium: setting up an authenticator app from the page (its
key read off the page, as a person types it into their phone), the recovery codes, signing out
and in again with password and code, then a lockout after five wrong passwords. No script error
and no Content Security Policy violation on any page."""

from __future__ import annotations

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP

from tests.apps.accounts.conftest import PASSWORD, make_person
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch

pytestmark = BROWSER_MARKS


def app_code(key: bytes, *, after: int | None = None) -> tuple[str, int]:
    """The code an authenticator app holding ``key`` shows now, or in the step after ``after``
    when that step's code was used already; with its time step."""
    totp = TOTP(key)
    totp.time = time.time()
    if after is not None and totp.t() <= after:
        totp.time = (after + 1) * totp.step
    return f"{totp.token():06d}", totp.t()


def test_enrol_sign_out_sign_in_with_a_code_then_get_locked_out(transactional_db, live_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    make_person("alice")
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            policy = PolicyWatch()
            policy.attach(context)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

            # asking for a page sends the person to sign in, and back to it at the end
            page.goto(f"{live_server.url}/assessments/entries/")
            expect(page.locator("h1")).to_have_text("Sign in")
            page.fill("#id_username", "alice")
            page.fill("#id_password", PASSWORD)
            page.click("button:has-text('Sign in')")

            expect(page.locator("h1")).to_have_text("Set up your authenticator app")
            assert page.locator("main svg.sp-qr path").count() == 1
            page.screenshot(path=str(tmp_path / "set-up.png"), full_page=True)
            secret = page.locator("#secret-key").text_content().replace(" ", "")
            key = b32decode(secret + "=" * (-len(secret) % 8))
            code, used_step = app_code(key)
            page.fill("#id_code", code)
            page.click("button:has-text('Continue')")

            expect(page.locator("h1")).to_have_text("Your recovery codes")
            codes = page.locator("#recovery-codes li").all_text_contents()
            assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
            page.screenshot(path=str(tmp_path / "recovery-codes.png"), full_page=True)
            page.click("text=I have saved these codes")
            page.wait_for_url("**/assessments/entries/")

            page.click("button:has-text('Sign out')")
            expect(page.locator("h1")).to_have_text("You have signed out")

            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "alice")
            page.fill("#id_password", PASSWORD)
            page.click("button:has-text('Sign in')")
            expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")
            code, used_step = app_code(key, after=used_step)
            page.fill("#id_code", code)
            page.click("button:has-text('Continue')")
            page.wait_for_url("**/assessments/")
            expect(page.locator(".sp-account")).to_contain_text("Signed in as")
            page.click("button:has-text('Sign out')")

            for attempt in range(5):
                page.goto(f"{live_server.url}/accounts/login/")
                page.fill("#id_username", "alice")
                page.fill("#id_password", f"not the password {attempt}")
                page.click("button:has-text('Sign in')")
                if attempt < 4:
                    expect(page.locator(".govuk-error-summary")).to_be_visible()
            expect(page.locator("h1")).to_have_text("You cannot sign in at the moment")
            expect(page.locator("#try-again")).to_contain_text("(in 30 minutes)")
            page.screenshot(path=str(tmp_path / "locked-out.png"), full_page=True)

            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "alice")
            page.fill("#id_password", PASSWORD)
            page.click("button:has-text('Sign in')")
            expect(page.locator("h1")).to_have_text("You cannot sign in at the moment")
        finally:
            browser.close()

    # the error responses themselves (the lockout page is a 429) are not script errors
    errors = [e for e in errors if "status of 429" not in e]
    assert errors == []
    policy.assert_kept()

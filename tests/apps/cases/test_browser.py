"""Cases in a real headless Chromium, as the people of three agencies use them.

- An Essex Police case manager signs in for the first time (password, then an authenticator app
  set up from the page), adds "Jon Smyth" when John Smith (same date of birth) is already held,
  is offered the existing record and uses it, opens a repeat anti-social behaviour case with John
  as a party, and shares it with the council: refused while no lawful basis covers John (the
  page names him), accepted with one, which is recorded.
- A council practitioner finds the case on their list and opens it (and in search and the API).
- A Suffolk Fire and Rescue case manager cannot find it: search gives the same empty answer as
  for a name nobody holds, its address gives 404, and so does the API, with the session and with
  a token.
- Two Essex Police users edit the same case at once: the second save is refused and shows both
  versions; nothing is lost.

No script error and no Content Security Policy violation on any page.
"""

from __future__ import annotations

import datetime
import re
import time
from base64 import b32decode
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_otp.oath import TOTP

from saferplaces.apps.cases.models import Case, CaseShare, Party
from saferplaces.apps.people.models import Person
from tests.apps.cases.conftest import open_case
from tests.apps.people.conftest import make_person
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.partnership import sign_in

pytestmark = BROWSER_MARKS

PASSWORD = "correct horse battery staple"
WAIT = 15_000  # ms: generous for a shared machine, bounded so a broken page fails quickly
NOBODY = "Zebedee Quarrington"  # a name nobody in the partnership holds


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The production hasher takes about half a second a password on purpose; tests need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def with_password(user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    return user


def app_code(secret: str) -> str:
    """The code an authenticator app set up with ``secret`` (as shown on the page) shows now."""
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = time.time()
    return f"{totp.token():06d}"


def console_error(message: Any) -> str:
    """A console error with the address it came from (a failed load names the resource)."""
    return f"{message.location.get('url', '')} {message.text}"


def sign_in_for_the_first_time(page: Any, base: str, username: str) -> None:
    """Password, then the authenticator app set up from the key on the page, then the recovery
    codes, as a new user does."""
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page.locator("h1")).to_have_text("Set up your authenticator app", timeout=WAIT)
    secret = page.locator("#secret-key").text_content().replace(" ", "")
    page.fill("#id_code", app_code(secret))
    page.click("button:has-text('Continue')")
    expect(page.locator("h1")).to_have_text("Your recovery codes", timeout=WAIT)
    page.click("text=I have saved these codes")
    expect(page.locator(".sp-account")).to_contain_text("Signed in as", timeout=WAIT)


def sign_out(page: Any) -> None:
    from playwright.sync_api import expect

    page.click("button:has-text('Sign out')")
    expect(page.locator("h1")).to_have_text("You have signed out", timeout=WAIT)


def search_counts(page: Any, base: str, term: str) -> tuple[str, str, str]:
    """The three result headings ("People (0)", "Cases (0)", "Places (0)") for ``term``."""
    from playwright.sync_api import expect

    page.goto(f"{base}/search/")
    page.fill("#id_term", term)
    page.click("#search-form button[type=submit]")
    expect(page.locator("h2#cases")).to_be_visible(timeout=WAIT)
    return (page.locator("h2#people").text_content().strip(),
            page.locator("h2#cases").text_content().strip(),
            page.locator("h2#places").text_content().strip())


def test_a_case_is_shared_with_a_partner_and_a_third_agency_cannot_find_it(
        transactional_db, live_server, partnership, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    manager = with_password(partnership.user("owner", "case_manager"))
    council = with_password(partnership.user("partner", "practitioner"))
    fire = with_password(partnership.user("outsider", "case_manager"))
    john = make_person(partnership.owner, "John", "Smith", born=datetime.date(1990, 3, 4),
                       address="12 High Street, Colchester", postcode="CO1 1AA")
    people_before = Person.objects.count()
    base = live_server.url
    errors: list[str] = []
    expected_404s: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            policy = PolicyWatch()
            policy.attach(context)
            page = context.new_page()
            page.set_default_timeout(WAIT)
            page.on("console", lambda m: errors.append(console_error(m)) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

            # --- Essex Police: the duplicate check offers John Smith for "Jon Smyth"
            sign_in_for_the_first_time(page, base, manager.username)
            page.goto(f"{base}/people/new/")
            page.fill("#id_given_name", "Jon")
            page.fill("#id_family_name", "Smyth")
            page.fill("#id_date_of_birth-day", "4")
            page.fill("#id_date_of_birth-month", "3")
            page.fill("#id_date_of_birth-year", "1990")
            page.click("button:has-text('Check and add')")
            expect(page.locator("#duplicates")).to_be_visible()
            expect(page.locator("#visible-matches")).to_contain_text("John Smith, born 4 March 1990")
            page.screenshot(path=str(tmp_path / "duplicate-check.png"), full_page=True)
            assert Person.objects.count() == people_before  # nothing added before the user chooses
            page.click("#visible-matches >> text=use this record")
            expect(page.locator("h1")).to_have_text("John Smith")
            assert page.url == f"{base}/people/{john.pk}/"

            # --- a repeat ASB case with John as a party
            page.goto(f"{base}/cases/")
            page.click("text=Open a case")
            page.select_option("#id_case_type", "repeat-asb")
            page.fill("#id_title", "Noise and threats on Elm Estate")
            page.click("button:has-text('Open the case')")
            expect(page.locator("h1")).to_contain_text("Noise and threats on Elm Estate")
            case = Case.objects.get()
            assert page.url == f"{base}/cases/{case.pk}/"
            assert case.case_type == "repeat-asb" and case.owner_agency == partnership.owner
            page.click("text=Add a party")
            page.select_option("#id_person", label="John Smith")
            page.check("input[name=role][value=victim]")
            page.click("button:has-text('Add the party')")
            expect(page.locator("main")).to_contain_text("John Smith: victim")
            assert Party.objects.filter(case=case, person=john, role="victim").exists()

            # --- sharing: refused without a basis (naming John), then made with one
            page.click("a:has-text('Share')")
            page.select_option("#id_agency", label="Colchester City Council")
            page.check("input[name=level][value=full]")
            page.select_option("#id_basis", "")
            page.click("button:has-text('Share the case')")
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            refusal = page.locator("#basis-check tbody tr", has_text="John Smith")
            expect(refusal).to_contain_text("No")
            page.screenshot(path=str(tmp_path / "share-refused.png"), full_page=True)
            assert not CaseShare.objects.filter(case=case).exists()
            page.select_option("#id_basis", "crime-and-disorder-s115")
            page.click("button:has-text('Share the case')")
            page.wait_for_url(f"{base}/cases/{case.pk}/")
            expect(page.locator("main")).to_contain_text("Colchester City Council")
            made = CaseShare.objects.get(case=case)
            assert (made.agency, made.level, made.basis, made.override_reason) == (
                partnership.partner, "full", "crime-and-disorder-s115", "")
            page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
            sign_out(page)

            # --- the council: on their list, opens, found by search and the API
            sign_in_for_the_first_time(page, base, council.username)
            page.goto(f"{base}/cases/")
            page.click(f"#cases >> text={case.reference}")
            expect(page.locator("h1")).to_have_text(
                f"Case {case.reference}: Noise and threats on Elm Estate")
            expect(page.locator("main")).to_contain_text("John Smith")
            assert search_counts(page, base, case.reference)[1] == "Cases (1)"
            assert page.request.get(f"{base}/api/cases/{case.pk}/").status == 200
            sign_out(page)

            # --- Suffolk Fire and Rescue: nothing to find, by search, address or API
            sign_in_for_the_first_time(page, base, fire.username)
            nothing = search_counts(page, base, NOBODY)
            assert nothing == ("People (0)", "Cases (0)", "Places (0)")
            for term in (case.reference, "Elm Estate", "John Smith", "Smith"):
                assert search_counts(page, base, term) == nothing, term
            page.goto(f"{base}/cases/")
            expect(page.locator("#cases caption")).to_have_text("0 cases")
            response = page.goto(f"{base}/cases/{case.pk}/")
            expected_404s.append(f"{base}/cases/{case.pk}/")
            assert response is not None and response.status == 404
            assert case.reference not in page.content() and "Elm Estate" not in page.content()
            for address in (f"/cases/{case.pk}/share/", f"/people/{john.pk}/"):
                response = page.goto(f"{base}{address}")
                expected_404s.append(f"{base}{address}")
                assert response is not None and response.status == 404, address
            assert page.request.get(f"{base}/api/cases/{case.pk}/").status == 404
            assert page.request.get(f"{base}/api/people/{john.pk}/").status == 404

            page.goto(f"{base}/api/token/")
            page.click("button:has-text('Create a token')")
            key = (page.locator("#api-token-key").text_content() or "").strip()
            assert re.fullmatch(r"[0-9a-f]{40}", key)
            api = playwright.request.new_context(
                base_url=base, extra_http_headers={"Authorization": f"Token {key}"})
            try:
                assert api.get("/api/me/").status == 200  # the token works ...
                assert api.get(f"/api/cases/{case.pk}/").status == 404  # ... but finds nothing
                listed = api.get("/api/cases/")
                assert listed.status == 200 and case.reference not in listed.text()
            finally:
                api.dispose()
            sign_out(page)
        finally:
            browser.close()

    # the answers asked for are not script errors: the refused share (400), the outsider's
    # pages (404; Django's plain "Not Found" page has no icon, so Chromium asks for
    # /favicon.ico). Anything else is.
    answered = {f"{base}/cases/{case.pk}/share/", f"{base}/favicon.ico", *expected_404s}
    assert [e for e in errors if not (e.startswith(tuple(f"{u} " for u in answered))
                                      and "Failed to load resource" in e)] == []
    policy.assert_kept()


def edit_page(browser: Any, base: str, user: Any, policy: PolicyWatch, errors: list[str]) -> Any:
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


def test_two_people_editing_the_same_case_do_not_lose_either_edit(
        transactional_db, live_server, partnership, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    first = partnership.user("owner", "case_manager")
    second = partnership.user("owner", "practitioner")
    case = open_case(first, title="Noise on Elm Estate")
    version = case.version
    base = live_server.url
    errors: list[str] = []
    policy = PolicyWatch()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            mine = edit_page(browser, base, first, policy, errors)
            theirs = edit_page(browser, base, second, policy, errors)
            for page in (mine, theirs):
                page.goto(f"{base}/cases/{case.pk}/edit/")
                expect(page.locator("#id_title")).to_have_value("Noise on Elm Estate")

            mine.fill("#id_title", "Noise and threats on Elm Estate")
            mine.click("button:has-text('Save changes')")
            mine.wait_for_url(f"{base}/cases/{case.pk}/")
            expect(mine.locator("h1")).to_contain_text("Noise and threats on Elm Estate")

            theirs.fill("#id_summary", "Music until 3am most nights; two neighbours threatened")
            theirs.check("input[name=risk][value=high]")
            theirs.click("button:has-text('Save changes')")
            expect(theirs.locator("#conflict")).to_be_visible()
            expect(theirs.locator("#conflict")).to_contain_text("Nothing was saved")
            versions = theirs.locator("#conflict-versions")
            title_row = versions.locator("tr", has_text="Title")
            expect(title_row.locator("td").nth(0)).to_have_text("Noise on Elm Estate")
            expect(title_row.locator("td").nth(1)).to_have_text("Noise and threats on Elm Estate")
            summary_row = versions.locator("tr", has_text="Summary")
            expect(summary_row.locator("td").nth(0)).to_have_text(
                "Music until 3am most nights; two neighbours threatened")
            expect(summary_row.locator("td").nth(1)).to_have_text("(empty)")
            theirs.screenshot(path=str(tmp_path / "case-conflict.png"), full_page=True)
            case.refresh_from_db()
            assert (case.title, case.summary, case.risk, case.version) == (
                "Noise and threats on Elm Estate", "", "standard", version + 1)

            # start again from the saved version and make the change again
            theirs.click("text=Start again from the saved version")
            expect(theirs.locator("#conflict")).to_have_count(0)
            expect(theirs.locator("#id_title")).to_have_value("Noise and threats on Elm Estate")
            theirs.fill("#id_summary", "Music until 3am most nights; two neighbours threatened")
            theirs.check("input[name=risk][value=high]")
            theirs.click("button:has-text('Save changes')")
            theirs.wait_for_url(f"{base}/cases/{case.pk}/")
        finally:
            browser.close()

    case.refresh_from_db()
    assert (case.title, case.summary, case.risk, case.version) == (
        "Noise and threats on Elm Estate", "Music until 3am most nights; two neighbours threatened",
        "high", version + 2)
    # the refused save is an answer (409), not a script error
    assert [e for e in errors if not (e.startswith(f"{base}/cases/{case.pk}/edit/ ")
                                      and "status of 409" in e)] == []
    policy.assert_kept()

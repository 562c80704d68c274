"""Pages reflow on a phone: at 320 CSS pixels wide (WCAG 2.2 success criterion 1.4.10, Reflow)
nothing makes the page itself scroll sideways. Wide tables and the map scroll inside their own
region instead."""

from __future__ import annotations

import json

from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_MARKS

PHONE = {"width": 320, "height": 640}

#: The pages checked, and who opens them (each page answers that user with its full content).
PAGES = [("/", "analyst"), ("/map/", "analyst"), ("/cases/", "case_manager"), ("/assessments/", "analyst")]

_WIDEST = """() => {
  const page = document.scrollingElement;
  const beyond = (element) => element.getBoundingClientRect().right > window.innerWidth + 0.5;
  // the outermost elements reaching past the screen's edge: the ones whose width is the cause
  const offenders = [...document.querySelectorAll("body *")]
    .filter((element) => beyond(element) && !beyond(element.parentElement))
    .slice(0, 5)
    .map((element) => element.tagName.toLowerCase() + "." + [...element.classList].join("."));
  return {scrollWidth: page.scrollWidth, innerWidth: window.innerWidth, offenders};
}"""


def test_no_page_scrolls_sideways_on_a_320_pixel_phone(transactional_db, partnership, small_store,
                                                      live_server):
    from django.test import Client
    from playwright.sync_api import sync_playwright
    from tests.partnership import sign_in

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            contexts = {}
            for role in {role for _, role in PAGES}:
                session = sign_in(Client(), partnership.user("owner", role)).cookies["sessionid"].value
                context = browser.new_context(viewport=PHONE)
                context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
                contexts[role] = context.new_page()
            wide = {}
            for path, role in PAGES:
                page = contexts[role]
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (path, role)
                assert page.url.startswith(f"{live_server.url}{path}"), page.url  # not sent to sign in
                page.wait_for_load_state("load")
                measured = page.evaluate(_WIDEST)
                if measured["scrollWidth"] > measured["innerWidth"]:
                    wide[path] = measured
            assert wide == {}, json.dumps(wide, indent=1)
        finally:
            browser.close()

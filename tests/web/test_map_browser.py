"""The one map in a real headless Chromium (no background tiles): the case-locations layer
switched on with its checkbox shows the owner agency's case place, and nothing to an outsider
agency, on the map and in the text list under it."""

from __future__ import annotations

from tests.apps.cases.conftest import open_case
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.web.test_browser import signed_in_page

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.places import services

pytestmark = BROWSER_MARKS


def test_case_layer_shows_the_place_to_the_owner_and_nothing_to_an_outsider_agency(
        transactional_db, partnership, small_store, live_server, settings):
    from playwright.sync_api import expect, sync_playwright

    settings.SAFERPLACES_TILE_URL = ""
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, title="Noise at a flat")
    place = services.create_place(manager, name="14 Elm Road", kind="address", x=599500.0, y=225100.0)
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    errors: list[str] = []
    policy = PolicyWatch()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # The owner: switch the layer on with its checkbox, no reload.
            page = signed_in_page(browser, live_server, manager)
            policy.attach(page)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/map/")
            expect(page.locator("#map-status")).to_contain_text("drawn", timeout=15_000)
            assert page.locator("path.sp-layer--case-locations").count() == 0
            page.locator("#layer-case-locations").check()
            page.wait_for_selector("path.sp-layer--case-locations", timeout=15_000)
            assert page.locator("path.sp-layer--case-locations").count() == 1
            listed = page.locator("#layer-list-case-locations a")
            expect(listed).to_have_text(f"An address (case {case.reference})")
            assert listed.get_attribute("href") == f"/places/{place.pk}/"
            page.locator("#layer-case-locations").uncheck()
            expect(page.locator("path.sp-layer--case-locations")).to_have_count(0)
            expect(page.locator("#layer-list-case-locations")).to_have_count(0)

            # An outsider agency's case manager: offered the layer, shown nothing.
            outsider = signed_in_page(browser, live_server, partnership.user("outsider", "case_manager"))
            outsider.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            outsider.goto(f"{live_server.url}/map/?shown=1&layers=incidents&layers=case-locations")
            expect(outsider.locator("#layer-list-case-locations")).to_contain_text(
                "Nothing to show", timeout=15_000)
            assert outsider.locator("path.sp-layer--case-locations").count() == 0
            assert outsider.locator("#layer-list-case-locations a").count() == 0
            assert case.reference not in outsider.content()
        finally:
            browser.close()
    assert errors == []
    policy.assert_kept()

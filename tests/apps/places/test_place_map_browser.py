"""The place map in a real headless Chromium (Debian's): the place, the incidents near it and,
for a reader who may not see sensitive locations, the grid cell they are counted for; no script
error and no breach of the Content Security Policy. Tiles point at a closed local port."""

from __future__ import annotations

from tests.apps.places.conftest import incident
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.web.test_browser import closed_port, signed_in_page

pytestmark = BROWSER_MARKS


def test_the_place_map_draws_the_place_its_incidents_and_the_counted_cell(
        transactional_db, partnership, place, live_server, settings):
    from playwright.sync_api import expect, sync_playwright

    settings.SAFERPLACES_TILE_URL = f"http://127.0.0.1:{closed_port()}/{{z}}/{{x}}/{{y}}.png"
    incident("Shoplifting", 30, 0)
    incident("Shoplifting", 30, 0, ref="second")
    incident("Criminal damage", 0, 60)
    incident("Domestic abuse", 5, 0, victim_ref="V1")
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, live_server, partnership.user("owner", "practitioner"))
            policy = PolicyWatch()
            policy.attach(page)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/places/{place.pk}/?distance=100")
            status = page.locator("#place-map-status")
            expect(status).to_contain_text("drawn", timeout=15_000)
            assert "3 incidents drawn at 2 map points." in status.text_content()
            assert "counted for the whole 1,000 m grid cell" in status.text_content()
            assert page.locator("path.sp-incident").count() == 2
            assert page.locator("path.sp-aggregate").count() == 1
            assert page.locator(".leaflet-marker-icon").count() == 1  # the place itself
            page.locator("path.sp-aggregate").dispatch_event("click")  # the place marker lies over it
            expect(page.locator(".leaflet-popup-content")).to_contain_text(
                "Domestic abuse: fewer than 10 incidents")
        finally:
            browser.close()
    assert errors == []
    policy.assert_kept()

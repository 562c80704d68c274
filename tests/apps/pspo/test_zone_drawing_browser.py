"""Drawing a PSPO zone on the map in a real headless Chromium (Leaflet-Geoman, vendored), with
background tiles unreachable, and saving it."""

from __future__ import annotations

from tests.apps.places.test_place_map_browser import closed_port
from tests.apps.pspo.conftest import made_order
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch

pytestmark = BROWSER_MARKS


def test_draw_a_pspo_zone_on_the_map_and_save_it(transactional_db, partnership, live_server,
                                                  settings):
    from django.test import Client
    from playwright.sync_api import expect, sync_playwright

    from saferplaces.apps.pspo.models import Zone
    from tests.partnership import sign_in

    settings.SAFERPLACES_TILE_URL = f"http://127.0.0.1:{closed_port()}/{{z}}/{{x}}/{{y}}.png"
    officer = partnership.user("owner", "case_manager")
    order = made_order(officer)
    session = sign_in(Client(), officer).cookies["sessionid"].value
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            policy = PolicyWatch()
            policy.attach(page)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{live_server.url}/pspo/{order.pk}/")
            page.click("#draw-zone")
            page.locator(".leaflet-pm-icon-polygon").click(timeout=15_000)
            box = page.locator("#zone-map").bounding_box()
            corners = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)]
            for fx, fy in corners:
                page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.mouse.click(box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"])
            expect(page.locator("#zone-map-status")).to_contain_text("4 corners")
            page.fill("#id_name", "Castle Park")
            page.click("#save-zone")
            page.wait_for_url(f"**/pspo/{order.pk}/")
            expect(page.locator("#zones")).to_contain_text("Castle Park")
        finally:
            browser.close()
    assert errors == []
    policy.assert_kept()
    zone = Zone.objects.get(order=order, name="Castle Park")
    assert zone.source == "drawn" and zone.geometry["type"] == "Polygon"
    assert len(zone.geometry["coordinates"][0]) == 5 and zone.area_m2 > 1000

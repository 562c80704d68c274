"""The map page in a real headless Chromium: markers and outlines drawn, no script errors.

Background tiles point at a closed local port, as on a machine with no network: they fail, and
the page must still draw everything else and say so.
"""

from __future__ import annotations

import socket

from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch

pytestmark = BROWSER_MARKS


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_in_page(browser, live_server, user):
    """A page whose browser carries ``user``'s session (signed in with password and TOTP)."""
    from django.test import Client
    from tests.partnership import sign_in

    session = sign_in(Client(), user).cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context.new_page()


def test_map_draws_markers_and_outlines_without_tiles_or_script_errors(
        transactional_db, partnership, small_store, live_server, settings, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    tiles = f"http://127.0.0.1:{closed_port()}"
    settings.SAFERPLACES_TILE_URL = tiles + "/{z}/{x}/{y}.png"
    errors: list[str] = []
    tile_failures: list[str] = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        (tile_failures if source.startswith(tiles) else errors).append(f"{message.text} ({source})")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, live_server, partnership.user("owner", "analyst"))
            policy = PolicyWatch()
            policy.attach(page)
            page.on("console", on_console)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/map/")

            page.wait_for_selector("path.sp-incident", timeout=15_000)
            status = page.locator("#map-status")
            expect(page.locator("#map-status")).to_contain_text("drawn", timeout=15_000)
            # March 2024, police.uk: 4 located incidents at 3 (point, category) markers, 4 outlines.
            assert page.locator("path.sp-incident").count() == 3
            assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 3 + 4
            assert "4 incidents drawn at 3 map points." in status.text_content()
            expect(page.locator("#map-status")).to_contain_text("background map")

            # Smaller markers are drawn last, on top: at High Street, Shoplifting (1) over ASB (2).
            page.locator("path.sp-incident").first.click(force=True)
            popup = page.locator(".leaflet-popup-content .sp-popup p")
            assert page.locator(".leaflet-popup-content strong").text_content() == "Shoplifting"
            assert popup.all_text_contents() == ["1 incident", "On or near High Street"]

            shot = tmp_path / "map.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000

            # The filter form is a plain GET form: choosing a category reloads with one marker.
            page.select_option("#category", "Shoplifting")
            page.click("button:has-text('Show on map')")
            page.wait_for_url("**/map/?month=2024-03&category=Shoplifting&source=police-uk&*")
            expect(page.locator("#map-status")).to_contain_text("drawn", timeout=15_000)
            assert page.locator("path.sp-incident").count() == 1
        finally:
            browser.close()

    assert tile_failures, "the tile layer should have tried (and failed) to load tiles"
    assert errors == []
    policy.assert_kept()  # the tile server is in img-src: its tiles failed on the network, not the policy


def test_public_pages_keep_to_the_content_security_policy_and_a_breach_would_show(
        transactional_db, small_store, live_server, settings):
    """No inline script or style anywhere: the overview, the map (Leaflet, its markers, controls
    and colour keys) and the sign-in page draw with the policy enforced and no violation."""
    from playwright.sync_api import expect, sync_playwright

    settings.SAFERPLACES_PUBLIC_SITE = True
    settings.SAFERPLACES_TILE_URL = ""
    policy = PolicyWatch()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            policy.attach(context)
            page = context.new_page()
            page.goto(f"{live_server.url}/")
            assert page.locator("body.js-enabled.govuk-frontend-supported").count() == 1
            page.goto(f"{live_server.url}/map/")
            page.wait_for_selector(".leaflet-overlay-pane path", timeout=15_000)
            expect(page.locator("#map-status")).not_to_be_empty()
            assert page.locator(".leaflet-control-layers .sp-key").count() >= 3  # outlines' keys
            colours = page.locator(".sp-swatch").evaluate_all(
                "swatches => swatches.map(s => getComputedStyle(s).backgroundColor)")
            assert colours and "rgba(0, 0, 0, 0)" not in colours  # each key coloured like its markers
            page.goto(f"{live_server.url}/accounts/login/")
            assert page.locator("input[name='username']").count() == 1
            policy.assert_kept()

            # The watch is not blind: an inline style attribute written into the page is refused.
            page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
            page.wait_for_timeout(300)
            assert any("style-src" in violation for violation in policy.violations)
        finally:
            browser.close()


def test_a_viewer_sees_sensitive_incidents_drawn_as_areas_with_withheld_counts(
        transactional_db, partnership, sensitive_store, live_server, settings):
    from playwright.sync_api import expect, sync_playwright

    settings.SAFERPLACES_TILE_URL = ""
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, live_server, partnership.user("owner", "viewer"))
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/map/?month=2024-03&source=local")
            page.wait_for_selector("path.sp-aggregate", timeout=15_000)
            expect(page.locator("#map-status")).to_contain_text("counted", timeout=15_000)
            # Castle, Berechurch and one grid cell; the one ordinary record is a point
            assert page.locator("path.sp-aggregate").count() == 3
            assert page.locator("path.sp-incident").count() == 1
            status = page.locator("#map-status").text_content()
            assert "Sensitive incidents counted by Neighbourhood in 3 areas" in status
            page.locator("path.sp-aggregate").nth(1).click(force=True)
            items = page.locator(".leaflet-popup-content li").all_text_contents()
            assert any("fewer than 10 incidents" in item for item in items)
        finally:
            browser.close()
    assert errors == []

"""The map page in a real headless Chromium: markers and outlines drawn, no script errors.

Background tiles point at a closed local port, as on a machine with no network: they fail, and
the page must still draw everything else and say so.
"""

from __future__ import annotations

import socket

from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_MARKS


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_map_draws_markers_and_outlines_without_tiles_or_script_errors(
        transactional_db, small_store, live_server, settings, tmp_path):
    from playwright.sync_api import sync_playwright

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
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("console", on_console)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/map/")

            page.wait_for_selector("path.sp-incident", timeout=15_000)
            status = page.locator("#map-status")
            page.wait_for_function("document.getElementById('map-status').textContent.includes('drawn')")
            # March 2024, police.uk: 4 located incidents at 3 (point, category) markers, 4 outlines.
            assert page.locator("path.sp-incident").count() == 3
            assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 3 + 4
            assert "4 incidents drawn at 3 map points." in status.text_content()
            page.wait_for_function(
                "document.getElementById('map-status').textContent.includes('background map')")

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
            page.wait_for_url("**/map/?month=2024-03&category=Shoplifting&source=police-uk")
            page.wait_for_function("document.getElementById('map-status').textContent.includes('drawn')")
            assert page.locator("path.sp-incident").count() == 1
        finally:
            browser.close()

    assert tile_failures, "the tile layer should have tried (and failed) to load tiles"
    assert errors == []

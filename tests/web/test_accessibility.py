"""Pages meet WCAG 2.2 level AA as far as axe-core can tell (the Public Sector Bodies Accessibility
Regulations 2018 apply to the partnership's users).

One headless Chromium visits HTML pages of the URL sweep tables (``tests/apps/*/test_url_sweep.py``)
with the real objects their ``objects`` fixtures make, as a person the table says gets the page
(200), and signed out the pages open to anyone (the public site switched on). Each page is checked
at 1280 and at 320 CSS pixels wide (reflow, target size and contrast change with the width) and
must break none of the WCAG 2.0, 2.1 and 2.2 A/AA rules (``tests/axe.py``). The panel and public
strategic assessment reports are real renderings of a small town's assessment.

The suite checks one page of each family (``FAMILIES``: a list, a record, a form, a confirmation,
the map, the reports, the statement ...) to keep the run short; every page of every table (about
140, about two and a half minutes) is checked with ``SAFERPLACES_TEST_EVERY_PAGE=1``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
from pathlib import Path
from typing import Any

import pytest
from tests import axe
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS
from tests.sweep import ACTORS

pytestmark = BROWSER_MARKS

WIDTHS = (1280, 320)

#: Which of the sweep's people opens a page: the first in this order the table gives a 200 (the
#: owner's case manager sees the most of the case work; the site administrator the management).
CHOOSE = "CPNDSOV"

#: Answers that are files or data, not pages (their views are swept; there is nothing to read).
NOT_PAGES = ("/api/", ".json", ".geojson", ".csv", ".xlsx", ".pdf", ".docx", ".toml", ".png")

#: Pages a signed-out visitor gets when the partnership publishes a public site.
PUBLIC_SITE_PAGES = ["/", "/map/", "/hidden-harms/", "/assessments/{run}/public.html"]

#: One page of each family (sweep routes): the overview, the map, a table page, a record with
#: panels, a form, a confirmation, a figures page with charts, the report and the statement.
FAMILIES = {
    "", "map/", "accessibility/", "accounts/login/", "accounts/password_change/",
    "assessments/", "assessments/<id:pk>/", "assessments/entries/", "assessments/monitoring/",
    "assessments/^(?P<pk>[0-9]{1,18})/(?P<version>report|public)\\.(?P<fmt>html|pdf|json|docx)$",
    "audit/", "manage/users/", "manage/users/<id:pk>/", "manage/users/add/",
    "manage/users/<id:pk>/disable/",
    "cases/", "cases/<id:pk>/", "cases/<id:pk>/parties/add/", "cases/<id:pk>/share/",
    "people/", "people/<id:pk>/", "people/new/",
    "places/<id:pk>/", "pspo/<id:pk>/", "pspo/<id:pk>/zones/draw/",
    "safeguarding/cases/<id:pk>/concerns/add/", "hidden-harms/", "hate/figures/",
    "operations/<id:pk>/", "operations/<id:pk>/impact/",
    "dashboard/", "tasks/", "search/", "repeats/<id:pk>/", "uploads/", "uploads/<id:pk>/",
}

_SETTLED = """() => {
  const status = document.querySelector("#map-status, #place-map-status");
  return !status || status.textContent.trim() !== "";
}"""


def _fixture_function(value: Any) -> Any:
    return value._get_wrapped_function() if hasattr(value, "_get_wrapped_function") else None


def sweep_objects(app: str, given: dict[str, Any]) -> dict[str, Any]:
    """The app's sweep ``objects`` fixture, made for real: its fixture arguments are found in the
    sweep module or the app's ``conftest.py`` (or are the shared ones in ``given``) and made once,
    after the app's own autouse fixtures (a fixed "today", a fast password hasher)."""
    homes = [importlib.import_module(f"tests.apps.{app}.test_url_sweep")]
    with contextlib.suppress(ModuleNotFoundError):
        homes.append(importlib.import_module(f"tests.apps.{app}.conftest"))
    made: dict[str, Any] = dict(given)

    def make(name: str) -> Any:
        if name not in made:
            function = next(f for f in (_fixture_function(getattr(home, name, None)) for home in homes)
                            if f is not None)
            made[name] = function(**{arg: make(arg) for arg in inspect.signature(function).parameters})
            if inspect.isgenerator(made[name]):
                made[name] = next(made[name])
        return made[name]

    for home in homes:
        for name, value in vars(home).items():
            marker = getattr(value, "_fixture_function_marker", None)
            if marker is not None and marker.autouse:
                make(name)
    return make("objects")


def pages(given: dict[str, Any], routes: set[str] | None) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """(path, actor column) for the pages of the sweep tables (only ``routes``, if given; each
    page open to anyone also signed out), and the objects they name, as ``<app>.<name>``."""
    found: list[tuple[str, str]] = []
    objects: dict[str, Any] = {}
    for table in sorted(Path(__file__).parents[1].glob("apps/*/test_url_sweep.py")):
        app = table.parent.name
        module = importlib.import_module(f"tests.apps.{app}.test_url_sweep")
        rows = [(path, answers.split()) for route, (path, answers) in module.SWEEP.items()
                if (routes is None or route in routes) and "200" in answers.split()
                and not any(part in path for part in NOT_PAGES)]
        if not rows:
            continue
        made = sweep_objects(app, given)
        for path, answers in rows:
            columns = dict(zip(ACTORS, answers, strict=True))
            found.append((path.format(**made), next(c for c in CHOOSE if columns[c] == "200")))
            if columns["A"] == "200":
                found.append((path.format(**made), "A"))
        objects.update({f"{app}.{key}": value for key, value in made.items()})
    return found, objects


def real_reports(run_pk: int) -> None:
    """The run's stored HTML reports become real ones: the small town's assessment rendered."""
    from tests.strategic.smalltown import build

    from saferplaces.apps.assessments.models import ReportFile
    from saferplaces.strategic import load_config, render_html, run_assessment

    result = run_assessment(build(), load_config())
    for public in (False, True):
        ReportFile.objects.filter(run_id=run_pk, format="html", public=public).update(
            content=render_html(result, public=public).encode())


def check_pages(routes: set[str] | None, partnership, live_server, settings, tmp_path, monkeypatch
                ) -> None:
    from django.test import Client
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    from tests.partnership import sign_in

    settings.SAFERPLACES_TILE_URL = ""
    settings.SAFERPLACES_PUBLIC_SITE = True
    settings.MEDIA_ROOT = str(tmp_path / "files")
    visits, objects = pages({"partnership": partnership, "settings": settings, "tmp_path": tmp_path,
                             "monkeypatch": monkeypatch, "db": None, "transactional_db": None}, routes)
    visits += [(path.format(run=objects["agencies.run"]), "A") for path in PUBLIC_SITE_PAGES]
    real_reports(objects["agencies.run"])
    broken: dict[str, list[dict[str, Any]]] = {}
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tabs = {}
            for column in sorted({column for _, column in visits}):
                context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
                axe.attach(context)
                username = ACTORS[column]
                if username is not None:
                    session = sign_in(Client(), partnership.users[username]).cookies["sessionid"].value
                    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
                tabs[column] = context.new_page()
                tabs[column].on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            for path, column in visits:
                page = tabs[column]
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                try:
                    response = page.goto(f"{live_server.url}{path}")
                except PlaywrightError as exc:  # a file the answer sends (an attachment)
                    assert "Download is starting" in exc.message, (path, exc.message)
                    continue
                assert response is not None and response.status == 200, (path, column)
                page.wait_for_function(_SETTLED, timeout=15_000)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    found = axe.violations(page)
                    if found:
                        broken[f"{path} as {column} at {width}px"] = found
        finally:
            browser.close()
    assert broken == {}
    assert errors == []


def test_every_page_family_breaks_no_wcag_a_or_aa_rule_signed_in_and_out_wide_and_narrow(
        transactional_db, partnership, small_store, live_server, settings, tmp_path, monkeypatch):
    check_pages(FAMILIES, partnership, live_server, settings, tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("SAFERPLACES_TEST_EVERY_PAGE"),
                    reason="every page takes minutes: set SAFERPLACES_TEST_EVERY_PAGE=1")
def test_every_page_breaks_no_wcag_a_or_aa_rule_signed_in_and_out_wide_and_narrow(
        transactional_db, partnership, small_store, live_server, settings, tmp_path, monkeypatch):
    check_pages(None, partnership, live_server, settings, tmp_path, monkeypatch)


def test_the_families_are_routes_of_the_sweep_tables():
    from tests.apps.agencies.test_url_sweep import every_sweep_table

    assert sorted(FAMILIES - set(every_sweep_table())) == []


def test_the_check_sees_a_violation(transactional_db, live_server):
    """The checker is not blind: an image with no text alternative and a link with no name
    fail (WCAG 1.1.1 and 2.4.4 / 4.1.2)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            axe.attach(context)
            page = context.new_page()
            page.goto(f"{live_server.url}/accessibility/")
            assert axe.violations(page) == []
            page.evaluate("""() => document.querySelector("main").insertAdjacentHTML(
                "beforeend", '<img src="/static/web/favicon.svg"><a href="/"></a>')""")
            assert {rule["id"] for rule in axe.violations(page)} == {"image-alt", "link-name"}
        finally:
            browser.close()


def test_the_map_is_used_by_keyboard_and_read_as_text(
        transactional_db, partnership, small_store, live_server, settings):
    """A skip link passes the map (WCAG 2.4.1/2.4.3); Tab reaches each incident marker, named by
    what it shows, and Enter opens it (2.1.1, 4.1.2); the outlines are no unnamed tab stops; the
    list under the map names every marker's category, count and place (1.1.1); the map's focus
    ring has a dark edge, not yellow alone on white (1.4.11)."""
    from playwright.sync_api import expect, sync_playwright
    from tests.web.test_browser import signed_in_page

    settings.SAFERPLACES_TILE_URL = ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = signed_in_page(browser, live_server, partnership.user("owner", "analyst"))
            page.goto(f"{live_server.url}/map/")
            expect(page.locator("#map-status")).to_contain_text("drawn", timeout=15_000)
            assert page.locator("a.govuk-skip-link[href='#map-status']").text_content() == "Skip the map"
            assert page.locator(".leaflet-overlay-pane path[tabindex='0']").count() == 3  # markers only
            rows = page.locator("#layer-list-incidents td").all_text_contents()
            assert "Shoplifting: 1 incident, On or near High Street" in rows
            assert "Anti-social behaviour: 2 incidents, On or near High Street" in rows

            page.locator("#incident-map").focus()
            ring = page.locator("#incident-map").evaluate("e => getComputedStyle(e).boxShadow")
            assert "rgb(11, 12, 12)" in ring
            names = []
            for _ in range(3):
                page.keyboard.press("Tab")
                names.append(page.evaluate("() => document.activeElement.getAttribute('aria-label')"))
            assert "Shoplifting: 1 incident, On or near High Street" in names
            page.keyboard.press("Enter")
            expect(page.locator(".leaflet-popup-content")).to_be_visible()
        finally:
            browser.close()

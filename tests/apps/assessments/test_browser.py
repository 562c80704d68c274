"""The run page in a real headless Chromium: it follows a run to its end by itself (the status
poll), then shows the priorities; the entries page draws without script errors."""

from __future__ import annotations

from django.conf import settings as django_settings

from saferplaces.apps.assessments.models import (
    AssessmentRun,
    EnteredScore,
    HorizonItem,
    Recommendation,
    RunStatus,
    Target,
)
from tests.apps.assessments.conftest import first_result, store_run
from tests.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.partnership import sign_in

pytestmark = BROWSER_MARKS


def test_run_page_follows_the_run_to_its_end_and_entries_page_draws(
        transactional_db, live_server, client, analyst, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    run = store_run(None, status=RunStatus.RUNNING, user=analyst, reports=False,
                    stage="Reading incidents from the store")
    EnteredScore.objects.create(candidate="theme:violence", dimension="concern", score=4,
                                source="Residents' survey 2024", entered_by=analyst)
    HorizonItem.objects.create(heading="economic", title="Night-time economy grows",
                               description="Two late bars open on the High Street", source="Licensing")
    Recommendation.objects.create(finding="theme:violence", text="Fund street marshals",
                                  owner="Town centre partnership")
    Target.objects.create(candidate="police-uk:burglary", measure="incidents", change_pct=-10)
    sign_in(client, analyst)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                                  "url": live_server.url}])
            policy = PolicyWatch()
            policy.attach(context)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.goto(f"{live_server.url}/assessments/{run.pk}/")
            assert page.locator("#run-stage").text_content() == "Reading incidents from the store"

            AssessmentRun.objects.filter(pk=run.pk).update(stage="Writing the panel report", progress=60)
            expect(page.locator("#run-stage")).to_have_text("Writing the panel report", timeout=10_000)
            assert page.locator("#run-progress-bar").evaluate("bar => bar.value") == 60
            assert page.locator("#run-percent").text_content() == "60%"
            page.screenshot(path=str(tmp_path / "run-progress.png"), full_page=True)

            AssessmentRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, result=first_result(),
                                                           progress=100, stage="Finished")
            page.wait_for_selector("#priority-1", timeout=10_000)
            assert page.locator("#run-status-tag").text_content() == "Finished"
            assert page.locator("#run-progress").count() == 0
            page.screenshot(path=str(tmp_path / "run.png"), full_page=True)

            page.goto(f"{live_server.url}/assessments/entries/")
            page.locator("#score-candidate").select_option("police-uk:burglary")
            page.locator("#score-dimension-2").check()
            page.locator("label[for='score-score-5']").click()
            page.fill("#score-source", "Burglary task group")
            page.click("button:has-text('Save the score')")
            page.wait_for_url("**/assessments/entries/#scores")
            assert "Score saved" in page.locator(".govuk-notification-banner--success").text_content()
            page.screenshot(path=str(tmp_path / "entries.png"), full_page=True)
        finally:
            browser.close()

    assert errors == []
    policy.assert_kept()  # the run page's poll and the entries form, with no inline script or style
    latest = EnteredScore.objects.first()
    assert (latest.candidate, latest.dimension, latest.score) == ("police-uk:burglary", "capacity", 5)

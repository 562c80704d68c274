"""The hidden-harms pages: the public awareness page (anyone on a public site, every signed-in
partner) and the practitioner briefing (signed-in partners with ``assessments.view``).

The public page shows the same public-safe content to everyone: signs to spot, where to report
and the partnership's aggregate figures with small counts withheld (``figures.disclosed``),
counted at most every ``PAGE_CACHE_SECONDS``. The
briefing holds small intelligence aggregates, so it is never public; each download is audited.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, INCIDENTS_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.hiddenharms import briefing as briefings
from saferplaces.apps.hiddenharms import config as harms_config
from saferplaces.apps.hiddenharms.figures import HarmFigures, harm_figures, latest_incident_month
from saferplaces.apps.hiddenharms.quarters import Quarter, QuarterError, asked_for
from saferplaces.apps.incidents.sensitive import suppress_below

__all__ = ["briefing", "briefing_file", "page"]

#: How long the public page's figures are kept before they are counted again: anyone may open
#: the page, and counting eight quarters of every source takes seconds on a large store.
PAGE_CACHE_SECONDS = 600

#: The briefing is a self-contained page: inline styles, nothing else.
BRIEFING_CSP = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'")


def _chosen_quarter(request: HttpRequest) -> tuple[Quarter, str | None]:
    """The quarter asked for (``?quarter=YYYY-Qn``, checked by ``quarters.asked_for``), else the
    last complete one; and what was wrong with the one asked for, if anything."""
    today = timezone.localdate()
    latest = Quarter.last_complete(today)
    asked = request.GET.get("quarter", "").strip()
    if not asked:
        return latest, None
    try:
        return asked_for(asked, today), None
    except QuarterError as exc:
        return latest, str(exc)


@requires(INCIDENTS_VIEW, public_site=True)
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    config = harms_config.load()
    last, problem = _chosen_quarter(request)
    quarters = last.back(config.page.quarters)
    threshold = suppress_below()
    key = f"hiddenharms:page:{quarters[0]}:{quarters[-1]}:{threshold}"
    counted: list[HarmFigures] | None = cache.get(key)
    if counted is None:
        counted = harm_figures(config, quarters, threshold)
        cache.set(key, counted, PAGE_CACHE_SECONDS)
    figures = {item.harm.key: item for item in counted}
    return render(request, "hiddenharms/page.html", {
        "harms": [(harm, config.services_for(harm), figures[harm.key]) for harm in config.harms],
        "services": config.services, "quarters": quarters, "threshold": threshold,
        "period_start": quarters[0].first_day, "period_end": quarters[-1].last_day,
        "incidents_to": latest_incident_month(), "problem": problem},
        status=400 if problem else 200)


@requires(ASSESSMENTS_VIEW)
@require_GET
def briefing(request: HttpRequest) -> HttpResponse:
    chosen, problem = _chosen_quarter(request)
    latest = Quarter.last_complete(timezone.localdate())
    return render(request, "hiddenharms/briefing_page.html", {
        "chosen": chosen, "recent": latest.back(8)[::-1], "problem": problem,
        "stem": briefings.file_stem(chosen)}, status=400 if problem else 200)


@requires(ASSESSMENTS_VIEW)
@require_GET
@cache_control(private=True, no_store=True)
def briefing_file(request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
    try:
        chosen = asked_for(quarter, timezone.localdate())
    except QuarterError:
        raise Http404("There is no briefing for that quarter.") from None
    html = briefings.render_html(chosen)
    record("export", request=request, object_type="hidden-harms-briefing", object_id=chosen.key,
           reason=f"practitioner briefing ({fmt})")
    if fmt == "html":
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = BRIEFING_CSP
        return response
    response = HttpResponse(briefings.render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{briefings.file_stem(chosen)}.pdf") or "attachment"
    return response

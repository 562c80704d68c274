"""Run an assessment from the store: gather inputs, run the library, keep result and reports."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saferplaces.apps.assessments import models
from saferplaces.apps.assessments.casework import casework
from saferplaces.apps.assessments.results import SCHEMA_VERSION
from saferplaces.apps.assessments.tracking import CLOSED, last_years_recommendations
from saferplaces.apps.incidents import summaries
from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.incidents.services import area_membership, incident_frame, store_is_synthetic
from saferplaces.periods import DEFAULT_PERIOD_MONTHS, default_period, shift_month
from saferplaces.progress import Progress
from saferplaces.strategic import (
    AssessmentInputs,
    Entered,
    EnteredScore,
    HorizonItem,
    Period,
    Recommendation,
    Target,
    run_assessment,
)
from saferplaces.strategic.config import AssessmentConfig, ConfigError, config_from_dict
from saferplaces.strategic.deepdive import DeepDiveResult, deep_dive
from saferplaces.strategic.engine import AssessmentResult
from saferplaces.strategic.monitor import MonitoringResult, monitoring
from saferplaces.strategic.report import render_deep_dive_html, render_html, render_pdf, report_data
from saferplaces.strategic.streetweek import StreetWeekResult, street_weeks

__all__ = ["entered_inputs", "store_inputs", "execute_run", "previous_result", "REPORT_FORMATS",
           "latest_assessment", "latest_month", "latest_year", "monitor_priorities",
           "rank_street_weeks", "recent_street_week_codes", "STREET_WEEK_EXCLUDE_MONTHS"]

REPORT_FORMATS = ("html", "pdf", "json")

#: The Street Week ranking leaves out an area with a Street Week in this many months up to the
#: last month of the period (or later).
STREET_WEEK_EXCLUDE_MONTHS = 12


def entered_inputs() -> Entered:
    """What partners have entered: the latest score per candidate and dimension, and every
    active horizon item, recommendation (not done or dropped: ``tracking``) and target."""
    latest: dict[tuple[str, str], models.EnteredScore] = {}
    for score in models.EnteredScore.objects.all():  # newest first
        latest.setdefault((score.candidate, score.dimension), score)
    concern = {c: EnteredScore(s.score, s.source, s.note) for (c, d), s in latest.items() if d == "concern"}
    capacity = {c: EnteredScore(s.score, s.source, s.note) for (c, d), s in latest.items() if d == "capacity"}
    return Entered(
        concern=concern,
        capacity=capacity,
        horizon=tuple(HorizonItem(h.heading, h.title, h.description, h.source)
                      for h in models.HorizonItem.objects.filter(active=True).order_by("heading", "id")),
        recommendations=tuple(Recommendation(r.text, r.finding, r.owner, ref=r.pk)
                              for r in models.Recommendation.objects.filter(active=True)
                              .exclude(status__in=CLOSED).order_by("id")),
        targets=entered_targets(),
    )


def entered_targets() -> tuple[Target, ...]:
    """Every active target, oldest first."""
    return tuple(Target(t.candidate, t.measure, t.change_pct, t.baseline, t.note)
                 for t in models.Target.objects.filter(active=True).order_by("id"))


def previous_result(run: models.AssessmentRun) -> dict[str, Any] | None:
    """The latest finished strategic assessment of an earlier year, for 'progress on last
    year's priorities'."""
    earlier = (models.AssessmentRun.objects.filter(kind=models.RunKind.ANNUAL, status=models.RunStatus.DONE,
                                                   last_month__lt=run.first_month)
               .exclude(pk=run.pk).order_by("-last_month", "-created_at").first())
    result: dict[str, Any] | None = earlier.result if earlier else None
    return result


def store_inputs(first_month: str, last_month: str, *, previous: dict[str, Any] | None = None
                 ) -> AssessmentInputs:
    """The engine's inputs from the store: incidents, areas, partner entries, and the case
    work of the period in aggregate (``casework.casework``: shown in the report, not scored)."""
    incidents = incident_frame(last_month=last_month)
    membership = area_membership()
    areas = pd.DataFrame.from_records(
        list(Area.objects.values_list("kind", "code", "name", "population", "geometry")),
        columns=["kind", "code", "name", "population", "geometry"])
    return AssessmentInputs(incidents=incidents, membership=membership, areas=areas,
                            period=Period(first_month, last_month), entered=entered_inputs(),
                            tracked_recommendations=last_years_recommendations(previous),
                            previous=previous, synthetic=store_is_synthetic(),
                            casework=casework(Period(first_month, last_month)))


def _run_progress(run: models.AssessmentRun, progress: Progress | None) -> Progress:
    """The progress of ``run`` in percent (``total`` is 100): each stage and percentage is
    kept on the run (the run page shows it) and passed on to ``progress``."""
    def report(stage: str, percent: int, total: int, /) -> None:
        models.AssessmentRun.objects.filter(pk=run.pk).update(stage=stage, progress=percent)
        if progress:
            progress(stage, percent, total)
    return report


def partnership_settings() -> dict[str, Any]:
    """The partnership's own assessment settings (``SAFERPLACES_ASSESSMENT_SETTINGS_FILE``), or
    none; a file that cannot be read or is not TOML is an error naming the file, never ignored."""
    path = getattr(settings, "SAFERPLACES_ASSESSMENT_SETTINGS_FILE", "") or ""
    if not path:
        return {}
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("SAFERPLACES_ASSESSMENT_SETTINGS_FILE", str(exc), source=path) from None


def _laid_over(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` laid over ``base``: tables merge key by key, anything else replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _laid_over(out[key], value)
        else:
            out[key] = value
    return out


def _run_config(run: models.AssessmentRun) -> AssessmentConfig:
    """The run's configuration; its public-disclosure lists also hold every category and flag
    of the deployment's sensitive list (``SAFERPLACES_SENSITIVE_CATEGORIES_FILE``), so the
    reports withhold at least what the map aggregates."""
    from saferplaces.apps.incidents.sensitive import load_rules

    overrides = _laid_over(partnership_settings(),
                           tomllib.loads(run.config_toml) if run.config_toml.strip() else {})
    rules = load_rules()
    public = overrides.setdefault("public", {})
    if isinstance(public, dict):
        public["sensitive_categories"] = [*public.get("sensitive_categories", []),
                                          *sorted(rules.categories)]
        public["sensitive_flags"] = [*public.get("sensitive_flags", []), *rules.flags]
    return config_from_dict(overrides, path="the run's configuration")


ReportFiles = list[tuple[str, bool, bytes]]


def _report_files(result: AssessmentResult | DeepDiveResult, render: Callable[..., str],
                  step: Progress) -> ReportFiles:
    """HTML, PDF and JSON of a result, for the panel and the public."""
    files: ReportFiles = []
    for public in (False, True):
        step(f"Writing the {'public' if public else 'panel'} report", 80 if public else 60, 100)
        html = render(result, public=public)
        files.append(("html", public, html.encode("utf-8")))
        files.append(("pdf", public, render_pdf(html)))
        files.append(("json", public, json.dumps(report_data(result, public=public), indent=1,
                                                 default=str).encode("utf-8")))
    return files


def _compute(run: models.AssessmentRun, inputs: AssessmentInputs, config: AssessmentConfig,
             step: Progress) -> tuple[dict[str, Any], ReportFiles]:
    """The result as stored (JSON with its ``schema_version``, see ``results``) and the report
    files."""
    result: AssessmentResult | DeepDiveResult
    render: Callable[..., str]
    if run.kind == models.RunKind.DEEP_DIVE:
        result, render = deep_dive(inputs, config, run.topic), render_deep_dive_html
    else:
        result, render = run_assessment(inputs, config), render_html
    data = {"schema_version": SCHEMA_VERSION, **json.loads(json.dumps(result.to_dict(), default=str))}
    return data, _report_files(result, render, step)


def execute_run(run: models.AssessmentRun, progress: Progress | None = None) -> models.AssessmentRun:
    """Run one stored assessment to the end, keeping its result and its report files.
    A failure is recorded on the run (its message only: no data) and re-raised."""
    models.AssessmentRun.objects.filter(pk=run.pk).update(status=models.RunStatus.RUNNING, error="")
    try:
        step = _run_progress(run, progress)
        step("Reading incidents from the store", 5, 100)
        config = _run_config(run)
        annual = run.kind == models.RunKind.ANNUAL
        inputs = store_inputs(run.first_month, run.last_month, previous=previous_result(run) if annual else None)
        step("Measuring and scoring", 20, 100)
        data, files = _compute(run, inputs, config, step)
        with transaction.atomic():
            models.ReportFile.objects.filter(run=run).delete()
            models.ReportFile.objects.bulk_create(
                [models.ReportFile(run=run, format=f, public=p, content=c) for f, p, c in files])
            models.AssessmentRun.objects.filter(pk=run.pk).update(
                status=models.RunStatus.DONE, progress=100, stage="Finished", result=data,
                synthetic=inputs.synthetic, finished_at=timezone.now())
    except Exception as exc:  # recorded for the run page, then re-raised for the worker's log
        models.AssessmentRun.objects.filter(pk=run.pk).update(
            status=models.RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        raise
    run.refresh_from_db()
    return run


def latest_assessment(*, with_result: bool = True) -> models.AssessmentRun | None:
    """The latest finished strategic assessment; without ``with_result`` its result (the largest
    field, hundreds of kilobytes of JSON) is read only when first used."""
    runs = (models.AssessmentRun.objects.filter(kind=models.RunKind.ANNUAL, status=models.RunStatus.DONE,
                                                result__isnull=False)
            .order_by("-last_month", "-created_at"))
    return (runs if with_result else runs.defer("result")).first()


def monitor_priorities(first_month: str, last_month: str) -> tuple[models.AssessmentRun, MonitoringResult]:
    """The current priorities (latest finished assessment) month by month against their targets."""
    run = latest_assessment(with_result=False)
    if run is None:
        raise LookupError("no finished strategic assessment yet: run one first")
    # worked out once per change of the store's data, for these months, this assessment (its
    # priorities and configuration) and the targets entered (``summaries.memoised``)
    targets = entered_targets()
    config = _run_config(run)

    def compute() -> MonitoringResult:
        inputs = store_inputs(first_month, last_month)
        # the targets were set with this assessment for the months after it, never for its own year
        return monitoring(inputs, config, (run.result or {}).get("priorities", []), targets,
                          target_from=shift_month(run.last_month, 1))

    parameters = (first_month, last_month, run.pk, str(run.finished_at), repr(config), repr(targets))
    return run, summaries.memoised("monitoring", parameters, compute)


def first_month_of_data() -> str | None:
    """The earliest month of data in the store as "YYYY-MM"; None when the store is empty."""
    first = Incident.objects.order_by("month").values_list("month", flat=True).first()
    return None if first is None else str(pd.Period(first, "M"))


def has_incidents(first_month: str, last_month: str) -> bool:
    """Whether the store holds any incident in the months (both included)."""
    start = pd.Period(first_month, "M").start_time.date()
    end = pd.Period(last_month, "M").start_time.date()
    return Incident.objects.filter(month__gte=start, month__lte=end).exists()


def latest_month() -> str | None:
    """The latest month of data in the store as "YYYY-MM"; None when the store is empty."""
    last = Incident.objects.order_by("-month").values_list("month", flat=True).first()
    return None if last is None else str(pd.Period(last, "M"))


def latest_year(months: int = DEFAULT_PERIOD_MONTHS) -> tuple[str, str] | None:
    """The latest ``months`` months of data in the store as ("YYYY-MM", "YYYY-MM"); None when
    the store is empty."""
    last = latest_month()
    if last is None:
        return None
    return default_period(last, months)


def recent_street_week_codes(last_month: str, exclude_months: int = STREET_WEEK_EXCLUDE_MONTHS) -> set[str]:
    """Codes of the areas with a Street Week ending in the ``exclude_months`` up to
    ``last_month`` or later (one query)."""
    # police.uk data arrive months late: a Street Week held since the data end, or planned, counts too
    since = (pd.Period(last_month, "M") - exclude_months + 1).to_timestamp().date()
    return set(models.StreetWeek.objects.filter(end__gte=since).values_list("area_code", flat=True))


def rank_street_weeks(first_month: str, last_month: str, *,
                      exclude_months: int = STREET_WEEK_EXCLUDE_MONTHS,
                      exclude: tuple[str, ...] = ()) -> StreetWeekResult:
    """Areas ranked for the next Street Week; areas with a Street Week ending in the
    ``exclude_months`` before the end of the period or later (or named in ``exclude``) are left out."""
    recent = tuple(sorted(recent_street_week_codes(last_month, exclude_months) | set(exclude)))
    config = config_from_dict(None)
    # worked out once per change of the store's data, for these months and areas left out
    return summaries.memoised(
        "street-weeks", (first_month, last_month, recent, repr(config)),
        lambda: street_weeks(store_inputs(first_month, last_month), config, exclude_recent=recent))

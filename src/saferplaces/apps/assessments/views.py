"""Pages of the Assessments section: runs and their reports, comparing runs, partners' entries,
and the work between assessments: deep dives, monitoring the priorities, Street Weeks.

Views are thin: they handle the request, get objects through ``access`` (which enforces who may
see and change what) and input through ``forms``, read a stored result through ``results``,
and hand it to ``presenters``, which shape it for the templates. Runs are executed by the
background worker (``tasks.run_assessment_task``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferplaces.apps.agencies.declare import is_public_view, requires
from saferplaces.apps.agencies.roles import ASSESSMENTS_RUN, ASSESSMENTS_VIEW
from saferplaces.apps.assessments import access, forms, presenters, services
from saferplaces.apps.assessments.models import AssessmentRun, ReportFile, RunKind, RunStatus
from saferplaces.apps.assessments.presenters import CandidateChoices
from saferplaces.apps.assessments.results import load_annual, load_deep_dive
from saferplaces.apps.assessments.services import latest_month, latest_year
from saferplaces.apps.assessments.tasks import queue_run
from saferplaces.periods import period_label
from saferplaces.strategic.config import DEFAULT_CONFIG_PATH
from saferplaces.vocab import AREA_KIND_LABELS

__all__ = [
    "add_horizon",
    "add_recommendation",
    "add_score",
    "add_target",
    "compare",
    "deep_dives",
    "default_config",
    "entries",
    "index",
    "monitoring",
    "record_street_week",
    "report",
    "run_detail",
    "run_status",
    "start",
    "start_deep_dive",
    "street_weeks",
    "withdraw",
]

#: Runs listed on the index page.
RUNS_LISTED = 50
#: Score entries shown in the history table.
HISTORY_LISTED = 200
#: Deep dives listed on the deep dive page, and Street Weeks on the Street Weeks page.
DEEP_DIVES_LISTED = 50
STREET_WEEKS_LISTED = 100

#: The entries page's section for each kind of entry.
SECTIONS = {"score": "scores", "horizon": "horizon", "recommendation": "recommendations",
            "target": "targets"}

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "json": "application/json",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
#: The report is a self-contained page: inline styles and data-URI images, nothing else.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")


# --- runs -----------------------------------------------------------------------------------------


def _index_page(request: HttpRequest, form: forms.StartRunForm | None) -> HttpResponse:
    rows, total = presenters.listed_runs(access.runs_for_user(request.user), RUNS_LISTED)
    can_run = access.can_run_assessments(request.user)
    if can_run and form is None:
        form = forms.StartRunForm()
    context = {"runs": rows, "runs_total": total, "can_run": can_run, "form": form,
               "has_data": latest_year() is not None,
               "finished": sum(1 for r in rows if r["run"].status == RunStatus.DONE
                               and r["run"].kind == RunKind.ANNUAL),
               "config_open": bool(form is not None and form.is_bound
                                   and (form.data.get("config_toml") or "").strip())}
    return render(request, "assessments/index.html", context)


@requires(ASSESSMENTS_VIEW)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, None)


@requires(ASSESSMENTS_RUN)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Create a queued run and hand it to the background worker; the run page shows progress."""
    access.require_analyst(request.user)
    form = forms.StartRunForm(request.POST)
    if not form.is_valid():
        return _index_page(request, form)
    run = queue_run(form.save(commit=False), request.user)
    return redirect("assessments:run", pk=run.pk)


@requires(ASSESSMENTS_VIEW)
@require_GET
def default_config(request: HttpRequest) -> HttpResponse:
    """The shipped default configuration, every setting explained: what the start form's
    configuration box overrides."""
    return HttpResponse(DEFAULT_CONFIG_PATH.read_bytes(), content_type="text/plain; charset=utf-8")


def _result_context(request: HttpRequest, run: AssessmentRun, stored: Any) -> dict[str, Any]:
    """A finished run's result on its run page."""
    context: dict[str, Any] = {"downloads": presenters.downloads(run)}
    if run.kind == RunKind.DEEP_DIVE:
        deep_dive = load_deep_dive(stored)
        context.update(result=deep_dive, warnings=[], area_kind=deep_dive.area_kind or "area",
                       topic=deep_dive.topic.name or run.topic,
                       deep_dive=presenters.deep_dive_evidence(deep_dive))
    else:
        annual = load_annual(stored)
        others = (access.finished_assessments_for_user(request.user).exclude(pk=run.pk)
                  .defer("result", "config_toml")[:RUNS_LISTED])
        context.update(result=annual, warnings=annual.warnings,
                       area_kind=annual.area_kind or "area",
                       **presenters.annual_evidence(annual, others))
    return context


@requires(ASSESSMENTS_VIEW)
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for_user(request.user, pk)
    stored = run.result if run.status == RunStatus.DONE and run.result else None
    deep_dive = run.kind == RunKind.DEEP_DIVE
    context: dict[str, Any] = {
        "run": run, "period": period_label(run.first_month, run.last_month),
        "started_by": presenters.user_label(run.created_by) if run.created_by else "",
        "in_progress": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "is_deep_dive": deep_dive, "topic": run.topic,
    }
    if stored is not None:
        context.update(_result_context(request, run, stored))
    elif deep_dive:  # name the topic as the latest assessment does
        context["topic"] = _candidates(request)[1].names.get(run.topic, run.topic)
    return render(request, "assessments/run.html", context)


@requires(ASSESSMENTS_VIEW)
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's status for the run page's progress poll."""
    run = access.get_run_for_user(request.user, pk)
    return JsonResponse({"status": run.status, "label": run.get_status_display(),
                         "stage": run.stage, "progress": run.progress})


def _docx_report(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    from saferplaces.strategic.docx_report import render_docx  # python-docx: loaded when used

    public = version == "public"
    run = access.get_docx_run_for_user(request.user, pk, public=public,
                                       public_view=is_public_view(request))
    produced = timezone.localdate(run.finished_at) if run.finished_at else None
    content = render_docx(run.result or {}, public=public, produced=produced)
    response = HttpResponse(content, content_type=CONTENT_TYPES["docx"])
    name = ReportFile(run=run, format="docx", public=public).filename
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    patch_cache_control(response, private=True, no_store=True)
    return response


@requires(ASSESSMENTS_VIEW, public_site=True)
@require_GET
def report(request: HttpRequest, pk: int, version: str, fmt: str) -> HttpResponse:
    """A stored report file: HTML shown in the browser, PDF and JSON downloaded; the Word
    version (DOCX) is made from the stored result when asked for."""
    if fmt == "docx":
        return _docx_report(request, pk, version)
    stored = access.get_report_for_user(request.user, pk, fmt, public=version == "public",
                                        public_view=is_public_view(request))
    response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES[fmt])
    disposition = content_disposition_header(fmt != "html", stored.filename)
    if disposition is not None:  # None only without a file name
        response["Content-Disposition"] = disposition
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_CSP
    patch_cache_control(response, private=True, no_store=True)
    return response


@requires(ASSESSMENTS_VIEW)
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    runs = access.finished_assessments_for_user(request.user)
    bound = bool(request.GET.get("a") or request.GET.get("b"))
    form = forms.CompareForm(request.GET if bound else None, runs=runs)
    context: dict[str, Any] = {"form": form, "enough_runs": runs.count() >= 2}
    if bound and form.is_valid():
        run_a = access.get_finished_run_for_user(request.user, form.cleaned_data["a"].pk)
        run_b = access.get_finished_run_for_user(request.user, form.cleaned_data["b"].pk)
        context.update(run_a=run_a, run_b=run_b,
                       comparison=presenters.compare(load_annual(run_a.result),
                                                     load_annual(run_b.result)),
                       period_a=period_label(run_a.first_month, run_a.last_month),
                       period_b=period_label(run_b.first_month, run_b.last_month))
    return render(request, "assessments/compare.html", context)


# --- partners' entries ------------------------------------------------------------------------


def _candidates(request: HttpRequest) -> tuple[AssessmentRun | None, CandidateChoices]:
    """The latest finished assessment and its candidates as choices for partners' entries."""
    latest = access.latest_finished_run_for_user(request.user)
    return latest, presenters.candidate_choices(load_annual(latest.result) if latest else None)


def _entries_page(request: HttpRequest, bound: forms.EntryForm | None = None) -> HttpResponse:
    latest, choices = _candidates(request)
    names = choices.names
    can_enter = access.can_run_assessments(request.user)
    entry_forms: dict[str, forms.EntryForm] = {}
    if can_enter:
        entry_forms = {
            "score": forms.ScoreForm(candidates=choices.every),
            "horizon": forms.HorizonForm(),
            "recommendation": forms.RecommendationForm(candidates=choices.every),
            "target": forms.TargetForm(candidates=choices.priorities),
        }
        if bound is not None:
            entry_forms[bound.prefix_name] = bound
    scores = list(access.scores_for_user(request.user))
    current, history = presenters.score_rows(scores, choices, HISTORY_LISTED)
    context = {
        "latest": latest,
        "latest_period": period_label(latest.first_month, latest.last_month) if latest else "",
        "can_enter": can_enter, "entry_forms": entry_forms, "bound": bound,
        "current_scores": current, "history": history,
        "history_total": len(scores),
        "history_listed": HISTORY_LISTED,
        "horizon": access.active_entries_for_user(request.user, "horizon"),
        "recommendations": [{"item": r, "name": names.get(r.finding, r.finding)}
                            for r in access.active_entries_for_user(request.user, "recommendation")],
        "targets": [{"item": t, "name": names.get(t.candidate, t.candidate)}
                    for t in access.active_entries_for_user(request.user, "target")],
    }
    return render(request, "assessments/entries.html", context)


@requires(ASSESSMENTS_VIEW)
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    return _entries_page(request)


def _add_entry(request: HttpRequest, form_class: type[forms.EntryForm], saved: str,
               **form_kwargs: Any) -> HttpResponse:
    access.require_analyst(request.user)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        return _entries_page(request, form)
    entry = form.save(commit=False)
    entry.entered_by = request.user
    entry.save()
    messages.success(request, saved)
    return redirect(reverse("assessments:entries") + f"#{SECTIONS[form.prefix_name]}")


@requires(ASSESSMENTS_RUN)
@require_POST
def add_score(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    return _add_entry(request, forms.ScoreForm, "Score saved. The next assessment run uses it.",
                      candidates=_candidates(request)[1].every)


@requires(ASSESSMENTS_RUN)
@require_POST
def add_horizon(request: HttpRequest) -> HttpResponse:
    return _add_entry(request, forms.HorizonForm,
                      "Horizon item saved. The next assessment run lists it.")


@requires(ASSESSMENTS_RUN)
@require_POST
def add_recommendation(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    return _add_entry(request, forms.RecommendationForm,
                      "Recommendation saved. The next assessment run includes it.",
                      candidates=_candidates(request)[1].every)


@requires(ASSESSMENTS_RUN)
@require_POST
def add_target(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    return _add_entry(request, forms.TargetForm,
                      "Target saved. The next assessment run measures progress against it.",
                      candidates=_candidates(request)[1].priorities)


WITHDRAW_LABELS = {"horizon": "horizon scanning item", "recommendation": "recommendation", "target": "target"}


@requires(ASSESSMENTS_RUN)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Stop using a horizon item, recommendation or target in future runs (it is kept). A GET
    asks first (GOV.UK confirmation page, no script needed); the POST from it withdraws."""
    entry = access.get_entry_for_analyst(request.user, kind, pk)
    if request.method == "GET":
        back = reverse("assessments:entries") + f"#{SECTIONS[kind]}"
        described = getattr(entry, "title", "") or getattr(entry, "text", "")
        return render(request, "assessments/withdraw.html",
                      {"described": described, "label": WITHDRAW_LABELS[kind], "back": back})
    entry.active = False
    entry.save(update_fields=["active"])
    messages.success(request, "Withdrawn. The next assessment run no longer uses it.")
    return redirect(reverse("assessments:entries") + f"#{SECTIONS[kind]}")


# --- between assessments: deep dives ---------------------------------------------------------------


def _deep_dive_page(request: HttpRequest, form: forms.DeepDiveForm | None) -> HttpResponse:
    latest, choices = _candidates(request)
    can_run = access.can_run_assessments(request.user)
    if can_run and form is None and latest is not None:
        form = forms.DeepDiveForm(topics=choices.every)
    runs = access.runs_for_user(request.user).filter(kind=RunKind.DEEP_DIVE)
    rows, total = presenters.deep_dive_rows(runs, choices.names, DEEP_DIVES_LISTED)
    context = {"form": form, "can_run": can_run, "latest": latest, "runs": rows,
               "runs_total": total, "has_data": latest_month() is not None,
               "latest_period": (period_label(latest.first_month, latest.last_month)
                                 if latest else "")}
    return render(request, "assessments/deep_dive.html", context)


@requires(ASSESSMENTS_VIEW)
@require_GET
def deep_dives(request: HttpRequest) -> HttpResponse:
    return _deep_dive_page(request, None)


@requires(ASSESSMENTS_RUN)
@require_POST
def start_deep_dive(request: HttpRequest) -> HttpResponse:
    """Create a queued deep dive and hand it to the background worker, as ``start`` does."""
    access.require_analyst(request.user)
    form = forms.DeepDiveForm(request.POST, topics=_candidates(request)[1].every)
    if not form.is_valid():
        return _deep_dive_page(request, form)
    run = queue_run(form.save(commit=False), request.user)
    return redirect("assessments:run", pk=run.pk)


# --- between assessments: monitoring the priorities ------------------------------------------------

MONTH_FIELDS = ("first_month_month", "first_month_year", "last_month_month", "last_month_year")


@requires(ASSESSMENTS_VIEW)
@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    """The latest assessment's priorities month by month against their targets, over the months
    chosen (by default the latest 12 of data)."""
    latest = access.latest_finished_run_for_user(request.user, with_result=False)
    default = latest_year()
    bound = any(name in request.GET for name in MONTH_FIELDS)
    form = forms.MonitoringPeriodForm(request.GET if bound else None, default=default)
    context: dict[str, Any] = {"form": form, "latest": latest, "has_data": default is not None,
                               "can_run": access.can_run_assessments(request.user)}
    if latest is not None and default is not None and (not bound or form.is_valid()):
        first, last = ((form.cleaned_data["first_month"], form.cleaned_data["last_month"])
                       if bound else default)
        try:
            run, result = access.monitoring_for_user(request.user, first, last)
        except (LookupError, ValueError) as exc:  # e.g. no incidents in the months chosen
            context["problem"] = str(exc)
        else:
            targets = {t.candidate: t for t in access.active_entries_for_user(request.user, "target")}
            context.update(
                run=run, run_period=period_label(run.first_month, run.last_month),
                monitored=period_label(first, last), warnings=result.warnings,
                named=access.priorities_named(run),
                priorities=[presenters.monitor_row(n, p, targets.get(p.id))
                            for n, p in enumerate(result.priorities, start=1)])
    return render(request, "assessments/monitoring.html", context)


# --- between assessments: Street Weeks -------------------------------------------------------------


def _street_week_form(request: HttpRequest, data: Any = None) -> tuple[str | None, str,
                                                                        forms.StreetWeekForm]:
    """The kind of area ranked, its label and the form to record a Street Week in one of them."""
    kind, areas = access.street_week_areas_for_user(request.user)
    label = AREA_KIND_LABELS.get(kind or "", (kind or "area").capitalize())
    form = forms.StreetWeekForm(data, areas=[(a.code, a.name) for a in areas], area_label=label)
    return kind, label, form


def _street_weeks_page(request: HttpRequest, bound: forms.StreetWeekForm | None = None
                       ) -> HttpResponse:
    can_record = access.can_run_assessments(request.user)
    kind, label, form = _street_week_form(request)
    year = latest_year()
    held = access.street_weeks_for_user(request.user)
    context: dict[str, Any] = {
        "has_data": year is not None, "area_kind": kind, "area_label": label,
        "can_record": can_record, "form": (bound or form) if can_record else None,
        "held": presenters.held_rows(held[:STREET_WEEKS_LISTED]),
        "held_total": held.count(), "held_listed": STREET_WEEKS_LISTED,
        "max_days": forms.STREET_WEEK_MAX_DAYS, "usual_days": forms.STREET_WEEK_DAYS,
    }
    if year is not None and kind is not None:
        try:
            result = access.street_week_ranking_for_user(request.user, *year)
        except ValueError as exc:
            context["problem"] = str(exc)
        else:
            top = int(result.parameters.get("top", 5))
            weeks = held.filter(area_code__in=[a.code for a in result.excluded])
            context.update(period=period_label(*year), top=top,
                           ranked=presenters.ranked_rows(result.ranked, top),
                           left_out=presenters.left_out(result.excluded, weeks),
                           warnings=result.warnings,
                           weights={name: f"{weight:g}" for name, weight in result.weights.items()})
    return render(request, "assessments/street_weeks.html", context)


@requires(ASSESSMENTS_VIEW)
@require_GET
def street_weeks(request: HttpRequest) -> HttpResponse:
    """Wards or neighbourhoods ranked for the next Street Week, with the reasons, and the
    Street Weeks held."""
    return _street_weeks_page(request)


@requires(ASSESSMENTS_RUN)
@require_POST
def record_street_week(request: HttpRequest) -> HttpResponse:
    """Record a Street Week held (or planned), so the ranking leaves its area out."""
    access.require_analyst(request.user)
    _, _, form = _street_week_form(request, request.POST)
    if not form.is_valid():
        return _street_weeks_page(request, form)
    week = form.save()
    messages.success(request, f"Street Week in {week.area_name} recorded: "
                              f"{presenters.days_label(week.start, week.end)}. The ranking leaves "
                              f"{week.area_name} out for the next "
                              f"{services.STREET_WEEK_EXCLUDE_MONTHS} months.")
    return redirect("assessments:street-weeks")

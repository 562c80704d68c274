"""Pages of the Assessments section: runs and their reports, comparing runs, partners' entries,
and the work between assessments: deep dives, monitoring the priorities, Street Weeks.

Views are thin: objects come through ``access`` (which enforces who may see and change what),
input through ``forms``; runs are executed by the background worker
(``tasks.run_assessment_task``). The helpers below only shape a stored result for display.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Model
from django.db.models.fields.json import KT
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.assessments import access, forms
from saferplaces.apps.assessments.models import AssessmentRun, RunKind, RunStatus, TargetMeasure
from saferplaces.apps.assessments.tasks import run_assessment_task
from saferplaces.apps.incidents.models import AreaKind
from saferplaces.strategic.config import DEFAULT_CONFIG_PATH
from saferplaces.strategic.findings import fmt_p, fmt_pct
from saferplaces.strategic.monitoring import PriorityMonitor
from saferplaces.strategic.streetweek import StreetWeekArea, StreetWeekResult

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
#: Candidates read from each listed run to name its priorities (priorities are top-ranked, so
#: they sit near the top; one further down is shown by its id).
NAMED_CANDIDATES = 20
#: Score entries shown in the history table.
HISTORY_LISTED = 200
#: Deep dives listed on the deep dive page, and Street Weeks on the Street Weeks page.
DEEP_DIVES_LISTED = 50
STREET_WEEKS_LISTED = 100

#: The entries page's section for each kind of entry.
SECTIONS = {"score": "scores", "horizon": "horizon", "recommendation": "recommendations",
            "target": "targets"}

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "json": "application/json"}
#: The report is a self-contained page: inline styles and data-URI images, nothing else.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")


def _user_label(user: Any) -> str:
    if user is None:
        return "Not recorded"
    return user.get_full_name() or user.get_username()


# --- runs -----------------------------------------------------------------------------------------


def _listed_runs(request: HttpRequest) -> tuple[list[dict[str, Any]], int]:
    """The latest runs with their priorities' names, in one query that leaves the (large)
    results in the database."""
    runs = access.runs_for_user(request.user).defer("result", "config_toml")
    names = {f"c{i}_id": KT(f"result__candidates__{i}__id") for i in range(NAMED_CANDIDATES)}
    names |= {f"c{i}_name": KT(f"result__candidates__{i}__name") for i in range(NAMED_CANDIDATES)}
    rows = []
    for run in runs.annotate(priority_ids=F("result__priorities"), topic_name=KT("result__topic__name"),
                             **names)[:RUNS_LISTED]:
        known = {getattr(run, f"c{i}_id"): getattr(run, f"c{i}_name")
                 for i in range(NAMED_CANDIDATES)}
        rows.append({"run": run, "period": forms.period_label(run.first_month, run.last_month),
                     "priorities": [known.get(key) or key for key in (run.priority_ids or [])],
                     "topic": run.topic_name or run.topic,
                     "started_by": _user_label(run.created_by)})
    return rows, runs.count()


def _index_page(request: HttpRequest, form: forms.StartRunForm | None) -> HttpResponse:
    rows, total = _listed_runs(request)
    can_run = access.can_run_assessments(request.user)
    if can_run and form is None:
        form = forms.StartRunForm()
    context = {"runs": rows, "runs_total": total, "can_run": can_run, "form": form,
               "has_data": forms.latest_year() is not None,
               "finished": sum(1 for r in rows if r["run"].status == RunStatus.DONE
                               and r["run"].kind == RunKind.ANNUAL),
               "config_open": bool(form is not None and form.is_bound
                                   and (form.data.get("config_toml") or "").strip())}
    return render(request, "assessments/index.html", context)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, None)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Create a queued run and hand it to the background worker; the run page shows progress."""
    access.require_analyst(request.user)
    form = forms.StartRunForm(request.POST)
    if not form.is_valid():
        return _index_page(request, form)
    run = form.save(commit=False)
    run.created_by = request.user
    run.save()
    run_assessment_task.enqueue(run.pk)
    return redirect("assessments:run", pk=run.pk)


@login_required
@require_GET
def default_config(request: HttpRequest) -> HttpResponse:
    """The shipped default configuration, every setting explained: what the start form's
    configuration box overrides."""
    return HttpResponse(DEFAULT_CONFIG_PATH.read_bytes(), content_type="text/plain; charset=utf-8")


def _rank_range(candidate: dict[str, Any]) -> str:
    best, worst = candidate["rank_range"]["best"], candidate["rank_range"]["worst"]
    return str(best) if best == worst else f"{best} to {worst}"


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _priority_evidence(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The key evidence of each priority, in priority order, formatted for the run page."""
    by_id = {c["id"]: c for c in result["candidates"]}
    covers: dict[str, list[str]] = {}
    for c in result["candidates"]:
        if c.get("covered_by"):
            covers.setdefault(c["covered_by"], []).append(c["name"])
    top_n = int(result.get("parameters", {}).get("assessment", {}).get("top_areas", 5))
    grid_scheme = result.get("scheme") == "grid4x4"
    rows = []
    for number, key in enumerate(result["priorities"], start=1):
        c = by_id[key]
        m = c["measures"]
        hs = c.get("hotspots")
        trend = (f"{fmt_pct(m['trend_pct_per_year'])} a year, adjusted {fmt_p(m.get('trend_p_adj'))}"
                 if m.get("trend_pct_per_year") is not None else (m.get("trend_note") or "–"))
        rows.append({
            "number": number, "id": key, "name": c["name"], "kind_label": c.get("kind_label", ""),
            "rank": c["rank"], "rank_range": _rank_range(c),
            "risk_score": _number(c["risk_score"], 1),
            # the 4×4 grid's band only means something when the run ranked by it
            "band": (c.get("grid") or {}).get("band") if grid_scheme else None,
            "finding": c.get("finding", ""), "direction": m.get("direction", ""),
            "count": m["count"], "previous": m.get("previous"),
            "change": fmt_pct(m.get("pct_change")),
            "rate": _number(m.get("rate"), 2),
            "harm_rate": _number(m.get("harm_rate"), 1),
            "test": (f"{m.get('test', 'exact Poisson test')}: {fmt_p(m.get('p_value'))}, "
                     f"adjusted {fmt_p(m.get('p_adj'))}"),
            "trend": trend,
            "hotspots": ({"hot_cells": hs["hot_cells"], "new_hot_cells": hs["new_hot_cells"],
                          "share": _number(100 * hs["hot_share"]) + "%"
                          if hs.get("hot_share") is not None else "–"} if hs else None),
            "areas": [{"name": a["name"], "count": a["count"], "previous": a["previous"],
                       "rate": _number(a.get("rate"), 1), "change": fmt_pct(a.get("pct_change"))}
                      for a in c.get("areas", []) if a.get("rank") is not None][:top_n],
            "covers": covers.get(key, []),
        })
    return rows


def _downloads(run: AssessmentRun) -> list[dict[str, Any]]:
    files = {(r.public, r.format): r.size
             for r in run.reports.defer("content").annotate(size=Length("content"))}
    versions = []
    for public, version, label in ((False, "report", "Panel version (restricted)"),
                                   (True, "public", "Public version")):
        links = [{"format": fmt, "size": files[(public, fmt)],
                  "url": reverse("assessments:report",
                                 kwargs={"pk": run.pk, "version": version, "fmt": fmt})}
                 for fmt in access.REPORT_FORMATS if (public, fmt) in files]
        if links:
            versions.append({"label": label, "public": public, "links": links})
    return versions


def _quarter_label(quarter: str) -> str:
    """``"2025 Q4"`` as ``"October to December 2025"``."""
    year, q = quarter.split(" Q")
    first = pd.Period(f"{year}-{3 * int(q) - 2:02d}", "M")
    return f"{first:%B} to {first + 2:%B} {year}"


def _quarters(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The deep dive's quarterly series, latest first, each with the same quarter a year before
    and whether it holds months of the period examined."""
    period = result["period"]
    months = pd.period_range(period["first_month"], period["last_month"], freq="M")
    examined = {f"{m.year} Q{m.quarter}" for m in months}
    by_quarter = {q["quarter"]: q for q in result["quarterly"]}
    rows = []
    for q in reversed(result["quarterly"]):
        year, number = q["quarter"].split(" Q")
        before = by_quarter.get(f"{int(year) - 1} Q{number}")
        comparable = q["complete"] and before is not None and before["complete"]
        rows.append({"label": _quarter_label(q["quarter"]), "count": q["count"],
                     "complete": q["complete"], "months": q["months"],
                     "examined": q["quarter"] in examined,
                     "last_year": before["count"] if comparable else None,
                     "change": (fmt_pct(100.0 * (q["count"] - before["count"]) / before["count"])
                                if comparable and before["count"] else "–")})
    return rows


def _deep_dive_evidence(result: dict[str, Any]) -> dict[str, Any]:
    """A deep dive's result (``DeepDiveResult.to_dict()``) formatted for the run page."""
    m = result["measures"]
    label = forms.period_label

    def compared(key: str, name: str) -> dict[str, Any]:
        other = m[key]
        period = result[key]
        return {"name": name, "period": label(period["first_month"], period["last_month"]),
                "count": other["count"], "change": fmt_pct(other.get("pct_change")),
                "p": fmt_p(other.get("p_value"))}

    repeat = m.get("repeat") or {}
    hs = result.get("hotspots")
    top_n = int(result.get("parameters", {}).get("top_areas", 5))
    ranked = sorted((a for a in result.get("areas", []) if a.get("rank") is not None),
                    key=lambda a: a["rank"])
    return {
        "topic": result["topic"]["name"], "kind_label": result["topic"].get("kind_label", ""),
        "finding": result["finding"], "direction": m.get("direction", ""),
        "count": m["count"], "test": m.get("test", ""),
        "comparisons": [compared("same_period_last_year", "Same months a year before"),
                        compared("period_before", "Period before")],
        "rate": _number(m.get("rate"), 2), "harm_rate": _number(m.get("harm_rate"), 1),
        "repeat_rate": (_number(100 * repeat["repeat_incident_rate"]) + "%"
                        if repeat.get("repeat_incident_rate") is not None else None),
        "repeat_referenced": repeat.get("referenced_incidents"),
        "hotspots": ({"hot_cells": hs["hot_cells"], "new_hot_cells": hs["new_hot_cells"],
                      "share": _number(100 * hs["hot_share"]) + "%"
                      if hs.get("hot_share") is not None else "–"} if hs else None),
        "quarters": _quarters(result),
        "areas": [{"name": a["name"], "count": a["count"], "previous": a["previous"],
                   "rate": _number(a.get("rate"), 1), "change": fmt_pct(a.get("pct_change")),
                   "p_adj": fmt_p(a.get("p_adj"))} for a in ranked[:top_n]],
        "categories": [{**r, "change": fmt_pct(r.get("pct_change"))}
                       for r in result.get("composition", {}).get("categories", [])],
        "flags": [{**r, "change": fmt_pct(r.get("pct_change"))}
                  for r in result.get("composition", {}).get("flags", [])],
    }


def _annual_evidence(request: HttpRequest, run: AssessmentRun, result: dict[str, Any]
                     ) -> dict[str, Any]:
    comparison = result.get("comparison") or {}
    others = (access.finished_assessments_for_user(request.user).exclude(pk=run.pk)
              .defer("result", "config_toml")[:RUNS_LISTED])
    return {
        "priorities": _priority_evidence(result), "candidates": len(result["candidates"]),
        "comparison": (forms.period_label(comparison["first_month"], comparison["last_month"])
                       if comparison else ""),
        "weight_change": round(100 * result.get("sensitivity", {}).get("weight_change", 0.2)),
        "other_runs": [(other.pk, forms.run_label(other)) for other in others],
    }


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for_user(request.user, pk)
    result = run.result if run.status == RunStatus.DONE and run.result else None
    deep_dive = run.kind == RunKind.DEEP_DIVE
    context: dict[str, Any] = {
        "run": run, "period": forms.period_label(run.first_month, run.last_month),
        "started_by": _user_label(run.created_by) if run.created_by else "",
        "in_progress": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "is_deep_dive": deep_dive,
        "topic": (result or {}).get("topic", {}).get("name") or run.topic,
    }
    if deep_dive and not result:  # name the topic as the latest assessment does
        context["topic"] = _candidates(request)[3].get(run.topic, run.topic)
    if result:
        context.update(result=result, warnings=result.get("warnings", []), downloads=_downloads(run),
                       area_kind=result.get("area_kind") or "area")
        if deep_dive:
            context["deep_dive"] = _deep_dive_evidence(result)
        else:
            context.update(_annual_evidence(request, run, result))
    return render(request, "assessments/run.html", context)


@login_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's status for the run page's progress poll."""
    run = access.get_run_for_user(request.user, pk)
    return JsonResponse({"status": run.status, "label": run.get_status_display(),
                         "stage": run.stage, "progress": run.progress})


@login_required
@require_GET
def report(request: HttpRequest, pk: int, version: str, fmt: str) -> HttpResponse:
    """A stored report file: HTML shown in the browser, PDF and JSON downloaded."""
    stored = access.get_report_for_user(request.user, pk, fmt, public=version == "public")
    response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(fmt != "html", stored.filename)
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_CSP
    patch_cache_control(response, private=True, no_store=True)
    return response


def _compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two results' rankings side by side: each candidate's rank and risk score in both, how
    it moved, and which priorities are new or dropped. ``a`` is the earlier run."""
    in_a = {c["id"]: c for c in a["candidates"]}
    in_b = {c["id"]: c for c in b["candidates"]}
    order = [c["id"] for c in b["candidates"]] + [c["id"] for c in a["candidates"]
                                                   if c["id"] not in in_b]
    rows = []
    for key in order:
        ca, cb = in_a.get(key), in_b.get(key)
        row: dict[str, Any] = {
            "id": key, "name": (cb or ca)["name"],
            "rank_a": ca["rank"] if ca else None, "rank_b": cb["rank"] if cb else None,
            "score_a": _number(ca["risk_score"], 1) if ca else "–",
            "score_b": _number(cb["risk_score"], 1) if cb else "–",
            "priority_a": key in a["priorities"], "priority_b": key in b["priorities"],
        }
        if ca and cb:
            moved = ca["rank"] - cb["rank"]
            row["move"] = "up" if moved > 0 else "down" if moved < 0 else "same"
            row["places"] = abs(moved)
            change = cb["risk_score"] - ca["risk_score"]
            row["score_change"] = "0.0" if abs(change) < 0.05 else f"{change:+.1f}"
        else:
            row["move"] = "new" if cb else "dropped"
            row["places"] = None
            row["score_change"] = "–"
        rows.append(row)
    names = {r["id"]: r["name"] for r in rows}
    return {
        "rows": rows,
        "priorities_a": [names[k] for k in a["priorities"]],
        "priorities_b": [names[k] for k in b["priorities"]],
        "new_priorities": [names[k] for k in b["priorities"] if k not in a["priorities"]],
        "dropped_priorities": [names[k] for k in a["priorities"] if k not in b["priorities"]],
    }


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    runs = access.finished_assessments_for_user(request.user)
    bound = bool(request.GET.get("a") or request.GET.get("b"))
    form = forms.CompareForm(request.GET if bound else None, runs=runs)
    context: dict[str, Any] = {"form": form, "enough_runs": runs.count() >= 2}
    if bound and form.is_valid():
        run_a = access.get_finished_run_for_user(request.user, form.cleaned_data["a"].pk)
        run_b = access.get_finished_run_for_user(request.user, form.cleaned_data["b"].pk)
        context.update(run_a=run_a, run_b=run_b, comparison=_compare(run_a.result, run_b.result),
                       period_a=forms.period_label(run_a.first_month, run_a.last_month),
                       period_b=forms.period_label(run_b.first_month, run_b.last_month))
    return render(request, "assessments/compare.html", context)


# --- partners' entries ------------------------------------------------------------------------


def _candidates(request: HttpRequest) -> tuple[AssessmentRun | None, list[tuple[str, str]],
                                                list[tuple[str, str]], dict[str, str]]:
    """From the latest finished run: every candidate and the priorities as (id, label) choices
    in rank order, and every candidate's name."""
    latest = access.latest_finished_run_for_user(request.user)
    if latest is None:
        return None, [], [], {}
    result = latest.result
    names = {c["id"]: c["name"] for c in result["candidates"]}
    priority_number = {key: n for n, key in enumerate(result["priorities"], start=1)}
    every = [(c["id"], c["name"] + (f" (priority {priority_number[c['id']]})"
                                    if c["id"] in priority_number else ""))
             for c in result["candidates"]]
    priorities = [(key, names[key]) for key in result["priorities"]]
    return latest, every, priorities, names


def _entries_page(request: HttpRequest, bound: forms.EntryForm | None = None) -> HttpResponse:
    latest, every, priorities, names = _candidates(request)
    can_enter = access.can_run_assessments(request.user)
    entry_forms: dict[str, Any] = {}
    if can_enter:
        entry_forms = {
            "score": forms.ScoreForm(candidates=every),
            "horizon": forms.HorizonForm(),
            "recommendation": forms.RecommendationForm(candidates=every),
            "target": forms.TargetForm(candidates=priorities),
        }
        if bound is not None:
            entry_forms[bound.prefix_name] = bound

    scores = list(access.scores_for_user(request.user))
    current: dict[str, dict[str, Any]] = {}
    for score in scores:  # newest first: the first per candidate and dimension is current
        row = current.setdefault(score.candidate, {"id": score.candidate,
                                                   "name": names.get(score.candidate, score.candidate)})
        row.setdefault(score.dimension, score)
    rank = {key: i for i, (key, _) in enumerate(every)}
    context = {
        "latest": latest,
        "latest_period": forms.period_label(latest.first_month, latest.last_month) if latest else "",
        "can_enter": can_enter, "entry_forms": entry_forms, "bound": bound,
        "current_scores": sorted(current.values(), key=lambda r: (rank.get(r["id"], len(rank)), r["id"])),
        "history": [{"score": s, "name": names.get(s.candidate, s.candidate),
                     "by": _user_label(s.entered_by)} for s in scores[:HISTORY_LISTED]],
        "history_total": len(scores),
        "history_listed": HISTORY_LISTED,
        "horizon": access.active_entries_for_user(request.user, "horizon"),
        "recommendations": [{"item": r, "name": names.get(r.finding, r.finding)}
                            for r in access.active_entries_for_user(request.user, "recommendation")],
        "targets": [{"item": t, "name": names.get(t.candidate, t.candidate)}
                    for t in access.active_entries_for_user(request.user, "target")],
    }
    return render(request, "assessments/entries.html", context)


@login_required
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


@login_required
@require_POST
def add_score(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    _, every, _, _ = _candidates(request)
    return _add_entry(request, forms.ScoreForm, "Score saved. The next assessment run uses it.",
                      candidates=every)


@login_required
@require_POST
def add_horizon(request: HttpRequest) -> HttpResponse:
    return _add_entry(request, forms.HorizonForm,
                      "Horizon item saved. The next assessment run lists it.")


@login_required
@require_POST
def add_recommendation(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    _, every, _, _ = _candidates(request)
    return _add_entry(request, forms.RecommendationForm,
                      "Recommendation saved. The next assessment run includes it.",
                      candidates=every)


@login_required
@require_POST
def add_target(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    _, _, priorities, _ = _candidates(request)
    return _add_entry(request, forms.TargetForm,
                      "Target saved. The next assessment run measures progress against it.",
                      candidates=priorities)


@login_required
@require_POST
def withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Stop using a horizon item, recommendation or target in future runs (it is kept)."""
    entry: Model = access.get_entry_for_analyst(request.user, kind, pk)
    entry.active = False
    entry.save(update_fields=["active"])
    messages.success(request, "Withdrawn. The next assessment run no longer uses it.")
    return redirect(reverse("assessments:entries") + f"#{SECTIONS[kind]}")


# --- between assessments: deep dives ---------------------------------------------------------------


def _deep_dive_page(request: HttpRequest, form: forms.DeepDiveForm | None) -> HttpResponse:
    latest, every, _, names = _candidates(request)
    can_run = access.can_run_assessments(request.user)
    if can_run and form is None and latest is not None:
        form = forms.DeepDiveForm(topics=every)
    runs = (access.runs_for_user(request.user).filter(kind=RunKind.DEEP_DIVE)
            .defer("result", "config_toml").annotate(topic_name=KT("result__topic__name")))
    rows = [{"run": run, "topic": run.topic_name or names.get(run.topic, run.topic),
             "period": forms.period_label(run.first_month, run.last_month),
             "started_by": _user_label(run.created_by)} for run in runs[:DEEP_DIVES_LISTED]]
    context = {"form": form, "can_run": can_run, "latest": latest, "runs": rows,
               "runs_total": runs.count(), "has_data": forms.latest_month() is not None,
               "latest_period": (forms.period_label(latest.first_month, latest.last_month)
                                 if latest else "")}
    return render(request, "assessments/deep_dive.html", context)


@login_required
@require_GET
def deep_dives(request: HttpRequest) -> HttpResponse:
    return _deep_dive_page(request, None)


@login_required
@require_POST
def start_deep_dive(request: HttpRequest) -> HttpResponse:
    """Create a queued deep dive and hand it to the background worker, as ``start`` does."""
    access.require_analyst(request.user)
    _, every, _, _ = _candidates(request)
    form = forms.DeepDiveForm(request.POST, topics=every)
    if not form.is_valid():
        return _deep_dive_page(request, form)
    run = form.save(commit=False)
    run.created_by = request.user
    run.save()
    run_assessment_task.enqueue(run.pk)
    return redirect("assessments:run", pk=run.pk)


# --- between assessments: monitoring the priorities ------------------------------------------------

MONTH_FIELDS = ("first_month_month", "first_month_year", "last_month_month", "last_month_year")
STATUS_COLOURS = {"on track": "green", "off track": "red"}
NO_CHANGE = "no change on the same months a year before"


def _figure(value: float | None, measure: str) -> str:
    """Incidents and targets with a decimal only when they have one; harm rounded."""
    if value is None:
        return "Not yet reported"
    if measure == "harm":
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")


def _target_words(p: PriorityMonitor, target: Any) -> str:
    if target is None:
        return f"No target entered: monitored against {NO_CHANGE}"
    if p.change_pct == 0:
        words = NO_CHANGE.capitalize()
    else:
        size = f"{abs(p.change_pct):g}%"
        words = f"A {size} {'fall' if p.change_pct < 0 else 'rise'}"
        words += (" on the same months a year before" if target.baseline is None
                  else f" on a baseline of {target.baseline:,.6g} a year")
    return words + (f" ({target.note})" if target.note else "")


def _monitor_row(number: int, p: PriorityMonitor, target: Any) -> dict[str, Any]:
    """One monitored priority formatted for the monitoring page."""
    rate = p.measure == TargetMeasure.REPEAT_RATE

    def share(value: float | None) -> str:
        return "Not known" if value is None else _number(100 * value, 1) + "%"

    shown = share if rate else (lambda v: _figure(v, p.measure))
    change = ""
    if not rate and p.ytd_actual is not None and p.ytd_last_year:
        change = fmt_pct(100.0 * (p.ytd_actual - p.ytd_last_year) / p.ytd_last_year)
    return {
        "number": number, "id": p.id, "name": p.name, "rate": rate,
        "measure": dict(TargetMeasure.choices).get(p.measure, p.measure),
        "target": _target_words(p, target), "has_target": target is not None,
        "status": p.status.capitalize(), "colour": STATUS_COLOURS.get(p.status, "grey"),
        "reported": p.reported_months, "months_total": len(p.months),
        "ytd_actual": shown(p.ytd_actual), "ytd_target": shown(p.ytd_target),
        "ytd_last_year": shown(p.ytd_last_year), "change": change,
        "test": fmt_p(p.p_value) if p.p_value is not None else "",
        "months": [{"label": forms.month_label(m), "actual": _figure(a, p.measure),
                    "last_year": _figure(ly, p.measure), "target": _figure(t, p.measure)}
                   for m, a, ly, t in zip(p.months, p.actual, p.last_year, p.target, strict=True)],
    }


@login_required
@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    """The latest assessment's priorities month by month against their targets, over the months
    chosen (by default the latest 12 of data)."""
    latest = access.latest_finished_run_for_user(request.user)
    default = forms.latest_year()
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
                run=run, run_period=forms.period_label(run.first_month, run.last_month),
                monitored=forms.period_label(first, last), warnings=result.warnings,
                named=len(run.result.get("priorities", [])),
                priorities=[_monitor_row(n, p, targets.get(p.id))
                            for n, p in enumerate(result.priorities, start=1)])
    return render(request, "assessments/monitoring.html", context)


# --- between assessments: Street Weeks -------------------------------------------------------------


def _street_week_form(request: HttpRequest, data: Any = None) -> tuple[str | None, str,
                                                                        forms.StreetWeekForm]:
    """The kind of area ranked, its label and the form to record a Street Week in one of them."""
    kind, areas = access.street_week_areas_for_user(request.user)
    label = AreaKind(kind).label if kind in AreaKind.values else (kind or "area").capitalize()
    form = forms.StreetWeekForm(data, areas=[(a.code, a.name) for a in areas], area_label=label)
    return kind, label, form


def _ranked_rows(areas: tuple[StreetWeekArea, ...], top: int) -> list[dict[str, Any]]:
    return [{"rank": a.rank, "name": a.name, "code": a.code, "score": _number(a.score),
             "reasons": list(a.reasons), "top": a.rank is not None and a.rank <= top}
            for a in areas]


def _left_out(request: HttpRequest, result: StreetWeekResult) -> list[dict[str, Any]]:
    """The areas left out of the ranking, each with its latest Street Week."""
    codes = [a.code for a in result.excluded]
    latest: dict[str, Any] = {}
    for week in access.street_weeks_for_user(request.user).filter(area_code__in=codes):
        latest.setdefault(week.area_code, week)  # latest first
    return [{"name": a.name, "code": a.code,
             "held": forms.days_label(latest[a.code].start, latest[a.code].end)
             if a.code in latest else "Left out by request"} for a in result.excluded]


def _street_weeks_page(request: HttpRequest, bound: forms.StreetWeekForm | None = None
                       ) -> HttpResponse:
    can_record = access.can_run_assessments(request.user)
    kind, label, form = _street_week_form(request)
    year = forms.latest_year()
    held = access.street_weeks_for_user(request.user)
    context: dict[str, Any] = {
        "has_data": year is not None, "area_kind": kind, "area_label": label,
        "can_record": can_record, "form": (bound or form) if can_record else None,
        "held": [{"week": w, "days": forms.days_label(w.start, w.end),
                  "length": (w.end - w.start).days + 1} for w in held[:STREET_WEEKS_LISTED]],
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
            context.update(period=forms.period_label(*year), top=top,
                           ranked=_ranked_rows(result.ranked, top),
                           left_out=_left_out(request, result), warnings=result.warnings,
                           weights={name: f"{weight:g}" for name, weight in result.weights.items()})
    return render(request, "assessments/street_weeks.html", context)


@login_required
@require_GET
def street_weeks(request: HttpRequest) -> HttpResponse:
    """Wards or neighbourhoods ranked for the next Street Week, with the reasons, and the
    Street Weeks held."""
    return _street_weeks_page(request)


@login_required
@require_POST
def record_street_week(request: HttpRequest) -> HttpResponse:
    """Record a Street Week held (or planned), so the ranking leaves its area out."""
    access.require_analyst(request.user)
    _, _, form = _street_week_form(request, request.POST)
    if not form.is_valid():
        return _street_weeks_page(request, form)
    week = form.save()
    messages.success(request, f"Street Week in {week.area_name} recorded: "
                              f"{forms.days_label(week.start, week.end)}. The ranking leaves "
                              f"{week.area_name} out for the next 12 months.")
    return redirect("assessments:street-weeks")

"""The Assessments API (read-only): runs, each with its stored result's summary and links to its
report files.

``/api/assessments/runs/``            every run the caller may see, newest first (paged)
``/api/assessments/runs/<id>/``       one run: the same fields, plus the summary and reports

Who may see what is decided only by :mod:`saferplaces.apps.assessments.access`, the helpers the
Assessments pages use (``runs_for_user``, ``get_run_for_user``), so a run is visible in the
list, in the detail, on the index page and on its run page to exactly the same people. The view
rule is the pages' rule: ``assessments.view``. A run that does not exist is a 404.

The report links are the run page's download links (panel and public version, HTML, PDF and
JSON): pages of the site, opened in a signed-in browser.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW
from saferplaces.apps.assessments import access, presenters
from saferplaces.apps.assessments.models import AssessmentRun, RunKind, RunStatus
from saferplaces.apps.assessments.results import load_annual, load_deep_dive
from saferplaces.periods import period_label

__all__ = ["RunDetail", "RunList", "run_fields", "run_summary"]


# --- what a run looks like in the API ---------------------------------------------------------------


class PeriodSerializer(serializers.Serializer[Any]):
    first_month = serializers.CharField(help_text="YYYY-MM")
    last_month = serializers.CharField(help_text="YYYY-MM")
    months = serializers.IntegerField(allow_null=True)


class PrioritySerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="Candidate id, e.g. theme:violence")
    name = serializers.CharField()
    rank = serializers.IntegerField()
    risk_score = serializers.FloatField()
    finding = serializers.CharField(help_text="The finding in plain words")


class AssessmentSummarySerializer(serializers.Serializer[Any]):
    period = PeriodSerializer()
    comparison = PeriodSerializer(allow_null=True)
    area_kind = serializers.CharField(allow_null=True)
    scheme = serializers.CharField()
    synthetic = serializers.BooleanField()
    candidates = serializers.IntegerField(help_text="How many candidate priorities were ranked")
    priorities = PrioritySerializer(many=True, help_text="The priorities, in priority order")
    warnings = serializers.ListField(child=serializers.CharField())


class DeepDiveSummarySerializer(serializers.Serializer[Any]):
    topic_id = serializers.CharField()
    topic = serializers.CharField()
    period = PeriodSerializer()
    synthetic = serializers.BooleanField()
    incidents = serializers.IntegerField(help_text="Incidents of the topic in the period")
    finding = serializers.CharField(help_text="The finding in plain words")


class ReportLinkSerializer(serializers.Serializer[Any]):
    version = serializers.ChoiceField(choices=["panel", "public"])
    format = serializers.ChoiceField(choices=["html", "pdf", "json"])
    size = serializers.IntegerField(help_text="Bytes")
    url = serializers.URLField()


class RunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="This run in the API")
    page = serializers.URLField(help_text="This run's page on the site")
    kind = serializers.ChoiceField(choices=RunKind.choices)
    kind_label = serializers.CharField()
    topic = serializers.CharField(help_text="Deep dives: the topic's candidate id; else empty")
    first_month = serializers.CharField(help_text="YYYY-MM")
    last_month = serializers.CharField(help_text="YYYY-MM")
    period = serializers.CharField(help_text="The period in words")
    status = serializers.ChoiceField(choices=RunStatus.choices)
    status_label = serializers.CharField()
    progress = serializers.IntegerField(help_text="Per cent")
    synthetic = serializers.BooleanField(help_text="Made from the synthetic demo data")
    started_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class RunDetailSerializer(RunSerializer):
    assessment = AssessmentSummarySerializer(
        allow_null=True, help_text="A finished strategic assessment's result in brief; else null")
    deep_dive = DeepDiveSummarySerializer(
        allow_null=True, help_text="A finished deep dive's result in brief; else null")
    reports = ReportLinkSerializer(many=True, help_text="The run's report files")


def run_fields(request: Request, run: AssessmentRun) -> dict[str, Any]:
    """The fields the list and the detail share."""
    return {
        "id": run.pk,
        "url": request.build_absolute_uri(reverse("api:run", kwargs={"pk": run.pk})),
        "page": request.build_absolute_uri(reverse("assessments:run", kwargs={"pk": run.pk})),
        "kind": run.kind, "kind_label": run.get_kind_display(), "topic": run.topic,
        "first_month": run.first_month, "last_month": run.last_month,
        "period": period_label(run.first_month, run.last_month),
        "status": run.status, "status_label": run.get_status_display(), "progress": run.progress,
        "synthetic": run.synthetic,
        "started_by": presenters.user_label(run.created_by) if run.created_by else "",
        "created_at": run.created_at, "finished_at": run.finished_at,
    }


def run_summary(run: AssessmentRun) -> dict[str, Any]:
    """A finished run's stored result in brief: ``assessment`` or ``deep_dive`` (the other
    None; both None before the run has finished)."""
    summary: dict[str, Any] = {"assessment": None, "deep_dive": None}
    if run.status != RunStatus.DONE or not run.result:
        return summary
    if run.kind == RunKind.DEEP_DIVE:
        dive = load_deep_dive(run.result)
        summary["deep_dive"] = {
            "topic_id": dive.topic.id, "topic": dive.topic.name or run.topic,
            "period": dive.period.model_dump(), "synthetic": dive.synthetic,
            "incidents": dive.measures.count, "finding": dive.finding_plain or dive.finding,
        }
        return summary
    annual = load_annual(run.result)
    by_id = annual.by_id()
    summary["assessment"] = {
        "period": annual.period.model_dump(),
        "comparison": annual.comparison.model_dump() if annual.comparison else None,
        "area_kind": annual.area_kind, "scheme": annual.scheme, "synthetic": annual.synthetic,
        "candidates": len(annual.candidates),
        "priorities": [{"id": c.id, "name": c.name, "rank": c.rank, "risk_score": c.risk_score,
                        "finding": c.finding_plain or c.finding}
                       for c in (by_id[key] for key in annual.priorities if key in by_id)],
        "warnings": annual.warnings,
    }
    return summary


def report_links(request: Request, run: AssessmentRun) -> list[dict[str, Any]]:
    """The run page's download links (``presenters.downloads``), as absolute addresses."""
    return [{"version": "public" if group["public"] else "panel", "format": link["format"],
             "size": link["size"], "url": request.build_absolute_uri(link["url"])}
            for group in presenters.downloads(run) for link in group["links"]]


# --- the endpoints -----------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(
    summary="Assessment runs the caller may see, newest first",
    parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, enum=list(RunKind.values),
                         description="Only runs of this kind"),
        OpenApiParameter("status", OpenApiTypes.STR, enum=list(RunStatus.values),
                         description="Only runs with this status"),
    ]))
class RunList(generics.ListAPIView[AssessmentRun]):
    access = requires_rule(ASSESSMENTS_VIEW)
    serializer_class = RunSerializer

    def get_queryset(self) -> QuerySet[AssessmentRun]:
        runs = access.runs_for_user(self.request.user).defer("result", "config_toml")
        kind, status = self.request.query_params.get("kind"), self.request.query_params.get("status")
        if kind:
            runs = runs.filter(kind=kind)
        if status:
            runs = runs.filter(status=status)
        return runs

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        if args:  # the page of runs the paginator chose
            args = ([run_fields(self.request, run) for run in args[0]], *args[1:])
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(get=extend_schema(summary="One assessment run with its result in brief"))
class RunDetail(generics.RetrieveAPIView[AssessmentRun]):
    access = requires_rule(ASSESSMENTS_VIEW)
    serializer_class = RunDetailSerializer

    def get_object(self) -> AssessmentRun:
        return access.get_run_for_user(self.request.user, self.kwargs["pk"])

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        if args:
            run = args[0]
            args = ({**run_fields(self.request, run), **run_summary(run),
                     "reports": report_links(self.request, run)}, *args[1:])
        return super().get_serializer(*args, **kwargs)

"""Who may see and change what in the Assessments section: one function per resource.

Every view gets its objects through these functions, never through the models directly, so the
rules live in one place (capabilities from ``saferplaces.apps.agencies.roles``):

- reading runs, reports and partner entries needs ``assessments.view`` (assessments are
  partnership-wide: they hold no case or intelligence data, only counts and partners' entries);
- starting runs (assessments and deep dives), entering or withdrawing scores, horizon items,
  recommendations and targets, and recording Street Weeks needs ``assessments.run`` (analysts
  and co-ordinators); others get 403;
- on a public site (``SAFERPLACES_PUBLIC_SITE``) anyone may read the *public* version of a report,
  which applies the public-disclosure rules; never the panel version;
- an object that does not exist is a 404.
"""

from __future__ import annotations

from typing import Literal, overload

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import has_capability, require_capability
from saferplaces.apps.agencies.roles import ASSESSMENTS_RUN, ASSESSMENTS_VIEW
from saferplaces.apps.assessments import services
from saferplaces.apps.assessments.models import (
    AssessmentRun,
    EnteredScore,
    HorizonItem,
    Recommendation,
    ReportFile,
    RunKind,
    RunStatus,
    StreetWeek,
    Target,
)
from saferplaces.apps.assessments.services import REPORT_FORMATS
from saferplaces.apps.incidents.models import Area
from saferplaces.strategic.config import config_from_dict
from saferplaces.strategic.monitor import MonitoringResult
from saferplaces.strategic.streetweek import StreetWeekResult

__all__ = [
    "ANALYST_PERMISSION",
    "REPORT_FORMATS",
    "WITHDRAWABLE",
    "active_entries_for_user",
    "can_run_assessments",
    "finished_assessments_for_user",
    "priorities_named",
    "finished_runs_for_user",
    "get_entry_for_analyst",
    "get_docx_run_for_user",
    "get_finished_run_for_user",
    "get_report_for_user",
    "get_run_for_user",
    "latest_finished_run_for_user",
    "get_recommendation_for_analyst",
    "get_recommendation_for_user",
    "monitoring_for_user",
    "recommendations_for_user",
    "require_analyst",
    "runs_for_user",
    "scores_for_user",
    "street_week_areas_for_user",
    "street_week_ranking_for_user",
    "street_weeks_for_user",
]

User = AbstractUser | AnonymousUser

#: Starting runs and entering partners' inputs.
ANALYST_PERMISSION = ASSESSMENTS_RUN

#: Entries an analyst may withdraw (they stop being used by the next run; history is kept).
WITHDRAWABLE: dict[str, type[HorizonItem] | type[Recommendation] | type[Target]] = {
    "horizon": HorizonItem,
    "recommendation": Recommendation,
    "target": Target,
}


def _require_signed_in(user: User) -> None:
    require_capability(user, ASSESSMENTS_VIEW)


def can_run_assessments(user: User) -> bool:
    """True when ``user`` may start runs and enter scores, horizon items, recommendations and
    targets."""
    return has_capability(user, ASSESSMENTS_RUN)


def require_analyst(user: User) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` may start runs and enter inputs."""
    _require_signed_in(user)
    if not can_run_assessments(user):
        raise PermissionDenied("Starting assessments and entering scores needs analyst permission.")


def runs_for_user(user: User) -> QuerySet[AssessmentRun]:
    """Every run ``user`` may see, newest first."""
    _require_signed_in(user)
    return AssessmentRun.objects.select_related("created_by").order_by("-created_at", "-pk")


def finished_runs_for_user(user: User) -> QuerySet[AssessmentRun]:
    """Runs that finished with a result, newest first."""
    return runs_for_user(user).filter(status=RunStatus.DONE, result__isnull=False)


def finished_assessments_for_user(user: User) -> QuerySet[AssessmentRun]:
    """Finished strategic assessments (not deep dives), newest first: what can be compared."""
    return finished_runs_for_user(user).filter(kind=RunKind.ANNUAL)


def get_run_for_user(user: User, pk: int) -> AssessmentRun:
    """One run; 404 when there is no such run."""
    try:
        return runs_for_user(user).get(pk=pk)
    except AssessmentRun.DoesNotExist:
        raise Http404("No assessment run with this number.") from None


def get_finished_run_for_user(user: User, pk: int) -> AssessmentRun:
    """One finished run with its result; 404 when missing or not finished."""
    try:
        return finished_runs_for_user(user).get(pk=pk)
    except AssessmentRun.DoesNotExist:
        raise Http404("No finished assessment run with this number.") from None


def latest_finished_run_for_user(user: User, *, with_result: bool = True) -> AssessmentRun | None:
    """The latest finished strategic assessment: its candidates are what partners score.
    Without ``with_result`` the large result is read only if used."""
    runs = finished_assessments_for_user(user).order_by("-last_month", "-created_at", "-pk")
    return (runs if with_result else runs.defer("result")).first()


def priorities_named(run: AssessmentRun) -> int:
    """How many priorities ``run`` named, read without loading its whole result."""
    found = (AssessmentRun.objects.filter(pk=run.pk)
             .values_list("result__priorities", flat=True).first())
    return len(found) if isinstance(found, list) else 0


def get_report_for_user(user: User, pk: int, fmt: str, *, public: bool,
                        public_view: bool = False) -> ReportFile:
    """One report file of a run (panel or public version); 404 when the run has none.

    ``public_view`` (a signed-out visitor on a public site) may have only the public version;
    asking for the panel version is a 404, as if it did not exist."""
    if public_view:
        if not public:
            raise Http404("This run has no such report.")
    else:
        _require_signed_in(user)
    if fmt not in REPORT_FORMATS:
        raise Http404("No such report format.")
    try:
        return ReportFile.objects.select_related("run").get(run_id=pk, format=fmt, public=public)
    except ReportFile.DoesNotExist:
        raise Http404("This run has no such report (it may not have finished).") from None


def get_docx_run_for_user(user: User, pk: int, *, public: bool,
                          public_view: bool = False) -> AssessmentRun:
    """The finished strategic assessment whose Word report (made when asked for, from the
    stored result) is wanted: whoever may have the version's stored report files may have it
    (``get_report_for_user``); 404 for a deep dive, which has no Word version."""
    stored = get_report_for_user(user, pk, "json", public=public, public_view=public_view)
    run = stored.run
    if run.kind != RunKind.ANNUAL or not run.result:
        raise Http404("This run has no such report.")
    return run


def scores_for_user(user: User) -> QuerySet[EnteredScore]:
    """Every entered score, newest first (the first per candidate and dimension is current)."""
    _require_signed_in(user)
    return EnteredScore.objects.select_related("entered_by").order_by("-entered_at", "-id")


@overload
def active_entries_for_user(user: User, kind: Literal["horizon"]) -> QuerySet[HorizonItem]: ...
@overload
def active_entries_for_user(user: User, kind: Literal["recommendation"]
                            ) -> QuerySet[Recommendation]: ...
@overload
def active_entries_for_user(user: User, kind: Literal["target"]) -> QuerySet[Target]: ...
@overload
def active_entries_for_user(user: User, kind: str
                            ) -> QuerySet[HorizonItem] | QuerySet[Recommendation] | QuerySet[Target]: ...
def active_entries_for_user(user: User, kind: str
                            ) -> QuerySet[HorizonItem] | QuerySet[Recommendation] | QuerySet[Target]:
    """The horizon items, recommendations or targets the next run will use, in entry order
    (horizon items by heading)."""
    _require_signed_in(user)
    model = WITHDRAWABLE[kind]
    order = ("heading", "id") if model is HorizonItem else ("id",)
    return model.objects.filter(active=True).order_by(*order)


def get_entry_for_analyst(user: User, kind: str, pk: int
                          ) -> HorizonItem | Recommendation | Target:
    """A horizon item, recommendation or target an analyst may withdraw; 403 for others, 404
    when missing or already withdrawn."""
    require_analyst(user)
    model = WITHDRAWABLE.get(kind)
    if model is None:
        raise Http404("No such kind of entry.")
    try:
        return model.objects.get(pk=pk, active=True)
    except model.DoesNotExist:
        raise Http404("No such entry, or it was already withdrawn.") from None


# --- between assessments: monitoring and Street Weeks ---------------------------------------------


def monitoring_for_user(user: User, first_month: str, last_month: str
                        ) -> tuple[AssessmentRun, MonitoringResult]:
    """The latest assessment's priorities month by month against their targets; raises
    ``LookupError`` when no assessment has finished."""
    _require_signed_in(user)
    return services.monitor_priorities(first_month, last_month)


def street_weeks_for_user(user: User) -> QuerySet[StreetWeek]:
    """Every Street Week recorded, latest first."""
    _require_signed_in(user)
    return StreetWeek.objects.order_by("-start", "-end", "-pk")


def street_week_areas_for_user(user: User) -> tuple[str | None, QuerySet[Area]]:
    """The kind of area Street Weeks are ranked over (the first of the default configuration's
    ``small_area_kinds`` in the store, as the ranking chooses) and its areas by name."""
    _require_signed_in(user)
    present = set(Area.objects.values_list("kind", flat=True).distinct())
    for kind in config_from_dict(None).section("assessment")["small_area_kinds"]:
        if kind in present:
            return kind, Area.objects.filter(kind=kind).order_by("name", "code")
    return None, Area.objects.none()


def street_week_ranking_for_user(user: User, first_month: str, last_month: str, *,
                                 exclude_months: int = services.STREET_WEEK_EXCLUDE_MONTHS,
                                 ) -> StreetWeekResult:
    """Areas ranked for the next Street Week over the months given, leaving out every area with
    a Street Week recorded from ``exclude_months`` before the last month onwards, including
    those held or planned after the last month of data (police.uk data arrive months late, and
    an area treated last week must not be proposed again). The ranking reads the Street Weeks
    itself (``services.recent_street_week_codes``), once."""
    _require_signed_in(user)
    return services.rank_street_weeks(first_month, last_month, exclude_months=exclude_months)


# --- recommendations tracked (``tracking``) ---------------------------------------------------------


def recommendations_for_user(user: User) -> QuerySet[Recommendation]:
    """Every recommendation, open ones first, then by due day and entry."""
    _require_signed_in(user)
    return (Recommendation.objects.select_related("agency")
            .order_by("-active", "due", "id"))


def get_recommendation_for_user(user: User, pk: int) -> Recommendation:
    """One recommendation; 404 when there is no such recommendation."""
    try:
        return recommendations_for_user(user).get(pk=pk)
    except Recommendation.DoesNotExist:
        raise Http404("No recommendation with this number.") from None


def get_recommendation_for_analyst(user: User, pk: int) -> Recommendation:
    """One recommendation an analyst may change; 403 for others, 404 when missing."""
    require_analyst(user)
    return get_recommendation_for_user(user, pk)

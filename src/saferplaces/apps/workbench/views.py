"""The dashboard pages and notifications: ``/dashboard/`` (mine), ``/dashboard/overdue/`` (my
agency's overdue work, case managers) and ``/notifications/`` (read them, mark them read).
The lists come from :mod:`.dashboard`, through the cases app's access helpers."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.workbench.dashboard import dashboard_for, overdue_for, unread_notifications

__all__ = ["dashboard", "mark_all_read", "mark_read", "notifications", "overdue"]

PAGE_SIZE = 50


@requires(CASES_VIEW)
@require_GET
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    board = dashboard_for(request.user)
    record("view", request=request, object_type="dashboard",
           reason=f"{board.my_tasks_count} my tasks, {board.overdue_count} overdue, "
                  f"{board.high_risk_count} high-risk cases")
    return render(request, "workbench/dashboard.html", {"board": board})


@requires(CASES_MANAGE)
@require_GET
@never_cache
def overdue(request: HttpRequest) -> HttpResponse:
    found = overdue_for(request.user)
    record("view", request=request, object_type="overdue-dashboard",
           reason=f"{len(found.tasks_ours) + len(found.tasks_others)} tasks, "
                  f"{len(found.referrals_to_us) + len(found.referrals_from_us)} referrals")
    return render(request, "workbench/overdue.html", {"overdue": found})


def _mine(request: HttpRequest) -> QuerySet[Notification]:
    user: Any = request.user  # signed in: the declared rule let only members through
    return Notification.objects.filter(user=user)


@requires(CASES_VIEW)
@require_GET
@never_cache
def notifications(request: HttpRequest) -> HttpResponse:
    """Every notification of mine, newest first (the text names case references only)."""
    mine = _mine(request).select_related("case")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workbench/notifications.html", {
        "page": page, "unread": unread_notifications(request.user).count()})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("workbench:notifications")


@requires(CASES_VIEW)
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my notifications read (someone else's: 404)."""
    mine = _mine(request).filter(pk=pk)
    if not mine.exists():
        raise Http404("No such notification.")
    mine.filter(read_at__isnull=True).update(
        read_at=timezone.now())
    return _back(request)


@requires(CASES_VIEW)
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    unread_notifications(request.user).update(read_at=timezone.now())
    return _back(request)

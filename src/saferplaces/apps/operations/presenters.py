"""Display shaping for the operations pages and the case panel (views stay thin)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, OPERATIONS_RECORD
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.operations.access import operations_for_user, operations_of_case
from saferplaces.apps.operations.models import LegacyAction, Operation
from saferplaces.apps.operations.vocab import activity_kind

__all__ = ["LegacyRow", "case_panel", "dates_label", "legacy_rows", "place_label"]


def dates_label(start: datetime.date, end: datetime.date) -> str:
    days = (end - start).days + 1
    return f"{start:%-d %B %Y} to {end:%-d %B %Y} ({days} day{'s' if days != 1 else ''})"


def place_label(operation: Operation) -> str:
    names = [area.name for area in operation.areas.all()]
    if operation.polygon:
        names.append("a drawn area")
    return ", ".join(names) or "no place recorded"


@dataclass(frozen=True)
class LegacyRow:
    action: LegacyAction
    owner: str
    due: bool
    url: str


def legacy_rows(actions: Any, today: datetime.date | None = None) -> list[LegacyRow]:
    today = today or timezone.localdate()
    rows = []
    for action in actions:
        owner = action.owner_agency.name
        if action.owner is not None:
            owner = f"{action.owner.get_full_name() or action.owner.get_username()}, {owner}"
        rows.append(LegacyRow(action, owner,
                              action.done_on is None and action.follow_up_on <= today,
                              reverse("operations:legacy-action", args=[action.pk])))
    return rows


def activity_label(kind: str) -> str:
    found = activity_kind(kind)
    return found.label if found else kind


def case_panel(request: HttpRequest, access: CaseAccess) -> dict[str, Any] | None:
    """The case page's "Operations" section: the operations the case was linked to that the
    reader may see (and how many others), and a form to link it to one of their agency's
    operations where they may."""
    seen, others = operations_of_case(request.user, access)
    can_link = (access.contributes and has_capability(request.user, CASES_EDIT)
                and has_capability(request.user, OPERATIONS_RECORD))
    choices: list[Operation] = []
    if can_link:
        linked = {op.pk for op in seen}
        since = timezone.localdate() - datetime.timedelta(days=366)
        choices = [op for op in operations_for_user(request.user).filter(end__gte=since)
                   .order_by("-start")[:50] if op.pk not in linked]
    if not seen and not others and not choices:
        return None
    return {"operations": [{"operation": op, "url": reverse("operations:operation", args=[op.pk]),
                            "dates": dates_label(op.start, op.end)} for op in seen],
            "others": others, "choices": choices,
            "link_url": reverse("operations:link-from-case", args=[access.case.pk])}

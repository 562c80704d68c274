"""Who may see and change operations: the one access helper for operations, used by the pages,
the API, the case panel, the map layer and the one-page result alike.

- An operation is seen by the members of its **lead agency** and its **partner agencies** who
  may read assessments (``assessments.view``: every role). Anyone else gets 404, never a hint
  that it exists (an operation against county lines is itself sensitive); a member without the
  capability 403. A site administrator with no agency sees none.
- Recording needs ``operations.record``: the lead agency changes the operation itself (its
  name, dates, areas, partners, comparison areas); lead and partner agencies record activity
  and legacy actions and link cases.
- The cases an operation worked on are shown only as the reader may see them: cases their
  agency sees **in full** (``get_case_for_user``); linking a case needs ``cases.edit`` and an
  agency that works on it.
- The impact page reads incidents through the incident store's own helper
  (``incidents_for_user``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.roles import ASSESSMENTS_VIEW, OPERATIONS_RECORD
from saferplaces.apps.cases.access import CaseAccess, cases_for_user, get_case_for_user
from saferplaces.apps.operations.models import Operation, OperationCase

__all__ = ["OperationAccess", "cases_of_operation", "get_operation_for_user",
           "operations_for_user", "operations_of_case"]

#: The most cases one operation page lists.
MOST_CASES = 200


@dataclass(frozen=True)
class OperationAccess:
    """An operation as one user may see it: ``lead`` when their agency leads it; ``records``
    when they may record activity on it (``operations.record``)."""

    operation: Operation
    lead: bool
    records: bool

    @property
    def edits(self) -> bool:
        """May change the operation itself: the lead agency's recorders."""
        return self.lead and self.records

    def require_records(self) -> None:
        if not self.records:
            raise PermissionDenied("Recording on operations needs operations.record.")

    def require_edits(self) -> None:
        self.require_records()
        if not self.lead:
            raise PermissionDenied("Only the lead agency changes the operation itself.")


def operations_for_user(user: Any, capability: str = ASSESSMENTS_VIEW) -> QuerySet[Operation]:
    """The operations the user's agency leads or joins (403 without ``capability``)."""
    require_capability(user, capability)
    agency = agency_of(user)
    if agency is None:
        return Operation.objects.none()
    joined = Operation.partner_agencies.through.objects.filter(agency=agency).values("operation")
    return (Operation.objects.filter(Q(lead_agency=agency) | Q(pk__in=joined))
            .select_related("lead_agency"))


def get_operation_for_user(user: Any, pk: int, capability: str = ASSESSMENTS_VIEW
                           ) -> OperationAccess:
    """One operation: 403 without ``capability``, 404 outside the lead and partner agencies."""
    operation = operations_for_user(user, capability).filter(pk=pk).first()
    if operation is None:
        raise Http404("No such operation.")
    agency = agency_of(user)
    return OperationAccess(operation, agency is not None and operation.lead_agency_id == agency.pk,
                           has_capability(user, OPERATIONS_RECORD))


def cases_of_operation(user: Any, operation: Operation) -> list[CaseAccess]:
    """The operation's cases that the user's agency sees in full (none without
    ``cases.view``)."""
    from saferplaces.apps.agencies.roles import CASES_VIEW

    if not has_capability(user, CASES_VIEW):
        return []
    visible = cases_for_user(user).values("pk")
    ids = (OperationCase.objects.filter(operation=operation, case__in=visible)
           .order_by("case__reference").values_list("case_id", flat=True))
    found = []
    for case_id in ids[:MOST_CASES]:
        access = get_case_for_user(user, case_id)
        if access.full:
            found.append(access)
    return found


def operations_of_case(user: Any, access: CaseAccess) -> tuple[list[Operation], int]:
    """The operations a case was linked to that the reader may see, and how many others (led
    and joined by agencies other than theirs) it was linked to."""
    linked = Operation.objects.filter(case_links__case=access.case)
    if not has_capability(user, ASSESSMENTS_VIEW):
        return [], linked.count()
    seen = list(operations_for_user(user).filter(pk__in=linked.values("pk")).order_by("-start"))
    return seen, linked.count() - len(seen)

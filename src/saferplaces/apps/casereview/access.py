"""Who may see an ASB Case Review: whoever sees its case in full, through the case's access
helper (outsiders 404, members without the capability 403). A limited share of the case sees
no complaint and no review: 404 for a review, as for anything they cannot see."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from saferplaces.apps.agencies.access import require_capability
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.casereview.models import CaseReview
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user

__all__ = ["full_case_for_user", "get_review_for_user"]


def full_case_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> CaseAccess:
    """The case as ``user`` may see it, in full (its complaints and reviews), else 404."""
    access = get_case_for_user(user, pk, capability)
    if not access.full:
        raise Http404("No such case.")
    return access


def get_review_for_user(user: Any, pk: int,
                        capability: str = CASES_VIEW) -> tuple[CaseReview, CaseAccess]:
    """One Case Review and its case as ``user`` sees it: 403 without ``capability``, 404
    unless they see the case in full."""
    require_capability(user, capability)
    review = CaseReview.objects.select_related("case", "applicant").filter(pk=pk).first()
    if review is None:
        raise Http404("No such Case Review.")
    return review, full_case_for_user(user, review.case_id, capability)

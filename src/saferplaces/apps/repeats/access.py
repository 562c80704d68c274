"""Who may see repeat proposals: the one access helper for them.

A proposal is made from one agency's records (the source's holder, ``RecordHolder``) and goes to
that agency's case managers only: a user needs ``cases.manage`` (403 without it) and must belong
to the proposal's agency; anyone else gets 404, never a hint that the proposal exists. There is
no break-glass to a proposal: it names references from another agency's own records, and once
accepted its incidents are on a case, which has its own rules.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_MANAGE
from saferplaces.apps.repeats.models import Proposal

__all__ = ["RECORD_TYPE", "get_proposal_for_user", "proposals_for_user"]

#: The audit log's record type for proposals.
RECORD_TYPE = "repeat-proposal"


def proposals_for_user(user: Any) -> QuerySet[Proposal]:
    """The proposals of the user's agency (403 without ``cases.manage``)."""
    require_capability(user, CASES_MANAGE)
    agency = agency_of(user)
    if agency is None:
        return Proposal.objects.none()
    return Proposal.objects.filter(agency=agency).select_related("existing_case", "case")


def get_proposal_for_user(user: Any, pk: int) -> Proposal:
    """One proposal of the user's agency: 403 without ``cases.manage``, 404 otherwise."""
    try:
        return proposals_for_user(user).get(pk=pk)
    except Proposal.DoesNotExist:
        raise Http404("No such proposal.") from None

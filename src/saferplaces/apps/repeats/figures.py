"""Repeat detection figures for the strategic assessment: aggregate counts only (no references,
no places), across every agency.

Counted between ``period_start`` and ``period_end`` (both days included): proposals made (by
the day proposed) of each kind, and decisions taken (by the day decided): accepted as a new
case, accepted as a link to an existing case, dismissed.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F

from saferplaces.apps.repeats.models import Kind, Proposal, Status

__all__ = ["figures"]


def figures(period_start: datetime.date, period_end: datetime.date) -> dict[str, int]:
    """``{"repeat_proposals", "repeat_proposals_<kind>" for each kind, "repeat_accepted_new_case",
    "repeat_accepted_link", "repeat_dismissed"}``."""
    made = (Proposal.objects.filter(proposed_at__date__gte=period_start,
                                    proposed_at__date__lte=period_end)
            .values("kind").annotate(n=Count("id")).order_by())
    by_kind = {row["kind"]: row["n"] for row in made}
    decided = Proposal.objects.filter(decided_at__date__gte=period_start,
                                      decided_at__date__lte=period_end)
    accepted = decided.filter(status=Status.ACCEPTED)
    linked = accepted.filter(case_id=F("existing_case_id")).count()
    return {"repeat_proposals": sum(by_kind.values()),
            **{f"repeat_proposals_{kind}": by_kind.get(kind, 0) for kind in Kind.values},
            "repeat_accepted_new_case": accepted.count() - linked,
            "repeat_accepted_link": linked,
            "repeat_dismissed": decided.filter(status=Status.DISMISSED).count()}

"""What the ASB Case Review records hold about one person, for their subject access copy (UK GDPR
Article 15).

Only records whose subject is the person: the complaints **they** made (as complainant) and the
Case Review applications **they** made (as applicant), with each application's stages,
threshold reason, recommendations and outcome. Complaints and applications by other people on
the same case stay out (they are those people's data). Each record is a plain dict: ``item``
(record kind and number, never a name), ``kind``, ``date``, ``case`` (reference), ``agency``,
``details`` and ``free_text`` (redacted by the data protection app). Nothing here checks who
asks: the caller decides that.
"""

from __future__ import annotations

import datetime
from typing import Any

from saferplaces.apps.casereview.models import CaseReview, Complaint
from saferplaces.apps.people.models import Person

__all__ = ["records_about"]


def _when(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _complaint(complaint: Complaint) -> dict[str, Any]:
    return {
        "item": f"asb-complaint-{complaint.pk}", "kind": "Anti-social behaviour complaint",
        "date": _when(complaint.reported_on), "case": complaint.case.reference,
        "agency": complaint.agency.name,
        "details": {"behaviour_on": _when(complaint.behaviour_on),
                    "made_by": complaint.get_channel_display(),
                    "reported_as_hate": complaint.hate},
        "free_text": {},
    }


def _review(review: CaseReview) -> dict[str, Any]:
    met = {True: "Met", False: "Not met", None: "Not decided"}[review.threshold_met]
    return {
        "item": f"case-review-{review.pk}", "kind": "ASB Case Review application",
        "date": _when(review.applied_on), "case": review.case.reference,
        "agency": review.case.owner_agency.name,
        "details": {"reference": review.reference, "made_by": review.get_channel_display(),
                    "acknowledged_on": _when(review.acknowledged_on),
                    "threshold_decided_on": _when(review.threshold_decided_on),
                    "threshold": met, "meeting_on": _when(review.meeting_on),
                    "recommendations_on": _when(review.recommendations_on),
                    "outcome_on": _when(review.outcome_on),
                    "escalated_on": _when(review.escalated_on)},
        "free_text": {"threshold_reason": review.threshold_reason,
                      "recommendations": review.recommendations, "outcome": review.outcome,
                      "escalated_to": review.escalated_to},
    }


def records_about(person: Person) -> list[dict[str, Any]]:
    """The complaints ``person`` made and the Case Reviews they applied for."""
    complaints = (Complaint.objects.filter(complainant=person).select_related("case", "agency")
                  .order_by("reported_on", "pk"))
    reviews = (CaseReview.objects.filter(applicant=person)
               .select_related("case__owner_agency").order_by("applied_on", "pk"))
    return [_complaint(c) for c in complaints] + [_review(r) for r in reviews]

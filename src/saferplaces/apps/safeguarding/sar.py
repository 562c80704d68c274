"""What the safeguarding records hold about one person, for their subject access copy (UK GDPR
Article 15).

Only records whose subject is the person: the safeguarding concerns **about** them, the MASH
referrals of those concerns (rating, response, strategy discussion and its decision, outcome),
and, where they are the victim, the domestic-abuse risk checklists (score, criteria, the
professional judgement) and MARAC referrals. Each record is a plain dict: ``item`` (record kind
and number, never a name), ``kind``, ``date``, ``case`` (reference), ``agency``, ``details`` and
``free_text`` (redacted by the data protection app). Nothing here checks who asks: the caller
decides that. Whether a copy may leave out a safeguarding record (prejudice to a child's
protection, crime prevention) is the reviewer's decision, not this module's.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from saferplaces.apps.people.models import Person
from saferplaces.apps.safeguarding.models import (
    Concern,
    MaracReferral,
    MashReferral,
    RiskChecklist,
)
from saferplaces.apps.safeguarding.presenters import outcome_label, type_labels

__all__ = ["records_about"]


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _concern(concern: Concern) -> dict[str, Any]:
    return {
        "item": f"safeguarding-concern-{concern.pk}", "kind": "Safeguarding concern",
        "date": _when(concern.concern_on), "case": concern.case.reference,
        "agency": concern.agency.name,
        "details": {"child_on_that_day": concern.child,
                    "age_worked_out_from": concern.get_age_from_display(),
                    "exploitation_types": type_labels(list(concern.exploitation_types))},
        "free_text": {},
    }


def _mash(referral: MashReferral) -> dict[str, Any]:
    return {
        "item": f"mash-referral-{referral.pk}", "kind": "MASH referral",
        "date": _when(referral.received_at), "case": referral.case.reference,
        "agency": referral.referring_agency.name,
        "details": {"concern": f"safeguarding-concern-{referral.concern_id}",
                    "to": referral.mash_agency.name,
                    "rating": referral.get_rag_display() if referral.rag else "",
                    "screened_at": _when(referral.screened_at),
                    "response_due_at": _when(referral.response_due_at),
                    "responded_at": _when(referral.responded_at),
                    "outcome": outcome_label(referral.outcome) if referral.outcome else "",
                    "strategy_discussion_at": _when(referral.strategy_at),
                    "strategy_discussion_agencies": sorted(
                        a.name for a in referral.strategy_attendees.all())},
        "free_text": {"strategy_decision": referral.strategy_decision},
    }


def _checklist(checklist: RiskChecklist) -> dict[str, Any]:
    return {
        "item": f"risk-checklist-{checklist.pk}", "kind": "Domestic abuse risk checklist",
        "date": _when(checklist.completed_on), "case": checklist.case.reference,
        "agency": checklist.agency.name,
        "details": {"yes_answers": checklist.yes_answers,
                    "police_callouts": checklist.police_callouts,
                    "marac_threshold": checklist.threshold,
                    "marac_criteria_met": list(checklist.criteria)},
        "free_text": {"completed_by": checklist.completed_by,
                      "professional_judgement": checklist.professional_judgement},
    }


def _marac(referral: MaracReferral) -> dict[str, Any]:
    return {
        "item": f"marac-referral-{referral.pk}", "kind": "MARAC referral",
        "date": _when(referral.referred_on), "case": referral.case.reference,
        "agency": referral.agency.name,
        "details": {"meeting_on": _when(referral.meeting_on),
                    "checklist": (f"risk-checklist-{referral.checklist_id}"
                                  if referral.checklist_id else "")},
        "free_text": {},
    }


def records_about(person: Person) -> list[dict[str, Any]]:
    """The concerns about ``person`` with their MASH referrals, and the risk checklists and
    MARAC referrals where they are the victim."""
    concerns = (Concern.objects.filter(person=person).select_related("case", "agency")
                .order_by("concern_on", "pk"))
    mash = (MashReferral.objects.filter(concern__person=person)
            .select_related("case", "referring_agency", "mash_agency")
            .prefetch_related("strategy_attendees").order_by("received_at", "pk"))
    checklists = (RiskChecklist.objects.filter(victim=person).select_related("case", "agency")
                  .order_by("completed_on", "pk"))
    marac = (MaracReferral.objects.filter(victim=person).select_related("case", "agency")
             .order_by("referred_on", "pk"))
    return ([_concern(c) for c in concerns] + [_mash(m) for m in mash]
            + [_checklist(c) for c in checklists] + [_marac(m) for m in marac])

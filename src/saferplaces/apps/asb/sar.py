"""What the ASB records hold about one person, for their subject access copy (UK GDPR Article 15).

Only records whose subject is the person: the risk assessments **of** them (answers, score, band,
the professional-judgement reason) and the 2014 Act actions taken **about** them with the
breaches of those actions (breach text, fixed penalty). Actions about premises are not about a
person and stay out. Each record is a plain dict: ``item`` (record kind and number, never a
name), ``kind``, ``date``, ``case`` (reference), ``agency``, ``details`` (recorded values) and
``free_text`` (what staff wrote, which the data protection app redacts before anyone sees it).
Nothing here checks who asks: the caller (the data protection app) decides that.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from saferplaces.apps.asb.models import ActionKind, AsbAction, Breach, RiskAssessment
from saferplaces.apps.asb.presenters import _answers
from saferplaces.apps.people.models import Person

__all__ = ["records_about"]


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _assessment(item: RiskAssessment) -> dict[str, Any]:
    return {
        "item": f"asb-risk-assessment-{item.pk}", "kind": "ASB risk assessment",
        "date": _when(item.assessed_on), "case": item.case.reference, "agency": item.agency.name,
        "details": {"questionnaire": f"{item.questionnaire} ({item.questionnaire_version})",
                    "answers": {question: answer for question, answer in _answers(item)},
                    "score": item.score, "band": item.band_label,
                    "contact_by": _when(item.contact_by), "reassess_on": _when(item.reassess_on),
                    "replaces_assessment": (f"asb-risk-assessment-{item.supersedes_id}"
                                            if item.supersedes_id else "")},
        "free_text": {"judgement_reason": item.judgement_reason},
    }


_ACTION_FIELDS = ("ends_on", "review_on", "comply_by", "without_notice", "excluded_until",
                  "taken_home", "authorised_at", "authorised_until", "authorising_rank",
                  "authorising_officer", "hours", "extended_to_hours", "heard_at")


def _action(action: AsbAction) -> dict[str, Any]:
    details: dict[str, Any] = {"action": ActionKind(action.kind).label, "officer": action.officer}
    for name in _ACTION_FIELDS:
        value = getattr(action, name)
        if value not in (None, "", False):
            details[name] = _when(value) if isinstance(value, datetime.date) else value
    return {
        "item": f"asb-action-{action.pk}", "kind": "2014 Act action",
        "date": _when(action.on or action.at), "case": action.case.reference,
        "agency": action.agency.name, "details": details,
        "free_text": {"conditions": action.conditions, "locality": action.locality},
    }


def _breach(breach: Breach) -> dict[str, Any]:
    details: dict[str, Any] = {"of": f"asb-action-{breach.action_id} "
                                     f"({ActionKind(breach.action.kind).label})"}
    if breach.penalty_amount is not None:
        details["fixed_penalty"] = f"£{breach.penalty_amount}"
        details["fixed_penalty_given_on"] = _when(breach.penalty_on)
    return {
        "item": f"asb-breach-{breach.pk}", "kind": "Breach of a 2014 Act action",
        "date": _when(breach.on), "case": breach.action.case.reference,
        "agency": breach.agency.name, "details": details,
        "free_text": {"description": breach.description},
    }


def records_about(person: Person) -> list[dict[str, Any]]:
    """The risk assessments of ``person``, the actions about them and their breaches."""
    assessments = (RiskAssessment.objects.filter(person=person)
                   .select_related("case", "agency").order_by("assessed_on", "pk"))
    actions = (AsbAction.objects.filter(person=person).select_related("case", "agency")
               .order_by("recorded_at", "pk"))
    breaches = (Breach.objects.filter(action__person=person)
                .select_related("action__case", "agency").order_by("on", "pk"))
    return ([_assessment(a) for a in assessments] + [_action(a) for a in actions]
            + [_breach(b) for b in breaches])

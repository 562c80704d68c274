"""What the repeat-ASB records look like on a page, the case panels and the API: people by the
name the case page shows (a locked-down profile's stub), bands, dates and overdue markers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.asb import actions, risk
from saferplaces.apps.asb.models import ActionKind, AsbAction, RiskAssessment
from saferplaces.apps.cases import presenters as case_presenters
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.models import Case, TaskStatus
from saferplaces.apps.cases.types import role_label
from saferplaces.apps.places.models import CasePlace

__all__ = ["ActionRow", "AssessmentRow", "action_row", "actions_panel", "assessment_rows", "correction_rows",
           "names", "risk_panel", "subjects"]


def names(user: Any, access: CaseAccess) -> dict[int, str]:
    """Person id → the name the case page shows this reader."""
    return {row.person_id: row.name for row in case_presenters.parties_of(user, access)}


@dataclass(frozen=True)
class AssessmentRow:
    item: RiskAssessment
    answers: list[tuple[str, str]]
    change: str
    overdue: bool
    current: bool


def _answers(item: RiskAssessment) -> list[tuple[str, str]]:
    questionnaire = risk.questionnaire()
    if questionnaire.key != item.questionnaire or questionnaire.version != item.questionnaire_version:
        return [(key, value) for key, value in item.answers.items()]
    shown = []
    for _, question in questionnaire.questions():
        option = question.option(item.answers.get(question.key, ""))
        shown.append((question.text, option.label if option else item.answers.get(question.key, "")))
    return shown


def _change(item: RiskAssessment, earlier: RiskAssessment | None) -> str:
    if earlier is None:
        return "First assessment"
    order = ["standard", "medium", "high"]
    now, then = (order.index(b) if b in order else -1 for b in (item.band, earlier.band))
    words = ("Up from" if now > then else "Down from" if now < then else "Same band as")
    text = f"{words} {earlier.band_label.lower()}"
    if earlier.questionnaire_version == item.questionnaire_version:
        delta = item.score - earlier.score
        text += f"; score {'+' if delta > 0 else ''}{delta}"
    else:
        text += " (scores of different questionnaire versions are not compared)"
    return text


def assessment_rows(items: list[RiskAssessment]) -> list[AssessmentRow]:
    """Rows for ``items`` (one person's history, newest first)."""
    today = timezone.localdate()
    rows = []
    for n, item in enumerate(items):
        earlier = items[n + 1] if n + 1 < len(items) else None
        rows.append(AssessmentRow(item, _answers(item), _change(item, earlier),
                                  n == 0 and risk.is_reassessment_overdue(item, today), n == 0))
    return rows


def assessment_conflict(exc: risk.AssessmentConflict, form: Any) -> dict[str, Any]:
    current = exc.current
    theirs = (f"{current.band_label} (score {current.score}), {current.assessed_on:%-d %B %Y}"
              if current else "none")
    return {"conflict": exc, "conflict_rows": [
        {"field": "Current assessment", "mine": "Your answers (not scored or saved)",
         "theirs": theirs}]}


def correction_rows(action: AsbAction) -> list[dict[str, Any]]:
    """The action's corrections, oldest first, each with the values it replaced."""
    rows = []
    for item in action.corrections.select_related("corrected_by", "agency", "breach"):
        rows.append({"at": item.corrected_at, "by": case_presenters.user_label(item.corrected_by),
                     "agency": item.agency.name, "reason": item.reason,
                     "breach": item.breach.on if item.breach else None,
                     "changes": [{"field": name.replace("_", " "),
                                  "before": "" if item.previous.get(name) is None
                                  else item.previous.get(name)}
                                 for name in item.changed]})
    return rows


def breach_conflict(exc: actions.ActionConflict, data: dict[str, Any]) -> dict[str, Any]:
    current = exc.current
    breaches = list(current.breaches.order_by("on", "pk"))
    return {"conflict": exc, "conflict_rows": [
        {"field": "Breaches recorded", "mine": f"Yours on {data['on']:%-d %B %Y} (not saved)",
         "theirs": "; ".join(f"{b.on:%-d %B %Y}" for b in breaches) or "none"}]}


# --- actions ---------------------------------------------------------------------------------------


def subjects(user: Any, access: CaseAccess, kind: str) -> list[tuple[int, str]]:
    """Whom (or which premises) an action of ``kind`` on this case may be about."""
    if kind in actions.PREMISES_KINDS:
        links = CasePlace.objects.filter(case=access.case).select_related("place").order_by("place__name")
        return [(link.place_id, link.place.name) for link in links]
    seen: dict[int, str] = {}
    for row in case_presenters.parties_of(user, access):
        seen.setdefault(row.person_id, f"{row.name} ({row.role_label.lower()})")
    return list(seen.items())


@dataclass(frozen=True)
class ActionRow:
    action: AsbAction
    label: str
    about: str
    day: datetime.date | None
    next_review: datetime.date | None
    review_overdue: bool
    breaches: list[Any] = field(default_factory=list)
    penalties: int = 0


def action_row(action: AsbAction, people: dict[int, str]) -> ActionRow:
    today = timezone.localdate()
    if action.place_id is not None:
        about = action.place.name if action.place else ""
    elif action.body_name:
        number = f", company {action.body_company_number}" if action.body_company_number else ""
        about = f"{action.body_name} (a body{number})"
    else:
        about = people.get(action.person_id or 0, "A party no longer on this case")
    day = action.on or (timezone.localtime(action.at).date() if action.at else None)
    review = actions.next_review(action)
    task = action.review_task
    overdue = review is not None and review < today and (task is None or task.status == TaskStatus.OPEN)
    breaches = list(action.breaches.all())
    return ActionRow(action, ActionKind(action.kind).label, about, day, review, overdue,
                     breaches, sum(1 for b in breaches if b.penalty_amount is not None))


def _can_write(request: Any, access: CaseAccess) -> bool:
    return access.contributes and has_capability(request.user, CASES_EDIT)


def risk_panel(request: Any, access: CaseAccess) -> dict[str, Any] | None:
    """The case panel: each victim, complainant or vulnerable person with their current
    assessment, and the re-assessments due, soonest first, overdue ones marked."""
    case: Case = access.case
    people = names(request.user, access)
    current = {a.person_id: a for a in risk.current_assessments(case.pk)}
    today = timezone.localdate()
    rows, seen = [], set()
    for party in risk.assessed_people(case.pk):
        if party.person_id in seen:
            continue
        seen.add(party.person_id)
        rows.append({"party": party, "name": people.get(party.person_id, ""),
                     "role": role_label(party.role),
                     "current": current.get(party.person_id)})
    due = [{"item": item, "name": people.get(item.person_id, ""),
            "overdue": risk.is_reassessment_overdue(item, today)}
           for item in sorted(current.values(), key=lambda a: (a.reassess_on, a.pk))]
    order = ["standard", "medium", "high"]
    highest = max((a.band for a in current.values() if a.band in order), key=order.index,
                  default=None)
    below = highest is not None and order.index(highest) < order.index(case.risk) \
        if case.risk in order else False
    return {"case": case, "rows": rows, "due": due, "can_assess": _can_write(request, access),
            "assessments_below_case_risk": below}


def actions_panel(request: Any, access: CaseAccess) -> dict[str, Any] | None:
    """The case panel: the case's actions, newest first, with next review and breaches."""
    people = names(request.user, access)
    items = (AsbAction.objects.filter(case=access.case)
             .select_related("person", "place", "agency", "review_task")
             .prefetch_related("breaches"))
    return {"case": access.case, "rows": [action_row(a, people) for a in items],
            "kinds": ActionKind.choices, "can_record": _can_write(request, access)}

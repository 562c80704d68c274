"""Correcting a recorded 2014 Act action or breach: never a silent edit.

A wrong detail (a mistyped date, the wrong officer, a condition left out) is put right by a
:class:`~saferplaces.apps.asb.models.Correction`, following the rule the repeat-ASB records
keep (a risk assessment is superseded, not changed):

- **With a reason**, by an agency working on the case with ``cases.edit`` (as recording).
- **The original is kept**: the correction stores every value it replaced; the action page
  lists each correction with who made it, when and why.
- **Judged like a new record**: the corrected action goes through the casework engine with
  the other actions about the same person, body or premises, and a correction that would make
  one of *those* break a rule it kept (a warning moved after the notice it allowed) is refused
  too, naming the rule. A breach correction is checked as a new breach is.
- **What a correction cannot change**: the kind of action and whom (or which premises) it is
  about: that is a different action, recorded as one.
- **Optimistic locking**: a correction names the action's ``version`` (a breach correction
  too, since breaches are guarded by their action's version); a stale one saves nothing.
- **On the timeline and audited**: the entry names the case and the fields, never people.
- A changed review (or comply-by) date moves the open review task to it, or to today when it
  has passed, as recording does; the correction's timeline entry names the changed field.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.asb.actions import (
    FIELDS,
    PREMISES_KINDS,
    REQUIRED,
    REVIEW_FIELD,
    ActionConflict,
    ActionRefused,
    BreachInput,
    acting_agencies,
    check_breach,
    check_dates,
    clean_text,
    refusals_for,
    require_contributor,
    same_subject,
)
from saferplaces.apps.asb.models import ActionKind, AsbAction, Breach, Correction
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.models import Task, TaskStatus, TimelineEntry
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.casework.asb_powers import Refusal

__all__ = ["BREACH_FIELDS", "CorrectionConflict", "correct_action", "correct_breach", "shown"]

BREACH_FIELDS = ("on", "description", "penalty_amount", "penalty_on")


class CorrectionConflict(ActionConflict):
    """The action (or a breach of it) changed since the correction was opened: nothing saved."""

    def __init__(self, current: AsbAction) -> None:
        Exception.__init__(self, "Someone else changed this action while you were correcting it.")
        self.current = current


def shown(value: Any) -> Any:
    """A value as a correction keeps it (JSON: dates and amounts as text)."""
    if isinstance(value, (datetime.date, datetime.datetime, Decimal)):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, Agency):
        return value.name
    return value


def _reason(reason: str) -> str:
    reason = clean_text(reason, "The reason", "reason")
    if not reason:
        raise CaseRuleError("Say why the record is corrected.", "reason")
    return reason


def _newly_broken(action: AsbAction, before: dict[int, set[str]]) -> list[Refusal]:
    """Refusals the other actions about the subject now have that they did not before."""
    found: list[Refusal] = []
    for other in (AsbAction.objects.filter(same_subject(action)).exclude(pk=action.pk)
                  .select_related("person", "agency").prefetch_related("breaches")):
        for refusal in refusals_for(other):
            if refusal.rule not in before.get(other.pk, set()):
                label = ActionKind(other.kind).label
                day = other.on or (other.at.date() if other.at else None)
                when = f" of {day:%-d %B %Y}" if day else ""
                found.append(Refusal(refusal.rule, refusal.source,
                                     f"This correction would make the {label}{when} break a "
                                     f"rule: {refusal.message}"))
    return found


def correct_action(access: CaseAccess, user: Any, action: AsbAction, *, version: int,
                   reason: str, officer: str, agency: Agency, conditions: str,
                   request: HttpRequest | None = None, **values: Any) -> Correction:
    """Correct ``action`` to ``values`` (its kind's :data:`FIELDS`), officer, agency and
    conditions, with ``reason`` (module docstring for the rules)."""
    recorder = require_contributor(access, user)
    case = access.case
    if action.case_id != case.pk:
        raise CaseRuleError("That action is not on this case.")
    kind = action.kind
    unknown = set(values) - set(FIELDS[kind])
    if unknown:
        raise CaseRuleError(f"A {ActionKind(kind).label} does not record "
                            f"{', '.join(sorted(unknown))}.")
    missing = [name for name in REQUIRED.get(kind, ("on",)) if values.get(name) in (None, "")]
    if missing:
        raise CaseRuleError(f"Enter the {missing[0].replace('_', ' ')}.", missing[0])
    if agency.pk not in {item.pk for item in acting_agencies(case)} and agency.pk != action.agency_id:
        raise CaseRuleError("Choose the agency that took the action: the owner or an agency "
                            "that works on this case with a full share.", "agency")
    reason = _reason(reason)
    check_dates(values)
    officer = clean_text(officer, "The officer", "officer")
    if not officer:
        raise CaseRuleError("Enter the officer who took the action.", "officer")
    wanted: dict[str, Any] = {"officer": officer, "agency": agency,
                              "conditions": clean_text(conditions, "The conditions", "conditions")}
    for name in FIELDS[kind]:
        default = False if isinstance(getattr(action, name), bool) else None
        value = values.get(name)
        wanted[name] = default if value is None else value
        if isinstance(getattr(action, name), str) and wanted[name] is None:
            wanted[name] = ""
    changed = [name for name, value in wanted.items() if getattr(action, name) != value]
    if not changed:
        raise CaseRuleError("Nothing is changed: a correction changes at least one detail.")
    corrected = copy.copy(action)
    for name, value in wanted.items():
        setattr(corrected, name, value)
    refused = refusals_for(corrected)
    if refused:
        raise ActionRefused(refused)
    start = corrected.on or (corrected.at.date() if corrected.at else None)
    if start is not None and action.breaches.filter(on__lt=start).exists():
        raise CaseRuleError("A breach recorded for this action is before the corrected date: "
                            "correct the breach first.", "on" if "on" in FIELDS[kind] else "at")
    before = {other.pk: {r.rule for r in refusals_for(other)}
              for other in AsbAction.objects.filter(same_subject(action)).exclude(pk=action.pk)
              .select_related("person", "agency").prefetch_related("breaches")}
    previous = {name: shown(getattr(action, name)) for name in changed}
    columns = {("agency_id" if name == "agency" else name):
               (value.pk if name == "agency" else value)
               for name, value in wanted.items() if name in changed}
    with transaction.atomic():
        saved = AsbAction.objects.filter(pk=action.pk, version=version).update(
            **columns, version=F("version") + 1)
        if not saved:
            raise CorrectionConflict(AsbAction.objects.get(pk=action.pk))
        broken = _newly_broken(corrected, before)
        if broken:
            raise ActionRefused(broken)
        correction = Correction.objects.create(action=action, previous=previous, changed=changed,
                                               reason=reason, corrected_by=user, agency=recorder)
        _move_review_task(action, corrected, changed)
        words = ", ".join(name.replace("_", " ") for name in changed)
        TimelineEntry.objects.create(
            case=case, user=user, agency=recorder, kind="asb-correction",
            text=f"{ActionKind(kind).label} on {case.reference} corrected ({words})"[:300])
        record("update", user=user, request=request, object_type="asb-action",
               object_id=action.pk, fields=["correction", *changed])
        record("update", user=user, request=request, object_type="case", object_id=case.pk,
               fields=["asb_actions"])
    action.refresh_from_db()
    return correction


def _move_review_task(action: AsbAction, corrected: AsbAction, changed: list[str]) -> None:
    field = REVIEW_FIELD.get(ActionKind(action.kind))
    if field is None or field not in changed or action.review_task_id is None:
        return
    when = getattr(corrected, field)
    if when is None:
        return
    Task.objects.filter(pk=action.review_task_id, status=TaskStatus.OPEN).update(
        due=max(when, timezone.localdate()), version=F("version") + 1)


def correct_breach(access: CaseAccess, user: Any, breach: Breach, *, version: int, reason: str,
                   corrected: BreachInput, request: HttpRequest | None = None) -> Correction:
    """Correct ``breach`` to ``corrected`` with ``reason``; ``version`` is its action's."""
    recorder = require_contributor(access, user)
    case = access.case
    action = breach.action
    if action.case_id != case.pk:
        raise CaseRuleError("That breach is not on this case.")
    if action.kind in PREMISES_KINDS and corrected.penalty_amount is not None:
        raise CaseRuleError("A fixed penalty is given only for a breach of a Community "
                            "Protection Notice.", "penalty_amount")
    reason = _reason(reason)
    description = check_breach(action, corrected, leave_out=breach.pk)
    wanted = {"on": corrected.on, "description": description,
              "penalty_amount": corrected.penalty_amount, "penalty_on": corrected.penalty_on}
    changed = [name for name, value in wanted.items() if getattr(breach, name) != value]
    if not changed:
        raise CaseRuleError("Nothing is changed: a correction changes at least one detail.")
    previous = {name: shown(getattr(breach, name)) for name in changed}
    with transaction.atomic():
        saved = AsbAction.objects.filter(pk=action.pk, version=version).update(
            version=F("version") + 1)
        if not saved:
            raise CorrectionConflict(AsbAction.objects.get(pk=action.pk))
        Breach.objects.filter(pk=breach.pk).update(**{name: wanted[name] for name in changed})
        correction = Correction.objects.create(action=action, breach=breach, previous=previous,
                                               changed=changed, reason=reason,
                                               corrected_by=user, agency=recorder)
        words = ", ".join(name.replace("_", " ") for name in changed)
        TimelineEntry.objects.create(
            case=case, user=user, agency=recorder, kind="asb-correction",
            text=f"Breach of a {ActionKind(action.kind).label} on {case.reference} corrected "
                 f"({words})"[:300])
        record("update", user=user, request=request, object_type="asb-action",
               object_id=action.pk, fields=["breach_correction", *changed])
        record("update", user=user, request=request, object_type="case", object_id=case.pk,
               fields=["asb_actions"])
    return correction

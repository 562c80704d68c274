"""Recording a hate case's details, through the engine's rules (:func:`record_hate`: strands
from the vocabulary, perception, a non-crime hate incident only while the dated rule
``hate.nchi.recording_allowed`` allows it and with the Code of Practice's ground and reasoning),
with the rules in force for this partnership (``apps.cases.law.rules``).

- Who else perceived it: a role from the vocabulary ``hate_perceivers``, never a name. The day
  it was recorded: not after today nor before 1900 (:mod:`saferplaces.web.recorded_days`).
- Who: the agencies that work on the case (owner or a full share) with ``cases.edit``;
  break-glass and limited shares read only.
- No lost updates: a change names the ``version`` it was made from; a stale one saves nothing
  and :class:`Conflict` carries the stored details.
- Audited (field names, never values) and told on the case's timeline in words that name the
  case only, never a strand (special-category information).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import TimelineEntry
from saferplaces.apps.hate.models import HateDetails
from saferplaces.casework.hate import record_hate
from saferplaces.casework.refusals import Refused
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.web.recorded_days import day_problem
from saferplaces.web.textlimits import too_long

__all__ = ["CASE_TYPE", "Conflict", "HateRuleError", "save_details"]

CASE_TYPE = "hate"

#: The form field each engine rule is about, to show its message there.
_FIELDS = {"hate.strands": "strands", "hate.perception": "perceived_by",
           "hate.nchi.recording_allowed": "kind", "hate.nchi.justification_required": "nchi_ground",
           "hate.kind": "kind"}


class HateRuleError(ValueError):
    """A change the rules refuse; the message names the rule."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """The details changed since the form was opened: nothing was saved."""

    def __init__(self, current: HateDetails, attempted: dict[str, Any]) -> None:
        super().__init__("The hate details were changed by someone else.")
        self.current = current
        self.attempted = attempted


def _require_contributor(access: CaseAccess, user: Any) -> None:
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    if access.case.case_type != CASE_TYPE:
        raise HateRuleError("Hate details are recorded on hate cases only.")


def save_details(access: CaseAccess, user: Any, *, version: int | None,
                 recorded_on: datetime.date, kind: str, strands: Iterable[str],
                 perceived_by: str, perceiver: str = "", nchi_ground: str = "",
                 nchi_reasoning: str = "", request: HttpRequest | None = None) -> HateDetails:
    """Record (``version`` None) or change the case's hate details, refused with the rule it
    breaks (:class:`HateRuleError`) or when stale (:class:`Conflict`)."""
    _require_contributor(access, user)
    case = access.case
    problem = too_long(nchi_reasoning.strip(), "The reasoning")
    if problem:
        raise HateRuleError(f"{problem}.", "nchi_reasoning")
    problem = day_problem(recorded_on, "day it was recorded as hate")
    if problem:
        raise HateRuleError(problem, "recorded_on")
    roles = vocabulary("hate_perceivers")
    if perceiver and perceiver not in roles:
        raise HateRuleError(f"Choose who else perceived it by their role: "
                            f"{', '.join(roles.keys())} (never a name).", "perceiver")
    try:
        checked = record_hate(recorded_on=recorded_on, kind=kind,  # type: ignore[arg-type]
                              strands=list(strands), perceived_by=perceived_by,  # type: ignore[arg-type]
                              nchi_ground=nchi_ground, nchi_reasoning=nchi_reasoning,
                              rules=rules())
    except Refused as exc:
        raise HateRuleError(str(exc), _FIELDS.get(exc.rule)) from None
    wanted = {"recorded_on": checked.recorded_on, "kind": checked.kind,
              "strands": list(checked.strands), "perceived_by": checked.perceived_by,
              "perceiver": perceiver if checked.perceived_by == "other" else "",
              "nchi_ground": checked.nchi_ground, "nchi_reasoning": checked.nchi_reasoning}
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    with transaction.atomic():
        existing = HateDetails.objects.filter(case=case).first()
        if existing is None:
            if version is not None:
                raise HateRuleError("These details were removed: start again.")
            details = HateDetails.objects.create(case=case, agency=agency, recorded_by=user,
                                                 **wanted)
            changed = list(wanted)
            verb = "recorded"
        else:
            changed = [name for name, value in wanted.items() if getattr(existing, name) != value]
            saved = HateDetails.objects.filter(pk=existing.pk, version=version or 0).update(
                **wanted, agency=agency, recorded_by=user, version=F("version") + 1)
            details = HateDetails.objects.get(pk=existing.pk)
            if not saved:
                raise Conflict(details, wanted)
            verb = "changed"
        if changed:
            TimelineEntry.objects.create(case=case, user=user, agency=agency, kind="hate",
                                         text=f"Hate details of {case.reference} {verb}")
            record("create" if verb == "recorded" else "update", user=user, request=request,
                   object_type="case", object_id=case.pk,
                   fields=[f"hate_details.{name}" for name in changed])
    return details

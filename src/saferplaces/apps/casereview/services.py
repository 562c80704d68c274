"""The ASB Case Review's rules on the shared case record. Every rule is the engine's
(:mod:`saferplaces.casework.case_review` for the threshold and the second-report prompt,
:class:`~saferplaces.casework.case_review_figures.CaseReviewRecord` for the order of a review's
stages), read with the partnership's law file (:func:`saferplaces.apps.cases.law.rules`).

Who may write: the agencies working on the case (the owner, or a full share) with
``cases.edit``; break-glass is for reading only.

A complainant is a party of the case with some role other than alleged perpetrator
(:data:`NOT_COMPLAINANT_ROLES`): the Act counts complaints about the behaviour from those it
harms, or made on their behalf (a parent or carer, a professional, a witness in the community),
so only the person whose behaviour it is cannot complain of it; someone who is both victim and
alleged perpetrator (counter-allegations between neighbours) still can. The days recorded
(behaviour, report, application, each stage) are not in the future and not before 1900
(:mod:`saferplaces.web.recorded_days`). Staff may link a party to their complainant reference
in the council's ASB log (:func:`link_complainant`), so the same report made to the log and to
an agency counts once. Every change is audited on the case and put on
its timeline in words that name the case reference, never a person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.audit.services import record
from saferplaces.apps.casereview.complaints import complaints_of, source_label, store_rows
from saferplaces.apps.casereview.models import (
    CaseReview,
    ComplainantLink,
    Complaint,
    Explanation,
)
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Case, TimelineEntry
from saferplaces.casework import case_review
from saferplaces.casework.case_review_figures import CHANNELS, CaseReviewRecord
from saferplaces.web.recorded_days import day_problem
from saferplaces.web.textlimits import too_long

__all__ = ["STAGES", "Conflict", "ReviewRuleError", "Standing", "add_complaint", "apply",
           "NOT_COMPLAINANT_ROLES", "complainant_choices", "engine_record", "link_complainant",
           "record_explanation", "record_stage", "standing"]

#: Party roles that alone do not make someone a complainant (see the module docstring).
NOT_COMPLAINANT_ROLES = frozenset({"alleged-perpetrator"})

#: The stages recorded after the application, in order, with the fields each sets.
STAGES: dict[str, tuple[str, ...]] = {
    "acknowledgement": ("acknowledged_on",),
    "threshold": ("threshold_decided_on", "threshold_met", "threshold_reason"),
    "meeting": ("meeting_on",),
    "recommendations": ("recommendations", "recommendations_on"),
    "outcome": ("outcome", "outcome_on"),
    "escalation": ("escalated_on", "escalated_to"),
}


class ReviewRuleError(ValueError):
    """A change the rules refuse; the message names the rule, ``field`` the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """The review changed since the form was opened: nothing was saved."""

    def __init__(self, current: CaseReview, attempted: dict[str, Any]) -> None:
        super().__init__("The Case Review was changed by someone else.")
        self.current = current
        self.attempted = attempted


@dataclass(frozen=True)
class Standing:
    """The case's complaints on one day: the threshold (``assessment``), the second-report
    prompts (``prompts``; ``due`` ones not yet explained) and who each complainant is."""

    assessment: case_review.Assessment
    prompts: list[case_review.SecondReport]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def due(self) -> list[case_review.SecondReport]:
        return [p for p in self.prompts if p.due]


def standing(case: Case, on: datetime.date | None = None) -> Standing:
    """Where ``case`` stands on ``on`` (today): threshold and prompts, by the engine."""
    on = on or timezone.localdate()
    found = complaints_of(case)
    law = rules()
    explained: dict[str, list[datetime.date]] = {}
    for key, day in Explanation.objects.filter(case=case).values_list("complainant_key",
                                                                       "explained_on"):
        explained.setdefault(key, []).append(day)
    return Standing(case_review.assess(found.complaints, case.reference, on, rules=law),
                    case_review.second_report_prompts(found.complaints, explained, rules=law),
                    found.labels)


def _contributor(access: CaseAccess, user: Any) -> Agency:
    require_capability(user, CASES_EDIT)
    agency = agency_of(user)
    if not access.contributes or agency is None:
        raise ReviewRuleError("Only the agencies working on the case can record this.")
    return agency


def _timeline(case: Case, user: Any, kind: str, text: str) -> None:
    TimelineEntry.objects.create(case=case, user=user, agency=agency_of(user), kind=kind,
                                 text=text[:300])


def _audit(action: str, user: Any, request: HttpRequest | None, case: Case,
           fields: list[str]) -> None:
    record(action, user=user, request=request, object_type="case", object_id=case.pk,
           fields=fields)


def _channel(value: str, name: str = "channel") -> str:
    if value not in CHANNELS:
        raise ReviewRuleError(f"Choose how it was made: {', '.join(CHANNELS)}.", name)
    return value


def _party(case: Case, person_id: int | None, name: str) -> int | None:
    if person_id is None:
        return None
    if not case.parties.filter(person_id=person_id).exists():
        raise ReviewRuleError("Choose a party of the case.", name)
    return person_id


def _day(day: datetime.date | None, what: str, field: str) -> None:
    problem = day_problem(day, what)
    if problem:
        raise ReviewRuleError(problem, field)


def complainant_choices(case: Case) -> dict[int, str]:
    """The parties who may be a complainant (person id → name), in the order they were added."""
    found: dict[int, str] = {}
    for party in case.parties.select_related("person").order_by("pk"):
        if party.role not in NOT_COMPLAINANT_ROLES:
            found.setdefault(party.person_id, party.person.name)
    return found


def _complainant(case: Case, person_id: int) -> None:
    _party(case, person_id, "complainant")
    if person_id not in complainant_choices(case):
        raise ReviewRuleError("Choose a party harmed by the behaviour or complaining for someone "
                              "who is: the alleged perpetrator cannot be the complainant.",
                              "complainant")


def add_complaint(access: CaseAccess, user: Any, *, complainant_id: int,
                  behaviour_on: datetime.date, reported_on: datetime.date, channel: str,
                  hate: bool = False, request: HttpRequest | None = None) -> Complaint:
    """A complaint by a party of the case, made to the recording user's agency. The case's
    timeline says when the threshold is met by it."""
    agency = _contributor(access, user)
    case = access.case
    _complainant(case, complainant_id)
    _day(reported_on, "day it was reported", "reported_on")
    _day(behaviour_on, "day of the behaviour", "behaviour_on")
    if behaviour_on > reported_on:
        raise ReviewRuleError("The behaviour must be on or before the day it was reported.",
                              "behaviour_on")
    before = standing(case).assessment.met
    with transaction.atomic():
        complaint = Complaint.objects.create(
            case=case, complainant_id=complainant_id, behaviour_on=behaviour_on,
            reported_on=reported_on, agency=agency, channel=_channel(channel), hate=hate,
            recorded_by=user)
        _timeline(case, user, "complaint", f"ASB complaint recorded on {case.reference} by "
                                           f"{agency.name}")
        _audit("create", user, request, case, ["complaint"])
        if not before and standing(case).assessment.met:
            _timeline(case, user, "case-review", f"ASB Case Review threshold met on "
                                                 f"{case.reference}")
    return complaint


def link_complainant(access: CaseAccess, user: Any, *, person_id: int, source: str,
                     reference: str, request: HttpRequest | None = None) -> ComplainantLink:
    """Link a party who may complain to their complainant ``reference`` among the store rows of
    ``source`` linked to the case (one person per reference). Audited on the case; the
    timeline names the case, never the person or the reference."""
    agency = _contributor(access, user)
    case = access.case
    _complainant(case, person_id)
    reference = reference.strip()
    known = {(row.source, row.victim_ref.strip()) for row in store_rows(case)}
    if not reference or (source, reference) not in known:
        raise ReviewRuleError(f"No row of {source_label(source)} linked to this case has that "
                              "complainant reference.", "reference")
    taken = ComplainantLink.objects.filter(case=case, source=source, reference=reference,
                                           removed_at__isnull=True).first()
    if taken is not None:
        raise ReviewRuleError("That complainant reference is already linked to "
                              f"{'this person' if taken.person_id == person_id else 'a party'}.",
                              "reference")
    with transaction.atomic():
        link = ComplainantLink.objects.create(case=case, person_id=person_id, source=source,
                                              reference=reference, linked_by=user, agency=agency)
        _timeline(case, user, "case-review", f"Complainant linked to a {source_label(source)} "
                                             f"reference on {case.reference}")
        _audit("create", user, request, case, ["complainant_link"])
    return link


def current_links(case: Case) -> list[ComplainantLink]:
    """The case's complainant links still in force (removed ones are kept but do not count)."""
    return list(ComplainantLink.objects.filter(case=case, removed_at__isnull=True)
                .select_related("person", "agency"))


def remove_complainant_link(access: CaseAccess, user: Any, link_id: int, *, reason: str,
                            request: HttpRequest | None = None) -> ComplainantLink:
    """Remove a wrong complainant link with a reason: the link is kept with who removed it,
    when and why; it no longer counts, so the case's Case Review standing is recomputed (the
    person's reports in the log are again a separate complainant's). The timeline names the
    case and, when the threshold changes with it, says so; audited on the case."""
    _contributor(access, user)
    case = access.case
    reason = reason.strip()
    if not reason:
        raise ReviewRuleError("Say why the link is removed.", "reason")
    problem = too_long(reason, "The reason")
    if problem:
        raise ReviewRuleError(f"{problem}.", "reason")
    link = ComplainantLink.objects.filter(case=case, pk=link_id).first()
    if link is None:
        raise Http404("No such complainant link on this case.")
    before = standing(case).assessment.met
    with transaction.atomic():
        removed = ComplainantLink.objects.filter(pk=link.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=user, removal_reason=reason)
        if not removed:
            raise ReviewRuleError("That link has already been removed.")
        _timeline(case, user, "case-review", f"Complainant link to a reference in "
                                             f"{source_label(link.source)} removed on "
                                             f"{case.reference}")
        _audit("update", user, request, case, ["complainant_link", "complainant_link_removed"])
        after = standing(case).assessment.met
        if after != before:
            _timeline(case, user, "case-review",
                      f"ASB Case Review threshold {'met' if after else 'no longer met'} on "
                      f"{case.reference}")
    link.refresh_from_db()
    return link


def record_explanation(access: CaseAccess, user: Any, *, complainant_key: str,
                       explained_on: datetime.date, how: str,
                       request: HttpRequest | None = None) -> Explanation:
    """Record that ``user`` explained the Case Review to a complainant whose second report
    prompted it (only a prompt still due can be answered; on or after that report)."""
    agency = _contributor(access, user)
    case = access.case
    due = {p.complainant: p for p in standing(case).due}
    prompt = due.get(complainant_key)
    if prompt is None:
        raise ReviewRuleError("Choose a complainant whose second report asks for the "
                              "explanation.", "complainant")
    if explained_on < prompt.second.reported_on or explained_on > timezone.localdate():
        raise ReviewRuleError("The explanation is dated on or after the second report, and "
                              "not in the future.", "explained_on")
    with transaction.atomic():
        done = Explanation.objects.create(case=case, complainant_key=complainant_key,
                                          explained_on=explained_on, how=_channel(how, "how"),
                                          explained_by=user, agency=agency)
        _timeline(case, user, "case-review", f"ASB Case Review explained to a complainant on "
                                             f"{case.reference}")
        _audit("create", user, request, case, ["case_review_explanation"])
    return done


def engine_record(review: CaseReview, **changes: Any) -> CaseReviewRecord:
    """The engine's record of ``review`` with ``changes``; ValueError names a stage out of
    order."""
    values = {name: getattr(review, name) for fields in STAGES.values() for name in fields}
    values |= changes
    return CaseReviewRecord(
        reference=review.reference, applied_on=changes.get("applied_on", review.applied_on),
        channel=changes.get("channel", review.channel),
        acknowledged_on=values["acknowledged_on"],
        threshold_decided_on=values["threshold_decided_on"],
        threshold_met=values["threshold_met"], meeting_on=values["meeting_on"],
        recommendations=tuple(line.strip() for line in values["recommendations"].splitlines()
                              if line.strip()),
        recommendations_on=values["recommendations_on"], outcome=values["outcome"],
        outcome_on=values["outcome_on"], escalated_on=values["escalated_on"])


def _checked(review: CaseReview, **changes: Any) -> None:
    try:
        engine_record(review, **changes)
    except ValueError as exc:
        message = str(exc).split(": ", 1)[-1]
        raise ReviewRuleError(f"{message[:1].upper()}{message[1:]}.") from None


def apply(access: CaseAccess, user: Any, *, applied_on: datetime.date, channel: str,
          applicant_id: int | None = None, request: HttpRequest | None = None) -> CaseReview:
    """An application for an ASB Case Review about the case, however it was made."""
    _contributor(access, user)
    case = access.case
    _party(case, applicant_id, "applicant")
    _day(applied_on, "application's date", "applied_on")
    with transaction.atomic():
        number = CaseReview.objects.filter(case=case).count() + 1
        review = CaseReview(case=case, reference=f"{case.reference}-CR{number}",
                            applied_on=applied_on, channel=_channel(channel),
                            applicant_id=applicant_id, created_by=user)
        _checked(review)
        review.save()
        _timeline(case, user, "case-review", f"ASB Case Review {review.reference} applied for "
                                             f"({channel})")
        _audit("create", user, request, case, ["case_review"])
    return review


def record_stage(access: CaseAccess, review: CaseReview, user: Any, *, stage: str,
                 version: int, values: dict[str, Any],
                 request: HttpRequest | None = None) -> CaseReview:
    """Record one stage (``STAGES``) of ``review``, checked by the engine against the others,
    only if the stored review is still at ``version`` (else :class:`Conflict`)."""
    _contributor(access, user)
    if stage not in STAGES:
        raise ReviewRuleError("No such stage.")
    wanted = {name: values[name] for name in STAGES[stage]}
    for name, value in wanted.items():
        if isinstance(value, datetime.date):
            _day(value, "stage's date", name)
    stored = CaseReview.objects.get(pk=review.pk)
    if stored.version != version:
        raise Conflict(stored, wanted)
    _checked(stored, **wanted)
    case = access.case
    with transaction.atomic():
        saved = CaseReview.objects.filter(pk=review.pk, version=version).update(
            **wanted, version=F("version") + 1, updated_at=timezone.now())
        current = CaseReview.objects.get(pk=review.pk)
        if not saved:
            raise Conflict(current, wanted)
        _timeline(case, user, "case-review", f"ASB Case Review {review.reference}: "
                                             f"{stage} recorded")
        _audit("update", user, request, case, [f"case_review.{name}" for name in wanted])
    return current

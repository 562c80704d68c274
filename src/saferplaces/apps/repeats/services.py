"""Repeat detection on the incident store, and the decisions on what it proposes.

The rules that find a repeat are the engine's (:mod:`saferplaces.casework.repeats`, every number
a dated rule of ``repeats.toml``, read through ``saferplaces.apps.cases.law.rules``). Here:

- **Whose records**: the store keeps no owning agency on an incident, so each source is given
  its holder (``set_holder``: ``saferplaces repeats holder``). Only held sources are read; a
  source's reference column holds victim references (crime records) or complainant references
  (ASB logs), as its holder says.
- **Proposals** (``propose``): each repeat found in a holder's records since the start day is
  proposed to that agency's case managers, as a new case, or as a link to a case of the agency
  (owned, or shared with it in full, not closed) that some of its incidents are already linked
  to. Nothing is proposed when every incident is already on a case of the agency. An open
  proposal for the same repeat gains the new incidents instead of a second proposal being made
  (its version goes up, so a decision taken on the old evidence is refused as stale). After a
  decision, the repeat is proposed again only when it has incidents no earlier proposal listed:
  a dismissed repeat stays dismissed until new incidents arrive. Running it again adds nothing.
- **Decisions**: ``accept`` makes the case through the cases app's services (so its rules,
  timeline and audit apply) and links the incidents, or links them to the existing case;
  ``dismiss`` needs a reason. Both need ``cases.manage``, are refused on a stale version, and
  are audited (``repeat-proposal`` events; the reason is kept on the proposal, never in the
  log).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import linking
from saferplaces.apps.cases import services as cases
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Case, CaseIncident, CaseShare, Risk, ShareLevel, Status
from saferplaces.apps.incidents.models import Incident, MapPointArea
from saferplaces.apps.repeats.access import RECORD_TYPE
from saferplaces.apps.repeats.models import (
    Kind,
    Proposal,
    ProposalIncident,
    RecordHolder,
    References,
)
from saferplaces.apps.repeats.models import Status as ProposalStatus
from saferplaces.casework import repeats as engine
from saferplaces.progress import Progress

__all__ = ["CASE_TYPES", "Conflict", "RepeatRuleError", "Run", "accept", "case_summary",
           "default_title", "dismiss", "propose", "set_holder"]

#: The case type a new case from each kind of proposal starts as (the case manager may pick
#: another): ASB complaints are repeat ASB; a repeat victim's crimes or a place's incidents
#: most often come to the partnership as repeat ASB too, and the type is changed when the
#: evidence says hate, exploitation or safeguarding.
CASE_TYPES = {Kind.VICTIM: "repeat-asb", Kind.COMPLAINANT: "repeat-asb", Kind.LOCATION: "repeat-asb"}

#: The shortest dismissal reason accepted.
MIN_REASON = 10


class RepeatRuleError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """The proposal changed (new incidents, or someone decided it) since the form was opened."""

    def __init__(self, current: Proposal, attempted: dict[str, Any]) -> None:
        super().__init__("The proposal changed since you opened it.")
        self.current = current
        self.attempted = attempted


# --- holders ---------------------------------------------------------------------------------

def set_holder(source: str, agency: Agency, references: str, *, user: Any = None,
               request: HttpRequest | None = None) -> RecordHolder:
    """Record that ``agency`` holds ``source``'s records, whose references name victims or
    complainants (audited)."""
    source = source.strip()
    if not source:
        raise RepeatRuleError("Name the source (as stored, e.g. local or council-asb).", "source")
    if references not in References.values:
        raise RepeatRuleError(f"References must be one of {', '.join(References.values)}.",
                              "references")
    current = RecordHolder.objects.filter(source=source).first()
    if current is not None and current.agency_id == agency.pk and current.references == references:
        return current
    with transaction.atomic():
        holder, _ = RecordHolder.objects.update_or_create(
            source=source, defaults={"agency": agency, "references": references})
        record("update", user=user, request=request, object_type="record-holder",
               object_id=holder.pk, fields=["agency", "references"],
               reason=f"source {source} held by agency {agency.pk}")
    return holder


# --- detection -------------------------------------------------------------------------------

@dataclass
class Run:
    """What one detection run did."""

    since: datetime.date
    holders: list[RecordHolder] = field(default_factory=list)
    unheld: list[str] = field(default_factory=list)
    read: int = 0
    found: Counter[str] = field(default_factory=Counter)
    proposed: int = 0
    updated: int = 0
    on_cases: int = 0
    decided: int = 0


def _local_day(when: datetime.datetime) -> datetime.date:
    return timezone.localtime(when).date() if timezone.is_aware(when) else when.date()


def _records(source: str, since: datetime.date) -> tuple[list[engine.Record], dict[int, dict[str, Any]]]:
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    rows = (Incident.objects.filter(source=source, occurred__gte=start)
            .values_list("id", "occurred", "category", "victim_ref", "x", "y", "location",
                         "lsoa_name", "point_id").order_by("occurred", "id"))
    found, places = [], {}
    for pk, occurred, category, subject, x, y, location, area, point in rows.iterator(chunk_size=5000):
        place = (round(x), round(y)) if x is not None and y is not None else None
        found.append(engine.Record(pk, _local_day(occurred), category, subject or "", place))
        places[pk] = {"place": location, "area": area, "point": point}
    return found, places


def _name_areas(detections: list[engine.Detection], places: dict[int, dict[str, Any]]) -> None:
    """Give the detected records without an LSOA name of their own (partner records carry
    none) the name of the LSOA their map point falls in, as the store assigned it."""
    points = sorted({places[r.id]["point"] for d in detections for r in d.records
                     if not places[r.id]["area"] and places[r.id]["point"] is not None})
    names: dict[int, str] = {}
    for i in range(0, len(points), 500):
        names.update(MapPointArea.objects.filter(point_id__in=points[i:i + 500], area__kind="lsoa")
                     .values_list("point_id", "area__name"))
    for d in detections:
        for r in d.records:
            places[r.id]["area"] = places[r.id]["area"] or names.get(places[r.id]["point"], "")


def _agency_cases(agency: Agency) -> dict[int, str]:
    """The cases the agency works on (owner, or a live full share): id → status. The
    agency's scope, read once per run (no user is acting; a person's decision later goes
    through ``get_case_for_user``)."""
    shared = CaseShare.objects.filter(agency=agency, ended_at__isnull=True, level=ShareLevel.FULL)
    return dict(Case.objects.filter(Q(owner_agency=agency) | Q(pk__in=shared.values("case")))
                .values_list("pk", "status"))


def _links(ids: Iterable[int], scope: dict[int, str]) -> dict[int, set[int]]:
    """Incident id → the agency's cases it is linked to."""
    linked: dict[int, set[int]] = defaultdict(set)
    for incident, case in (CaseIncident.objects.filter(incident_id__in=list(ids))
                           .values_list("incident_id", "case_id")):
        if case in scope:
            linked[incident].add(case)
    return linked


def _target(ids: list[int], linked: dict[int, set[int]], scope: dict[int, str]) -> int | None:
    """The open case of the agency most of these incidents are on (ties: the oldest)."""
    counts = Counter(case for pk in ids for case in linked.get(pk, ()) if scope[case] != Status.CLOSED)
    if not counts:
        return None
    return min(counts, key=lambda case: (-counts[case], case))


def _fill(proposal: Proposal, detection: engine.Detection, places: dict[int, dict[str, Any]],
          existing_case: int | None) -> None:
    proposal.first_on, proposal.last_on = detection.first, detection.last
    proposal.categories = detection.categories
    proposal.rule = detection.rule
    proposal.existing_case_id = existing_case
    ids = [r.id for r in detection.records]
    if detection.kind == engine.Kind.LOCATION:
        proposal.place = next((places[i]["place"] for i in ids if places[i]["place"]), "")
    proposal.area = next((places[i]["area"] for i in ids if places[i]["area"]), "")


def _propose_for(holder: RecordHolder, since: datetime.date, run: Run,
                 progress: Progress | None) -> None:
    subjects = engine.Kind(holder.references)
    found, places = _records(holder.source, since)
    run.read += len(found)
    detections = engine.detect(found, subjects, rules=rules())
    _name_areas(detections, places)
    scope = _agency_cases(holder.agency)
    linked = _links((r.id for d in detections for r in d.records), scope)
    earlier: dict[tuple[str, str], list[Proposal]] = defaultdict(list)
    for proposal in Proposal.objects.filter(agency=holder.agency, source=holder.source):
        earlier[(proposal.kind, proposal.key)].append(proposal)
    evidence: dict[int, set[int]] = defaultdict(set)
    for proposal_id, incident_id in ProposalIncident.objects.filter(
            proposal__agency=holder.agency, proposal__source=holder.source).values_list(
            "proposal_id", "incident_id"):
        evidence[proposal_id].add(incident_id)
    for done, detection in enumerate(detections, 1):
        run.found[detection.kind] += 1
        ids = [r.id for r in detection.records]
        if all(linked.get(pk) for pk in ids):
            run.on_cases += 1
        else:
            _one(holder, detection, ids, earlier[(detection.kind.value, detection.key)],
                 evidence, places, _target(ids, linked, scope), run)
        if progress is not None:
            progress(holder.source, done, len(detections))


def _one(holder: RecordHolder, detection: engine.Detection, ids: list[int],
         earlier: list[Proposal], evidence: dict[int, set[int]],
         places: dict[int, dict[str, Any]], target: int | None, run: Run) -> None:
    """Propose one detected repeat, add to its open proposal, or leave it (decided, nothing
    new)."""
    open_one = next((p for p in earlier if p.status == ProposalStatus.OPEN), None)
    if open_one is not None:
        new = [pk for pk in ids if pk not in evidence[open_one.pk]]
        if not new and open_one.existing_case_id == target:
            return
        with transaction.atomic():
            ProposalIncident.objects.bulk_create(ProposalIncident(proposal=open_one, incident_id=pk)
                                                 for pk in new)
            _fill(open_one, detection, places, target)
            open_one.version = F("version") + 1
            open_one.save()
        evidence[open_one.pk].update(new)
        run.updated += 1
        return
    listed = set().union(*(evidence[p.pk] for p in earlier)) if earlier else set()
    if set(ids) <= listed:
        run.decided += 1
        return
    with transaction.atomic():
        proposal = Proposal(agency=holder.agency, source=holder.source, kind=detection.kind.value,
                            key=detection.key)
        _fill(proposal, detection, places, target)
        proposal.save()
        ProposalIncident.objects.bulk_create(ProposalIncident(proposal=proposal, incident_id=pk)
                                             for pk in ids)
        record("create", object_type=RECORD_TYPE, object_id=proposal.pk,
               fields=["kind", "incidents"], reason="repeat detection")
    earlier.append(proposal)
    evidence[proposal.pk] = set(ids)
    run.proposed += 1


def propose(*, since: datetime.date | None = None, today: datetime.date | None = None,
            progress: Progress | None = None) -> Run:
    """Detect repeats in every held source's incidents from ``since`` (default:
    ``repeats.lookback_months`` before today) and propose them (module docstring)."""
    today = today or timezone.localdate()
    since = since or engine.lookback_start(today, rules=rules())
    run = Run(since=since)
    run.holders = list(RecordHolder.objects.select_related("agency"))
    held = {h.source for h in run.holders}
    run.unheld = sorted(set(Incident.objects.values_list("source", flat=True).distinct()
                            .order_by()) - held)
    for holder in run.holders:
        _propose_for(holder, since, run, progress)
    return run


# --- decisions -------------------------------------------------------------------------------

def evidence_of(proposal: Proposal) -> QuerySet[Incident]:
    return Incident.objects.filter(pk__in=proposal.evidence.values("incident_id"))


def default_title(proposal: Proposal) -> str:
    """A case title naming the kind and dates, never a person."""
    what = {Kind.VICTIM: "Repeat victim", Kind.COMPLAINANT: "Repeat complainant",
            Kind.LOCATION: "Repeat location"}[Kind(proposal.kind)]
    where = f", {proposal.area}" if proposal.area else ""
    return f"{what}{where}: {proposal.first_on:%B %Y} to {proposal.last_on:%B %Y}"[:200]


def case_summary(proposal: Proposal, count: int) -> str:
    return (f"Proposed by repeat detection (proposal {proposal.pk}): {count} incidents in the "
            f"{proposal.source} records from {proposal.first_on:%-d %B %Y} to "
            f"{proposal.last_on:%-d %B %Y} ({', '.join(proposal.categories)}). "
            f"Rule: {proposal.rule}")


def _decidable(proposal: Proposal, version: int, attempted: dict[str, Any]) -> None:
    if proposal.status != ProposalStatus.OPEN or proposal.version != version:
        raise Conflict(proposal, attempted)


def _decide(proposal: Proposal, version: int, changes: dict[str, Any]) -> None:
    saved = Proposal.objects.filter(pk=proposal.pk, version=version,
                                    status=ProposalStatus.OPEN).update(
        **changes, version=F("version") + 1, decided_at=timezone.now(), updated_at=timezone.now())
    if not saved:
        raise Conflict(Proposal.objects.get(pk=proposal.pk), changes)


def accept(user: Any, proposal: Proposal, *, version: int, link: bool, case_type: str = "",
           title: str = "", risk: str = Risk.STANDARD,
           request: HttpRequest | None = None) -> Case:
    """Accept: link the incidents to the proposal's existing case (``link``; the user's agency
    must work on it), or open a new case of ``case_type`` owned by the user's agency and link
    them to it. Returns the case."""
    require_capability(user, CASES_MANAGE)
    require_capability(user, CASES_EDIT)
    if agency_of(user) != proposal.agency:
        raise RepeatRuleError("Only the agency that holds the records decides this proposal.")
    attempted = {"status": ProposalStatus.ACCEPTED}
    _decidable(proposal, version, attempted)
    with transaction.atomic():
        if link:
            if proposal.existing_case_id is None:
                raise RepeatRuleError("There is no case to link to: open a new case.", "decision")
            access = get_case_for_user(user, proposal.existing_case_id, CASES_EDIT)
            if not access.contributes:
                raise RepeatRuleError("Your agency no longer works on that case: open a new "
                                      "case.", "decision")
        else:
            incidents = evidence_of(proposal).count()
            try:
                made = cases.create_case(
                    user, case_type_key=case_type or CASE_TYPES[Kind(proposal.kind)],
                    title=title.strip() or default_title(proposal),
                    summary=case_summary(proposal, incidents), risk=risk, request=request)
            except cases.CaseRuleError as exc:
                raise RepeatRuleError(str(exc), exc.field) from None
            access = get_case_for_user(user, made.pk, CASES_EDIT)
        visible = linking.visible_incidents(user).filter(pk__in=evidence_of(proposal).values("pk"))
        cases.link_incidents(access, user, visible, request=request)
        _decide(proposal, version, {"status": ProposalStatus.ACCEPTED, "case": access.case,
                                    "decided_by": user})
        record("update", user=user, request=request, object_type=RECORD_TYPE,
               object_id=proposal.pk, fields=["status", "case"],
               reason=f"accepted: {'linked to' if link else 'opened'} {access.case.reference}")
    return access.case


def dismiss(user: Any, proposal: Proposal, *, version: int, reason: str,
            request: HttpRequest | None = None) -> None:
    """Dismiss with a reason (kept on the proposal; the audit event names the field only)."""
    require_capability(user, CASES_MANAGE)
    if agency_of(user) != proposal.agency:
        raise RepeatRuleError("Only the agency that holds the records decides this proposal.")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise RepeatRuleError("Say why the proposal is dismissed (a sentence, so a colleague "
                              "can tell later).", "reason")
    attempted = {"status": ProposalStatus.DISMISSED, "reason": reason}
    _decidable(proposal, version, attempted)
    with transaction.atomic():
        _decide(proposal, version, {"status": ProposalStatus.DISMISSED, "reason": reason,
                                    "decided_by": user})
        record("update", user=user, request=request, object_type=RECORD_TYPE,
               object_id=proposal.pk, fields=["status", "reason"], reason="dismissed")

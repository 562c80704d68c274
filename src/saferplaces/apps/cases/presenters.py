"""What a case looks like to one reader, shared by the case page and the API: the parts of a
full view (parties by name only, incidents, notes, timeline, shares, referrals, transfers) and
of a limited one (existence, type, status, owner, lead officer, their agency's tasks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from saferplaces.apps.agencies.access import agency_of
from saferplaces.apps.cases.access import CaseAccess, live_shares
from saferplaces.apps.cases.linking import IncidentRow, incident_rows
from saferplaces.apps.cases.models import Case, Task
from saferplaces.apps.cases.services import is_overdue
from saferplaces.apps.cases.types import case_type, role_label
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.people.access import get_person_for_user

__all__ = ["PartyRow", "case_summary", "incidents_of", "parties_of", "person_url",
           "tasks_of", "type_label", "user_label"]


def user_label(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def type_label(case: Case) -> str:
    kind = case_type(case.case_type)
    return kind.label if kind else case.case_type


def person_url(pk: int) -> str | None:
    """The person's page, when the people pages are installed."""
    try:
        return reverse("people:person", args=[pk])
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class PartyRow:
    """A party by name only: ``url`` when the reader may open the person's page,
    ``locked_down`` when that page shows only the profile's stub."""

    id: int
    person_id: int
    name: str
    role: str
    role_label: str
    url: str | None
    locked_down: bool


def parties_of(user: Any, access: CaseAccess) -> list[PartyRow]:
    if not access.full:
        return []
    rows = []
    for party in access.case.parties.select_related("person").order_by("pk"):
        try:
            seen = get_person_for_user(user, party.person_id)
        except (Http404, PermissionDenied):
            url, locked = None, party.person.locked_down
        else:
            url, locked = person_url(party.person_id), not seen.full
        rows.append(PartyRow(party.pk, party.person_id, party.person.name, party.role,
                             role_label(party.role), url, locked))
    return rows


def incidents_of(user: Any, access: CaseAccess) -> list[IncidentRow]:
    if not access.full:
        return []
    linked = Incident.objects.filter(case_links__case=access.case).order_by("-occurred", "-pk")
    return incident_rows(user, linked)


def tasks_of(user: Any, access: CaseAccess) -> list[Task]:
    """Every task of the case for a full view; a limited share sees its own agency's only."""
    tasks = access.case.tasks.select_related("assigned_user", "assigned_agency")
    if not access.full:
        tasks = tasks.filter(assigned_agency=agency_of(user))
    return list(tasks)


def case_summary(case: Case) -> dict[str, Any]:
    """What every reader of the case may see, limited or full."""
    return {"id": case.pk, "reference": case.reference, "case_type": case.case_type,
            "case_type_label": type_label(case), "status": case.status,
            "status_label": case.get_status_display(), "risk": case.risk,
            "owner_agency": case.owner_agency.name, "lead_officer": user_label(case.lead_officer),
            "opened_on": case.opened_on}


def sharing_of(access: CaseAccess) -> dict[str, Any]:
    """Shares, referrals and transfers: the owner sees all of them with their bases; a full
    share sees which agencies the case is shared with."""
    case = access.case
    if not access.full:
        return {"shares": [], "referrals": [], "transfers": []}
    shares = list(live_shares(case).select_related("shared_by"))
    if not access.is_owner:
        return {"shares": shares, "referrals": [], "transfers": []}
    referrals = list(case.referrals.select_related("to_agency", "referred_by", "decided_by"))
    for referral in referrals:
        referral.overdue = is_overdue(referral)  # type: ignore[attr-defined]
    return {"shares": shares, "referrals": referrals,
            "transfers": list(case.transfers.select_related("to_agency", "from_agency",
                                                           "offered_by", "decided_by"))}

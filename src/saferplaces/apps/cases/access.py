"""Who may see and change a case: the one access helper for cases, used by the pages, the API,
search, exports, maps and reports alike.

- A user needs ``cases.view`` to read any case (403 without it), ``cases.edit`` to add to one,
  ``cases.manage`` to share, refer, transfer, assign or close one.
- Scope by agency: the owner agency, agencies the case is shared with (a live share), or a
  user who broke the glass for it (``breakglass``). Anyone else gets 404, never a hint that
  the case exists.
- A *limited* share shows the case's existence, type, status, owner and lead officer, and the
  tasks assigned to that agency; parties, notes, incidents and the timeline need a full share.
  Owner-only notes are the owner agency's alone, and so are the timeline entries about them.
- Referrals and transfers are seen by the case managers (``cases.manage``) of the agency that
  made them and of the agency they were made to; the receiving agency sees the referral before
  it sees the case (the case only once it accepts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.agencies import breakglass
from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.models import Agency, BreakGlassAccess
from saferplaces.apps.agencies.roles import CASES_MANAGE, CASES_VIEW
from saferplaces.apps.cases.models import (
    Case,
    CaseShare,
    Note,
    NoteVisibility,
    Referral,
    ShareLevel,
    TimelineEntry,
    Transfer,
)

__all__ = ["CaseAccess", "RECORD_TYPE", "cases_for_user", "get_case_for_user",
           "get_referral_for_user", "get_transfer_for_user", "live_shares", "referrals_for_user",
           "register_break_glass", "transfers_for_user"]

RECORD_TYPE = "case"


@dataclass(frozen=True)
class CaseAccess:
    """A case as one user may see it: ``scope`` is why (owner, shared, break-glass) and
    ``full`` whether they see parties, notes, incidents and the timeline."""

    case: Case
    scope: str
    full: bool

    @property
    def is_owner(self) -> bool:
        return self.scope == "owner"

    @property
    def contributes(self) -> bool:
        """The agency works on the case (owner or a full share): it may add parties, notes and
        incidents. Break-glass is for reading only."""
        return self.full and self.scope in ("owner", "shared")

    def notes(self) -> QuerySet[Note]:
        notes = self.case.notes.select_related("written_by", "agency")
        if not self.full:
            return notes.none()
        return notes if self.is_owner else notes.filter(visibility=NoteVisibility.SHARED)

    def timeline(self) -> QuerySet[TimelineEntry]:
        """The timeline as this reader may see it: none on a limited share; entries about
        owner-only notes for the owner agency alone."""
        entries = self.case.timeline.select_related("user", "agency")
        if not self.full:
            return entries.none()
        return entries if self.is_owner else entries.filter(owner_only=False)


def live_shares(case: Case) -> QuerySet[CaseShare]:
    return case.shares.filter(ended_at__isnull=True).select_related("agency")


def _break_glass_ids(user: Any) -> list[str]:
    return list(BreakGlassAccess.objects
                .filter(user=user, record_type=RECORD_TYPE, expires_at__gt=timezone.now())
                .values_list("record_id", flat=True))


def cases_for_user(user: Any, capability: str = CASES_VIEW) -> QuerySet[Case]:
    """Every case in the user's agency's scope (403 without ``capability``)."""
    require_capability(user, capability)
    agency = agency_of(user)
    if agency is None:
        return Case.objects.none()
    glass = [int(pk) for pk in _break_glass_ids(user) if str(pk).isdigit()]
    return Case.objects.filter(
        Q(owner_agency=agency)
        | Q(pk__in=CaseShare.objects.filter(agency=agency, ended_at__isnull=True).values("case"))
        | Q(pk__in=glass)).select_related("owner_agency", "lead_officer")


def get_case_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> CaseAccess:
    """One case as ``user`` may see it: 403 without ``capability``, 404 outside scope."""
    require_capability(user, capability)
    agency = agency_of(user)
    try:
        case = Case.objects.select_related("owner_agency", "lead_officer").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None
    if agency is None:
        raise Http404("No such case.")
    if case.owner_agency_id == agency.pk:
        return CaseAccess(case, "owner", True)
    share = live_shares(case).filter(agency=agency).first()
    if share is not None:
        return CaseAccess(case, "shared", share.level == ShareLevel.FULL)
    if breakglass.active_break_glass(user, RECORD_TYPE, str(pk)) is not None:
        return CaseAccess(case, "break-glass", True)
    raise Http404("No such case.")


def referrals_for_user(user: Any, capability: str = CASES_MANAGE) -> QuerySet[Referral]:
    """Referrals made by or to the user's agency (403 without ``capability``). A receiving
    agency sees the referral (reference, type, reason, target) before it can see the case."""
    require_capability(user, capability)
    agency = agency_of(user)
    if agency is None:
        return Referral.objects.none()
    return (Referral.objects.filter(Q(from_agency=agency) | Q(to_agency=agency))
            .select_related("case", "from_agency", "to_agency", "referred_by", "decided_by"))


def get_referral_for_user(user: Any, pk: int, capability: str = CASES_MANAGE) -> Referral:
    """One referral made by or to the user's agency: 403 without ``capability``, else 404."""
    referral = referrals_for_user(user, capability).filter(pk=pk).first()
    if referral is None:
        raise Http404("No such referral.")
    return referral


def transfers_for_user(user: Any, capability: str = CASES_MANAGE) -> QuerySet[Transfer]:
    """Ownership transfers offered by or to the user's agency (403 without ``capability``)."""
    require_capability(user, capability)
    agency = agency_of(user)
    if agency is None:
        return Transfer.objects.none()
    return (Transfer.objects.filter(Q(from_agency=agency) | Q(to_agency=agency))
            .select_related("case", "from_agency", "to_agency", "offered_by", "decided_by"))


def get_transfer_for_user(user: Any, pk: int, capability: str = CASES_MANAGE) -> Transfer:
    """One transfer offered by or to the user's agency: 403 without ``capability``, else 404."""
    transfer = transfers_for_user(user, capability).filter(pk=pk).first()
    if transfer is None:
        raise Http404("No such transfer.")
    return transfer


def _owner(record_id: str) -> Agency | None:
    case = Case.objects.filter(pk=int(record_id)).select_related("owner_agency").first() \
        if record_id.isdigit() else None
    return case.owner_agency if case else None


def register_break_glass() -> None:
    breakglass.register(breakglass.ScopedRecordType(
        name=RECORD_TYPE, label="case", capability=CASES_VIEW, owner_agency=_owner,
        url=lambda record_id: reverse("cases:case", args=[int(record_id)])))

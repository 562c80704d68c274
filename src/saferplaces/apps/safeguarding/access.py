"""Who may see and change the safeguarding records: the one access helper for each, built on
the case's (``get_case_for_user``).

- A concern, MASH referral, risk checklist or MARAC referral is seen by whoever sees its case
  **in full**: the owner agency, an agency with a full share, or a user who broke the glass.
  Anyone else gets 404 (an outsider agency, and a limited share too: a limited share sees that
  the case exists, not its safeguarding records); a member without the capability 403.
- Adding and changing need ``cases.edit`` and an agency that works on the case (owner or full
  share, :attr:`CaseAccess.contributes`); break-glass is for reading.
- A MASH referral's screening, strategy discussion, response and outcome are the MASH's: only a
  user of the referral's MASH agency records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.safeguarding.models import Concern, MaracReferral, MashReferral

__all__ = ["Seen", "can_contribute", "get_case_in_full", "get_concern_for_user",
           "get_marac_referral_for_user", "get_mash_referral_for_user", "is_mash_screener"]


@dataclass(frozen=True)
class Seen:
    """A record as one user may see it, with the case access it was reached through."""

    record: Any
    case_access: CaseAccess


def get_case_in_full(user: Any, case_pk: int, capability: str = CASES_VIEW) -> CaseAccess:
    """The case, if ``user`` sees it in full: 403 without ``capability``, else 404."""
    access = get_case_for_user(user, case_pk, capability)
    if not access.full:
        raise Http404("No such case.")
    return access


def _get(model: Any, user: Any, pk: int, capability: str) -> Seen:
    record = model.objects.filter(pk=pk).first()
    if record is None:
        require_capability(user, capability)  # 403 before 404, as for a record that exists
        raise Http404("Not found.")
    return Seen(record, get_case_in_full(user, record.case_id, capability))


def get_concern_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> Seen:
    return _get(Concern, user, pk, capability)


def get_mash_referral_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> Seen:
    return _get(MashReferral, user, pk, capability)


def get_marac_referral_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> Seen:
    return _get(MaracReferral, user, pk, capability)


def can_contribute(user: Any, access: CaseAccess) -> bool:
    return access.contributes and has_capability(user, CASES_EDIT)


def is_mash_screener(user: Any, referral: MashReferral, access: CaseAccess) -> bool:
    """A user of the referral's MASH agency who may edit cases and whose agency works on it."""
    agency = agency_of(user)
    return (can_contribute(user, access) and agency is not None
            and agency.pk == referral.mash_agency_id)

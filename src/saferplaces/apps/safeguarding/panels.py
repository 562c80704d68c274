"""The safeguarding sections of the case page: concerns and MASH referrals on vulnerable-person
and exploitation cases; the risk checklist, MARAC referrals and the repeat-MARAC flag on
domestic-abuse cases. Shown to readers who see the case in full (the cases app's rule)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.panels import CasePanel, register
from saferplaces.apps.safeguarding import presenters, services
from saferplaces.apps.safeguarding.access import can_contribute

__all__ = ["register_panels"]


def safeguarding_panel(request: HttpRequest, access: CaseAccess) -> dict[str, Any] | None:
    who = presenters.names(request.user, access)
    return {"case": access.case, "concerns": presenters.concerns(access, who),
            "mash": presenters.mash_rows(access, who),
            "can_contribute": can_contribute(request.user, access)}


def domestic_abuse_panel(request: HttpRequest, access: CaseAccess) -> dict[str, Any] | None:
    who = presenters.names(request.user, access)
    return {"case": access.case, "checklists": presenters.checklists(access, who),
            "marac": presenters.marac_referrals(access, who),
            "repeats": services.repeats(request.user, access),
            "can_contribute": can_contribute(request.user, access)}


def register_panels() -> None:
    register(CasePanel("safeguarding", "safeguarding/_panel.html", safeguarding_panel,
                       case_types=services.SAFEGUARDING_TYPES, order=40))
    register(CasePanel("domestic-abuse", "safeguarding/_domestic_abuse_panel.html",
                       domestic_abuse_panel, case_types=services.DOMESTIC_ABUSE_TYPES, order=40))

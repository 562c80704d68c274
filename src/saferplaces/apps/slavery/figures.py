"""NRM figures for the strategic assessment: aggregate counts only (no names, no references).

Counted: every NRM referral in the partnership made between ``period_start`` and
``period_end`` (both days included), by child or adult and by positive decisions, and every
Duty to Notify record made in the period (the adults who declined a referral).
"""

from __future__ import annotations

import datetime

from saferplaces.apps.slavery.models import DutyToNotify, NrmReferral

__all__ = ["figures"]


def figures(period_start: datetime.date, period_end: datetime.date) -> dict[str, int]:
    """``{"nrm_referrals", "nrm_children", "nrm_adults", "nrm_positive_reasonable_grounds",
    "nrm_positive_conclusive_grounds", "duty_to_notify"}``."""
    referrals = NrmReferral.objects.filter(referred_on__gte=period_start,
                                           referred_on__lte=period_end)
    return {"nrm_referrals": referrals.count(),
            "nrm_children": referrals.filter(child=True).count(),
            "nrm_adults": referrals.filter(child=False).count(),
            "nrm_positive_reasonable_grounds": referrals.filter(rg_positive=True).count(),
            "nrm_positive_conclusive_grounds": referrals.filter(cg_positive=True).count(),
            "duty_to_notify": DutyToNotify.objects.filter(notified_on__gte=period_start,
                                                          notified_on__lte=period_end).count()}

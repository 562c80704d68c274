"""Safeguarding figures for the strategic assessment, in aggregate only (no names, no
references): counts of what was recorded in a period, first and last day included.

- ``concerns``, ``concerns_child``, ``concerns_adult``: concerns dated in the period;
- ``concerns_<type>``: of those, each exploitation type of the vocabulary (a concern with two
  types counts once in each);
- ``mash_referrals`` and ``mash_referrals_<rag>``: MASH referrals received in the period, by
  screening (``mash_referrals_unscreened`` for those not yet screened);
- ``mash_answered_late``: of those, answered after the response target;
- ``marac_referrals``: MARAC referrals made in the period;
- ``marac_repeat_referrals``: of those, repeats (made within ``marac.repeat_window_months`` of an
  earlier referral of the same victim with a perpetrator in common:
  :func:`saferplaces.casework.marac.repeat_marac`).
"""

from __future__ import annotations

import datetime

from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Party
from saferplaces.apps.safeguarding.models import Concern, MaracReferral, MashReferral
from saferplaces.apps.safeguarding.services import PERPETRATOR, is_answered_late
from saferplaces.casework import marac as marac_rules
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.casework.workingtime import LONDON

__all__ = ["figures"]


def _perpetrators() -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for case_id, person_id in Party.objects.filter(role=PERPETRATOR).values_list("case_id",
                                                                                 "person_id"):
        found.setdefault(case_id, set()).add(str(person_id))
    return {pk: frozenset(people) for pk, people in found.items()}


def figures(period_start: datetime.date, period_end: datetime.date) -> dict[str, int]:
    """The counts of the module docstring for ``period_start`` to ``period_end``."""
    concerns = list(Concern.objects.filter(concern_on__range=(period_start, period_end))
                    .values_list("child", "exploitation_types"))
    out = {"concerns": len(concerns), "concerns_child": sum(1 for child, _ in concerns if child)}
    out["concerns_adult"] = out["concerns"] - out["concerns_child"]
    for key in vocabulary("exploitation_types").terms:
        out[f"concerns_{key}"] = sum(1 for _, types in concerns if key in types)
    start = datetime.datetime.combine(period_start, datetime.time(), LONDON)
    end = datetime.datetime.combine(period_end + datetime.timedelta(days=1), datetime.time(), LONDON)
    mash = list(MashReferral.objects.filter(received_at__gte=start, received_at__lt=end))
    out["mash_referrals"] = len(mash)
    for rag in ("red", "amber", "green"):
        out[f"mash_referrals_{rag}"] = sum(1 for item in mash if item.rag == rag)
    out["mash_referrals_unscreened"] = sum(1 for item in mash if not item.rag)
    out["mash_answered_late"] = sum(1 for item in mash if is_answered_late(item))
    perps = _perpetrators()
    every = [(item.referred_on, marac_rules.MaracReferral(
        item.referred_on, str(item.victim_id), perps.get(item.case_id, frozenset())))
        for item in MaracReferral.objects.order_by("referred_on", "pk")]
    in_period = [(day, ref) for day, ref in every if period_start <= day <= period_end]
    out["marac_referrals"] = len(in_period)
    in_force = rules()
    out["marac_repeat_referrals"] = sum(
        1 for day, ref in in_period
        if marac_rules.repeat_marac([r for d, r in every if d < day],
                                    marac_rules.MaracIncident(day, ref.victim, ref.perpetrators),
                                    in_force))
    return out

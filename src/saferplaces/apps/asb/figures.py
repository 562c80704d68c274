"""Repeat-ASB figures for the strategic assessment, counted only in aggregate (no names, no case
references): ASB victim risk assessments made in a period by band, and the 2014 Act actions
taken in it by kind, with their breaches and fixed penalties."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from saferplaces.apps.asb.models import ActionKind, AsbAction, Breach, RiskAssessment

__all__ = ["figures"]


def figures(period_start: datetime.date, period_end: datetime.date) -> dict[str, int]:
    """Counts for the days from ``period_start`` to ``period_end`` inclusive: ``risk_<band>``
    (assessments made, by band), ``risk_people`` (people assessed), ``action_<kind>`` (actions by
    the day given or made; a kind counted in hours by the day it began), ``breaches`` and
    ``fixed_penalties`` (by the day of the breach)."""
    assessments = RiskAssessment.objects.filter(assessed_on__range=(period_start, period_end))
    found = {f"risk_{row['band']}": row["n"]
             for row in assessments.values("band").annotate(n=Count("pk"))}
    found["risk_people"] = assessments.values("person").distinct().count()
    in_period = (Q(on__range=(period_start, period_end))
                 | Q(on__isnull=True, at__date__range=(period_start, period_end)))
    counted = dict(AsbAction.objects.filter(in_period).values_list("kind")
                   .annotate(n=Count("pk")).values_list("kind", "n"))
    for kind in ActionKind:
        found[f"action_{kind.value.replace('-', '_')}"] = counted.get(kind.value, 0)
    breaches = Breach.objects.filter(on__range=(period_start, period_end))
    found["breaches"] = breaches.count()
    found["fixed_penalties"] = breaches.filter(penalty_amount__isnull=False).count()
    return found

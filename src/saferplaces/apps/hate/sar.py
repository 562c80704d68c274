"""What the hate records hold about one person, for their subject access copy (UK GDPR Article 15).

A case's hate details (strands, who perceived the hostility, crime or non-crime hate incident
with the Code of Practice ground and reasoning) are about its **victims**: they go into the copy
of a person who is a victim party of that hate case, and into no one else's (the alleged
perpetrator's copy does not get the victim's perception). Each record is a plain dict: ``item``
(record kind and number, never a name), ``kind``, ``date``, ``case`` (reference), ``agency``,
``details`` and ``free_text`` (redacted by the data protection app). Nothing here checks who
asks: the caller decides that.
"""

from __future__ import annotations

from typing import Any

from saferplaces.apps.cases.models import Party
from saferplaces.apps.hate.models import HateDetails
from saferplaces.apps.hate.presenters import details_view
from saferplaces.apps.people.models import Person

__all__ = ["VICTIM_ROLE", "records_about"]

#: The party role whose holder the hate details are about (data/cases/case-types.toml, hate).
VICTIM_ROLE = "victim"


def _details(details: HateDetails) -> dict[str, Any]:
    shown = details_view(details) or {}
    return {
        "item": f"hate-details-{details.pk}", "kind": "Hate crime or incident details",
        "date": details.recorded_on.isoformat(), "case": details.case.reference,
        "agency": details.agency.name,
        "details": {"recorded_as": shown.get("kind", ""), "strands": shown.get("strands", []),
                    "perceived_by": shown.get("perceived_by", ""),
                    "non_crime_ground": shown.get("ground", "")},
        "free_text": {"who_perceived_it": details.perceiver,
                      "non_crime_reasoning": details.nchi_reasoning},
    }


def records_about(person: Person) -> list[dict[str, Any]]:
    """The hate details of the hate cases where ``person`` is a victim party."""
    cases = Party.objects.filter(person=person, role=VICTIM_ROLE).values("case")
    found = (HateDetails.objects.filter(case__in=cases).select_related("case", "agency")
             .order_by("recorded_on", "pk"))
    return [_details(d) for d in found]

"""How a proposal is shown to one reader: the reference it is about, or its place, withheld as
the incident store withholds it (a reader without ``incidents.view_sensitive_locations`` sees
the area, never the street: the incidents behind a proposal carry victim or complainant
references, so their places are sensitive)."""

from __future__ import annotations

from typing import Any

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import SENSITIVE_LOCATIONS
from saferplaces.apps.repeats.models import Kind, Proposal


def subject(proposal: Proposal, user: Any) -> str:
    """What the proposal is about, in words, for ``user``."""
    if proposal.kind == Kind.VICTIM:
        return f"Victim reference {proposal.key}"
    if proposal.kind == Kind.COMPLAINANT:
        return f"Complainant reference {proposal.key}"
    area = proposal.area or "Area not known"
    if not has_capability(user, SENSITIVE_LOCATIONS):
        return f"{area} (street withheld: sensitive)"
    easting, northing = proposal.key.split(",")
    where = proposal.place or f"Grid reference {easting} {northing}"
    return f"{where}, {area}"

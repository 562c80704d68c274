"""How intelligence records read on a page (and in the API and exports): each entity's details
in words, the tags every list shows (victim of exploitation, child, overdue review) and a
link's grading. Victims of exploitation are labelled as victims wherever they are listed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from saferplaces.apps.intelligence.models import Entity, Kind, Link
from saferplaces.apps.intelligence.services import is_child

__all__ = ["EntityRow", "LinkRow", "details", "entity_row", "grading_text", "link_row"]


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    label: str
    summary: str
    tags: list[str] = field(default_factory=list)
    overdue: bool = False


def details(entity: Entity) -> list[tuple[str, str]]:
    """The kind's own details as (label, value) pairs, filled ones only."""
    rows: list[tuple[str, Any]]
    if entity.kind == Kind.DEAL_LINE:
        rows = [("Phone number", entity.phone_number), ("Line name", entity.line_name),
                ("Status", entity.get_status_display()), ("Opened", entity.opened),
                ("Closed", entity.closed), ("Exporting area", entity.exporting_area)]
    elif entity.kind == Kind.NOMINAL:
        rows = [("Role", entity.get_role_display()), ("Date of birth", entity.date_of_birth),
                ("Victim of exploitation", "Yes" if entity.victim_of_exploitation else "No")]
    elif entity.kind == Kind.ADDRESS:
        rows = [("Address", entity.address_text), ("Postcode", entity.postcode),
                ("Cuckooing risk", entity.get_cuckooing_risk_display()),
                ("LSOA", entity.lsoa_code),
                ("Grid reference", f"{entity.x:.0f}, {entity.y:.0f}"
                 if entity.x is not None and entity.y is not None else "")]
    elif entity.kind == Kind.VEHICLE:
        rows = [("Registration", entity.registration)]
    else:
        rows = [("Group name", entity.name)]
    return [(label, value.strftime("%-d %B %Y") if isinstance(value, datetime.date) else str(value))
            for label, value in rows if value not in ("", None)]


def _summary(entity: Entity) -> str:
    if entity.kind == Kind.NOMINAL:
        return entity.get_role_display()
    if entity.kind == Kind.DEAL_LINE:
        return f"{entity.get_status_display()} line" + (
            f", from {entity.exporting_area}" if entity.exporting_area else "")
    if entity.kind == Kind.ADDRESS:
        return f"Cuckooing risk: {entity.get_cuckooing_risk_display().lower()}"
    return ""


def tags(entity: Entity, today: datetime.date) -> list[str]:
    found = []
    if entity.victim_of_exploitation:
        found.append("Victim of exploitation")
    if is_child(entity, today):
        found.append("Child")
    if entity.kind == Kind.ADDRESS and entity.vulnerable_resident_id:
        found.append("Vulnerable resident")
    return found


def entity_row(entity: Entity, today: datetime.date) -> EntityRow:
    return EntityRow(entity, entity.display_label, _summary(entity), tags(entity, today),
                     entity.review_date < today)


def grading_text(link: Link) -> str:
    """The 3x5x2 grading as written on a report, e.g. ``2 B P``."""
    return f"{link.source_grade} {link.intelligence_grade} {link.handling_code}"


@dataclass(frozen=True)
class LinkRow:
    link: Link
    other: Entity
    other_label: str
    other_tags: list[str]
    outgoing: bool
    grading: str
    overdue: bool


def link_row(link: Link, seen_from: Entity, today: datetime.date) -> LinkRow:
    outgoing = link.a_id == seen_from.pk
    other = link.b if outgoing else link.a
    return LinkRow(link, other, other.display_label, tags(other, today), outgoing,
                   grading_text(link), link.review_date < today)

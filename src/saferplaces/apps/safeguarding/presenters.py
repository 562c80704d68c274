"""What the safeguarding records look like to one reader: shared by the case-page panels, the
pages and the API (names of people only through the case's party rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.presenters import parties_of
from saferplaces.apps.safeguarding import services
from saferplaces.apps.safeguarding.models import Concern, MaracReferral, MashReferral, RiskChecklist
from saferplaces.casework.vocabularies import vocabulary

__all__ = ["MashRow", "concern_label", "mash_row", "mash_rows", "names", "type_labels"]


def names(user: Any, access: CaseAccess) -> dict[int, str]:
    """Person id → the name the case page shows for that party."""
    return {row.person_id: row.name for row in parties_of(user, access)}


def type_labels(keys: list[str]) -> list[str]:
    vocab = vocabulary("exploitation_types")
    return [vocab.terms[key].label if key in vocab else key for key in keys]


def outcome_label(key: str) -> str:
    vocab = vocabulary("mash_outcomes")
    return vocab.terms[key].label if key in vocab else key


def concern_label(concern: Concern, who: dict[int, str]) -> str:
    return (f"{who.get(concern.person_id, 'A party')}, {concern.concern_on:%-d %B %Y} "
            f"({'child' if concern.child else 'adult'})")


@dataclass(frozen=True)
class MashRow:
    referral: MashReferral
    concern: str
    overdue: bool
    answered_late: bool
    outcome: str
    attendees: list[str]


def mash_row(referral: MashReferral, who: dict[int, str]) -> MashRow:
    return MashRow(referral, concern_label(referral.concern, who),
                   services.is_mash_overdue(referral, timezone.now()),
                   services.is_answered_late(referral),
                   outcome_label(referral.outcome) if referral.outcome else "",
                   [agency.name for agency in referral.strategy_attendees.order_by("name")])


def mash_rows(access: CaseAccess, who: dict[int, str]) -> list[MashRow]:
    referrals = (MashReferral.objects.filter(case=access.case)
                 .select_related("concern", "mash_agency", "referring_agency"))
    return [mash_row(referral, who) for referral in referrals]


def concerns(access: CaseAccess, who: dict[int, str]) -> list[dict[str, Any]]:
    return [{"concern": item, "person": who.get(item.person_id, "A party"),
             "types": type_labels(list(item.exploitation_types))}
            for item in Concern.objects.filter(case=access.case)]


def checklists(access: CaseAccess, who: dict[int, str]) -> list[dict[str, Any]]:
    return [{"checklist": item, "victim": who.get(item.victim_id, "A party"),
             "refer": bool(item.criteria),
             "criteria": [c.replace("-", " ") for c in item.criteria]}
            for item in RiskChecklist.objects.filter(case=access.case)]


def marac_referrals(access: CaseAccess, who: dict[int, str]) -> list[dict[str, Any]]:
    return [{"referral": item, "victim": who.get(item.victim_id, "A party")}
            for item in MaracReferral.objects.filter(case=access.case)]

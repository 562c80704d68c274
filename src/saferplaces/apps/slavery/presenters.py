"""The NRM section of a modern-slavery case's page (registered in ``apps.py``): each referral
with its potential victim (named as the reader may see the party), the reasonable-grounds
target (overdue marker), decisions, recovery period and support outcome. Duty to Notify records
are never shown here: they are tied to no case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.presenters import parties_of
from saferplaces.apps.slavery.models import NrmReferral
from saferplaces.apps.slavery.services import Progress, progress
from saferplaces.casework.vocabularies import vocabulary

__all__ = ["ReferralRow", "label", "labels", "panel_context", "referral_rows"]


def label(vocab: str, key: str) -> str:
    terms = vocabulary(vocab)
    return terms[key].label if key in terms else key


def labels(vocab: str, keys: list[str]) -> list[str]:
    return [label(vocab, key) for key in keys]


@dataclass(frozen=True)
class ReferralRow:
    referral: NrmReferral
    victim: str
    first_responder: str
    exploitation: list[str]
    support_outcome: str
    progress: Progress
    url: str


def referral_rows(user: Any, access: CaseAccess) -> list[ReferralRow]:
    names = {row.id: row.name for row in parties_of(user, access)}
    today = timezone.localdate()
    return [ReferralRow(item, names.get(item.party_id, "[a party]"),
                        label("nrm_first_responders", item.first_responder),
                        labels("nrm_exploitation_types", list(item.exploitation_types)),
                        label("nrm_support_outcomes", item.support_outcome)
                        if item.support_outcome else "",
                        progress(item, today), reverse("slavery:referral", args=[item.pk]))
            for item in NrmReferral.objects.filter(case=access.case)]


def panel_context(request: HttpRequest, access: CaseAccess) -> dict[str, Any]:
    return {"rows": referral_rows(request.user, access),
            "can_edit": access.contributes and has_capability(request.user, CASES_EDIT),
            "refer_url": reverse("slavery:refer", args=[access.case.pk])}

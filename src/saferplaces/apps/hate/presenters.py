"""The hate section of a hate case's page (registered in ``apps.py``): the details in words, the
repeat victims and repeat locations (:mod:`.repeats`), and whether the reader may change them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.hate.models import HateDetails
from saferplaces.apps.hate.repeats import repeat_places, repeat_victims
from saferplaces.casework.vocabularies import vocabulary

__all__ = ["details_view", "panel_context", "strand_labels"]


def strand_labels(keys: list[str]) -> list[str]:
    strands = vocabulary("hate_strands")
    return [strands[key].label if key in strands else key for key in keys]


def details_view(details: HateDetails | None) -> dict[str, Any] | None:
    if details is None:
        return None
    grounds = vocabulary("nchi_grounds")
    perceivers = vocabulary("hate_perceivers")
    return {"details": details, "strands": strand_labels(list(details.strands)),
            "kind": details.get_kind_display(), "perceived_by": details.get_perceived_by_display(),
            "perceiver": perceivers[details.perceiver].label if details.perceiver in perceivers
            else "",
            "ground": grounds[details.nchi_ground].label if details.nchi_ground in grounds else ""}


def panel_context(request: HttpRequest, access: CaseAccess) -> dict[str, Any]:
    user = request.user
    details = HateDetails.objects.filter(case=access.case).first()
    return {"shown": details_view(details),
            "can_edit": access.contributes and has_capability(user, CASES_EDIT),
            "edit_url": reverse("hate:details", args=[access.case.pk]),
            "repeat_victims": repeat_victims(user, access),
            "repeat_places": repeat_places(user, access)}

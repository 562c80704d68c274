"""The ASB Case Review section of a repeat-ASB case's page: the threshold flag, every complaint
with whether it qualifies and why, the second-report prompts still to be explained, and the
case's reviews."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.casereview.complaints import source_label
from saferplaces.apps.casereview.models import CaseReview
from saferplaces.apps.casereview.services import current_links, standing
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.list_tags import ListTags, Tag
from saferplaces.apps.cases.list_tags import register as register_tags
from saferplaces.apps.cases.panels import CasePanel, register
from saferplaces.apps.cases.presenters import user_label

__all__ = ["CASE_TYPES", "list_tags", "panel_context", "register_panel"]

#: The case types the Case Review applies to (the Act's anti-social behaviour).
CASE_TYPES = frozenset({"repeat-asb"})


def panel_context(request: HttpRequest, access: CaseAccess) -> dict[str, Any] | None:
    case = access.case
    now = standing(case)
    label = now.labels.get
    rows = [{"reported_on": c.complaint.reported_on, "behaviour_on": c.complaint.behaviour_on,
             "source": c.complaint.source,
             "complainant": label(c.complaint.complainant or "", "No complainant recorded"),
             "qualifies": c.qualifies, "reason": c.reason} for c in now.assessment.complaints]
    due = [{"complainant": label(p.complainant, ""), "first": p.first.reported_on,
            "second": p.second.reported_on} for p in now.due]
    return {"case": case, "assessment": now.assessment, "rows": rows, "due": due,
            "explanations": [
                {"complainant": label(e.complainant_key, "A complainant"), "on": e.explained_on,
                 "how": e.get_how_display(), "by": user_label(e.explained_by),
                 "agency": e.agency.name}
                for e in case.case_review_explanations.select_related("explained_by", "agency")],
            "reviews": list(CaseReview.objects.filter(case=case)),
            "links": [{"pk": link.pk, "complainant": label(f"person:{link.person_id}", ""),
                       "source": source_label(link.source), "agency": link.agency.name}
                      for link in current_links(case)],
            "can_record": access.contributes and has_capability(request.user, CASES_EDIT)}


def list_tags(access: CaseAccess) -> list[Tag]:
    """The case list's tags: the same :func:`standing` the panel shows (no second rule)."""
    now = standing(access.case)
    found = []
    if now.assessment.met:
        found.append(Tag("Case Review threshold met", "red"))
    if now.due:
        found.append(Tag("Explain the Case Review", "yellow"))
    return found


def register_panel() -> None:
    register(CasePanel("casereview", "casereview/_panel.html", panel_context,
                       case_types=CASE_TYPES, order=40))
    register_tags(ListTags("casereview", list_tags, case_types=CASE_TYPES, order=40))

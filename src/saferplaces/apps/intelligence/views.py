"""The intelligence pages, under ``/intelligence/``: lists by kind, an entity with its links,
adding and changing (optimistic locking), graded links, reviews, retention decisions, the
safeguarding case, the safeguarding alerts and a link export that respects the handling code.

Every page is declared ``@signed_in`` and answers **404** to everyone without
``intelligence.view`` (:func:`~saferplaces.apps.intelligence.access.require_intelligence`):
a colleague without the flag learns nothing, not even that the page exists for others. Every
read is audited through the access helper.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.declare import signed_in
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.intelligence import forms, services
from saferplaces.apps.intelligence.access import (
    ENTITY,
    LINK,
    can_edit,
    get_entity_for_user,
    get_link_for_user,
    intelligence_for_user,
    links_for_user,
    record_list_read,
    require_intelligence,
)
from saferplaces.apps.intelligence.models import (
    Entity,
    HandlingCode,
    Kind,
    Link,
    SafeguardingAlert,
)
from saferplaces.apps.intelligence.policy import grading, policy
from saferplaces.apps.intelligence.presenters import details, entity_row, grading_text, link_row
from saferplaces.apps.people.access import get_person_for_user
from saferplaces.web.csvcells import safe_row

#: The most rows one list shows.
MOST_LISTED = 500
_KIND_PLURALS = {Kind.DEAL_LINE: "Deal lines", Kind.NOMINAL: "Nominals",
                 Kind.ADDRESS: "Addresses", Kind.VEHICLE: "Vehicles",
                 Kind.OCG: "Organised crime groups"}


def _posted(request: HttpRequest) -> Any:
    """The submitted form data on a POST (even an empty one), else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _kind(slug: str) -> str:
    if slug not in Kind.values:
        raise Http404("Not found.")
    return slug


def _require_edit(user: Any, record_: Entity | Link) -> None:
    if not can_edit(user, record_):
        raise PermissionDenied("Only the owner agency's intelligence users change this record.")


def _require_agency(user: Any) -> Any:
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("Only a partner agency's users record intelligence.")
    return agency


@signed_in
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Counts by kind, and the review, retention and alert lists waiting."""
    entities = intelligence_for_user(request.user)
    today = timezone.localdate()
    counts = dict(entities.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    kinds = [{"kind": kind, "label": _KIND_PLURALS[Kind(kind)], "count": counts.get(kind, 0)}
             for kind in Kind.values]
    overdue = (services.overdue_entities(entities, today).count()
               + services.overdue_links(links_for_user(request.user), today).count())
    record("view", request=request, object_type=ENTITY, reason="overview counts")
    return render(request, "intelligence/index.html", {
        "kinds": kinds, "overdue": overdue,
        "past_retention": services.past_retention(entities, today).count(),
        "alerts": SafeguardingAlert.objects.filter(cleared_at__isnull=True).count(),
        "grading": grading(), "policy": policy()})


@signed_in
@require_GET
def entity_list(request: HttpRequest, kind: str) -> HttpResponse:
    """Every entity of one kind. Nominals who are victims of exploitation are listed apart,
    and labelled, never mixed unlabelled with suspects."""
    kind = _kind(kind)
    today = timezone.localdate()
    entities = list(intelligence_for_user(request.user).filter(kind=kind)
                    .select_related("person")[:MOST_LISTED])
    rows = [entity_row(e, today) for e in entities]
    record_list_read(request.user, ENTITY, [e.pk for e in entities], f"list of {kind}",
                     request=request)
    victims = [row for row in rows if row.entity.victim_of_exploitation]
    others = [row for row in rows if not row.entity.victim_of_exploitation]
    return render(request, "intelligence/list.html", {
        "kind": kind, "title": _KIND_PLURALS[Kind(kind)], "victims": victims, "others": others,
        "nominal": kind == Kind.NOMINAL, "can_add": agency_of(request.user) is not None})


def _person(request: HttpRequest, pk: int | None, field: str, form: Any) -> Any:
    """The person record ``pk`` if the user may see it (through the people access helper)."""
    if not pk:
        return None
    try:
        return get_person_for_user(request.user, pk, CASES_VIEW).person
    except (Http404, PermissionDenied):
        form.add_error(field, "Enter the number of a person record you can open.")
        return None


def _entity_values(request: HttpRequest, kind: str, form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    for name in ("review_date", "retain_until"):  # left empty: the policy's (new) or as it was
        if data.get(name) is None:
            data.pop(name, None)
    for name in ("person", "vulnerable_resident"):
        if name in data:
            data[name] = _person(request, data[name], name, form)
    return data


def _conflict_rows(exc: services.Conflict) -> list[dict[str, Any]]:
    return [{"field": name.replace("_", " ").capitalize(), "mine": mine,
             "theirs": getattr(exc.current, f"{name}_id" if name in
                               ("person", "vulnerable_resident") else name, "")}
            for name, mine in exc.attempted.items()]


@signed_in
@require_http_methods(["GET", "POST"])
def entity_add(request: HttpRequest, kind: str) -> HttpResponse:
    require_intelligence(request.user)
    kind = _kind(kind)
    agency = _require_agency(request.user)
    form = forms.entity_form(kind)(_posted(request))
    if request.method == "POST" and form.is_valid():
        values = _entity_values(request, kind, form)
        if not form.errors:
            try:
                entity = services.create_entity(agency=agency, kind=kind, by=request.user,
                                                request=request, **values)
            except services.IntelligenceRuleError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                return redirect("intelligence:entity", entity.pk)
    return render(request, "intelligence/entity_form.html", {
        "form": form, "title": f"Add: {Kind(kind).label.lower()}", "kind": kind},
        status=400 if form.errors else 200)


@signed_in
@require_GET
def entity_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One entity, its details, its safeguarding case and its graded links."""
    entity = get_entity_for_user(request.user, pk, request=request)
    today = timezone.localdate()
    links = (links_for_user(request.user).filter(Q(a=entity) | Q(b=entity))
             .select_related("a__person", "b__person"))
    rows = [link_row(link, entity, today) for link in links]
    record_list_read(request.user, LINK, [row.link.pk for row in rows],
                     f"links of entity {entity.pk}", request=request)
    case_visible = False
    if entity.safeguarding_case_id is not None and has_capability(request.user, CASES_VIEW):
        try:
            get_case_for_user(request.user, entity.safeguarding_case_id, CASES_VIEW)
            case_visible = True
        except Http404:
            pass
    return render(request, "intelligence/entity.html", {
        "entity": entity, "row": entity_row(entity, today), "details": details(entity),
        "links": rows, "can_edit": can_edit(request.user, entity),
        "needs": services.needs_safeguarding(entity, today),
        "has_open_case": services.has_open_safeguarding_case(entity),
        "case_visible": case_visible,
        "has_conditions": any(r.link.handling_code == HandlingCode.C for r in rows)})


@signed_in
@require_http_methods(["GET", "POST"])
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_for_user(request.user, pk, request=request, reason="edit form")
    _require_edit(request.user, entity)
    form = forms.entity_form(entity.kind)(_posted(request),
                                          initial=forms.EntityForm.initial_for(entity))
    context: dict[str, Any] = {"form": form, "entity": entity, "kind": entity.kind,
                               "title": f"Change: {entity.display_label}"}
    if request.method == "POST" and form.is_valid():
        values = _entity_values(request, entity.kind, form)
        version = form.cleaned_data.get("version") or entity.version
        if not form.errors:
            try:
                services.update_entity(entity, version=version, changes=values,
                                       by=request.user, request=request)
            except services.Conflict as exc:
                context |= {"conflict": exc, "conflict_rows": _conflict_rows(exc)}
                return render(request, "intelligence/entity_form.html", context, status=409)
            except services.IntelligenceRuleError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                return redirect("intelligence:entity", entity.pk)
    return render(request, "intelligence/entity_form.html", context,
                  status=400 if form.errors else 200)


def _link_values(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for name in ("other", "direction", "version"):
        data.pop(name, None)
    if data.get("review_date") is None:
        data.pop("review_date", None)
    return data


@signed_in
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A graded link from (or to) this entity."""
    entity = get_entity_for_user(request.user, pk, request=request, reason="link form")
    agency = _require_agency(request.user)
    others = intelligence_for_user(request.user).exclude(pk=entity.pk)[:2000]
    choices = [(e.pk, f"{e.get_kind_display()}: {e.display_label}") for e in others]
    form = forms.LinkForm(_posted(request), choices=choices)
    if request.method == "POST" and form.is_valid():
        other = get_entity_for_user(request.user, form.cleaned_data["other"], request=request,
                                    reason="link form")
        a, b = (entity, other) if form.cleaned_data["direction"] == "from" else (other, entity)
        try:
            services.create_link(a=a, b=b, agency=agency, by=request.user, request=request,
                                 **_link_values(form))
        except services.IntelligenceRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("intelligence:entity", entity.pk)
    return render(request, "intelligence/link_form.html", {
        "form": form, "entity": entity, "grading": grading(), "title": "Add a graded link"},
        status=400 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_user(request.user, pk, request=request, reason="edit form")
    _require_edit(request.user, link)
    form = forms.LinkForm(_posted(request), editing=True, initial=forms.LinkForm.initial_for(link))
    context: dict[str, Any] = {"form": form, "entity": link.a, "link": link, "grading": grading(),
                               "title": f"Change link {link.pk}"}
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or link.version
        try:
            services.update_link(link, version=version, changes=_link_values(form),
                                 by=request.user, request=request)
        except services.Conflict as exc:
            context |= {"conflict": exc, "conflict_rows": _conflict_rows(exc)}
            return render(request, "intelligence/link_form.html", context, status=409)
        except services.IntelligenceRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("intelligence:entity", link.a_id)
    return render(request, "intelligence/link_form.html", context,
                  status=400 if form.errors else 200)


def _review(request: HttpRequest, record_: Entity | Link, back: str, back_pk: int) -> HttpResponse:
    _require_edit(request.user, record_)
    form = forms.ReviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_reviewed(record_, by=request.user,
                                   next_review=form.cleaned_data["next_review"], request=request)
        except services.IntelligenceRuleError as exc:
            form.add_error("next_review", str(exc))
        else:
            messages.success(request, "Review recorded.")
            return redirect(back, back_pk)
    return render(request, "intelligence/review.html", {"form": form, "record": record_,
                                                        "is_link": isinstance(record_, Link)},
                  status=400 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def entity_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the entity was reviewed: still needed and accurate."""
    entity = get_entity_for_user(request.user, pk, request=request, reason="review")
    return _review(request, entity, "intelligence:entity", entity.pk)


@signed_in
@require_http_methods(["GET", "POST"])
def link_review(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_user(request.user, pk, request=request, reason="review")
    return _review(request, link, "intelligence:entity", link.a_id)


@signed_in
@require_http_methods(["GET", "POST"])
def entity_safeguarding(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the entity to its safeguarding case (a case the user can open)."""
    entity = get_entity_for_user(request.user, pk, request=request, reason="safeguarding")
    _require_edit(request.user, entity)
    form = forms.CaseLinkForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            access = get_case_for_user(request.user, form.cleaned_data["case"], CASES_VIEW)
        except (Http404, PermissionDenied):
            form.add_error("case", "Enter the number of a case you can open.")
        else:
            try:
                services.link_safeguarding_case(entity, access.case, by=request.user,
                                                request=request)
            except services.IntelligenceRuleError as exc:
                form.add_error("case", str(exc))
            else:
                return redirect("intelligence:entity", entity.pk)
    return render(request, "intelligence/safeguarding.html", {
        "form": form, "entity": entity, "types": sorted(policy().safeguarding_case_types)},
        status=400 if form.errors else 200)


@signed_in
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    """Entities and links whose review date has passed, oldest first."""
    today = timezone.localdate()
    entities = list(services.overdue_entities(intelligence_for_user(request.user), today)
                    .select_related("person")[:MOST_LISTED])
    links = list(services.overdue_links(links_for_user(request.user), today)[:MOST_LISTED])
    record_list_read(request.user, ENTITY, [e.pk for e in entities], "overdue reviews",
                     request=request)
    record_list_read(request.user, LINK, [link.pk for link in links], "overdue reviews",
                     request=request)
    return render(request, "intelligence/reviews.html", {
        "entities": [entity_row(e, today) for e in entities],
        "links": [{"link": link, "grading": grading_text(link)} for link in links],
        "today": today})


@signed_in
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    """Entities kept past their retention date, for a decision: delete or keep longer."""
    today = timezone.localdate()
    entities = list(services.past_retention(intelligence_for_user(request.user), today)
                    .select_related("person")[:MOST_LISTED])
    record_list_read(request.user, ENTITY, [e.pk for e in entities], "past retention",
                     request=request)
    return render(request, "intelligence/retention.html", {
        "entities": [entity_row(e, today) for e in entities], "policy": policy()})


@signed_in
@require_http_methods(["GET", "POST"])
def entity_retention(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_entity_for_user(request.user, pk, request=request, reason="retention")
    _require_edit(request.user, entity)
    form = forms.RetentionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "delete":
                services.delete_entity(entity, reason=data["reason"], by=request.user,
                                       request=request)
                messages.success(request, "Deleted, with its links.")
                return redirect("intelligence:retention")
            if data["until"] is None:
                raise services.IntelligenceRuleError("Enter the date to keep it until.", "until")
            services.extend_retention(entity, until=data["until"], reason=data["reason"],
                                      by=request.user, request=request)
        except services.IntelligenceRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("intelligence:entity", entity.pk)
    return render(request, "intelligence/retention_form.html", {"form": form, "entity": entity},
                  status=400 if form.errors else 200)


@signed_in
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Open safeguarding alerts: entities that need a safeguarding case and have none."""
    require_intelligence(request.user)
    open_alerts = list(SafeguardingAlert.objects.filter(cleared_at__isnull=True)
                       .select_related("entity", "entity__person")[:MOST_LISTED])
    # the alert page lists entities: audited as a read of each, through the helper's rule
    record_list_read(request.user, ENTITY, [a.entity_id for a in open_alerts],
                     "safeguarding alerts", request=request)
    today = timezone.localdate()
    return render(request, "intelligence/alerts.html", {
        "alerts": [{"alert": a, "row": entity_row(a.entity, today)} for a in open_alerts]})


EXPORT_COLUMNS = ("link", "from", "from_kind", "relationship", "to", "to_kind", "date", "source",
                  "source_evaluation", "intelligence_assessment", "handling_code",
                  "handling_conditions", "review_date")


def _export_rows(links: list[Link]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for link in links:  # every cell as the site's CSV rule writes it (web.csvcells)
        writer.writerow(safe_row([link.pk, link.a.display_label, link.a.kind, link.kind,
                         link.b.display_label, link.b.kind, link.date.isoformat(), link.source,
                         link.source_grade, link.intelligence_grade, link.handling_code,
                         link.handling_conditions, link.review_date.isoformat()]))
    return buffer.getvalue()


@signed_in
@require_http_methods(["GET", "POST"])
def entity_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The entity's links as CSV. Sharing follows the handling code: the conditions of every
    C link are shown first, and the export is refused until they are acknowledged."""
    entity = get_entity_for_user(request.user, pk, request=request, reason="export form")
    links = list(links_for_user(request.user).filter(Q(a=entity) | Q(b=entity)))
    conditional = [link for link in links if link.handling_code == HandlingCode.C]
    form = forms.ExportForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if conditional and not form.cleaned_data["acknowledge"]:
            form.add_error("acknowledge", "Confirm that you will meet the handling conditions "
                                          "of the C-coded links before exporting them.")
        else:
            record("export", request=request, object_type=LINK, object_id="",
                   reason=f"links of entity {entity.pk}: {len(links)} "
                          f"({','.join(str(link.pk) for link in links)[:400]})"
                          + (f"; handling conditions acknowledged for {len(conditional)}"
                             if conditional else ""))
            response = HttpResponse(_export_rows(links), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="intelligence-links-{entity.pk}.csv"'
            return response
    return render(request, "intelligence/export.html", {
        "form": form, "entity": entity, "links": links, "conditional": conditional},
        status=400 if form.errors else 200)

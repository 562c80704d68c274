"""Subject access: everything the partnership holds about one person, as JSON and PDF.

The right of access (UK GDPR Article 15) covers the person's own data, the purposes, and the
recipients it was disclosed to: so the export holds the person's record (fields, aliases,
address history, consents, requests by other agencies to see a locked-down profile, any records
merged into it), every case they are a party in (type, status, dates, their roles, the notes,
the files attached (by name and date), timeline, tasks, referrals, transfers, shares and linked
incidents), and the audit log's events
about the person and those cases (who viewed, changed or exported them, and when), with the
break-glass accesses to the person's record.

Other people's personal data is redacted by default (:mod:`.redact`): other parties appear as
``[another person]`` with their role, and their names and details are taken out of free text.
``redact=False`` includes them (the person asking has their consent, or it is reasonable to
disclose: a decision recorded with a reason), except another person's confidential address,
which is never disclosed.

Who may ask: a case manager (``cases.manage``) of the agency that owns the person's record, on
the person's page, and the partnership's operator on the command line. On the page, a case the
manager's agency cannot see in full is listed by reference, type, owning agency and the
person's roles only (that agency answers for its own case); the command line exports all.
Every export is audited (``export``, the person, the reason).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from saferplaces.apps.agencies.models import BreakGlassAccess
from saferplaces.apps.audit.models import Action, AuditEvent
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, Party
from saferplaces.apps.cases.types import case_type, role_label
from saferplaces.apps.dataprotection.redact import ANOTHER_PERSON, Redactor
from saferplaces.apps.people.models import Gender, Person
from saferplaces.apps.people.vocab import ethnicity_label, vulnerability_label

__all__ = ["FORMAT", "audit_export", "file_stem", "render_pdf", "subject_access", "to_json"]

FORMAT = "saferplaces subject access export, version 1"


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _username(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _fields(person: Person, today: datetime.date) -> dict[str, Any]:
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": _when(person.date_of_birth),
        "estimated_age": person.estimated_age,
        "estimated_on": _when(person.estimated_on),
        "age_today": person.age_on(today),
        "gender": Gender(person.gender).label if person.gender else "",
        "ethnic_group": ethnicity_label(person.ethnicity),
        "phone": person.phone,
        "email": person.email,
        "vulnerabilities": [vulnerability_label(v) for v in person.vulnerabilities or []],
        "notes": person.notes,
        "confidential_address": person.confidential_address,
        "locked_down": person.locked_down,
        "held_by": person.owner_agency.name,
        "created_at": _when(person.created_at),
        "updated_at": _when(person.updated_at),
    }


def _addresses(person: Person) -> list[dict[str, Any]]:
    return [{"address": a.text, "postcode": a.postcode, "uprn": a.uprn, "from": _when(a.since),
             "until": _when(a.until)} for a in person.addresses.all()]


def _other_party(person: Person, role: str, redact: bool) -> dict[str, Any]:
    if redact:
        return {"name": ANOTHER_PERSON, "role": role_label(role)}
    addresses = [] if person.confidential_address else [
        {"address": a.text, "postcode": a.postcode} for a in person.addresses.all()]
    return {"name": person.name, "date_of_birth": _when(person.date_of_birth),
            "role": role_label(role), "addresses": addresses}


def _type_label(key: str) -> str:
    kind = case_type(key)
    return kind.label if kind else key


def _case(case: Case, subject_ids: set[int], clean: Any, redact: bool) -> dict[str, Any]:
    parties = list(case.parties.select_related("person").prefetch_related("person__addresses")
                   .order_by("pk"))
    return {
        "reference": case.reference,
        "type": _type_label(case.case_type),
        "status": case.get_status_display(),
        "risk": case.get_risk_display(),
        "held_by": case.owner_agency.name,
        "lead_officer": _username(case.lead_officer),
        "opened_on": _when(case.opened_on),
        "closed_on": _when(case.closed_on),
        "closure_reason": clean(case.closure_reason),
        "outcome": clean(case.outcome),
        "title": clean(case.title),
        "summary": clean(case.summary),
        "your_roles": sorted({role_label(p.role) for p in parties if p.person_id in subject_ids}),
        "other_parties": [_other_party(p.person, p.role, redact) for p in parties
                          if p.person_id not in subject_ids],
        "shared_with": [{"agency": s.agency.name, "level": s.get_level_display(),
                         "lawful_basis": s.basis, "override_reason": clean(s.override_reason),
                         "from": _when(s.shared_at), "until": _when(s.ended_at)}
                        for s in case.shares.select_related("agency").order_by("shared_at")],
        "notes": [{"written_at": _when(n.written_at), "agency": n.agency.name,
                   "written_by": _username(n.written_by), "seen_by": n.get_visibility_display(),
                   "text": clean(n.text)}
                  for n in case.notes.select_related("agency", "written_by").order_by("written_at")],
        # the files by name and date (a copy of a file itself is given on request)
        "attachments": [{"name": clean(a.name), "added_at": _when(a.uploaded_at),
                         "agency": a.agency.name, "seen_by": a.get_visibility_display()}
                        for a in case.attachments.select_related("agency").order_by("uploaded_at", "pk")],
        "timeline": [{"when": _when(t.when), "agency": t.agency.name if t.agency else "",
                      "kind": t.kind, "text": clean(t.text)}
                     for t in case.timeline.select_related("agency").order_by("when", "pk")],
        "tasks": [{"title": clean(t.title), "assigned_to": t.assigned_agency.name,
                   "due": _when(t.due), "status": t.get_status_display(),
                   "completed_at": _when(t.completed_at)}
                  for t in case.tasks.select_related("assigned_agency")],
        "referrals": [{"from": r.from_agency.name, "to": r.to_agency.name,
                       "referred_at": _when(r.referred_at), "reason": clean(r.reason),
                       "lawful_basis": r.basis, "status": r.get_status_display(),
                       "decided_at": _when(r.decided_at),
                       "decision_reason": clean(r.decision_reason)}
                      for r in case.referrals.select_related("from_agency", "to_agency")],
        "transfers": [{"from": t.from_agency.name, "to": t.to_agency.name,
                       "offered_at": _when(t.offered_at), "reason": clean(t.reason),
                       "status": t.get_status_display(), "decided_at": _when(t.decided_at),
                       "decision_reason": clean(t.decision_reason)}
                      for t in case.transfers.select_related("from_agency", "to_agency")],
        "incidents": [{"source": link.incident.source, "category": link.incident.category,
                       "month": link.incident.month.strftime("%Y-%m")}
                      for link in case.incident_links.select_related("incident")],
    }


def _visible_in_full(viewer: Any, case: Case) -> bool:
    if viewer is None:
        return True
    try:
        return get_case_for_user(viewer, case.pk).full
    except (Http404, PermissionDenied):
        return False


def _audit_events(person_ids: set[int], case_ids: list[int], clean: Any) -> list[dict[str, Any]]:
    about = (Q(object_type="person", object_id__in=[str(pk) for pk in person_ids])
             | Q(object_type="case", object_id__in=[str(pk) for pk in case_ids]))
    references = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    return [{"when": _when(event.when), "what": Action(event.action).label,
             "record": ("your record" if event.object_type == "person" else
                        f"case {references.get(int(event.object_id or 0), event.object_id)}"),
             "by": event.username, "agency": event.agency_name, "reason": clean(event.reason)}
            for event in AuditEvent.objects.filter(about).order_by("sequence")]


def subject_access(person: Person, *, redact: bool = True, viewer: Any = None,
                   today: datetime.date | None = None) -> dict[str, Any]:
    """Everything held about ``person`` (see the module's rules); ``viewer`` limits the cases
    shown in full to those the viewer's agency sees in full (None: all of them)."""
    today = today or timezone.localdate()
    merged = list(Person.objects.filter(merged_into=person).select_related("owner_agency"))
    subject_ids = {person.pk, *(m.pk for m in merged)}
    case_ids = sorted(set(Party.objects.filter(person_id__in=subject_ids)
                          .values_list("case", flat=True)))
    cases = list(Case.objects.filter(pk__in=case_ids)
                 .select_related("owner_agency", "lead_officer").order_by("opened_on", "pk"))
    others = (Person.objects.filter(parties__case__in=case_ids).exclude(pk__in=subject_ids)
              .prefetch_related("aliases", "addresses").distinct())
    clean = (Redactor.for_subject(person, others) if redact
             else Redactor.confidential_addresses(others))
    shown = [case for case in cases if _visible_in_full(viewer, case)]
    elsewhere = [case for case in cases if case not in shown]
    glass = BreakGlassAccess.objects.filter(
        record_type="person", record_id__in=[str(pk) for pk in subject_ids]
    ).select_related("user", "agency").order_by("granted_at")
    return {
        "format": FORMAT,
        "generated_at": _when(timezone.now()),
        "person_id": person.pk,
        "other_people": "redacted" if redact else "included",
        "person": _fields(person, today),
        "merged_records": [_fields(m, today) for m in merged],
        "aliases": list(person.aliases.values_list("name", flat=True)),
        "addresses": _addresses(person),
        "consents": [{"status": c.get_status_display(), "recorded_on": _when(c.recorded_on),
                      "recorded_by": _username(c.recorded_by), "note": clean(c.note)}
                     for c in person.consents.select_related("recorded_by")],
        "access_requests": [{"agency": r.agency.name, "requested_at": _when(r.requested_at),
                             "reason": clean(r.reason), "status": r.get_status_display(),
                             "decided_at": _when(r.decided_at),
                             "decision_reason": clean(r.decision_reason),
                             "granted_until": _when(r.granted_until)}
                            for r in person.access_requests.select_related("agency")],
        "break_glass": [{"by": _username(g.user), "agency": g.agency.name,
                         "reason": clean(g.reason), "from": _when(g.granted_at),
                         "until": _when(g.expires_at)} for g in glass],
        "cases": [_case(case, subject_ids, clean, redact) for case in shown],
        "cases_held_elsewhere": [
            {"reference": case.reference,
             "type": _type_label(case.case_type),
             "held_by": case.owner_agency.name,
             "your_roles": sorted({role_label(role) for role in Party.objects.filter(
                 case=case, person_id__in=subject_ids).values_list("role", flat=True)})}
            for case in elsewhere],
        "audit": _audit_events(subject_ids, [case.pk for case in shown], clean),
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _readable(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """A record's fields as (label, text) rows for the PDF."""
    rows = []
    for key, value in fields.items():
        if isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value) or "None recorded"
        else:
            text = "Not recorded" if value in (None, "") else str(value)
        rows.append((key.replace("_", " ").capitalize(), text))
    return rows


def render_pdf(data: dict[str, Any]) -> bytes:
    """The export as a PDF (WeasyPrint), laid out for the person to read."""
    import weasyprint

    html = render_to_string("dataprotection/subject_access_pdf.html", {
        "sar": data, "details": _readable(data["person"]),
        "merged": [(m["id"], _readable(m)) for m in data["merged_records"]]})
    stylesheet = weasyprint.CSS(filename=str(Path(__file__).with_name("subject_access.css")))
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(stylesheets=[stylesheet])
    return pdf


def file_stem(person_id: int, day: datetime.date) -> str:
    """``subject-access-<id>-<date>``: the file names hold the record's number, never a name."""
    return f"subject-access-{person_id}-{day.isoformat()}"


def audit_export(person: Person, *, redact: bool, reason: str, user: Any = None,
                 request: Any = None, where: str = "") -> None:
    """Record the export: the person's id, redacted or not, and why."""
    what = "subject access export" + ("" if redact else ", other people's data included")
    record("export", user=user, request=request, object_type="person", object_id=person.pk,
           fields=["subject-access"], reason=f"{what}{where}: {reason}")

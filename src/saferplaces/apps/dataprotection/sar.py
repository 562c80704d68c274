"""Subject access: everything the partnership holds about one person, as JSON and PDF.

The right of access (UK GDPR Article 15) covers the person's own data, the purposes, and the
recipients it was disclosed to: so the export holds the person's record (fields, aliases,
address history, consents, requests by other agencies to see a locked-down profile, any records
merged into it), every case they are a party in (type, status, dates, their roles, the notes,
the files attached (by name and date), timeline, tasks, referrals, transfers, shares and linked
incidents), the case-work records whose subject is the person (:data:`CASEWORK`: ASB risk
assessments, 2014 Act actions and their breaches, ASB complaints and Case Review applications,
safeguarding concerns, MASH and MARAC records, hate details where they are the victim, NRM
referrals; each app's ``sar.records_about`` says which of its records are about the person;
Duty to Notify records identify no one and are never included), and the audit log's events
about the person and those cases (who viewed, changed or exported them, and when), with the
break-glass accesses to the person's record.

Other people's personal data is redacted by default (:mod:`.redact`): other parties appear as
``[another person]`` with their role; their names and details, and any phone number, e-mail
address, postcode or date of birth found in free text that is not the person's own, are
replaced by ``[redacted: third party]``.
``redact=False`` includes them (the person asking has their consent, or it is reasonable to
disclose: a decision recorded with a reason), except another person's confidential address,
which is never disclosed.

Who may ask: a case manager (``cases.manage``) of the agency that owns the person's record, on
the person's page, and the partnership's operator on the command line. On the page, a case the
manager's agency cannot see in full is listed by reference, type, owning agency and the
person's roles only (that agency answers for its own case), and of a case shared with it in
full only the notes, files and timeline entries it may see are included (another agency's
owner-only ones are that agency's to answer for); the command line exports all.
Every export is audited (``export``, the person, the reason).

Every free-text field of a case-work record (a judgement reason, a breach description, a
strategy decision, ...) is cleaned like a note. A case-work record is shown only with its case:
on the page, one of a case the manager's agency cannot see in full is left out (that agency
answers for it).

Each copy starts as a **draft** (``"stage": "draft"``; every note and file carries its item key
and the PDF says on every page that it is not for release): a person reads it, decides for each
note and file, and each case-work record holding free text, whether to disclose or withhold it
under an exemption, and only then is the copy released (:mod:`.review`). Draft and release are
both audited.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from saferplaces.apps.agencies.models import BreakGlassAccess
from saferplaces.apps.asb import sar as asb_sar
from saferplaces.apps.audit.models import Action, AuditEvent
from saferplaces.apps.audit.services import record
from saferplaces.apps.casereview import sar as casereview_sar
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.cases.models import Case, NoteVisibility, Party
from saferplaces.apps.cases.types import case_type, role_label
from saferplaces.apps.dataprotection.redact import ANOTHER_PERSON, Redactor
from saferplaces.apps.hate import sar as hate_sar
from saferplaces.apps.people.models import Gender, Person
from saferplaces.apps.people.vocab import ethnicity_label, vulnerability_label
from saferplaces.apps.safeguarding import sar as safeguarding_sar
from saferplaces.apps.slavery import sar as slavery_sar

__all__ = ["CASEWORK", "FORMAT", "audit_export", "file_stem", "render_pdf", "subject_access", "to_json"]

#: Version 2 added the stage (draft or released), item keys and the exemptions claimed;
#: version 3 the case-work records (``casework``).
FORMAT = "saferplaces subject access export, version 3"

#: The case-work sections of the copy, in order: key, heading, and the app's function giving
#: the records whose subject is one person (plain dicts: item, kind, date, case, agency,
#: details, free_text).
CASEWORK: tuple[tuple[str, str, Callable[[Person], list[dict[str, Any]]]], ...] = (
    ("asb", "Anti-social behaviour: risk assessments, 2014 Act actions and breaches",
     asb_sar.records_about),
    ("casereview", "Anti-social behaviour complaints and Case Review applications",
     casereview_sar.records_about),
    ("safeguarding", "Safeguarding: concerns, MASH referrals, risk checklists and MARAC "
     "referrals", safeguarding_sar.records_about),
    ("hate", "Hate crime and hate incident details", hate_sar.records_about),
    ("slavery", "Modern slavery: National Referral Mechanism referrals",
     slavery_sar.records_about),
)


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _username(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _fields(person: Person, today: datetime.date, clean: Any) -> dict[str, Any]:
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
        "notes": clean(person.notes),
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


def _case(case: Case, subject_ids: set[int], clean: Any, redact: bool,
          access: CaseAccess | None) -> dict[str, Any]:
    """One case of the copy; with ``access`` (the page's reader), only the notes, files and
    timeline that reader's agency may see (another agency's owner-only ones are its to answer
    for)."""
    parties = list(case.parties.select_related("person").prefetch_related("person__addresses")
                   .order_by("pk"))
    notes = access.notes() if access is not None else case.notes.select_related("agency",
                                                                                 "written_by")
    timeline = access.timeline() if access is not None else case.timeline.select_related("agency")
    attachments = case.attachments.select_related("agency")
    if access is not None and not access.is_owner:
        attachments = attachments.filter(visibility=NoteVisibility.SHARED)
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
        "notes": [{"item": f"note-{n.pk}", "written_at": _when(n.written_at),
                   "agency": n.agency.name,
                   "written_by": _username(n.written_by), "seen_by": n.get_visibility_display(),
                   "text": clean(n.text)}
                  for n in notes.order_by("written_at", "pk")],
        # the files by name and date (a copy of a file itself is given on request)
        "attachments": [{"item": f"attachment-{a.pk}", "name": clean(a.name),
                         "added_at": _when(a.uploaded_at),
                         "agency": a.agency.name, "seen_by": a.get_visibility_display()}
                        for a in attachments.order_by("uploaded_at", "pk")],
        "timeline": [{"when": _when(t.when), "agency": t.agency.name if t.agency else "",
                      "kind": t.kind, "text": clean(t.text)}
                     for t in timeline.order_by("when", "pk")],
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


def _casework(subjects: Iterable[Person], shown: set[str], clean: Any) -> list[dict[str, Any]]:
    """The case-work records about the subject (and records merged into theirs), section by
    section, of the cases shown in full only, every free-text field cleaned."""
    subjects = list(subjects)
    sections = []
    for key, heading, about in CASEWORK:
        records: dict[str, dict[str, Any]] = {}
        for who in subjects:
            for found in about(who):
                if found["case"] in shown and found["item"] not in records:
                    found["free_text"] = {name: clean(text)
                                          for name, text in found["free_text"].items()}
                    records[found["item"]] = found
        sections.append({"section": key, "heading": heading, "records": list(records.values())})
    return sections


def _access(viewer: Any, case: Case) -> CaseAccess | None:
    """The viewer's access to the case, None when it cannot open it in full."""
    try:
        access = get_case_for_user(viewer, case.pk)
    except (Http404, PermissionDenied):
        return None
    return access if access.full else None


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
    accesses = {case.pk: _access(viewer, case) for case in cases} if viewer is not None else {}
    shown = [case for case in cases if viewer is None or accesses[case.pk] is not None]
    elsewhere = [case for case in cases if case not in shown]
    glass = BreakGlassAccess.objects.filter(
        record_type="person", record_id__in=[str(pk) for pk in subject_ids]
    ).select_related("user", "agency").order_by("granted_at")
    return {
        "format": FORMAT,
        "stage": "draft",
        "generated_at": _when(timezone.now()),
        "person_id": person.pk,
        "other_people": "redacted" if redact else "included",
        "person": _fields(person, today, clean),
        "merged_records": [_fields(m, today, clean) for m in merged],
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
        "cases": [_case(case, subject_ids, clean, redact, accesses.get(case.pk))
                  for case in shown],
        "cases_held_elsewhere": [
            {"reference": case.reference,
             "type": _type_label(case.case_type),
             "held_by": case.owner_agency.name,
             "your_roles": sorted({role_label(role) for role in Party.objects.filter(
                 case=case, person_id__in=subject_ids).values_list("role", flat=True)})}
            for case in elsewhere],
        "casework": _casework([person, *merged], {case.reference for case in shown}, clean),
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
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in value.items()) or "None recorded"
        else:
            text = "Not recorded" if value in (None, "") else str(value)
        rows.append((key.replace("_", " ").capitalize(), text))
    return rows


def render_pdf(data: dict[str, Any]) -> bytes:
    """The export as a PDF (WeasyPrint), laid out for the person to read."""
    import weasyprint

    casework = [(section["heading"], [
        (record, _readable({**record["details"], **record["free_text"]}))
        for record in section["records"]]) for section in data.get("casework", [])]
    html = render_to_string("dataprotection/subject_access_pdf.html", {
        "sar": data, "details": _readable(data["person"]),
        "merged": [(m["id"], _readable(m)) for m in data["merged_records"]],
        "casework": casework})
    stylesheet = weasyprint.CSS(filename=str(Path(__file__).with_name("subject_access.css")))
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(stylesheets=[stylesheet])
    return pdf


def file_stem(person_id: int, day: datetime.date, *, draft: bool = False) -> str:
    """``subject-access-<id>-<date>`` (``-draft`` for a draft): the file names hold the
    record's number, never a name."""
    return f"subject-access-{person_id}-{day.isoformat()}{'-draft' if draft else ''}"


def audit_export(person: Person, *, redact: bool, reason: str, user: Any = None,
                 request: Any = None, where: str = "", released: str | None = None) -> None:
    """Record the export: the person's id, draft or release (with what the review withheld, by
    item and exemption key), redacted or not, and why."""
    what = ("subject access release after review" if released is not None
            else "subject access draft for review")
    what += "" if redact else ", other people's data included"
    withheld = f"; {released}" if released is not None else ""
    record("export", user=user, request=request, object_type="person", object_id=person.pk,
           fields=["subject-access" if released is not None else "subject-access-draft"],
           reason=f"{what}{where}{withheld}: {reason}")

"""Case lists and people lists as CSV and XLSX files: redacted by default, scoped to what the
exporting user may see.

Scope: the rows are the cases of ``cases_for_user`` and the people of ``people_for_user``, each
read through its access helper (``get_case_for_user`` / ``get_person_for_user``): a case shared
at the *limited* level shows only what a limited share shows (reference, type, status, owner,
lead officer: never its title or parties); a locked-down profile the agency has not been given
shows only that it exists, who holds it and, unredacted, its name.

Redacted (the default, anyone with ``cases.view``): no names, no case titles (they often name
people), the date of birth as an age band, no addresses, no contact details, no ethnic group
or vulnerabilities (special-category data, UK GDPR Article 9). Record numbers stay, so a row
can be followed up in the application.

Unredacted (``cases.manage`` and a recorded reason, audited): names, case titles, parties with
their roles, dates of birth, contact details, the current address. A party whose profile is
locked down is marked "locked-down profile" and counted in the case list's "Locked-down
parties" column (the people list has a "Locked down" column), so whoever reads the file knows
its owner restricts who may see it. A **confidential address**
is never exported, even unredacted (it is shown only on the person's page to the owner's case
managers, each time with a reason).

Files: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the accents); a text cell
beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so
no spreadsheet runs it as a formula (OWASP "CSV Injection"). XLSX (XlsxWriter): one visible
sheet, nothing hidden, every text written as a text cell (never a formula), dates as dates.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
from saferplaces.apps.cases.services import cases_filtered
from saferplaces.apps.cases.types import case_type, role_label
from saferplaces.apps.people.access import get_person_for_user, people_for_user
from saferplaces.apps.people.models import ADULT_AGE, Gender, Person
from saferplaces.apps.people.vocab import ethnicity_label, vulnerability_label
from saferplaces.web.csvcells import safe_row

__all__ = ["AGE_BANDS", "FORMULA_STARTS", "Table", "age_band", "case_table", "csv_bytes",
           "describe", "file_name", "people_table", "xlsx_bytes"]

Cell = str | int | datetime.date | None

#: Lower bounds of the age bands a redacted export shows instead of a date of birth (the
#: Office for National Statistics' ten-year bands, split at 18, when a child becomes an adult:
#: Children Act 1989 s.105).
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0 to 9"), (10, f"10 to {ADULT_AGE - 1}"), (ADULT_AGE, f"{ADULT_AGE} to 24"),
    (25, "25 to 34"), (35, "35 to 44"), (45, "45 to 54"), (55, "55 to 64"), (65, "65 and over"))

#: What a spreadsheet may take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_ACCESS = {"owner": "Your agency's", "shared": "Shared with your agency",
           "break-glass": "Break-glass"}


@dataclass(frozen=True)
class Table:
    """One export: a sheet name, its column headings and rows."""

    name: str
    columns: list[str]
    rows: list[list[Cell]]


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    label = ""
    for lower, name in AGE_BANDS:
        if age >= lower:
            label = name
    return label


def _type_label(key: str) -> str:
    kind = case_type(key)
    return kind.label if kind else key


def _party(person: Person, role: str) -> str:
    """``Name (Role)``, and ``; locked-down profile`` for a profile the owner has locked down."""
    marker = "; locked-down profile" if person.locked_down else ""
    return f"{person.name} ({role_label(role)}{marker})"


def case_table(user: Any, *, redact: bool = True, case_type_key: str = "",
               status: str = "") -> Table:
    """The cases ``user`` may see (filtered by type and status), one row each."""
    columns = ["Reference", "Type", "Status", "Risk", "Held by", "Access", "Lead officer",
               "Opened on", "Closed on", "Parties"]
    if not redact:
        columns += ["Locked-down parties", "Title", "Parties by name"]
    rows: list[list[Cell]] = []
    cases = cases_filtered(cases_for_user(user), case_type_key, status).order_by("reference")
    for case in cases:
        access = get_case_for_user(user, case.pk)
        parties = list(case.parties.select_related("person").order_by("pk")) if access.full else []
        scope = _ACCESS.get(access.scope, access.scope)
        if access.scope == "shared":
            scope += " (in full)" if access.full else " (limited)"
        lead = case.lead_officer
        row: list[Cell] = [
            case.reference, _type_label(case.case_type), case.get_status_display(),
            case.get_risk_display(), case.owner_agency.name, scope,
            (lead.get_full_name() or lead.get_username()) if lead else "",
            case.opened_on, case.closed_on, len(parties) if access.full else None]
        if not redact:
            row += [sum(p.person.locked_down for p in parties) if access.full else None,
                    case.title if access.full else "",
                    "; ".join(_party(p.person, p.role) for p in parties)]
        rows.append(row)
    return Table("Cases", columns, rows)


def _current_address(person: Person) -> tuple[str, str]:
    current = person.addresses.filter(until__isnull=True).order_by("-since", "-pk").first()
    return (current.text, current.postcode) if current else ("", "")


def people_table(user: Any, *, redact: bool = True, owned_only: bool = False,
                 today: datetime.date | None = None) -> Table:
    """The people ``user`` may see (only their agency's own with ``owned_only``), one row each."""
    today = today or timezone.localdate()
    columns = ["Record number", "Held by", "Locked down", "Age band", "Child or adult", "Gender"]
    if not redact:
        columns += ["First name", "Last name", "Other names", "Date of birth",
                    "Estimated age", "Ethnic group", "Vulnerabilities", "Phone", "Email",
                    "Current address", "Postcode"]
    people = people_for_user(user).select_related("owner_agency").order_by("pk")
    if owned_only:
        membership = getattr(user, "membership", None)
        people = people.filter(owner_agency_id=getattr(membership, "agency_id", None))
    rows: list[list[Cell]] = []
    for found in people:
        try:
            access = get_person_for_user(user, found.pk)
        except (Http404, PermissionDenied):
            continue
        person = access.person
        full = access.full
        age = person.age_on(today) if full else None
        row: list[Cell] = [
            person.pk, person.owner_agency.name, "Yes" if person.locked_down else "No",
            age_band(age), "" if age is None else ("Child" if age < ADULT_AGE else "Adult"),
            Gender(person.gender).label if full and person.gender else ""]
        if not redact:
            address = ("", "")
            if full and not person.confidential_address:
                address = _current_address(person)
            elif full:
                address = ("Confidential: not exported", "")
            estimate = (f"{person.estimated_age} on {person.estimated_on.isoformat()}"
                        if full and person.estimated_age is not None and person.estimated_on
                        else "")
            row += [person.given_name, person.family_name,
                    "; ".join(person.aliases.values_list("name", flat=True)) if full else "",
                    person.date_of_birth if full else None, estimate,
                    ethnicity_label(person.ethnicity) if full else "",
                    ", ".join(vulnerability_label(v) for v in person.vulnerabilities or [])
                    if full else "",
                    person.phone if full else "", person.email if full else "", *address]
        rows.append(row)
    return Table("People", columns, rows)


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(table.columns))
    for row in table.rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    """One visible sheet, text as text cells, dates as dates; nothing hidden, no formulas."""
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet(table.name)
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, heading in enumerate(table.columns):
        sheet.write_string(0, col, heading, bold)
    widths = [len(heading) for heading in table.columns]
    for number, row in enumerate(table.rows, start=1):
        for col, value in enumerate(row):
            _write(sheet, number, col, value, day)
            widths[col] = max(widths[col], len(str(value or "")))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 2, 8), 60))
    sheet.freeze_panes(1, 0)
    book.close()
    return output.getvalue()


def _write(sheet: Any, row: int, col: int, value: Cell, day: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "Yes" if value else "No")
    elif isinstance(value, int):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime(value.year, value.month, value.day), day)
    else:
        sheet.write_string(row, col, str(value))


def file_name(kind: str, fmt: str, redact: bool, day: datetime.date | None = None) -> str:
    """``cases-2026-05-01.csv``, ``people-unredacted-2026-05-01.xlsx``: no names, ever."""
    day = day or timezone.localdate()
    return f"{kind}{'' if redact else '-unredacted'}-{day.isoformat()}.{fmt}"


def describe(table: Table, fmt: str, filters: Sequence[str]) -> str:
    """For the audit log: how many rows, the format and the filters (never a value of a row)."""
    shown = ", ".join(f for f in filters if f) or "no filters"
    return f"{len(table.rows)} rows, {fmt.upper()}, {shown}"


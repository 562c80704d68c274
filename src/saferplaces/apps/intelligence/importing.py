"""Bulk import of intelligence entities or links from a CSV file, through a declarative TOML
mapping (like the incident mappings of :mod:`saferplaces.ingest.mapped`; shipped ones in
``saferplaces/data/intelligence/mappings/``).

A mapping says whether the file holds ``entities`` or ``links``, which column feeds which field
(``[columns]``), values every row shares (``[fixed]``, e.g. ``kind = "vehicle"``), how the
file's words translate into ours (``[values.<field>]``, matched ignoring case), how dates are
written (``[source] date_format``; otherwise ISO 8601 or day first, the UK way) and which words
mean yes (``[source] true``).

Rules:

- **Every row has a source reference** (``source_ref``): a repeated import of the same file
  updates the records it made (and leaves unchanged ones alone), never duplicates them.
- **All or nothing**: every row is checked first, with the same rules as the pages
  (:mod:`saferplaces.apps.intelligence.services`); any problem rejects the file, each problem
  naming the file, the row, the column and the value; nothing is written. **Every problem of
  every row** is reported in one run (a value that cannot be read, and each rule it breaks),
  so the file is fixed in one go; a rule about a field whose value could not be read is not
  reported twice. A file without
  problems is written in one transaction.
- A link's two ends (``a`` and ``b``) are the source references of entities the same agency
  already holds (import the entities first).
- Every record written is audited as created or changed by whoever ran the import.
"""

from __future__ import annotations

import csv
import datetime
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.audit.services import record
from saferplaces.apps.intelligence import services
from saferplaces.apps.intelligence.access import LINK
from saferplaces.apps.intelligence.models import Entity, Kind, Link
from saferplaces.apps.intelligence.policy import DATA
from saferplaces.ingest.csvtext import decode, detect_delimiter
from saferplaces.ingest.errors import IngestError, RowProblem

__all__ = ["ENTITY_FIELDS", "LINK_IMPORT_FIELDS", "ImportResult", "IntelligenceMapping",
           "MappingError", "import_file", "load_mapping", "shipped_mappings"]

SHIPPED = DATA / "mappings"
ENTITY_FIELDS = ("source_ref", "kind", "label", "phone_number", "line_name", "status", "opened",
                 "closed", "exporting_area", "role", "date_of_birth", "victim_of_exploitation",
                 "address_text", "postcode", "x", "y", "lsoa_code", "cuckooing_risk",
                 "registration", "name", "review_date", "retain_until")
LINK_IMPORT_FIELDS = ("source_ref", "a", "b", "kind", "date", "source", "source_grade",
                      "intelligence_grade", "handling_code", "handling_conditions",
                      "review_date")
_DATES = frozenset({"opened", "closed", "date_of_birth", "review_date", "retain_until", "date"})
_NUMBERS = frozenset({"x", "y"})
_BOOLEANS = frozenset({"victim_of_exploitation"})
_DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")


class MappingError(ValueError):
    """The mapping file itself is wrong (the message names the file and the key)."""


@dataclass(frozen=True)
class IntelligenceMapping:
    path: str
    name: str
    records: str  # "entities" or "links"
    columns: dict[str, str]
    fixed: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = ""
    true: tuple[str, ...] = ("y", "yes", "true", "1")
    description: str = ""


def shipped_mappings() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SHIPPED.glob("*.toml"))}


def load_mapping(path_or_name: str | Path) -> IntelligenceMapping:
    """A mapping file by path, or a shipped one by name (e.g. ``police-entities``)."""
    path = Path(path_or_name)
    if not path.exists():
        shipped = shipped_mappings().get(str(path_or_name))
        if shipped is None:
            raise MappingError(f"{path_or_name}: no such mapping file (shipped: "
                               f"{', '.join(shipped_mappings())})")
        path = shipped
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path.name}: not valid TOML: {exc}") from None
    source = data.get("source", {})
    records = source.get("records")
    if records not in ("entities", "links"):
        raise MappingError(f"{path.name}: [source] records must be \"entities\" or \"links\"")
    known = ENTITY_FIELDS if records == "entities" else LINK_IMPORT_FIELDS
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    fixed = {str(k): str(v) for k, v in data.get("fixed", {}).items()}
    values = {str(k): {str(w).strip().lower(): str(o) for w, o in table.items()}
              for k, table in data.get("values", {}).items()}
    for table, names in (("columns", columns), ("fixed", fixed), ("values", values)):
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise MappingError(f"{path.name}: [{table}] has unknown fields {unknown}; known: "
                               f"{list(known)}")
    if "source_ref" not in columns:
        raise MappingError(f"{path.name}: [columns] needs source_ref (the row's identity, so "
                           "that importing the file again adds nothing)")
    needed = ("kind",) if records == "entities" else ("a", "b", "date", "source_grade",
                                                      "intelligence_grade", "handling_code")
    for name in needed:
        if name not in columns and name not in fixed:
            raise MappingError(f"{path.name}: [columns] or [fixed] needs {name}")
    return IntelligenceMapping(
        path=str(path), name=str(source.get("name") or path.stem), records=records,
        columns=columns, fixed=fixed, values=values,
        date_format=str(source.get("date_format", "")),
        true=tuple(str(v).lower() for v in source.get("true", ["y", "yes", "true", "1"])),
        description=str(source.get("description", "")))


@dataclass(frozen=True)
class ImportResult:
    file: str
    records: str
    rows: int
    created: int
    updated: int
    unchanged: int


@dataclass
class _Row:
    number: int
    line: int
    values: dict[str, Any]
    columns: dict[str, str]  # field -> column it came from (for messages)
    raw: dict[str, str]
    unread: set[str] = field(default_factory=set)  # fields whose value could not be read


class _Bad(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def _date(text: str, fmt: str) -> datetime.date:
    if fmt:
        return datetime.datetime.strptime(text, fmt).date()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for candidate in _DAY_FIRST:
        try:
            return datetime.datetime.strptime(text, candidate).date()
        except ValueError:
            continue
    raise ValueError(text)


def _value(mapping: IntelligenceMapping, name: str, text: str) -> Any:
    text = text.strip()
    table = mapping.values.get(name)
    if table is not None and text:
        if text.lower() not in table:
            raise _Bad(name, f"is not one of the words the mapping knows for {name} "
                             f"({', '.join(sorted(table))})")
        text = table[text.lower()]
    if name in _DATES:
        if not text:
            return None
        try:
            return _date(text, mapping.date_format)
        except ValueError:
            shown = mapping.date_format or "YYYY-MM-DD or DD/MM/YYYY"
            raise _Bad(name, f"is not a date ({shown})") from None
    if name in _NUMBERS:
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise _Bad(name, "is not a number") from None
    if name in _BOOLEANS:
        return text.lower() in mapping.true
    return text


def _read_rows(data: bytes, name: str, mapping: IntelligenceMapping) -> tuple[list[_Row], list[RowProblem]]:
    text = decode(data, name)
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if not first:
        raise IngestError([RowProblem(name, None, None, None, None, "is empty")])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")),
                            delimiter=detect_delimiter(first, name))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [column for column in mapping.columns.values() if column not in header]
    if missing:
        raise IngestError([RowProblem(name, None, 1, column, None,
                                      "is missing (the mapping names it)") for column in missing])
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    for number, raw in enumerate(reader, start=1):
        line = reader.line_num
        if None in raw:
            problems.append(RowProblem(name, number, line, None, None,
                                       f"has more fields than the header's {len(header)}"))
            continue
        values: dict[str, Any] = {}
        unread: set[str] = set()
        for field_name, fixed in mapping.fixed.items():
            values[field_name] = fixed
        for field_name, column in mapping.columns.items():
            try:
                values[field_name] = _value(mapping, field_name, raw.get(column) or "")
            except _Bad as bad:
                unread.add(field_name)
                problems.append(RowProblem(name, number, line, column, raw.get(column),
                                           bad.reason))
        rows.append(_Row(number, line, values, dict(mapping.columns), raw, unread))
    return rows, problems


def _problem(name: str, row: _Row, field_name: str, reason: str) -> RowProblem:
    column = row.columns.get(field_name)
    return RowProblem(name, row.number, row.line, column or (f"[fixed] {field_name}"
                                                            if field_name else None),
                      row.raw.get(column) if column else None, reason)


def _entity_values(row: _Row) -> tuple[str, dict[str, Any]]:
    values = dict(row.values)
    kind = str(values.pop("kind", ""))
    values.pop("source_ref", None)
    if kind not in Kind.values:
        raise services.IntelligenceRuleError(
            f"is not a kind of entity ({', '.join(Kind.values)}): add a [values.kind] table "
            "to the mapping for the file's words", "kind")
    return kind, {k: v for k, v in values.items() if v not in (None, "") or k == "label"}


def _rule_problems(mapping: IntelligenceMapping, agency: Agency, row: _Row,
                   ref: str) -> list[services.IntelligenceRuleError]:
    """Every rule the row breaks (the services' checks find all of a row's problems)."""
    found: list[services.IntelligenceRuleError] = []
    values = {k: v for k, v in row.values.items() if k not in row.unread}
    try:
        if mapping.records == "entities":
            kind, entity_values = _entity_values(_Row(row.number, row.line, values, row.columns,
                                                      row.raw))
            existing = Entity.objects.filter(agency=agency, source_ref=ref).first() if ref else None
            if existing is not None and existing.kind != kind:
                found.append(services.IntelligenceRuleError(
                    f"was imported before as a {existing.get_kind_display().lower()}", "kind"))
            services.checked_entity(kind, {**entity_values, "source_ref": ref})
        else:
            for end in ("a", "b"):
                if end in row.unread:
                    continue
                if not Entity.objects.filter(agency=agency, source_ref=values.get(end)).exists():
                    found.append(services.IntelligenceRuleError(
                        "names no entity this agency holds (import the entities first)", end))
            if values.get("a") and values.get("a") == values.get("b"):
                found.append(services.IntelligenceRuleError(
                    "A link joins two different entities.", "b"))
            services.checked_link({k: v for k, v in values.items() if k not in ("a", "b")})
    except services.IntelligenceRuleError as exc:
        found.extend(services.every_problem(exc))
    return [problem for problem in found if problem.field not in row.unread]


def _check(name: str, mapping: IntelligenceMapping, agency: Agency,
           rows: list[_Row]) -> list[RowProblem]:
    """Every problem of every row, in row order."""
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row in rows:
        ref = str(row.values.get("source_ref") or "")
        if "source_ref" in row.unread:
            pass
        elif not ref:
            problems.append(_problem(name, row, "source_ref", "is empty (every row needs its "
                                     "source reference)"))
        elif ref in seen:
            problems.append(_problem(name, row, "source_ref", f"repeats row {seen[ref]}"))
        else:
            seen[ref] = row.number
        problems.extend(_problem(name, row, p.field, str(p))
                        for p in _rule_problems(mapping, agency, row, ref))
    return problems


def _write(mapping: IntelligenceMapping, agency: Agency, rows: list[_Row], by: Any) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    for row in rows:
        ref = str(row.values["source_ref"])
        if mapping.records == "entities":
            kind, values = _entity_values(row)
            existing = Entity.objects.filter(agency=agency, source_ref=ref).first()
            if existing is None:
                services.create_entity(agency=agency, kind=kind, by=by, source_ref=ref, **values)
                created += 1
                continue
            after = services.update_entity(existing, version=existing.version, changes=values,
                                           by=by)
            if after.version > existing.version:
                updated += 1
            else:
                unchanged += 1
        else:
            values = dict(row.values)
            a = Entity.objects.get(agency=agency, source_ref=values.pop("a"))
            b = Entity.objects.get(agency=agency, source_ref=values.pop("b"))
            values.pop("source_ref")
            link = Link.objects.filter(agency=agency, source_ref=ref).first()
            if link is None:
                services.create_link(a=a, b=b, agency=agency, by=by, source_ref=ref, **values)
                created += 1
                continue
            moved = (link.a_id, link.b_id) != (a.pk, b.pk)
            if moved:
                Link.objects.filter(pk=link.pk).update(a=a, b=b)
                record("update", user=by, object_type=LINK, object_id=link.pk,
                                fields=["a", "b"])
            after_link = services.update_link(link, version=link.version, changes=values, by=by)
            if moved or after_link.version > link.version:
                updated += 1
            else:
                unchanged += 1
    return created, updated, unchanged


def import_file(path: str | Path, mapping: IntelligenceMapping, *, agency: Agency,
                by: Any = None) -> ImportResult:
    """Import ``path`` for ``agency`` through ``mapping``: all rows or none (``IngestError``
    listing the problems, each with file, row and column)."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError([RowProblem(name, None, None, None, None,
                                      f"cannot be read: {exc.strerror}")]) from None
    rows, problems = _read_rows(data, name, mapping)
    problems = sorted([*problems, *_check(name, mapping, agency, rows)],
                      key=lambda p: p.row or 0)  # stable: a row's own order is kept
    if problems:
        raise IngestError(problems)
    with transaction.atomic():
        created, updated, unchanged = _write(mapping, agency, rows, by)
    return ImportResult(name, mapping.records, len(rows), created, updated, unchanged)

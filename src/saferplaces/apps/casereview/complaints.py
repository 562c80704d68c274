"""The complaints about one case as the engine counts them, from every agency's records.

- **Case complaints** (:class:`~saferplaces.apps.casereview.models.Complaint`), recorded by
  whichever agency took them; the complainant is a party of the case (key ``person:<id>``).
- **Incidents linked to the case** (``CaseIncident``) that are ASB reports: every row of the
  council's ASB log (store source :data:`COUNCIL_LOG`, its complainant reference in
  ``victim_ref``), and police ASB records (category :data:`ASB_CATEGORY`), which count only with
  a complainant reference (the engine explains the others). A store row has one time: it is
  both the day of the behaviour and the day of the report (the log is written when the
  behaviour is reported); a row known only to the month has no day of behaviour, so it cannot
  be shown to be within a month of it. Its complainant key is ``<source>:<reference>``.

A store row whose complainant reference staff linked to a party
(:class:`~saferplaces.apps.casereview.models.ComplainantLink`) takes the party's key
``person:<id>``, so the engine counts that person's reports of the same day's behaviour to the
log and to an agency once.

Complainants are shown by name for parties; store references are never shown: they appear as
"Complainant in the council ASB log 1, 2 ..." in order of first report.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from saferplaces.apps.casereview.models import ComplainantLink
from saferplaces.apps.casereview.models import Complaint as CaseComplaint
from saferplaces.apps.cases.models import Case
from saferplaces.apps.incidents.models import Incident, Precision
from saferplaces.casework.case_review import Complaint

__all__ = ["ASB_CATEGORY", "COUNCIL_LOG", "Complaints", "complaints_of", "store_rows",
           "source_label"]

#: The store source of the council's ASB case log (the ``council-asb`` mapping's name).
COUNCIL_LOG = "council-asb"
#: The police's category for anti-social behaviour (police.uk and local police records).
ASB_CATEGORY = "Anti-social behaviour"

_SOURCE_LABELS = {COUNCIL_LOG: "the council ASB log", "police-uk": "police ASB (police.uk)"}


def source_label(source: str) -> str:
    return _SOURCE_LABELS.get(source, f"police ASB ({source})")


@dataclass(frozen=True)
class Complaints:
    """The case's complaints for the engine, and a label for each complainant key."""

    complaints: tuple[Complaint, ...]
    labels: dict[str, str]


def _local_day(when: datetime.datetime) -> datetime.date:
    return timezone.localtime(when).date() if timezone.is_aware(when) else when.date()


def _case_complaints(case: Case) -> Iterable[tuple[Complaint, str]]:
    for row in CaseComplaint.objects.filter(case=case).select_related("agency", "complainant"):
        yield (Complaint(source=row.agency.name, reference=f"{case.reference}/C{row.pk}",
                         problem=case.reference, complainant=f"person:{row.complainant_id}",
                         reported_on=row.reported_on, behaviour_on=row.behaviour_on,
                         hate=row.hate),
               row.complainant.name)


def store_rows(case: Case) -> Iterable[Incident]:
    return (Incident.objects.filter(case_links__case=case)
            .filter(Q(source=COUNCIL_LOG) | Q(category=ASB_CATEGORY))
            .order_by("occurred", "pk"))


def complaints_of(case: Case) -> Complaints:
    """Every complaint about ``case`` from every agency (see the module's docstring)."""
    found: list[Complaint] = []
    labels: dict[str, str] = {}
    for complaint, name in _case_complaints(case):
        found.append(complaint)
        labels[complaint.complainant or ""] = name
    numbers: dict[str, int] = {}
    linked = {(link.source, link.reference): (f"person:{link.person_id}", link.person.name)
              for link in ComplainantLink.objects.filter(case=case, removed_at__isnull=True)
              .select_related("person")}
    for row in store_rows(case):
        day = _local_day(row.occurred)
        ref = row.victim_ref.strip()
        key = f"{row.source}:{ref}" if ref else None
        if (row.source, ref) in linked:
            key, name = linked[row.source, ref]
            labels[key] = name
        if key is not None and key not in labels:
            numbers[row.source] = numbers.get(row.source, 0) + 1
            labels[key] = f"Complainant in {source_label(row.source)} {numbers[row.source]}"
        hate = any((row.hate_race, row.hate_religion, row.hate_sexual_orientation,
                    row.hate_disability, row.hate_transgender))
        found.append(Complaint(source=source_label(row.source), reference=f"incident {row.pk}",
                               problem=case.reference, complainant=key, reported_on=day,
                               behaviour_on=None if row.precision == Precision.MONTH else day,
                               hate=hate))
    return Complaints(tuple(found), labels)

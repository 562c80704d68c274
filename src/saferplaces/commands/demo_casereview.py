"""The demo's ASB Case Review work, on the demo's repeat anti-social behaviour cases (made by
:mod:`saferplaces.commands.demo_cases`, owned by the council and shared with the police):

- on the first case, three complaints by its complainant within the last three months, to the
  council and the police, each within a month of the behaviour: the threshold is met and the
  case page shows the flag; an application made by telephone, taken through acknowledgement,
  threshold decision, review meeting and recommendations;
- on the second case, exactly two reports by its complainant within six months: the case page
  asks staff to explain the Case Review.

Everything goes through the Case Review services (the engine checks every stage). Running it
again adds nothing: when a demo case already has complaints, the work is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DemoCaseReview", "make"]

SYNTHETIC = "(synthetic demo)"


@dataclass
class DemoCaseReview:
    complaints: int = 0
    reviews: int = 0
    already_present: bool = False

    def __str__(self) -> str:
        if self.already_present:
            return "Demo Case Review work already present: nothing added."
        return (f"Demo Case Review work made: {self.complaints} complaints, "
                f"{self.reviews} Case Review through to recommendations.")


def make(directory: Path) -> DemoCaseReview:
    """The demo's complaints and Case Review (module docstring); ``directory`` is unused (the
    work hangs off the demo cases already in the database)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from saferplaces.apps.casereview import services
    from saferplaces.apps.casereview.models import Complaint
    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.cases.models import Case
    from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER

    cases = list(Case.objects.filter(case_type="repeat-asb", summary__contains=MARKER)
                 .order_by("pk")[:2])
    if len(cases) < 2:
        return DemoCaseReview()
    if Complaint.objects.filter(case__in=cases).exists():
        return DemoCaseReview(already_present=True)
    users = get_user_model().objects
    council = users.get(username=DEMO_OFFICERS["council"])
    police = users.get(username=DEMO_OFFICERS["police"])
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    made = DemoCaseReview()
    with transaction.atomic():
        flagged, prompted = cases
        for case, reports in ((flagged, ((council, 75, 80, "telephone"),
                                         (police, 42, 44, "online"),
                                         (council, 12, 14, "in person"))),
                              (prompted, ((council, 60, 61, "letter"),
                                          (council, 8, 9, "telephone")))):
            party = case.parties.filter(role="complainant").order_by("pk").first()
            if party is None:
                continue
            for user, reported, behaviour, channel in reports:
                services.add_complaint(get_case_for_user(user, case.pk), user,
                                       complainant_id=party.person_id,
                                       behaviour_on=ago(behaviour), reported_on=ago(reported),
                                       channel=channel)
                made.complaints += 1
        access = get_case_for_user(council, flagged.pk)
        applicant = flagged.parties.filter(role="complainant").order_by("pk").first()
        review = services.apply(access, council, applied_on=ago(10), channel="telephone",
                                applicant_id=applicant.person_id if applicant else None)
        for stage, values in (
                ("acknowledgement", {"acknowledged_on": ago(9)}),
                ("threshold", {"threshold_decided_on": ago(6), "threshold_met": True,
                               "threshold_reason": f"Three qualifying complaints {SYNTHETIC}"}),
                ("meeting", {"meeting_on": ago(2)}),
                ("recommendations", {"recommendations_on": ago(2), "recommendations":
                                     f"Mediation between the households {SYNTHETIC}\n"
                                     f"Noise monitoring for four weeks {SYNTHETIC}"})):
            review = services.record_stage(access, review, council, stage=stage,
                                           version=review.version, values=values)
        made.reviews = 1
    return made

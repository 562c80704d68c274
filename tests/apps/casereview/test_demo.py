"""The demo's Case Review work on two demo repeat-ASB cases: one meets the threshold (the flag
shows) with a Case Review through to recommendations, one complainant has exactly two reports
(the prompt shows); a second run adds nothing."""

from __future__ import annotations

import datetime

from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.casereview import services
from saferplaces.apps.casereview.models import CaseReview, Complaint
from saferplaces.apps.cases import services as cases
from saferplaces.commands.demo_casereview import make
from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER
from tests.apps.cases.conftest import add, person, share


def test_the_demo_shows_the_flag_the_prompt_and_a_review(db, tmp_path):
    from django.contrib.auth import get_user_model

    council = Agency.objects.create(name="Colchester City Council", kind="council")
    police = Agency.objects.create(name="Essex Police", kind="police")
    officers = {}
    for key, agency in (("council", council), ("police", police)):
        officers[key] = get_user_model().objects.create_user(DEMO_OFFICERS[key])
        Membership.objects.create(user=officers[key], agency=agency, role="case_manager")
    made = []
    for n in range(2):
        case = cases.create_case(officers["council"], case_type_key="repeat-asb",
                                 title=f"Noise {n}", summary=f"Synthetic.\n\n{MARKER}.")
        add(officers["council"], case, person(council, f"Demo{n}", born=datetime.date(1970, 1, 1)),
            "complainant")
        share(case, police)
        made.append(case)

    first = make(tmp_path)
    assert (first.complaints, first.reviews) == (5, 1)
    flagged, prompted = (services.standing(case) for case in made)
    assert flagged.assessment.met
    assert not prompted.assessment.met and len(prompted.due) == 1
    review = CaseReview.objects.get()
    assert review.case == made[0] and len(review.recommendation_list) == 2
    assert make(tmp_path).already_present and Complaint.objects.count() == 5

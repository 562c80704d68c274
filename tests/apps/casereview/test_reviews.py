"""An ASB Case Review tracked through its stages, each dated and refused out of order by the
engine; two people recording at once lose nothing; the annual published figures, on the page
and from ``saferplaces case-review figures`` in a fresh process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from saferplaces.apps.casereview import services
from saferplaces.apps.casereview.figures import annual, figures
from saferplaces.apps.casereview.models import CaseReview
from saferplaces.apps.cases.access import get_case_for_user
from tests.apps.casereview.conftest import days_ago
from tests.process import environment, ok


def day_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_a_telephone_application_is_tracked_to_recommendations(asb, signed_in_client):
    client = signed_in_client(asb.council)
    answer = client.post(f"/case-review/cases/{asb.case.pk}/apply/", {
        **day_fields("applied_on", days_ago(30)), "channel": "telephone",
        "applicant": str(asb.victim.pk)})
    review = CaseReview.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/case-review/reviews/{review.pk}/"
    assert (review.channel, review.applicant, review.reference) == (
        "telephone", asb.victim, f"{asb.case.reference}-CR1")
    steps = [("acknowledgement", day_fields("acknowledged_on", days_ago(29))),
             ("threshold", {**day_fields("threshold_decided_on", days_ago(20)),
                            "threshold_met": "yes", "threshold_reason": "Three complaints"}),
             ("meeting", day_fields("meeting_on", days_ago(10))),
             ("recommendations", {**day_fields("recommendations_on", days_ago(9)),
                                  "recommendations": "Mediation\nNoise monitoring"})]
    for n, (stage, data) in enumerate(steps):
        answer = client.post(f"/case-review/reviews/{review.pk}/{stage}/",
                             {**data, "version": n + 1})
        assert answer.status_code == 302, (stage, answer.content.decode()[:2000])
    review.refresh_from_db()
    assert review.recommendation_list == ("Mediation", "Noise monitoring")
    assert review.version == 5
    page = client.get(f"/case-review/reviews/{review.pk}/").content.decode()
    assert "Noise monitoring" in page
    assert f"{review.reference}: recommendations recorded" in "".join(
        asb.case.timeline.values_list("text", flat=True))


def test_a_meeting_before_the_threshold_is_decided_is_refused(asb, signed_in_client):
    review = services.apply(get_case_for_user(asb.police, asb.case.pk), asb.police,
                            applied_on=days_ago(10), channel="letter")
    answer = signed_in_client(asb.police).post(
        f"/case-review/reviews/{review.pk}/meeting/",
        {**day_fields("meeting_on", days_ago(2)), "version": 1})
    assert answer.status_code == 400
    assert "A review meeting is held only once the threshold is decided to be met" in \
        answer.content.decode()
    review.refresh_from_db()
    assert (review.meeting_on, review.version) == (None, 1)


def test_two_people_recording_a_stage_at_once_lose_nothing(asb, signed_in_client):
    review = services.apply(get_case_for_user(asb.police, asb.case.pk), asb.police,
                            applied_on=days_ago(10), channel="in person")
    police, council = signed_in_client(asb.police), signed_in_client(asb.council)
    first = police.post(f"/case-review/reviews/{review.pk}/acknowledgement/",
                        {**day_fields("acknowledged_on", days_ago(9)), "version": 1})
    assert first.status_code == 302
    second = council.post(f"/case-review/reviews/{review.pk}/acknowledgement/",
                          {**day_fields("acknowledged_on", days_ago(8)), "version": 1})
    assert second.status_code == 409
    page = second.content.decode()
    assert 'id="conflict-versions"' in page
    assert f"{days_ago(8):%-d %B %Y}" in page and f"{days_ago(9):%-d %B %Y}" in page
    review.refresh_from_db()
    assert (review.acknowledged_on, review.version) == (days_ago(9), 2)


def test_an_outsider_agency_gets_404_for_a_review_and_a_limited_share_too(
        asb, partnership, signed_in_client):
    from saferplaces.apps.cases.models import ShareLevel

    review = services.apply(get_case_for_user(asb.police, asb.case.pk), asb.police,
                            applied_on=days_ago(10), channel="online")
    outsider = signed_in_client(partnership.user("outsider", "case_manager"))
    assert outsider.get(f"/case-review/reviews/{review.pk}/").status_code == 404
    assert outsider.get(f"/api/cases/{asb.case.pk}/case-reviews/").status_code == 404
    asb.case.shares.filter(agency=partnership.partner).update(level=ShareLevel.LIMITED)
    council = signed_in_client(asb.council)
    assert council.get(f"/case-review/reviews/{review.pk}/").status_code == 404
    assert council.get(f"/api/cases/{asb.case.pk}/case-reviews/").status_code == 404


def _reviews(asb):
    access = get_case_for_user(asb.police, asb.case.pk)
    done = services.apply(access, asb.police, applied_on=days_ago(40), channel="letter")
    for stage, values in (("threshold", {"threshold_decided_on": days_ago(35),
                                         "threshold_met": True, "threshold_reason": ""}),
                          ("meeting", {"meeting_on": days_ago(30)}),
                          ("recommendations", {"recommendations": "Mediation",
                                               "recommendations_on": days_ago(30)})):
        done = services.record_stage(access, done, asb.police, stage=stage,
                                     version=done.version, values=values)
    refused = services.apply(access, asb.police, applied_on=days_ago(20), channel="telephone")
    services.record_stage(access, refused, asb.police, stage="threshold", version=1,
                          values={"threshold_decided_on": days_ago(19), "threshold_met": False,
                                  "threshold_reason": "Two complaints only"})


@pytest.mark.django_db
def test_the_annual_figures_count_the_whole_partnership(asb, signed_in_client, partnership):
    _reviews(asb)
    year = days_ago(30).year
    if days_ago(40).year != days_ago(19).year:
        pytest.skip("the example's steps straddle a new year")
    result = annual(year)
    assert (result.applications, result.threshold_not_met, result.reviews_carried_out,
            result.reviews_with_recommendations) == (2, 1, 1, 1)
    assert figures(days_ago(45), days_ago(0))["case_review_applications"] == 2
    # aggregate figures: anyone with assessments.view, even an agency not on the case
    page = signed_in_client(partnership.user("outsider", "viewer")).get(
        f"/case-review/figures/?year={year}").content.decode()
    assert "Case Reviews that led to recommendations" in page
    assert asb.case.reference not in page and "Vera" not in page


SCRIPT = textwrap.dedent("""
    import datetime
    from saferplaces.commands.common import setup_django
    setup_django()
    from saferplaces.apps.agencies.models import Agency, Membership
    from saferplaces.apps.casereview import services
    from saferplaces.apps.cases import services as cases
    from saferplaces.apps.cases.access import get_case_for_user
    from django.contrib.auth import get_user_model
    agency = Agency.objects.create(name="Essex Police", kind="police")
    user = get_user_model().objects.create_user("officer")
    Membership.objects.create(user=user, agency=agency, role="case_manager")
    case = cases.create_case(user, case_type_key="repeat-asb", title="Noise")
    access = get_case_for_user(user, case.pk)
    review = services.apply(access, user, applied_on=datetime.date(2024, 3, 4), channel="letter")
    services.record_stage(access, review, user, stage="threshold", version=1, values={
        "threshold_decided_on": datetime.date(2024, 3, 20), "threshold_met": False,
        "threshold_reason": "Two complaints"})
""")


def test_case_review_figures_command_prints_the_year_in_a_fresh_process(tmp_path):
    made = subprocess.run([sys.executable, "-c", SCRIPT], env=environment(tmp_path), cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    printed = ok("case-review", "figures", "--year", "2024", home=tmp_path)
    assert "ASB Case Review figures 2024 (1 January 2024 to 31 December 2024)" in printed
    assert "Applications for an ASB Case Review: 1" in printed
    assert "Times the threshold was not met: 1" in printed
    assert "Case Reviews carried out: 0" in printed
    assert "Applications by channel: letter 1" in printed
    assert '"applications": 0' in ok("case-review", "figures", "--year", "2023", "--json",
                                     home=tmp_path)

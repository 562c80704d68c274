"""The Street Weeks planner: exclusions leave an area out of the ranking with their reason, the
calendar shows past and planned weeks with their clashes, and legacy follow-ups due are listed."""

from __future__ import annotations

import datetime

from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.operations import planner, services
from tests.apps.operations.conftest import access_of, details

#: 26 August 2024 is the summer bank holiday (England and Wales).
BANK_HOLIDAY_WEEK = datetime.date(2024, 8, 26)
TODAY = datetime.date(2024, 8, 1)


def test_excluded_area_is_left_out_of_the_ranking_with_its_reason(town, partnership,
                                                                     signed_in_client):
    from saferplaces.apps.incidents.models import Area

    analyst = partnership.user("owner", "analyst")
    services.add_exclusion(analyst, area=Area.objects.get(code="N22"),
                           reason="Major roadworks until March", until=None)
    page = signed_in_client(partnership.user("partner", "practitioner")).get(
        "/operations/street-weeks/").content.decode()
    ranked = page.split('id="ranked"')[1].split("</table>")[0]
    left_out = page.split('id="left-out"')[1].split("</table>")[0]
    assert 'data-area="N22"' not in ranked
    assert 'data-area="N22"' in left_out and "Major roadworks until March" in left_out


def test_lifted_or_ended_exclusions_no_longer_apply(areas, partnership):
    user = partnership.user("owner", "analyst")
    ended = services.add_exclusion(user, area=areas[0], reason="Election week",
                                   until=TODAY - datetime.timedelta(days=1))
    lifted = services.add_exclusion(user, area=areas[1], reason="Flooding", until=None)
    services.lift_exclusion(user, lifted)
    kept = services.add_exclusion(user, area=areas[2], reason="Carnival", until=TODAY)
    assert list(planner.active_exclusions(TODAY)) == [kept]
    assert ended.pk and lifted.lifted_at is not None


def test_calendar_shows_planned_weeks_with_bank_holidays_and_other_operations(world, partnership):
    user = partnership.user("owner", "practitioner")
    week = services.create_operation(user, details(
        "Street Week", kind="street-week", start=BANK_HOLIDAY_WEEK,
        end=BANK_HOLIDAY_WEEK + datetime.timedelta(days=6), areas=("N10",), categories=()))
    StreetWeek.objects.create(area_code="N20", area_name="Neighbourhood 20",
                              start=datetime.date(2024, 3, 4), end=datetime.date(2024, 3, 10))
    months = dict(planner.calendar(user, today=TODAY))
    planned = months["August 2024"][0]
    assert planned.operation == week and planned.state == "planned"
    assert "bank holiday on Monday 26 August" in planned.clashes
    assert any("Operation Nightjar runs" in clash for clash in planned.clashes)
    held = months["March 2024"][0]
    assert held.state == "held" and held.operation is None and held.clashes == []


def test_calendar_names_no_operation_the_reader_takes_no_part_in(world, partnership):
    user = partnership.user("owner", "practitioner")
    services.create_operation(user, details(
        "Street Week", kind="street-week", start=BANK_HOLIDAY_WEEK,
        end=BANK_HOLIDAY_WEEK + datetime.timedelta(days=6), areas=("N10",), categories=()))
    outsider = partnership.user("outsider", "coordinator")
    entry = dict(planner.calendar(outsider, today=TODAY))["August 2024"][0]
    assert entry.operation is None and all("Nightjar" not in c for c in entry.clashes)


def test_follow_ups_due_within_30_days_are_listed(world, partnership):
    access = access_of(world.lead, world.operation)
    due = services.add_legacy_action(access, world.lead, description="Gating",
                                     owner_agency_id=partnership.owner.pk,
                                     follow_up_on=TODAY + datetime.timedelta(days=10))
    services.add_legacy_action(access, world.lead, description="Later",
                               owner_agency_id=partnership.owner.pk,
                               follow_up_on=TODAY + datetime.timedelta(days=60))
    assert list(planner.follow_ups_due(world.partner, today=TODAY)) == [due]
    assert list(planner.follow_ups_due(partnership.user("outsider", "coordinator"),
                                       today=TODAY)) == []

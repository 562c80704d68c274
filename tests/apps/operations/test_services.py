"""The rules of operations: a Street Week lasts exactly its 7 days in one area and keeps the
ranking's Street Week in step, activity counts, legacy actions and their follow-up alert,
polygons, linked cases."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.http import Http404

from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.assessments.services import recent_street_week_codes
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.cases.reminders import send_reminders
from saferplaces.apps.operations import services
from saferplaces.apps.operations.access import get_operation_for_user
from saferplaces.apps.operations.alerts import send_follow_up_alerts
from saferplaces.apps.operations.geometry import GeometryError, parse_polygon
from saferplaces.apps.operations.models import Operation
from saferplaces.apps.operations.presenters import case_panel
from tests.apps.cases.conftest import open_case, share
from tests.apps.operations.conftest import START, X0, Y0, access_of, details

MONDAY = datetime.date(2025, 6, 2)


def street_week(user, *, days=7, area="N10", start=MONDAY, **more):
    return services.create_operation(user, details(
        "Street Week", kind="street-week", start=start,
        end=start + datetime.timedelta(days=days - 1), areas=(area,), categories=(), **more))


@pytest.mark.parametrize("days", [6, 8, 14])
def test_street_week_of_any_length_but_seven_days_is_refused(partnership, areas, days):
    with pytest.raises(services.OperationRuleError, match="lasts 7 days") as refused:
        street_week(partnership.user("owner", "practitioner"), days=days)
    assert refused.value.field == "end"
    assert not Operation.objects.exists()


def test_street_week_of_seven_days_keeps_the_rankings_street_week_in_step(partnership, areas):
    user = partnership.user("owner", "practitioner")
    operation = street_week(user)
    week = operation.street_week
    assert (week.area_code, week.start, week.end) == ("N10", MONDAY, MONDAY + datetime.timedelta(days=6))
    assert "N10" in recent_street_week_codes("2025-05")
    moved = services.update_operation(
        access_of(user, operation), user,
        details("Street Week", kind="street-week", start=MONDAY + datetime.timedelta(days=7),
                end=MONDAY + datetime.timedelta(days=13), areas=("N20",), categories=()),
        version=operation.version)
    week.refresh_from_db()
    assert (week.area_code, week.start) == ("N20", MONDAY + datetime.timedelta(days=7))
    services.update_operation(access_of(user, moved), user, details(
        "Now a longer operation", kind="other", start=MONDAY, end=MONDAY + datetime.timedelta(days=20),
        areas=("N20",), categories=()), version=moved.version)
    assert not StreetWeek.objects.exists()


def test_street_week_is_in_exactly_one_area(partnership, areas):
    with pytest.raises(services.OperationRuleError, match="one area"):
        services.create_operation(partnership.user("owner", "practitioner"), details(
            kind="street-week", start=MONDAY, end=MONDAY + datetime.timedelta(days=6),
            areas=("N00", "N10"), categories=()))


def test_street_week_overlapping_one_recorded_in_the_same_area_is_refused(partnership, areas):
    StreetWeek.objects.create(area_code="N10", area_name="Neighbourhood 10",
                              start=MONDAY + datetime.timedelta(days=3),
                              end=MONDAY + datetime.timedelta(days=9))
    with pytest.raises(services.OperationRuleError, match="already recorded"):
        street_week(partnership.user("owner", "practitioner"))


def test_a_street_week_recorded_on_the_ranking_page_is_taken_over_by_its_operation(partnership, areas):
    week = StreetWeek.objects.create(area_code="N10", area_name="Neighbourhood 10", start=MONDAY,
                                     end=MONDAY + datetime.timedelta(days=6))
    operation = services.create_operation(
        partnership.user("owner", "practitioner"),
        details(kind="street-week", start=MONDAY, end=week.end, areas=("N10",), categories=()),
        adopt=week)
    assert operation.street_week == week and StreetWeek.objects.count() == 1


def test_a_street_week_taken_over_stays_a_street_week(partnership, areas):
    week = StreetWeek.objects.create(area_code="N10", area_name="Neighbourhood 10", start=MONDAY,
                                     end=MONDAY + datetime.timedelta(days=13))
    with pytest.raises(services.OperationRuleError, match="taken over as a Street Week"):
        services.create_operation(partnership.user("owner", "practitioner"), details(
            kind="other", start=MONDAY, end=week.end, areas=("N10",), categories=()), adopt=week)
    assert StreetWeek.objects.get() == week


def test_an_operation_needs_a_place_and_its_last_day_after_its_first(partnership, areas):
    user = partnership.user("owner", "practitioner")
    with pytest.raises(services.OperationRuleError, match="at least one area"):
        services.create_operation(user, details(areas=(), categories=()))
    with pytest.raises(services.OperationRuleError, match="after the first day"):
        services.create_operation(user, details(start=START, end=START - datetime.timedelta(days=1),
                                                areas=("N00",), categories=()))


def test_target_problems_must_be_categories_of_the_store(partnership, areas):
    with pytest.raises(services.OperationRuleError, match="Not a category") as refused:
        services.create_operation(partnership.user("owner", "practitioner"),
                                  details(areas=("N00",), categories=("Jaywalking",)))
    assert refused.value.field == "categories"


def test_polygon_in_british_national_grid_is_stored_in_wgs84():
    bng = {"type": "Polygon", "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
           "coordinates": [[[X0, Y0], [X0 + 500, Y0], [X0 + 500, Y0 + 500], [X0, Y0]]]}
    lon, lat = parse_polygon(json.dumps(bng))["coordinates"][0][0]
    assert 0.8 < lon < 1.0 and 51.8 < lat < 51.9
    same = parse_polygon({**bng, "crs": None})["coordinates"][0][0]
    assert same == [lon, lat]


def test_polygon_in_another_coordinate_system_or_not_an_area_is_refused():
    with pytest.raises(GeometryError, match="EPSG:3857"):
        parse_polygon({"type": "Polygon", "crs": {"properties": {"name": "EPSG:3857"}},
                       "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
    with pytest.raises(GeometryError, match="Polygon or MultiPolygon, not a Point"):
        parse_polygon({"type": "Point", "coordinates": [0.9, 51.9]})


def test_activity_is_counted_in_its_unit_within_the_operations_days(world):
    access = access_of(world.partner, world.operation)
    services.record_activity(access, world.partner, day=START, kind="arrests", amount=2)
    services.record_activity(access, world.partner, day=START, kind="arrests", amount=1)
    services.record_activity(access, world.partner, day=START, kind="drugs_seized", amount="12.5")
    services.record_activity(access, world.partner, day=START, kind="cash_seized", amount=1250)
    with pytest.raises(services.OperationRuleError, match="whole arrests"):
        services.record_activity(access, world.partner, day=START, kind="arrests", amount="1.5")
    with pytest.raises(services.OperationRuleError, match="within the operation"):
        services.record_activity(access, world.partner, day=START - datetime.timedelta(days=1),
                                 kind="arrests", amount=1)
    with pytest.raises(services.OperationRuleError, match="negative"):
        services.record_activity(access, world.partner, day=START, kind="patrols", amount=-1)
    with pytest.raises(services.OperationRuleError, match="kind of activity"):
        services.record_activity(access, world.partner, day=START, kind="hugs", amount=1)
    totals = {t.key: (t.total, t.shown) for t in services.activity_totals(world.operation)}
    assert totals == {"arrests": (Decimal(3), "3 arrests"),
                      "drugs_seized": (Decimal("12.5"), "12.50 grams"),
                      "cash_seized": (Decimal(1250), "£1,250")}
    assert world.operation.activities.filter(agency=world.partner.membership.agency).count() == 4


def test_legacy_follow_up_defaults_to_three_months_after_the_last_day(world):
    action = services.add_legacy_action(access_of(world.lead, world.operation), world.lead,
                                        description="Alley gated",
                                        owner_agency_id=world.operation.lead_agency_id)
    assert action.follow_up_on == datetime.date(2025, 1, 31)  # last day 31 October 2024


def test_legacy_follow_up_months_come_from_the_partnerships_law_file(world, tmp_path, settings):
    local = tmp_path / "law.toml"
    local.write_text('[[rules."operations.legacy_follow_up_months".values]]\nfrom = 2020-01-01\n'
                     'value = 6\nsource = "Our partnership\'s Street Week policy, 2020"\n')
    settings.SAFERPLACES_LAW_FILE = str(local)
    assert services.default_follow_up(world.operation) == datetime.date(2025, 4, 30)


def test_legacy_action_is_owned_by_the_lead_or_a_partner_agency(world, partnership):
    with pytest.raises(services.OperationRuleError, match="lead or a partner"):
        services.add_legacy_action(access_of(world.lead, world.operation), world.lead,
                                   description="x", owner_agency_id=partnership.outsider.pk)


def test_legacy_follow_up_due_alerts_its_owner_once(world, partnership):
    access = access_of(world.lead, world.operation)
    owner = partnership.user("partner", "case_manager")
    services.add_legacy_action(access, world.lead, description="Residents' group with the PCSO",
                               owner_agency_id=partnership.partner.pk, owner_id=owner.pk,
                               follow_up_on=datetime.date(2024, 12, 1))
    assert send_follow_up_alerts() == 1
    send_reminders()
    alerts = Notification.objects.filter(text__startswith="Legacy action")
    assert [n.user for n in alerts] == [owner]
    assert "Residents" not in alerts[0].text and world.operation.name in alerts[0].text


def test_legacy_follow_up_alert_goes_to_the_owning_agency_when_it_has_no_owner(world, partnership):
    action = services.add_legacy_action(access_of(world.lead, world.operation), world.lead,
                                        description="Lighting", follow_up_on=datetime.date(2024, 12, 1),
                                        owner_agency_id=partnership.owner.pk)
    send_follow_up_alerts()
    told = {n.user.username for n in Notification.objects.all()}
    assert told == {f"owner-{r}" for r in ("practitioner", "case_manager", "analyst", "coordinator")}
    moved = services.complete_legacy_action(access_of(world.lead, world.operation), world.lead,
                                            action, version=action.version, done_on=None,
                                            outcome="", follow_up_on=datetime.date(2024, 12, 20))
    assert moved.follow_up_alerted_at is None and send_follow_up_alerts() == 1


def test_stale_version_saves_nothing(world):
    access = access_of(world.lead, world.operation)
    services.update_operation(access, world.lead, details("Renamed", areas=("N00",), categories=()),
                              version=1)
    with pytest.raises(services.Conflict):
        services.update_operation(access, world.lead, details("Again", areas=("N00",), categories=()),
                                  version=1)
    assert Operation.objects.get().name == "Renamed"


def test_case_is_linked_once_and_listed_on_the_cases_panel(world, partnership, rf):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    share(case, partnership.partner)
    services.link_case(access_of(world.partner, world.operation), world.partner, case.pk)
    services.link_case(access_of(world.lead, world.operation), world.lead, case.pk)
    assert world.operation.case_links.count() == 1
    assert case.timeline.filter(kind="operation").count() == 1
    request = rf.get("/")
    request.user = manager
    panel = case_panel(request, get_case_for_user(manager, case.pk))
    assert [row["operation"] for row in panel["operations"]] == [world.operation]


def test_a_case_the_agency_cannot_see_cannot_be_linked(world, partnership):
    outsiders = open_case(partnership.user("outsider", "case_manager"))
    with pytest.raises(Http404):
        services.link_case(access_of(world.lead, world.operation), world.lead, outsiders.pk)


def test_case_panel_names_no_operation_the_reader_takes_no_part_in(world, partnership, rf):
    outsider = partnership.user("outsider", "case_manager")
    case = open_case(partnership.user("owner", "case_manager"))
    share(case, partnership.outsider)
    services.link_case(access_of(world.lead, world.operation), world.lead, case.pk)
    request = rf.get("/")
    request.user = outsider
    panel = case_panel(request, get_case_for_user(outsider, case.pk))
    assert panel["operations"] == [] and panel["others"] == 1
    with pytest.raises(Http404):
        get_operation_for_user(outsider, world.operation.pk)

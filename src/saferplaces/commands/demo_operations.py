"""The demo's operations (synthetic), made through the operations services:

- the **planted operation** of ``ground_truth.json`` (``"operation"``: its name, window,
  treated neighbourhood and target categories), led by the police with the council, with six
  months of activity, two legacy actions (one followed up, one due) and the demo's first
  repeat-ASB case linked; its impact page recovers the planted effect;
- two **past Street Weeks** in the neighbourhoods with the most anti-social behaviour (other
  than the operation's), each with its week of activity and a legacy action, and one **planned**
  three weeks from today, so the planner's calendar shows past and planned weeks.

Idempotent: when the planted operation exists (by name), nothing is added.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER

__all__ = ["DemoOperations", "make"]

#: What the planted operation did, per month of its window (kind → count).
MONTHLY_ACTIVITY = {"patrols": 24, "dispersal_directions": 3, "cpws": 2,
                    "business_checks": 6, "welfare_checks": 4, "residents_engaged": 60}
#: A Street Week's activity over its seven days.
STREET_WEEK_ACTIVITY = {"patrols": 14, "licensed_premises_visits": 8, "business_checks": 12,
                        "welfare_checks": 5, "residents_engaged": 140, "arrests": 2}


@dataclass
class DemoOperations:
    operations: int = 0
    activities: int = 0
    legacy_actions: int = 0
    cases_linked: int = 0
    already_present: bool = False
    no_operation: bool = False

    def __str__(self) -> str:
        if self.already_present:
            return "Demo operations already present: nothing added."
        return (f"Demo operations made: {self.operations} operations (the planted one and "
                f"Street Weeks), {self.activities} activity entries, {self.legacy_actions} "
                f"legacy actions, {self.cases_linked} case linked"
                + (" (no planted operation in the ground truth)" if self.no_operation else ""))


def _user(key: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=DEMO_OFFICERS[key])


def _agency_id(user: Any) -> int:
    from saferplaces.apps.agencies.access import agency_of

    agency = agency_of(user)
    if agency is None:
        raise RuntimeError(f"the demo officer {user.get_username()} belongs to no agency")
    return int(agency.pk)


def _activity(access: Any, user: Any, start: datetime.date, end: datetime.date,
              counts: dict[str, int], made: DemoOperations, *, every_days: int) -> None:
    from saferplaces.apps.operations import services

    days = max(1, (end - start).days // every_days + 1)
    for kind, total in counts.items():
        for n in range(days):
            day = min(end, start + datetime.timedelta(days=n * every_days))
            share = total // days + (1 if n < total % days else 0)
            if share:
                services.record_activity(access, user, day=day, kind=kind, amount=share,
                                         note="Synthetic demo activity")
                made.activities += 1


def _planted(truth: dict[str, Any], made: DemoOperations, police: Any, council: Any) -> None:
    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.incidents.models import Area
    from saferplaces.apps.operations import services
    from saferplaces.apps.operations.access import get_operation_for_user
    from saferplaces.apps.operations.models import Kind

    planted = truth["operation"]
    area = Area.objects.get(kind="neighbourhood", code=planted["neighbourhood_code"])
    start = datetime.date.fromisoformat(planted["start"])
    end = datetime.date.fromisoformat(planted["end"])
    operation = services.create_operation(police, services.OperationDetails(
        name=planted["name"], kind=Kind.OTHER, start=start, end=end,
        purpose=(f"Cut anti-social behaviour and criminal damage in {area.name} with "
                 "high-visibility patrols, dispersal and community work (synthetic demo)."),
        categories=planted["categories"], area_ids=[area.pk],
        partner_ids=[_agency_id(council)]))
    made.operations += 1
    access = get_operation_for_user(police, operation.pk)
    monthly = {k: v * max(1, round((end - start).days / 30)) for k, v in MONTHLY_ACTIVITY.items()}
    _activity(access, police, start, end, monthly, made, every_days=14)
    council_access = get_operation_for_user(council, operation.pk)
    done = services.add_legacy_action(
        council_access, council, description="Footpath lighting repaired and cut back",
        owner_agency_id=_agency_id(council))
    services.complete_legacy_action(council_access, council, done, version=done.version,
                                    done_on=end + datetime.timedelta(days=40),
                                    outcome="Lighting working at the 3-month check")
    services.add_legacy_action(access, police, description="Residents' group meets the PCSO "
                               "monthly", owner_agency_id=_agency_id(police))
    made.legacy_actions += 2
    case = (Case.objects.filter(case_type="repeat-asb", summary__contains=MARKER)
            .order_by("pk").first())
    if case is not None:
        services.link_case(access, police, case.pk)
        made.cases_linked += 1


def _street_weeks(truth: dict[str, Any], made: DemoOperations, police: Any, council: Any,
                  today: datetime.date) -> None:
    from django.db.models import Count

    from saferplaces.apps.incidents.models import Area
    from saferplaces.apps.operations import services
    from saferplaces.apps.operations.access import get_operation_for_user
    from saferplaces.apps.operations.models import Kind

    treated = (truth.get("operation") or {}).get("neighbourhood_code")
    busiest = list(Area.objects.filter(kind="neighbourhood").exclude(code=treated)
                   .annotate(n=Count("points__incidents")).order_by("-n", "code")[:3])
    last = datetime.date.fromisoformat(truth["period"]["last_day"])
    days = services.street_week_days(today) - 1
    starts = [last - datetime.timedelta(days=150), last - datetime.timedelta(days=60),
              today + datetime.timedelta(days=21)]
    for area, start in zip(busiest, starts, strict=False):
        start -= datetime.timedelta(days=start.weekday())  # a Street Week starts on a Monday
        end = start + datetime.timedelta(days=days)
        operation = services.create_operation(council, services.OperationDetails(
            name=f"Street Week: {area.name}", kind=Kind.STREET_WEEK, start=start, end=end,
            purpose="A week of joint partnership work in one neighbourhood (synthetic demo).",
            categories=["Anti-social behaviour"], area_ids=[area.pk],
            partner_ids=[_agency_id(police)]))
        made.operations += 1
        if end < today:
            access = get_operation_for_user(council, operation.pk)
            _activity(access, council, start, end, STREET_WEEK_ACTIVITY, made, every_days=2)
            services.add_legacy_action(access, council, description="Alley gating agreed with "
                                       "residents", owner_agency_id=_agency_id(council))
            made.legacy_actions += 1


def make(directory: Path, *, today: datetime.date | None = None) -> DemoOperations:
    """Make the demo's operations from ``directory``'s ``ground_truth.json`` (idempotent)."""
    from django.utils import timezone

    from saferplaces.apps.operations.models import Operation

    truth = json.loads((Path(directory) / "ground_truth.json").read_text(encoding="utf-8"))
    made = DemoOperations()
    planted = truth.get("operation")
    name = planted["name"] if planted else None
    if Operation.objects.filter(name__in=[name] if name else []).exists() or \
            Operation.objects.filter(name__startswith="Street Week: ",
                                     purpose__contains="(synthetic demo)").exists():
        made.already_present = True
        return made
    police, council = _user("police"), _user("council")
    if planted:
        _planted(truth, made, police, council)
    else:
        made.no_operation = True
    _street_weeks(truth, made, police, council, today or timezone.localdate())
    return made

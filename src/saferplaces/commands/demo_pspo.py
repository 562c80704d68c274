"""The demo's Public Spaces Protection Order, from ``ground_truth.json`` key ``"pspo"`` (its
zone also in ``areas/pspo.geojson``): recorded by the council's demo officer, with its
prohibitions, the s.72 consultation a month before it was made, made on the planted date for
the planted duration, shared with the police, and a few synthetic breaches with fixed
penalties (paid, unpaid, one prosecuted); then the review check runs once, so an order inside
its review window on demo day shows its review alert at once, not after the next reminders run.
Made as of its planted made date (the demo records an order made then). Through the pspo app's services, so the Act's rules
apply. Synthetic (the order is marked so and every page says so); idempotent (an order with
the same title is left as it is)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from saferplaces.commands.demo_cases import DEMO_OFFICERS

__all__ = ["DemoPspo", "make"]

#: Invented names for the breaches (obviously synthetic).
_PEOPLE = ("Demo Person One", "Demo Person Two", "Demo Person Three", "Demo Person Four")


@dataclass
class DemoPspo:
    orders: int = 0
    breaches: int = 0
    review_alerts: int = 0

    def __str__(self) -> str:
        return (f"Demo PSPO: {self.orders} order, {self.breaches} breaches, "
                f"{self.review_alerts} review alert(s).")


def make(directory: Path, *, today: datetime.date | None = None) -> DemoPspo:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from saferplaces.apps.agencies.access import agency_of
    from saferplaces.apps.agencies.models import Agency
    from saferplaces.apps.pspo import services, vocabulary
    from saferplaces.apps.pspo.alerts import send_review_alerts
    from saferplaces.apps.pspo.geometry import parse_geometry
    from saferplaces.apps.pspo.models import Consultee, Order, PenaltyStatus
    from saferplaces.casework.months import add_months

    made = DemoPspo()
    truth_file = directory / "ground_truth.json"
    users = get_user_model().objects
    officer = users.filter(username=DEMO_OFFICERS["council"]).first()
    police = users.filter(username=DEMO_OFFICERS["police"]).first()
    if not truth_file.exists() or officer is None:
        return made
    truth = json.loads(truth_file.read_text(encoding="utf-8")).get("pspo")
    if not truth or Order.objects.filter(title=truth["name"]).exists():
        return made
    made_on = datetime.date.fromisoformat(truth["made"][:10])
    expires = min(datetime.date.fromisoformat(truth["expires"][:10]),
                  services.latest_expiry(made_on))
    keys = [key for key in (vocabulary.term_for(text) for text in truth["prohibitions"])
            if key != vocabulary.OTHER]
    others = "\n".join(text for text in truth["prohibitions"]
                       if vocabulary.term_for(text) == vocabulary.OTHER)
    order = services.create_order(officer, title=truth["name"], made=made_on, expires=expires,
                                   description="Synthetic demo order: street drinking, aggressive "
                                               "begging and nuisance in the town centre.",
                                   terms=sorted(set(keys)), other_terms=others, synthetic=True,
                                   today=made_on)
    services.add_zones(officer, order, [parse_geometry(truth["zone"], name="Town centre")])
    for consultee in Consultee.values:
        services.add_consultation(officer, order, consultee=consultee,
                                  consulted_on=add_months(made_on, -1),
                                  summary="Synthetic: supports the order.")
    services.make_order(officer, order, today=made_on)
    made.orders = 1
    police_agency = agency_of(police) if police is not None else None
    if isinstance(police_agency, Agency) and police_agency.pk != order.owner_agency_id:
        services.share_order(officer, order, police_agency)
    terms = list(order.terms.all())
    statuses = (PenaltyStatus.PAID, PenaltyStatus.UNPAID, PenaltyStatus.PROSECUTED, PenaltyStatus.NONE)
    for n, (name, status) in enumerate(zip(_PEOPLE, statuses, strict=True)):
        day = add_months(made_on, 2 + 3 * n)
        if day > expires:
            break
        fined = status != PenaltyStatus.NONE
        services.record_breach(officer, order, term=terms[n % len(terms)], occurred_on=day,
                               person_name=name, location="Town centre (synthetic)",
                               penalty_status=status,
                               penalty_amount=services.max_penalty(day).amount if fined else None,
                               penalty_issued_on=day if fined else None,
                               notes="Synthetic demo breach.")
        made.breaches += 1
    at = (datetime.datetime.combine(today, datetime.time(12), tzinfo=timezone.get_current_timezone())
          if today is not None else None)
    made.review_alerts = send_review_alerts(at)
    return made

"""The demo builder makes the planted order and, when demo day falls in its review window,
raises the review alert at once (not only when reminders next run)."""

from __future__ import annotations

import datetime
import json

from django.contrib.auth import get_user_model

from saferplaces.apps.agencies.models import Membership
from saferplaces.apps.cases.models import Notification
from saferplaces.apps.pspo.models import Order
from saferplaces.commands.demo_cases import DEMO_OFFICERS
from saferplaces.commands.demo_pspo import make
from tests.apps.pspo.conftest import ZONE

TODAY = datetime.date(2026, 11, 30)


def test_the_demo_order_inside_its_review_window_is_alerted_when_the_demo_is_built(
        partnership, tmp_path):
    council = get_user_model().objects.create_user(DEMO_OFFICERS["council"])
    Membership.objects.create(user=council, agency=partnership.partner, role="case_manager")
    (tmp_path / "ground_truth.json").write_text(json.dumps({"pspo": {
        "name": "Town Centre PSPO (synthetic)", "made": "2024-01-01", "expires": "2026-12-31",
        "zone": ZONE, "prohibitions": ["Begging in an aggressive or intimidating manner"]}}))
    made = make(tmp_path, today=TODAY)
    assert made.orders == 1 and made.review_alerts == 1
    order = Order.objects.get()
    assert order.review_alerted_for == datetime.date(2026, 12, 31)
    assert Notification.objects.filter(user=council, text__contains=f"PSPO {order.pk}").exists()

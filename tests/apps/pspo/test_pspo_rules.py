"""The 2014 Act's rules for Public Spaces Protection Orders, read from the law in force."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.apps.cases.models import Notification
from saferplaces.apps.pspo import services
from saferplaces.apps.pspo.alerts import send_review_alerts
from saferplaces.apps.pspo.models import Order, PenaltyStatus
from tests.apps.pspo.conftest import ZONE, consult_everyone, made_order

D = datetime.date


@pytest.fixture
def officer(partnership):
    return partnership.user("owner", "case_manager")


def test_pspo_longer_than_three_years_is_refused(officer):
    with pytest.raises(services.PspoRuleError, match="at most 3 years") as refused:
        services.create_order(officer, title="Too long", made=D(2024, 1, 1),
                              expires=D(2027, 1, 1), terms=["aggressive-begging"])
    assert refused.value.field == "expires"
    assert not Order.objects.exists()
    exactly = services.create_order(officer, title="Three years", made=D(2024, 1, 1),
                                    expires=D(2026, 12, 31), terms=["aggressive-begging"])
    assert exactly.expires == D(2026, 12, 31)


def test_extension_limited_to_three_years(officer):
    order = made_order(officer)  # expires 31 December 2026
    consult_everyone(officer, order, D(2026, 9, 1))
    with pytest.raises(services.PspoRuleError, match="at most 3 years"):
        services.extend_order(officer, order, decided=D(2026, 10, 1), new_expiry=D(2030, 1, 1),
                              review="Street drinking persists")
    extension = services.extend_order(officer, order, decided=D(2026, 10, 1),
                                      new_expiry=D(2029, 12, 31), review="Street drinking persists")
    assert extension.previous_expiry == D(2026, 12, 31)
    order.refresh_from_db()
    assert order.current_expiry == D(2029, 12, 31)


def test_extension_needs_a_review_new_consultation_and_comes_before_expiry(officer):
    order = made_order(officer)
    with pytest.raises(services.PspoRuleError, match="must be consulted"):
        services.extend_order(officer, order, decided=D(2026, 10, 1), new_expiry=D(2028, 1, 1),
                              review="Still needed")
    consult_everyone(officer, order, D(2026, 9, 1))
    with pytest.raises(services.PspoRuleError, match="Record the review"):
        services.extend_order(officer, order, decided=D(2026, 10, 1), new_expiry=D(2028, 1, 1),
                              review=" ")
    with pytest.raises(services.PspoRuleError, match="only before it expires"):
        services.extend_order(officer, order, decided=D(2027, 1, 2), new_expiry=D(2028, 1, 1),
                              review="Still needed")


def test_an_order_is_made_only_after_everyone_required_was_consulted(officer):
    order = services.create_order(officer, title="Draft", made=D(2024, 1, 1),
                                  expires=D(2025, 1, 1), terms=["dog-fouling"])
    from saferplaces.apps.pspo.geometry import parse_geometry
    services.add_zones(officer, order, [parse_geometry(ZONE, name="Park")])
    with pytest.raises(services.PspoRuleError, match="Police and Crime Commissioner"):
        services.make_order(officer, order, today=D(2024, 1, 1))


def test_fixed_penalty_above_the_maximum_in_force_on_the_date_is_refused(officer):
    order = made_order(officer)
    term = order.terms.first()
    with pytest.raises(services.PspoRuleError, match=r"at most £100 .*£500 is planned") as refused:
        services.record_breach(officer, order, term=term, occurred_on=D(2024, 6, 1),
                               person_name="A Person", penalty_status=PenaltyStatus.UNPAID,
                               penalty_amount=150, penalty_issued_on=D(2024, 6, 1))
    assert refused.value.field == "penalty_amount"
    breach = services.record_breach(officer, order, term=term, occurred_on=D(2024, 6, 1),
                                    person_name="A Person", penalty_status=PenaltyStatus.UNPAID,
                                    penalty_amount=100, penalty_issued_on=D(2024, 6, 1))
    paid = services.update_breach(officer, breach, version=breach.version,
                                  penalty_status=PenaltyStatus.PAID)
    assert paid.penalty_status == PenaltyStatus.PAID and paid.version == 2
    with pytest.raises(services.Conflict):
        services.update_breach(officer, breach, version=1, penalty_status=PenaltyStatus.PROSECUTED)


def test_a_local_law_file_bringing_the_planned_maximum_into_force_allows_it_from_that_day(
        officer, settings, tmp_path):
    from saferplaces.apps.cases.law import _rules
    local = tmp_path / "law.toml"
    local.write_text('[[rules."pspo.fixed_penalty_max".values]]\nfrom = 2025-01-01\nvalue = 500\n'
                     'source = "Commencement regulations (test)"\n')
    settings.SAFERPLACES_LAW_FILE = str(local)
    _rules.cache_clear()
    order = made_order(officer)
    term = order.terms.first()
    services.record_breach(officer, order, term=term, occurred_on=D(2025, 2, 1),
                           person_name="A Person", penalty_status=PenaltyStatus.UNPAID,
                           penalty_amount=500, penalty_issued_on=D(2025, 2, 1))
    with pytest.raises(services.PspoRuleError, match="at most £100"):
        services.record_breach(officer, order, term=term, occurred_on=D(2024, 12, 1),
                               person_name="A Person", penalty_status=PenaltyStatus.UNPAID,
                               penalty_amount=500, penalty_issued_on=D(2024, 12, 20))
    _rules.cache_clear()


def _at(day):
    import zoneinfo
    return datetime.datetime.combine(day, datetime.time(6), zoneinfo.ZoneInfo("Europe/London"))


def test_review_alert_six_months_before_expiry(officer, partnership):
    order = made_order(officer)  # expires 31 December 2026: alert from 30 June 2026
    services.share_order(officer, order, partnership.partner)
    assert send_review_alerts(_at(D(2026, 6, 29))) == 0
    assert send_review_alerts(_at(D(2026, 6, 30))) == 1
    assert send_review_alerts(_at(D(2026, 7, 1))) == 0  # once per expiry
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert "owner-case_manager" in told and "partner-case_manager" in told
    assert not any(name.startswith("outsider") for name in told)
    assert all(f"PSPO {order.pk}" in text and "31 December 2026" in text
               for text in Notification.objects.values_list("text", flat=True))
    consult_everyone(officer, order, D(2026, 7, 2))
    services.extend_order(officer, order, decided=D(2026, 7, 3), new_expiry=D(2028, 12, 31),
                          review="Still needed")
    assert send_review_alerts(_at(D(2026, 7, 4))) == 0
    assert send_review_alerts(_at(D(2028, 6, 30))) == 1  # the new expiry, a new alert

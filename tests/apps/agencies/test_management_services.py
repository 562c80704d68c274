"""Managing agencies and users: an agency administrator is confined to their own agency, cannot
raise anyone (or themselves) above what they may grant, and every change is in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferplaces.apps.agencies import services
from saferplaces.apps.agencies.access import capabilities, has_capability
from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ROLES = ("viewer", "practitioner", "case_manager", "analyst", "coordinator", "administrator")


def usernames(users) -> set[str]:
    return {user.username for user in users}


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-sequence").first()


# --- who sees which accounts ----------------------------------------------------------------------

def test_an_agency_administrator_manages_only_their_own_agencys_users(partnership):
    admin = partnership.user("owner", "administrator")
    assert usernames(services.managed_users_for(admin)) == {f"owner-{role}" for role in ROLES}


def test_a_site_administrator_manages_every_account(partnership):
    assert usernames(services.managed_users_for(partnership.users["site-admin"])) == set(partnership.users)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "administrator"])
def test_anyone_but_an_administrator_is_refused_the_list(partnership, role):
    with pytest.raises(PermissionDenied):
        services.managed_users_for(partnership.user("owner", role))


def test_outsider_agencys_user_is_a_404_for_an_agency_administrator(partnership):
    admin = partnership.user("owner", "administrator")
    outsider = partnership.user("outsider", "viewer")
    with pytest.raises(Http404):
        services.get_user_for_manager(admin, outsider.pk)
    with pytest.raises(Http404):
        services.get_user_for_manager(admin, 999_999)
    assert services.get_user_for_manager(admin, partnership.user("owner", "viewer").pk).username == "owner-viewer"


def test_a_viewer_asking_for_a_colleague_gets_403_not_the_account(partnership):
    with pytest.raises(PermissionDenied):
        services.get_user_for_manager(partnership.user("owner", "viewer"),
                                      partnership.user("owner", "practitioner").pk)


def test_a_member_of_a_deactivated_agency_manages_nobody(partnership):
    services.deactivate_agency(partnership.owner)
    with pytest.raises(PermissionDenied):
        services.managed_users_for(get_user_model().objects.get(username="owner-administrator"))


# --- no escalation --------------------------------------------------------------------------------

def test_an_agency_administrator_adds_users_only_to_their_own_agency(partnership):
    admin = partnership.user("owner", "administrator")
    user, password = services.add_user("owner-new", agency=partnership.owner, role="practitioner", by=admin)
    assert user.membership.agency == partnership.owner and password
    with pytest.raises(PermissionDenied):
        services.add_user("sneaky", agency=partnership.partner, role="viewer", by=admin)
    assert not get_user_model().objects.filter(username="sneaky").exists()


def test_nobody_is_made_a_site_administrator_from_the_pages(partnership):
    for by in (partnership.user("owner", "administrator"), partnership.users["site-admin"]):
        with pytest.raises(PermissionDenied):
            services.add_user(f"boss-{by.pk}", agency=partnership.owner, role="viewer",
                              site_admin=True, by=by)
    assert not get_user_model().objects.filter(username__startswith="boss-").exists()


def test_an_agency_administrator_cannot_move_a_user_into_another_agency(partnership):
    admin = partnership.user("owner", "administrator")
    viewer = partnership.user("owner", "viewer")
    with pytest.raises(PermissionDenied):
        services.update_membership(viewer, agency=partnership.partner, by=admin)
    assert Membership.objects.get(user=viewer).agency == partnership.owner


def test_an_agency_administrator_cannot_give_themselves_a_role_or_intelligence(partnership):
    admin = partnership.user("owner", "administrator")
    with pytest.raises(PermissionDenied):
        services.update_membership(admin, role="coordinator", by=admin)
    with pytest.raises(PermissionDenied):
        services.update_membership(admin, intelligence=True, by=admin)
    membership = Membership.objects.get(user=admin)
    assert (membership.role, membership.intelligence) == ("administrator", False)


def test_an_agency_administrator_cannot_change_another_agencys_user(partnership):
    admin = partnership.user("owner", "administrator")
    outsider = partnership.user("outsider", "viewer")
    with pytest.raises(Http404):
        services.update_membership(outsider, role="coordinator", by=admin)
    with pytest.raises(Http404):
        services.disable_user(outsider, by=admin)
    with pytest.raises(Http404):
        services.reset_two_factor_for(outsider, by=admin)
    outsider.refresh_from_db()
    assert outsider.is_active and Membership.objects.get(user=outsider).role == "viewer"


def test_an_agency_administrator_changes_a_colleagues_role_and_it_takes_effect(partnership):
    admin = partnership.user("owner", "administrator")
    viewer = partnership.user("owner", "viewer")
    assert not has_capability(viewer, "assessments.run")
    services.update_membership(viewer, role="analyst", intelligence=True, by=admin)
    assert {"assessments.run", "intelligence.view"} <= capabilities(viewer)
    event = last_event()
    assert (event.action, event.username, event.object_id) == ("update", admin.username, str(viewer.pk))
    assert event.changed_fields == ["intelligence", "role"]


def test_a_site_administrator_moves_a_user_to_another_agency(partnership):
    viewer = partnership.user("owner", "viewer")
    services.update_membership(viewer, agency=partnership.partner, by=partnership.users["site-admin"])
    assert Membership.objects.get(user=viewer).agency == partnership.partner
    assert last_event().changed_fields == ["agency"]


# --- adding, disabling, resetting -----------------------------------------------------------------

def test_a_generated_password_is_strong_and_signs_in(partnership):
    user, password = services.add_user("new-analyst", agency="Essex Police", role="analyst")
    validate_password(password, user)
    assert get_user_model().objects.get(username="new-analyst").check_password(password)
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == ("create", "user", str(user.pk))
    assert password not in event.reason and password not in str(event.changed_fields)


def test_a_weak_password_is_refused_and_nothing_is_stored(partnership):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.add_user("weak", agency=partnership.owner, role="viewer", password="password")
    assert any("too short" in m or "too common" in m for m in refused.value.messages)
    assert not get_user_model().objects.filter(username="weak").exists()
    assert AuditEvent.objects.count() == events


def test_a_given_password_is_used_and_not_returned(partnership):
    user, generated = services.add_user("given", agency=partnership.owner, role="viewer",
                                        password="a-long-passphrase-1")
    assert generated is None and user.check_password("a-long-passphrase-1")


def test_usernames_are_unique_ignoring_case(partnership):
    with pytest.raises(ValidationError, match="already a user called"):
        services.add_user("OWNER-VIEWER", agency=partnership.owner, role="viewer")


def test_users_are_added_only_to_active_agencies(partnership):
    services.deactivate_agency(partnership.partner)
    with pytest.raises(ValidationError, match="deactivated"):
        services.add_user("late", agency=partnership.partner, role="viewer")


def test_disabling_a_user_ends_their_sessions(partnership, signed_in_client):
    practitioner = partnership.user("owner", "practitioner")
    client = signed_in_client(practitioner)
    assert client.get("/assessments/").status_code == 200
    services.disable_user(practitioner, by=partnership.user("owner", "administrator"))
    practitioner.refresh_from_db()
    assert not practitioner.is_active
    assert not [s for s in Session.objects.all()
                if s.get_decoded().get("_auth_user_id") == str(practitioner.pk)]
    assert client.get("/assessments/").status_code == 302  # back to sign-in
    event = last_event()
    assert (event.action, event.changed_fields) == ("update", ["is_active"])


def test_nobody_disables_their_own_account_from_the_pages(partnership):
    for by in (partnership.user("owner", "administrator"), partnership.users["site-admin"]):
        with pytest.raises(PermissionDenied):
            services.disable_user(by, by=by)


def test_resetting_two_factor_removes_the_devices_and_is_audited(partnership):
    viewer = partnership.user("owner", "viewer")
    TOTPDevice.objects.create(user=viewer, name="Authenticator app", confirmed=True)
    services.reset_two_factor_for(viewer, by=partnership.user("owner", "administrator"))
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert last_event().action == "2fa-reset"


# --- agencies -------------------------------------------------------------------------------------

def test_only_a_site_administrator_adds_or_deactivates_agencies(partnership):
    with pytest.raises(PermissionDenied):
        services.add_agency("Essex County Fire", "fire", by=partnership.user("owner", "administrator"))
    with pytest.raises(PermissionDenied):
        services.deactivate_agency(partnership.partner, by=partnership.user("owner", "administrator"))
    agency = services.add_agency("  Essex   County Fire ", "fire", by=partnership.users["site-admin"])
    assert agency.name == "Essex County Fire"
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == ("create", "agency", str(agency.pk))


def test_agency_names_are_unique_ignoring_case_and_kinds_are_known(partnership):
    with pytest.raises(ValidationError, match="already an agency called Essex Police"):
        services.add_agency("essex police", "police")
    with pytest.raises(ValidationError, match="not a kind of agency"):
        services.add_agency("Somewhere", "army")
    assert Agency.objects.count() == 3


def test_a_deactivated_agencys_members_can_do_nothing(partnership):
    services.deactivate_agency(partnership.partner, by=partnership.users["site-admin"])
    partner_analyst = get_user_model().objects.get(username="partner-analyst")
    assert capabilities(partner_analyst) == frozenset()
    assert last_event().changed_fields == ["active"]


# --- nobody acts on an account of higher standing ---------------------------------------------------

@pytest.fixture
def council_site_admin(partnership):
    """A site administrator who is also a member of Essex Police (as `users add ... --site-admin` makes)."""
    user, _ = services.add_user("police-site-admin", agency=partnership.owner, role="administrator",
                                site_admin=True)
    return user


@pytest.mark.parametrize("act", ["disable", "reset-2fa", "role", "intelligence", "enable", "unlock"])
def test_an_agency_administrator_cannot_act_on_a_site_administrator_of_their_agency(
        partnership, council_site_admin, act):
    admin = partnership.user("owner", "administrator")
    TOTPDevice.objects.create(user=council_site_admin, name="Authenticator app", confirmed=True)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="site administrator"):
        {"disable": lambda: services.disable_user(council_site_admin, by=admin),
         "reset-2fa": lambda: services.reset_two_factor_for(council_site_admin, by=admin),
         "role": lambda: services.update_membership(council_site_admin, role="viewer", by=admin),
         "intelligence": lambda: services.update_membership(council_site_admin, intelligence=True, by=admin),
         "enable": lambda: services.enable_user(council_site_admin, by=admin),
         "unlock": lambda: services.unlock_user(council_site_admin, by=admin)}[act]()
    council_site_admin.refresh_from_db()
    assert council_site_admin.is_active and TOTPDevice.objects.filter(user=council_site_admin).exists()
    assert Membership.objects.get(user=council_site_admin).role == "administrator"
    assert AuditEvent.objects.count() == events


def test_an_agency_administrator_cannot_act_on_a_disabled_site_administrator_either(
        partnership, council_site_admin):
    services.disable_user(council_site_admin)
    with pytest.raises(PermissionDenied):
        services.enable_user(council_site_admin, by=partnership.user("owner", "administrator"))
    council_site_admin.refresh_from_db()
    assert not council_site_admin.is_active


def test_a_site_administrator_acts_on_another_site_administrator(partnership, council_site_admin):
    services.reset_two_factor_for(council_site_admin, by=partnership.users["site-admin"])
    services.disable_user(council_site_admin, by=partnership.users["site-admin"])
    services.enable_user(council_site_admin, by=partnership.users["site-admin"])
    council_site_admin.refresh_from_db()
    assert council_site_admin.is_active


def test_the_command_line_acts_on_a_site_administrator(council_site_admin):
    services.disable_user(council_site_admin)
    council_site_admin.refresh_from_db()
    assert not council_site_admin.is_active


def test_an_agency_administrator_may_still_manage_a_fellow_agency_administrator(partnership):
    colleague, _ = services.add_user("owner-admin-2", agency=partnership.owner, role="administrator")
    services.update_membership(colleague, role="analyst", by=partnership.user("owner", "administrator"))
    assert Membership.objects.get(user=colleague).role == "analyst"


# --- bringing back: enable, unlock, reactivate --------------------------------------------------------

def test_a_disabled_account_is_enabled_again_and_it_is_audited(partnership):
    admin = partnership.user("owner", "administrator")
    viewer = partnership.user("owner", "viewer")
    services.disable_user(viewer, by=admin)
    services.enable_user(viewer, by=admin)
    viewer.refresh_from_db()
    assert viewer.is_active and "assessments.view" in capabilities(viewer)
    event = last_event()
    assert (event.action, event.username, event.changed_fields) == ("update", admin.username, ["is_active"])


def test_an_agency_administrator_cannot_enable_another_agencys_user_or_themselves(partnership):
    admin = partnership.user("owner", "administrator")
    outsider = partnership.user("outsider", "viewer")
    services.disable_user(outsider)
    with pytest.raises(Http404):
        services.enable_user(outsider, by=admin)
    with pytest.raises(PermissionDenied):
        services.enable_user(admin, by=admin)


def test_unlocking_lifts_a_lockout_and_is_audited(partnership):
    from django.test import Client

    from saferplaces.apps.accounts.lockout import is_locked

    viewer = partnership.user("owner", "viewer")
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "OWNER-viewer", "password": "a wrong guess"})
    assert is_locked("owner-viewer")
    assert services.unlock_user(viewer, by=partnership.user("owner", "administrator")) is True
    assert not is_locked("owner-viewer")
    event = last_event()
    assert (event.action, event.object_id, event.changed_fields) == ("update", str(viewer.pk), ["lockout"])
    assert services.unlock_user(viewer) is False  # nothing to lift: nothing recorded
    assert last_event() == event


def test_a_deactivated_agency_is_reactivated_by_a_site_administrator_only(partnership):
    services.deactivate_agency(partnership.partner)
    with pytest.raises(PermissionDenied):
        services.reactivate_agency(partnership.partner, by=partnership.user("partner", "administrator"))
    services.reactivate_agency(partnership.partner, by=partnership.users["site-admin"])
    partnership.partner.refresh_from_db()
    assert partnership.partner.active
    assert "assessments.run" in capabilities(get_user_model().objects.get(username="partner-analyst"))
    event = last_event()
    assert (event.action, event.object_type, event.changed_fields) == ("update", "agency", ["active"])


# --- usernames: one account whatever the capitals ---------------------------------------------------

def test_usernames_are_found_whatever_their_capitals(partnership):
    assert services.user_named("OWNER-Viewer") == partnership.user("owner", "viewer")
    services.disable_user("OWNER-VIEWER")
    partnership.user("owner", "viewer").refresh_from_db()
    assert not partnership.user("owner", "viewer").is_active


def test_two_accounts_differing_only_in_capitals_are_ambiguous_unless_typed_exactly(partnership):
    get_user_model().objects.create_user("Owner-Viewer")  # made before names were checked
    assert services.user_named("owner-viewer") == partnership.user("owner", "viewer")
    with pytest.raises(ValidationError, match="more than one user called OWNER-VIEWER"):
        services.user_named("OWNER-VIEWER")

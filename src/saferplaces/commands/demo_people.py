"""The demo's made-up partnership: six synthetic agencies and one account for each role, with a
fresh password and a fresh two-factor set-up every time ``saferplaces demo`` starts.

The restricted-intelligence flag goes to the analyst (a police analyst works with intelligence)
and the co-ordinator (who chairs the partnership's problem-solving meetings), so the demo shows
both people who may read intelligence and people refused it. ``demo-site-admin`` is the one site
administrator, for the agencies pages. Every name says it is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saferplaces.commands.common import out

#: The audit log's reason for the demo's changes.
DEMO = "saferplaces demo"

DEMO_AGENCIES = {
    "police": ("Demo Constabulary (synthetic)", "police"),
    "council": ("Demo Borough Council (synthetic)", "council"),
    "fire": ("Demo Fire and Rescue Service (synthetic)", "fire"),
    "health": ("Demo NHS Trust (synthetic)", "health"),
    "probation": ("Demo Probation Service (synthetic)", "probation"),
    "charity": ("Demo Victim Support Charity (synthetic)", "charity"),
}


@dataclass(frozen=True)
class DemoPerson:
    username: str
    agency: str  # a key of DEMO_AGENCIES
    role: str
    intelligence: bool = False
    site_admin: bool = False


DEMO_PEOPLE = (
    DemoPerson("demo-viewer", "fire", "viewer"),
    DemoPerson("demo-practitioner", "council", "practitioner"),
    DemoPerson("demo-case-manager", "probation", "case_manager"),
    DemoPerson("demo-analyst", "police", "analyst", intelligence=True),
    DemoPerson("demo-coordinator", "council", "coordinator", intelligence=True),
    DemoPerson("demo-administrator", "council", "administrator"),
    DemoPerson("demo-site-admin", "council", "administrator", site_admin=True),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    agency: str
    role: str
    intelligence: bool
    site_admin: bool
    password: str
    totp_secret: str | None
    otpauth_uri: str | None


def _demo_agencies() -> dict[str, Any]:
    from saferplaces.apps.agencies import services
    from saferplaces.apps.agencies.models import Agency

    found = {}
    for key, (name, kind) in DEMO_AGENCIES.items():
        agency = Agency.objects.filter(name=name).first()
        if agency is None:
            agency = services.add_agency(name, kind, synthetic=True, reason=DEMO)
        found[key] = agency
    return found


def _demo_account(person: DemoPerson, agency: Any, two_factor: bool) -> DemoAccount:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from saferplaces.apps.accounts.services import provision_totp
    from saferplaces.apps.agencies import services

    password = services.generate_password()
    with transaction.atomic():
        user = get_user_model().objects.filter(username=person.username).first()
        if user is None:
            user, _ = services.add_user(person.username, agency=agency, role=person.role,
                                        intelligence=person.intelligence, password=password,
                                        site_admin=person.site_admin, reason=DEMO)
        else:  # from an earlier run (or a database from before agencies): as this run wants it
            services.update_membership(user, agency=agency, role=person.role,
                                       intelligence=person.intelligence, reason=DEMO)
            services.set_password(user, password, reason=DEMO)
            if not user.is_active or user.is_superuser != person.site_admin:
                user.is_active, user.is_superuser = True, person.site_admin
                user.save(update_fields=["is_active", "is_superuser"])
        setup = provision_totp(user) if two_factor else None
    return DemoAccount(person.username, agency.name, person.role, person.intelligence,
                       person.site_admin, password, setup.secret_base32 if setup else None,
                       setup.otpauth_uri if setup else None)


def make_demo_people(*, two_factor: bool = True) -> list[DemoAccount]:
    """Make (or refresh) the demo agencies and accounts; each account gets a new password and,
    with ``two_factor``, a new confirmed authenticator set-up (the old one stops working)."""
    agencies = _demo_agencies()
    return [_demo_account(person, agencies[person.agency], two_factor) for person in DEMO_PEOPLE]


def print_demo_people(accounts: list[DemoAccount], site: str) -> None:
    """Print every demo account once: username, agency and role, password and, with two-factor
    sign-in on, the authenticator key and its ``otpauth://`` address."""
    from saferplaces.apps.agencies.roles import Role

    two_factor = any(account.totp_secret for account in accounts)
    out.print(f"\nDemo accounts for {site}accounts/login/ (synthetic people in synthetic agencies; "
              "new passwords each time the demo starts):", highlight=False)
    for account in accounts:
        extras = (", restricted intelligence" if account.intelligence else "") + (
            ", site administrator" if account.site_admin else "")
        out.print(f"\n  [bold]{account.username}[/bold]: {Role(account.role).label} in "
                  f"{account.agency}{extras}", highlight=False)
        out.print(f"    password           {account.password}", highlight=False, markup=False)
        if account.totp_secret:
            out.print(f"    authenticator key  {account.totp_secret}", highlight=False, markup=False)
            out.print(f"    authenticator URI  {account.otpauth_uri}", highlight=False, markup=False)
    if two_factor:
        out.print("\nAdd an account's key to an authenticator app (or open its otpauth:// address) "
                  "and enter the 6-digit code it shows after the password.", highlight=False)
    else:
        out.print("\nTwo-factor sign-in is off for this run (--no-2fa): a password alone signs in, "
                  "and every page says so.", highlight=False)

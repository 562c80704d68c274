"""Roles and capabilities: who in a partner agency may do what, as data in one place.

A user belongs to one agency with one role; a role grants named capabilities. The README's
"Roles and capabilities" table is made from :data:`ROLE_CAPABILITIES` and
:data:`CAPABILITY_HELP` (``tests/apps/agencies/test_readme_roles.py`` keeps them in step). Two capabilities are never
granted by a role:

- ``intelligence.view`` comes only from the per-user *intelligence-restricted* flag;
- ``agencies.manage`` belongs only to site administrators (Django superusers), who otherwise get
  the administrator role's capabilities and no access to special-category records.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    PRACTITIONER = "practitioner", "Practitioner"
    CASE_MANAGER = "case_manager", "Case manager"
    ANALYST = "analyst", "Analyst"
    COORDINATOR = "coordinator", "Co-ordinator"
    ADMINISTRATOR = "administrator", "Administrator"


INCIDENTS_VIEW = "incidents.view"
SENSITIVE_LOCATIONS = "incidents.view_sensitive_locations"
INCIDENTS_PUSH = "incidents.push"
ASSESSMENTS_VIEW = "assessments.view"
ASSESSMENTS_RUN = "assessments.run"
OPERATIONS_RECORD = "operations.record"
CASES_VIEW = "cases.view"
CASES_EDIT = "cases.edit"
CASES_MANAGE = "cases.manage"
SHARE_WITHOUT_BASIS = "cases.share_without_basis"
INTELLIGENCE_VIEW = "intelligence.view"
AUDIT_VIEW = "audit.view"
RECORD_HISTORY = "audit.record_history"
USERS_MANAGE = "users.manage"
AGENCIES_MANAGE = "agencies.manage"

CAPABILITY_HELP: dict[str, str] = {
    INCIDENTS_VIEW: "see the home totals and the incident map (sensitive categories aggregated)",
    SENSITIVE_LOCATIONS: "see exact locations of sensitive categories and of partner records "
                         "with a victim reference",
    INCIDENTS_PUSH: "load incident files, partner CSVs and boundaries into the store on the "
                    "Upload data page, and send a partner's incident rows through the API, "
                    "checked as saferplaces ingest checks a file",
    ASSESSMENTS_VIEW: "read strategic assessments, deep dives, monitoring and Street Weeks",
    ASSESSMENTS_RUN: "start assessments and deep dives; enter scores, horizon items, "
                     "recommendations, targets and Street Weeks",
    OPERATIONS_RECORD: "plan operations and Street Weeks their agency leads or joins, record "
                       "their activity and legacy actions, and choose their comparison areas",
    CASES_VIEW: "read the cases and people shared with their agency",
    CASES_EDIT: "add to and update those cases",
    CASES_MANAGE: "assign, share, transfer and close cases; see break-glass access to them",
    SHARE_WITHOUT_BASIS: "share, refer or transfer a case, or add a party to a shared case, with "
                         "neither consent nor a lawful basis recorded, giving a reason (audited)",
    INTELLIGENCE_VIEW: "read restricted intelligence (only by the per-user intelligence flag)",
    AUDIT_VIEW: "search and export the audit log (their own agency's events; site "
                "administrators all)",
    RECORD_HISTORY: "see who has seen a record their agency owns",
    USERS_MANAGE: "add, disable, enable, unlock and reset two-factor sign-in for their own "
                  "agency's users",
    AGENCIES_MANAGE: "add and deactivate agencies, manage any agency's users (site "
                     "administrators only)",
}

_VIEWER = frozenset({INCIDENTS_VIEW, ASSESSMENTS_VIEW})
_PRACTITIONER = _VIEWER | {CASES_VIEW, CASES_EDIT, OPERATIONS_RECORD}
_CASE_MANAGER = _PRACTITIONER | {CASES_MANAGE, RECORD_HISTORY}
_ANALYST = _VIEWER | {ASSESSMENTS_RUN, SENSITIVE_LOCATIONS, INCIDENTS_PUSH, OPERATIONS_RECORD}

ROLE_CAPABILITIES: dict[Role, frozenset[str]] = {
    Role.VIEWER: _VIEWER,
    Role.PRACTITIONER: _PRACTITIONER,
    Role.CASE_MANAGER: _CASE_MANAGER,
    Role.ANALYST: _ANALYST,
    Role.COORDINATOR: _ANALYST | _CASE_MANAGER | {SHARE_WITHOUT_BASIS},
    Role.ADMINISTRATOR: _VIEWER | {USERS_MANAGE, AUDIT_VIEW, RECORD_HISTORY},
}

#: What a site administrator (Django superuser) may do on top of any membership they hold.
SITE_ADMIN_CAPABILITIES = ROLE_CAPABILITIES[Role.ADMINISTRATOR] | {AGENCIES_MANAGE}

ALL_CAPABILITIES = frozenset(CAPABILITY_HELP)

"""The accessibility statement (``/accessibility/``), open to everyone, signed in or not.

The Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018,
regulation 8, require a public sector body to publish an accessibility statement for each website
it runs; its content follows the GOV.UK sample statement ("Sample accessibility statement (for a
fictional public sector website)", Government Digital Service). The dates below are the software's:
a partnership that changes the service or tests it again updates them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from saferplaces.apps.agencies.declare import public

__all__ = ["accessibility_statement"]

#: When the statement was prepared and last reviewed, and when the service was last tested.
PREPARED = datetime.date(2026, 11, 29)
REVIEWED = datetime.date(2026, 11, 29)
TESTED = datetime.date(2026, 11, 29)
#: The automated checker and the standard it checks against.
TOOL = "axe-core 4.14"
STANDARD = "Web Content Accessibility Guidelines version 2.2 AA"


@public
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    contact = settings.SAFERPLACES_ACCESSIBILITY_CONTACT.strip()
    return render(request, "web/accessibility.html", {
        "contact": contact, "contact_is_email": "@" in contact and "/" not in contact,
        "prepared": PREPARED, "reviewed": REVIEWED, "tested": TESTED, "tool": TOOL,
        "standard": STANDARD})

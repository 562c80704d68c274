"""The API's URLs (mounted at ``/api/``), its OpenAPI description and the token page.

Every endpoint is a Django REST Framework view that declares its rule (``access``), enforced by
``saferplaces.apps.agencies.permissions.DeclaredAccess``; the token page is an ordinary page
(``@signed_in``). There is no Swagger or Redoc viewer: both need inline scripts or scripts from
other sites, which the site's Content Security Policy forbids. Read the description with any
OpenAPI tool.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from saferplaces.apps.agencies.api import Me
from saferplaces.apps.agencies.declare import signed_in_rule
from saferplaces.apps.agencies.permissions import DeclaredAccess
from saferplaces.apps.agencies.tokens import api_token
from saferplaces.apps.assessments.api import RunDetail, RunList
from saferplaces.apps.incidents.api import IncidentSummary

__all__ = ["Schema", "urlpatterns"]

app_name = "api"


class Schema(SpectacularAPIView):
    """``/api/schema/``: the OpenAPI 3 description of every endpoint (YAML; ``?format=json``
    for JSON), for any signed-in user."""

    access = signed_in_rule()
    permission_classes = [DeclaredAccess]


urlpatterns = [
    path("schema/", Schema.as_view(), name="schema"),
    path("token/", api_token, name="token"),
    path("me/", Me.as_view(), name="me"),
    path("assessments/runs/", RunList.as_view(), name="runs"),
    path("assessments/runs/<int:pk>/", RunDetail.as_view(), name="run"),
    path("incidents/summary/", IncidentSummary.as_view(), name="incident-summary"),
]

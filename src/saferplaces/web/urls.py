from django.urls import include, path

from saferplaces.apps.agencies import breakglass_views
from saferplaces.web import converters, statement, views  # noqa: F401  (converters registers <id:...>)

# JSON under /api/, the GOV.UK error pages elsewhere (web/errors.py)
handler400 = "saferplaces.web.errors.bad_request"
handler403 = "saferplaces.web.errors.permission_denied"
handler404 = "saferplaces.web.errors.not_found"
handler500 = "saferplaces.web.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.incident_map, name="map"),
    path("map/incidents.geojson", views.incidents_geojson, name="incidents-geojson"),
    path("map/areas.geojson", views.areas_geojson, name="areas-geojson"),
    path("map/layers/<slug:key>.geojson", views.map_layer, name="map-layer"),
    path("assessments/", include("saferplaces.apps.assessments.urls")),
    path("people/", include("saferplaces.apps.people.urls")),
    path("cases/", include("saferplaces.apps.cases.urls")),
    path("cases/", include("saferplaces.apps.asb.urls")),  # risk assessments, 2014 Act actions
    path("places/", include("saferplaces.apps.places.urls")),
    path("safeguarding/", include("saferplaces.apps.safeguarding.urls")),
    path("case-review/", include("saferplaces.apps.casereview.urls")),
    path("hate/", include("saferplaces.apps.hate.urls")),
    path("slavery/", include("saferplaces.apps.slavery.urls")),
    path("repeats/", include("saferplaces.apps.repeats.urls")),
    path("pspo/", include("saferplaces.apps.pspo.urls")),
    path("operations/", include("saferplaces.apps.operations.urls")),
    path("intelligence/", include("saferplaces.apps.intelligence.urls")),
    path("hidden-harms/", include("saferplaces.apps.hiddenharms.urls")),
    path("uploads/", include("saferplaces.apps.uploads.urls")),
    path("explore/", include("saferplaces.apps.explore.urls")),
    path("", include("saferplaces.apps.workbench.urls")),  # dashboard, tasks, notifications, search
    path("", include("saferplaces.apps.dataprotection.urls")),  # exports/, retention/, subject access
    path("break-glass/", breakglass_views.agency_accesses, name="break-glass-list"),
    path("break-glass/<slug:record_type>/<id:record_id>/", breakglass_views.request_access,
         name="break-glass"),
    path("audit/", include("saferplaces.apps.audit.urls")),
    path("manage/", include("saferplaces.apps.agencies.urls")),
    path("api/", include("saferplaces.web.api")),
    # Signing in: password pages under Django's own names (login, logout, password_change...),
    # two-factor pages as accounts:...
    path("accessibility/", statement.accessibility_statement, name="accessibility"),
    path("accounts/", include("saferplaces.apps.accounts.signin_urls")),
    path("accounts/", include("saferplaces.apps.accounts.urls")),
]

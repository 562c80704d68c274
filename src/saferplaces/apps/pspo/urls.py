"""The PSPO pages, under ``/pspo/`` (numeric ids only: breaches name people)."""

from django.urls import path

from saferplaces.apps.pspo import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "pspo"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.order_page, name="order"),
    path("<id:pk>/make/", views.make, name="make"),
    path("<id:pk>/zones/draw/", views.draw_zone, name="draw"),
    path("<id:pk>/zones/import/", views.import_zones, name="import"),
    path("<id:pk>/consultation/", views.consultation, name="consultation"),
    path("<id:pk>/extend/", views.extend, name="extend"),
    path("<id:pk>/share/", views.share, name="share"),
    path("<id:pk>/evidence/", views.evidence, name="evidence"),
    path("<id:pk>/breaches/", views.breach_list, name="breaches"),
    path("<id:pk>/breaches/new/", views.record_breach, name="record-breach"),
    path("<id:pk>/breaches/<id:breach_pk>/", views.breach_page, name="breach"),
]

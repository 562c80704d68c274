"""URLs of the audit log (mounted at ``/audit/``)."""

from django.urls import path

from saferplaces.apps.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
]

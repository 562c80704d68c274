"""URLs of the data protection pages (mounted at the site's root): numeric ids only."""

from django.urls import path

from saferplaces.apps.dataprotection import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "dataprotection"

urlpatterns = [
    path("exports/", views.exports_page, name="exports"),
    path("exports/cases.csv", views.cases_csv, name="cases-csv"),
    path("exports/cases.xlsx", views.cases_xlsx, name="cases-xlsx"),
    path("exports/people.csv", views.people_csv, name="people-csv"),
    path("exports/people.xlsx", views.people_xlsx, name="people-xlsx"),
    path("retention/", views.retention_review, name="retention"),
    path("retention/<id:pk>/delete/", views.retention_delete, name="retention-delete"),
    path("people/<id:pk>/subject-access/", views.subject_access, name="subject-access"),
]

"""The safeguarding pages, under ``/safeguarding/`` (numeric ids only)."""

from django.urls import path

from saferplaces.apps.safeguarding import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "safeguarding"

urlpatterns = [
    path("cases/<id:pk>/concerns/add/", views.add_concern, name="add-concern"),
    path("concerns/<id:pk>/edit/", views.edit_concern, name="edit-concern"),
    path("cases/<id:pk>/mash/add/", views.add_mash, name="add-mash"),
    path("mash/<id:pk>/", views.mash, name="mash"),
    path("mash/<id:pk>/edit/", views.edit_mash, name="edit-mash"),
    path("cases/<id:pk>/risk-checklists/add/", views.add_checklist, name="add-checklist"),
    path("cases/<id:pk>/marac/add/", views.add_marac, name="add-marac"),
    path("marac/<id:pk>/edit/", views.edit_marac, name="edit-marac"),
]

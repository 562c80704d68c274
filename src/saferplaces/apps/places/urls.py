"""The Places pages, under ``/places/`` (numeric ids only: nothing personal in an address)."""

from django.urls import path

from saferplaces.apps.places import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "places"

urlpatterns = [
    path("", views.place_list, name="list"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.place_page, name="place"),
    path("<id:pk>/link/", views.link, name="link"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/cases/<id:case_pk>/unlink/", views.unlink, name="unlink"),
]

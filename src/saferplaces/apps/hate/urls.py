"""The hate pages, under ``/hate/`` (numeric ids only)."""

from django.urls import path

from saferplaces.apps.hate import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "hate"

urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
    path("cases/<id:pk>/", views.details, name="details"),
]

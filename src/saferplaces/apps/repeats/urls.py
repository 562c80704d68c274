"""The repeat proposals pages, under ``/repeats/`` (numeric ids only: nothing personal in an
address)."""

from django.urls import path

from saferplaces.apps.repeats import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "repeats"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<id:pk>/", views.proposal_page, name="proposal"),
    path("<id:pk>/accept/", views.accept, name="accept"),
    path("<id:pk>/dismiss/", views.dismiss, name="dismiss"),
]

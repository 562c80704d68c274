"""URLs of the Explore page (mounted at ``/explore/``)."""

from django.urls import path

from saferplaces.apps.explore import views

app_name = "explore"

urlpatterns = [
    path("", views.explore, name="page"),
    path("<slug:table>.csv", views.download, name="csv"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
]

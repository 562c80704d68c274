"""URLs of the Upload data pages (mounted at ``/uploads/``): numeric ids only."""

from django.urls import path

from saferplaces.apps.uploads import views

app_name = "uploads"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<id:pk>/", views.detail, name="upload"),
    path("<id:pk>/status.json", views.status, name="status"),
    path("<id:pk>/rejects.csv", views.rejects, name="rejects"),
]

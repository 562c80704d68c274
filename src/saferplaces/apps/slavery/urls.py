"""The modern-slavery pages, under ``/slavery/`` (numeric ids only)."""

from django.urls import path

from saferplaces.apps.slavery import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "slavery"

urlpatterns = [
    path("cases/<id:pk>/refer/", views.refer, name="refer"),
    path("referrals/<id:pk>/", views.referral, name="referral"),
    path("duty-to-notify/", views.duty_to_notify, name="duty-to-notify"),
]

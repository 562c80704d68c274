from django.contrib.auth import views as auth_views
from django.urls import include, path

from saferplaces.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.incident_map, name="map"),
    path("map/incidents.geojson", views.incidents_geojson, name="incidents-geojson"),
    path("map/areas.geojson", views.areas_geojson, name="areas-geojson"),
    path("assessments/", include("saferplaces.apps.assessments.urls")),
    # Sign-in, sign-out and changing one's password. Password reset by email is left out: the
    # service sends no email; an administrator sets a new password instead.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]

"""URLs of the management pages (mounted at ``/manage/``): numeric ids only, never a name."""

from django.urls import path

from saferplaces.apps.agencies import views

app_name = "agencies"

urlpatterns = [
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/add/", views.add_agency, name="add-agency"),
    path("agencies/<int:pk>/deactivate/", views.deactivate_agency, name="deactivate-agency"),
    path("users/", views.users, name="users"),
    path("users/add/", views.add_user, name="add-user"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/disable/", views.disable_user, name="disable-user"),
    path("users/<int:pk>/reset-two-factor/", views.reset_two_factor, name="reset-two-factor"),
]

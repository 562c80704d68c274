"""URLs of the management pages (mounted at ``/manage/``): numeric ids only, never a name."""

from django.urls import path

from saferplaces.apps.agencies import service_token_views, views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "agencies"

urlpatterns = [
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/add/", views.add_agency, name="add-agency"),
    path("agencies/<id:pk>/deactivate/", views.deactivate_agency, name="deactivate-agency"),
    path("agencies/<id:pk>/reactivate/", views.reactivate_agency, name="reactivate-agency"),
    path("users/", views.users, name="users"),
    path("users/add/", views.add_user, name="add-user"),
    path("users/<id:pk>/", views.user_detail, name="user"),
    path("users/<id:pk>/disable/", views.disable_user, name="disable-user"),
    path("users/<id:pk>/reset-two-factor/", views.reset_two_factor, name="reset-two-factor"),
    path("users/<id:pk>/enable/", views.enable_user, name="enable-user"),
    path("users/<id:pk>/unlock/", views.unlock_user, name="unlock-user"),
    path("service-tokens/", service_token_views.service_token_list, name="service-tokens"),
    path("service-tokens/add/", service_token_views.add_service_token, name="add-service-token"),
    path("service-tokens/<id:pk>/revoke/", service_token_views.revoke_service_token,
         name="revoke-service-token"),
]

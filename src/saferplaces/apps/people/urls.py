"""URLs of the people pages (mounted at ``/people/``): numeric ids only, never a name."""

from django.urls import path

from saferplaces.apps.people import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "people"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("request-access/", views.request_match_access, name="request-match"),
    path("requests/", views.requests, name="requests"),
    path("requests/<id:pk>/", views.decide, name="decide"),
    path("merges/", views.merges, name="merges"),
    path("merges/<id:pk>/", views.merge_record, name="merge-record"),
    path("<id:pk>/", views.person, name="person"),
    path("<id:pk>/reveal-address/", views.reveal_address, name="reveal-address"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/aliases/add/", views.add_alias, name="add-alias"),
    path("<id:pk>/addresses/add/", views.add_address, name="add-address"),
    path("<id:pk>/addresses/<id:address_id>/close/", views.close_address,
         name="close-address"),
    path("<id:pk>/consent/", views.consent, name="consent"),
    path("<id:pk>/restrictions/", views.restrictions, name="restrictions"),
    path("<id:pk>/request-access/", views.request_access, name="request-access"),
    path("<id:pk>/merge/", views.merge, name="merge"),
]

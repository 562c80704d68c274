"""The intelligence pages, under ``/intelligence/`` (numeric ids only; every one answers 404
without ``intelligence.view``)."""

from django.urls import path

from saferplaces.apps.intelligence import graph_views, views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "intelligence"

urlpatterns = [
    path("", views.index, name="index"),
    path("reviews/", views.reviews, name="reviews"),
    path("retention/", views.retention, name="retention"),
    path("alerts/", views.alerts, name="alerts"),
    path("kinds/<slug:kind>/", views.entity_list, name="list"),
    path("kinds/<slug:kind>/new/", views.entity_add, name="add"),
    path("entities/<id:pk>/", views.entity_page, name="entity"),
    path("entities/<id:pk>/edit/", views.entity_edit, name="edit"),
    path("entities/<id:pk>/links/new/", views.link_add, name="add-link"),
    path("entities/<id:pk>/review/", views.entity_review, name="review"),
    path("entities/<id:pk>/safeguarding/", views.entity_safeguarding, name="safeguarding"),
    path("entities/<id:pk>/retention/", views.entity_retention, name="entity-retention"),
    path("entities/<id:pk>/export/", views.entity_export, name="export"),
    path("links/<id:pk>/edit/", views.link_edit, name="edit-link"),
    path("links/<id:pk>/review/", views.link_review, name="review-link"),
    path("network/", graph_views.network_page, name="network"),
    path("network/data.json", graph_views.network_data, name="network-data"),
]

"""The operations pages, under ``/operations/`` (numeric ids only)."""

from django.urls import path, re_path

from saferplaces.apps.operations import impact_views, planner_views, views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "operations"

urlpatterns = [
    path("", views.operation_list, name="list"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.operation, name="operation"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/activity/", views.add_activity, name="add-activity"),
    path("<id:pk>/legacy-actions/", views.add_legacy, name="add-legacy"),
    path("legacy-actions/<id:pk>/", views.legacy_action, name="legacy-action"),
    path("<id:pk>/cases/", views.link_case, name="link-case"),
    path("<id:pk>/cases/<id:case_pk>/unlink/", views.unlink_case, name="unlink-case"),
    path("cases/<id:case_pk>/link/", views.link_from_case, name="link-from-case"),
    path("<id:pk>/impact/", impact_views.impact, name="impact"),
    path("<id:pk>/comparison/", impact_views.comparison, name="comparison"),
    re_path(r"^(?P<pk>[0-9]{1,18})/result\.(?P<fmt>html|pdf)$", impact_views.result, name="result"),
    path("street-weeks/", planner_views.street_weeks, name="street-weeks"),
    path("street-weeks/exclusions/", planner_views.add_exclusion, name="add-exclusion"),
    path("street-weeks/exclusions/<id:pk>/lift/", planner_views.lift_exclusion,
         name="lift-exclusion"),
]

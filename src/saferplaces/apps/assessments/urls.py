"""URLs of the Assessments section (mounted at ``/assessments/``)."""

from django.urls import path, re_path

from saferplaces.apps.assessments import tracking_views, views
from saferplaces.web.converters import RECORD_ID

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("default-config.toml", views.default_config, name="default-config"),
    path("compare/", views.compare, name="compare"),
    path("deep-dive/", views.deep_dives, name="deep-dive"),
    path("deep-dive/start/", views.start_deep_dive, name="start-deep-dive"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("street-weeks/", views.street_weeks, name="street-weeks"),
    path("street-weeks/record/", views.record_street_week, name="record-street-week"),
    path("entries/", views.entries, name="entries"),
    path("entries/scores/", views.add_score, name="add-score"),
    path("entries/horizon/", views.add_horizon, name="add-horizon"),
    path("entries/recommendations/", views.add_recommendation, name="add-recommendation"),
    path("entries/targets/", views.add_target, name="add-target"),
    re_path(r"^entries/(?P<kind>horizon|recommendation|target)/(?P<pk>" + RECORD_ID + r")/withdraw/$",
            views.withdraw, name="withdraw"),
    path("recommendations/", tracking_views.recommendations, name="recommendations"),
    path("recommendations/<id:pk>/", tracking_views.recommendation, name="recommendation"),
    path("recommendations/<id:pk>/progress/", tracking_views.report_progress, name="report-progress"),
    path("recommendations/<id:pk>/edit/", tracking_views.edit_recommendation, name="edit-recommendation"),
    path("<id:pk>/", views.run_detail, name="run"),
    path("<id:pk>/status.json", views.run_status, name="status"),
    re_path(r"^(?P<pk>" + RECORD_ID + r")/(?P<version>report|public)\.(?P<fmt>html|pdf|json|docx)$",
            views.report, name="report"),
]

"""The repeat-ASB pages, under a case (``/cases/<id>/...``; numeric ids only)."""

from django.urls import path

from saferplaces.apps.asb import correction_views, views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "asb"

urlpatterns = [
    path("<id:pk>/risk/<id:party_pk>/", views.risk_history, name="risk-history"),
    path("<id:pk>/risk/<id:party_pk>/assess/", views.assess, name="assess"),
    path("<id:pk>/actions/record/<slug:kind>/", views.record_action, name="record-action"),
    path("<id:pk>/actions/<id:action_pk>/", views.action_page, name="action"),
    path("<id:pk>/actions/<id:action_pk>/breach/", views.add_breach, name="add-breach"),
    path("<id:pk>/actions/<id:action_pk>/correct/", correction_views.correct_action,
         name="correct-action"),
    path("<id:pk>/actions/<id:action_pk>/breaches/<id:breach_pk>/correct/",
         correction_views.correct_breach, name="correct-breach"),
]

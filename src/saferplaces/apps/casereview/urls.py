"""The Case Review pages, under ``/case-review/`` (numeric ids and stage names only)."""

from django.urls import path

from saferplaces.apps.casereview import views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "casereview"

urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
    path("cases/<id:pk>/complaints/add/", views.add_complaint, name="add-complaint"),
    path("cases/<id:pk>/explained/", views.record_explanation, name="explained"),
    path("cases/<id:pk>/link-complainant/", views.link_complainant, name="link-complainant"),
    path("cases/<id:pk>/links/<id:link>/remove/", views.remove_link, name="remove-link"),
    path("cases/<id:pk>/apply/", views.apply, name="apply"),
    path("reviews/<id:pk>/", views.review_page, name="review"),
    path("reviews/<id:pk>/<slug:stage>/", views.stage, name="stage"),
]

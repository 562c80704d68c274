from django.urls import path, re_path

from saferplaces.apps.hiddenharms import views

app_name = "hiddenharms"

urlpatterns = [
    path("", views.page, name="page"),
    path("briefing/", views.briefing, name="briefing"),
    re_path(r"^briefing/(?P<quarter>[0-9]{4}-Q[1-4])\.(?P<fmt>html|pdf)$", views.briefing_file,
            name="briefing-file"),
]

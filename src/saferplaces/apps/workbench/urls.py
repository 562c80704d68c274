"""The dashboard, task, notification and search pages (mounted at the site's root): numeric
ids only, and search terms in the body of a POST, never in an address."""

from django.urls import path

from saferplaces.apps.workbench import search_views, task_views, views
from saferplaces.web import converters  # noqa: F401  (registers <id:...>)

app_name = "workbench"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/overdue/", views.overdue, name="overdue"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.mark_all_read, name="notifications-read-all"),
    path("notifications/<id:pk>/read/", views.mark_read, name="notification-read"),
    path("tasks/", task_views.my_tasks, name="tasks"),
    path("tasks/case/<id:pk>/", task_views.case_tasks, name="case-tasks"),
    path("tasks/case/<id:pk>/add/", task_views.add_task, name="add-task"),
    path("tasks/<id:pk>/", task_views.task_page, name="task"),
    path("tasks/<id:pk>/edit/", task_views.edit_task, name="edit-task"),
    path("tasks/<id:pk>/complete/", task_views.complete_task, name="complete-task"),
    path("tasks/<id:pk>/cancel/", task_views.cancel_task, name="cancel-task"),
    path("search/", search_views.search_page, name="search"),
    path("search/suggest.json", search_views.suggest, name="suggest"),
]

from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """The day's work across cases: the dashboard, tasks, notifications and search (no models
    of its own: it reads the cases and people apps through their access helpers)."""

    name = "saferplaces.apps.workbench"
    label = "workbench"
    verbose_name = "Dashboard, tasks and search"

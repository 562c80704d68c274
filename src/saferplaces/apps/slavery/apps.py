from django.apps import AppConfig


class SlaveryConfig(AppConfig):
    name = "saferplaces.apps.slavery"
    label = "slavery"
    verbose_name = "Modern slavery"

    def ready(self) -> None:
        from saferplaces.apps.cases.panels import CasePanel, register
        from saferplaces.apps.slavery.presenters import panel_context

        register(CasePanel("slavery", "slavery/_panel.html", panel_context,
                           case_types=frozenset({"modern-slavery"}), order=20))

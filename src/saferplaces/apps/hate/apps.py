from django.apps import AppConfig


class HateConfig(AppConfig):
    name = "saferplaces.apps.hate"
    label = "hate"
    verbose_name = "Hate crime and hate incidents"

    def ready(self) -> None:
        from saferplaces.apps.cases.panels import CasePanel, register
        from saferplaces.apps.hate.presenters import panel_context

        register(CasePanel("hate", "hate/_panel.html", panel_context,
                           case_types=frozenset({"hate"}), order=20))

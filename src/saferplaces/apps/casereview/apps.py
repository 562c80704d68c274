from django.apps import AppConfig


class CaseReviewConfig(AppConfig):
    name = "saferplaces.apps.casereview"
    label = "casereview"
    verbose_name = "ASB Case Review"

    def ready(self) -> None:
        from saferplaces.apps.casereview.panel import register_panel

        register_panel()

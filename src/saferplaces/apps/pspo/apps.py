from django.apps import AppConfig


class PspoConfig(AppConfig):
    name = "saferplaces.apps.pspo"
    label = "pspo"
    verbose_name = "Public Spaces Protection Orders"

    def ready(self) -> None:
        from saferplaces.apps.cases.reminders import register_overdue_check
        from saferplaces.apps.pspo.alerts import send_review_alerts
        from saferplaces.apps.pspo.layer import register_layer

        register_layer()
        register_overdue_check("pspo-reviews", send_review_alerts)

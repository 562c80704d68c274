from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "saferplaces.apps.operations"
    label = "operations"
    verbose_name = "Operations and Street Weeks"

    def ready(self) -> None:
        from saferplaces.apps.cases.panels import CasePanel, register
        from saferplaces.apps.cases.reminders import register_overdue_check
        from saferplaces.apps.operations.alerts import send_follow_up_alerts
        from saferplaces.apps.operations.maplayer import register_layer
        from saferplaces.apps.operations.presenters import case_panel

        register(CasePanel("operations", "operations/_case_panel.html", case_panel, order=90))
        register_overdue_check("operation-legacy-follow-ups", send_follow_up_alerts)
        register_layer()

from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "saferplaces.apps.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding and exploitation"

    def ready(self) -> None:
        from saferplaces.apps.cases.reminders import register_overdue_check
        from saferplaces.apps.safeguarding.alerts import send_overdue_alerts
        from saferplaces.apps.safeguarding.panels import register_panels

        register_panels()
        register_overdue_check("mash-referrals", send_overdue_alerts)

from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    """Restricted county-lines intelligence (only for holders of ``intelligence.view``)."""

    name = "saferplaces.apps.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence (restricted)"

    def ready(self) -> None:
        from saferplaces.apps.cases.reminders import register_overdue_check
        from saferplaces.apps.intelligence.alerts import check_safeguarding

        register_overdue_check("intelligence-safeguarding", check_safeguarding)

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "saferplaces.apps.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from saferplaces.apps.cases.access import register_break_glass

        register_break_glass()

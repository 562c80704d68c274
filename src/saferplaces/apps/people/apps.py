from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "saferplaces.apps.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from saferplaces.apps.people.access import register_break_glass

        register_break_glass()

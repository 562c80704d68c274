from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "saferplaces.apps.incidents"
    # the label of the app before it moved under apps/: its tables, migrations and
    # permissions are named by it
    label = "incidents"
    verbose_name = "Incidents and areas"

    def ready(self) -> None:
        from saferplaces.apps.incidents.maplayers import register_layers

        register_layers()

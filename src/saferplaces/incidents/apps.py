from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "saferplaces.incidents"
    verbose_name = "Incidents and areas"

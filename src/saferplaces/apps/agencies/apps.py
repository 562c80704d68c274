from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "saferplaces.apps.agencies"
    label = "agencies"
    verbose_name = "Agencies, roles and access"

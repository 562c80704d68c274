from django.apps import AppConfig


class ExploreConfig(AppConfig):
    name = "saferplaces.apps.explore"
    label = "explore"
    verbose_name = "Explore the incident store"

from django.apps import AppConfig


class RepeatsConfig(AppConfig):
    name = "saferplaces.apps.repeats"
    label = "repeats"
    verbose_name = "Repeat detection"

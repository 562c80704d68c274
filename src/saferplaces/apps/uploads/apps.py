from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "saferplaces.apps.uploads"
    label = "uploads"
    verbose_name = "Data uploads"

from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "saferplaces.apps.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

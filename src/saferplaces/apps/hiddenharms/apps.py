from django.apps import AppConfig


class HiddenHarmsConfig(AppConfig):
    name = "saferplaces.apps.hiddenharms"
    label = "hiddenharms"
    verbose_name = "Hidden harms"

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "saferplaces.assessments"
    verbose_name = "Strategic assessments"

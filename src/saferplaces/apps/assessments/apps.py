from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "saferplaces.apps.assessments"
    # the label of the app before it moved under apps/: its tables, migrations and
    # permissions are named by it
    label = "assessments"
    verbose_name = "Strategic assessments"

from django.apps import AppConfig


class AsbConfig(AppConfig):
    """Repeat anti-social behaviour: ASB victim risk assessments and the 2014 Act actions, shown
    as panels on the case page (:mod:`saferplaces.apps.asb.panels`)."""

    name = "saferplaces.apps.asb"
    label = "asb"
    verbose_name = "Repeat anti-social behaviour"

    def ready(self) -> None:
        from saferplaces.apps.asb import panels

        panels.register_panels()

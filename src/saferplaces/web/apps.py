from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "saferplaces.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from saferplaces.web import checks  # noqa: F401  (registers the deployment checks)

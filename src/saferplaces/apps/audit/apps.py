from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "saferplaces.apps.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # sign-in and failed sign-in are recorded from Django's own signals, whichever view signs in
        from saferplaces.apps.audit import signals

        signals.connect()

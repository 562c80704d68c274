from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "saferplaces.apps.accounts"
    label = "accounts"
    verbose_name = "Signing in"

    def ready(self) -> None:
        # the session clocks start whichever view signs a person in
        from saferplaces.apps.accounts import middleware

        middleware.connect()

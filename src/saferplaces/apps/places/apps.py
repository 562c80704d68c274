from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "saferplaces.apps.places"
    label = "places"
    verbose_name = "Places"

    def ready(self) -> None:
        from saferplaces.apps.places.maplayers import register_layers

        register_layers()

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "saferplaces.apps.places"
    label = "places"
    verbose_name = "Places"

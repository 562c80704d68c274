from django.urls import path

from saferplaces.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.incident_map, name="map"),
    path("map/incidents.geojson", views.incidents_geojson, name="incidents-geojson"),
    path("map/areas.geojson", views.areas_geojson, name="areas-geojson"),
]

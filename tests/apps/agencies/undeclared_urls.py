"""A URLconf with one view that forgot to declare its access rule (for the deny-by-default tests)."""

from django.http import HttpResponse
from django.urls import include, path

from saferplaces.apps.agencies.declare import signed_in


def forgotten(request):
    return HttpResponse("the records of every child on the gangs list")


@signed_in
def declared(request):
    return HttpResponse("declared")


urlpatterns = [
    path("forgotten/", forgotten, name="forgotten"),
    path("declared/", declared, name="declared"),
    path("", include("saferplaces.web.urls")),
]

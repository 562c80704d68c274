"""The People API: read and create.

``GET  /api/people/``        the people in the caller's agency's scope (``people_for_user``);
                             a locked-down profile the caller may not open is a stub (id, name,
                             agencies working with them)
``GET  /api/people/<id>/``   one person, by the rules of the person page
                             (``get_person_for_user``: 404 outside scope, the stub when locked
                             down)
``POST /api/people/``        add a person to the caller's agency (``cases.edit``). The duplicate
                             check runs first: possible matches answer **409** with the ones
                             the caller may see (id, name, link) and, for the rest, only the
                             agencies that hold them. Send ``"create_anyway": true`` to add the
                             person all the same.

Addresses: a confidential address is never in any answer (``addresses`` is null and
``address_withheld`` true); the owner's case managers reveal it on the person page only, with a
reason. Every person in an answer is one audit read.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.people import services
from saferplaces.apps.people.access import (
    RECORD_TYPE,
    PersonAccess,
    agencies_working_with,
    get_person_for_user,
    people_for_user,
)
from saferplaces.apps.people.duplicates import Proposal, check_for_user
from saferplaces.apps.people.models import ConsentStatus, Gender, Person
from saferplaces.apps.people.presenters import age_text
from saferplaces.apps.people.vocab import VULNERABILITIES, ethnicity_choices
from saferplaces.web.textlimits import TextLengthValidator

__all__ = ["PersonDetail", "PersonList", "person_data"]


class AddressSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    postcode = serializers.CharField()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True, help_text="Empty for the current address")


class ConsentSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(help_text=f"One of: {', '.join(ConsentStatus.values)}")
    recorded_on = serializers.DateField()
    note = serializers.CharField()


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="This person in the API")
    page = serializers.URLField(help_text="This person's page on the site")
    full = serializers.BooleanField(help_text="False: a locked-down profile's stub (name and "
                                              "agencies only)")
    name = serializers.CharField()
    owner_agency = serializers.CharField()
    locked_down = serializers.BooleanField()
    agencies_working_with = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Stubs only")
    given_name = serializers.CharField(required=False)
    family_name = serializers.CharField(required=False)
    aliases = serializers.ListField(child=serializers.CharField(), required=False)
    date_of_birth = serializers.DateField(allow_null=True, required=False)
    estimated_age = serializers.IntegerField(allow_null=True, required=False)
    estimated_on = serializers.DateField(allow_null=True, required=False)
    age_today = serializers.CharField(required=False, help_text='e.g. "34 (adult)"')
    child_today = serializers.BooleanField(allow_null=True, required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.CharField(required=False, help_text="ONS 2021 category key")
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    vulnerabilities = serializers.ListField(child=serializers.CharField(), required=False)
    notes = serializers.CharField(required=False)
    confidential_address = serializers.BooleanField(required=False)
    address_withheld = serializers.BooleanField(required=False)
    addresses = AddressSerializer(many=True, allow_null=True, required=False)
    consents = ConsentSerializer(many=True, required=False)
    version = serializers.IntegerField(required=False)


def person_data(request: Request, access: PersonAccess, day: datetime.date) -> dict[str, Any]:
    """One person as the caller may see them (the stub when not ``access.full``)."""
    person = access.person
    data: dict[str, Any] = {
        "id": person.pk,
        "url": request.build_absolute_uri(reverse("api:person", kwargs={"pk": person.pk})),
        "page": request.build_absolute_uri(reverse("people:person", args=[person.pk])),
        "full": access.full, "name": person.name, "owner_agency": person.owner_agency.name,
        "locked_down": person.locked_down,
    }
    if not access.full:
        data["agencies_working_with"] = [a.name for a in agencies_working_with(person)]
        return data
    addresses = None if access.address_hidden else [
        {"text": a.text, "postcode": a.postcode, "since": a.since, "until": a.until}
        for a in person.addresses.all()]
    data.update({
        "given_name": person.given_name, "family_name": person.family_name,
        "aliases": [a.name for a in person.aliases.all()],
        "date_of_birth": person.date_of_birth, "estimated_age": person.estimated_age,
        "estimated_on": person.estimated_on, "age_today": age_text(person, day),
        "child_today": person.is_child_on(day), "gender": person.gender,
        "ethnicity": person.ethnicity, "phone": person.phone, "email": person.email,
        "vulnerabilities": list(person.vulnerabilities or []), "notes": person.notes,
        "confidential_address": person.confidential_address,
        "address_withheld": addresses is None, "addresses": addresses,
        "consents": [{"status": c.status, "recorded_on": c.recorded_on, "note": c.note}
                     for c in person.consents.all()],
        "version": person.version,
    })
    return data


class NewPersonSerializer(serializers.Serializer[Any]):
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100, required=False, default="",
                                        allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                    default=list)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, default=None,
                                             min_value=0, max_value=120)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False,
                                     default=Gender.UNKNOWN)
    ethnicity = serializers.ChoiceField(choices=[k for k, _ in ethnicity_choices()],
                                        required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    email = serializers.EmailField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, default="",
                                     allow_blank=True)
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=[k for k, _ in VULNERABILITIES]), required=False,
        default=list)
    notes = serializers.CharField(required=False, default="", allow_blank=True,
                                  validators=[TextLengthValidator("Notes")],
                                  help_text="At most SAFERPLACES_TEXT_MAX_CHARS characters")
    confidential_address = serializers.BooleanField(required=False, default=False)
    locked_down = serializers.BooleanField(required=False, default=False)
    create_anyway = serializers.BooleanField(
        required=False, default=False, help_text="Add the person even when the duplicate check "
                                                 "finds possible matches")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        born = attrs.get("date_of_birth")
        try:  # the service's rules, checked before the duplicate check runs
            services.check_date_of_birth(born)
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        if born is not None and attrs.get("estimated_age") is not None:
            raise serializers.ValidationError(
                {"estimated_age": "Leave it out when you give the date of birth."})
        return attrs


DUPLICATES_RESPONSE = inline_serializer("PossibleDuplicates", fields={
    "detail": serializers.CharField(),
    "candidates": inline_serializer("VisibleMatch", many=True, fields={
        "id": serializers.IntegerField(), "name": serializers.CharField(),
        "url": serializers.URLField(), "score": serializers.FloatField()}),
    "held_by": inline_serializer("HeldBy", many=True, fields={
        "agency": serializers.CharField(
            help_text="An agency holding a possible match you may not see")}),
})


@extend_schema_view(
    get=extend_schema(summary="People in the caller's agency's scope"),
    post=extend_schema(summary="Add a person (duplicate check first)",
                       request=NewPersonSerializer,
                       responses={201: PersonSerializer, 409: DUPLICATES_RESPONSE}))
class PersonList(generics.ListCreateAPIView[Person]):
    access = requires_rule(CASES_VIEW)
    serializer_class = PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        return people_for_user(self.request.user).select_related("owner_agency")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page of people, each as :func:`person_data` (a stub has only the stub's
        fields, so a withheld field is absent, not null)."""
        page = self.paginate_queryset(self.get_queryset())
        today = timezone.localdate()
        rows = []
        for person in page or []:
            access = get_person_for_user(request.user, person.pk)
            services.record_read(request.user, access, request=request._request)
            rows.append(person_data(request, access, today))
        return self.get_paginated_response(rows)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = NewPersonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if not data.pop("create_anyway"):
            check = check_for_user(request.user, Proposal(
                given_name=data["given_name"], family_name=data["family_name"],
                aliases=tuple(data["aliases"]), date_of_birth=data["date_of_birth"],
                estimated_age=data["estimated_age"],
                postcodes=(data["postcode"],) if data["postcode"] else (),
                addresses=(data["address"],) if data["address"] else ()))
            record("search", request=request._request, object_type=RECORD_TYPE,
                   reason=f"duplicate check: {len(check.visible)} visible, "
                          f"{len(check.held_by)} held by other agencies")
            if check:
                return Response({
                    "detail": "Possible duplicates: use an existing record, ask the agency "
                              "holding one for access, or send create_anyway.",
                    "candidates": [{
                        "id": c.person.pk, "name": c.person.name, "score": c.score,
                        "url": request.build_absolute_uri(
                            reverse("api:person", kwargs={"pk": c.person.pk}))}
                        for c in check.visible],
                    "held_by": [{"agency": held.agency.name} for held in check.held_by],
                }, status=status.HTTP_409_CONFLICT)
        try:
            person = services.create_person(request.user, data, request=request._request)
        except ValidationError as error:  # a rule of the service (e.g. notes too long)
            return Response(error.message_dict if hasattr(error, "error_dict")
                            else {"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        access = get_person_for_user(request.user, person.pk)
        return Response(person_data(request, access, timezone.localdate()),
                        status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary="One person (the stub when locked down)"))
class PersonDetail(generics.RetrieveAPIView[Person]):
    access = requires_rule(CASES_VIEW)
    serializer_class = PersonSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = get_person_for_user(request.user, self.kwargs["pk"])
        services.record_read(request.user, access, request=request._request)
        return Response(person_data(request, access, timezone.localdate()))

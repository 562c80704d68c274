"""Restricted county-lines intelligence: entities (deal lines, nominals, addresses, vehicles,
organised crime groups) and the graded links between them.

Restricted: read only through :mod:`saferplaces.apps.intelligence.access`, which answers 404 to
everyone without ``intelligence.view`` (the per-user intelligence flag); every read and change
is audited. Each link carries the 3x5x2 evaluation of the College of Policing's Authorised
Professional Practice, *Intelligence management* (the scale and its source are in
``saferplaces/data/intelligence/grading.toml``). Every record has a review date and a date it
may be kept until (``retain_until``): the Information Commissioner's enforcement notice on the
Metropolitan Police Gangs Violence Matrix (2018) found no review, victims mixed with suspects
and blanket sharing, so victims of exploitation carry a flag shown wherever they are listed and
a link's handling code governs its sharing. ``version`` guards against lost updates.

One table holds every kind of entity; the fields of the other kinds stay empty (blank text,
null dates, numbers and people).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case
from saferplaces.apps.people.models import Person

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    DEAL_LINE = "deal_line", "Deal line"
    NOMINAL = "nominal", "Nominal"
    ADDRESS = "address", "Address"
    VEHICLE = "vehicle", "Vehicle"
    OCG = "ocg", "Organised crime group"


class LineStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class NominalRole(models.TextChoices):
    LINE_HOLDER = "line_holder", "Line holder or controller"
    RUNNER = "runner", "Runner"
    LOCAL_DEALER = "local_dealer", "Local dealer"
    USER = "user", "User"
    ASSOCIATE = "associate", "Associate"


class CuckooingRisk(models.TextChoices):
    NONE = "none", "None known"
    POSSIBLE = "possible", "Possible"
    CONFIRMED = "confirmed", "Confirmed"


class SourceGrade(models.TextChoices):
    """3x5x2 source evaluation (College of Policing APP, Intelligence management)."""

    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceGrade(models.TextChoices):
    """3x5x2 intelligence assessment (College of Policing APP, Intelligence management)."""

    A = "A", "A: known directly to the source"
    B = "B", "B: known indirectly to the source but corroborated"
    C = "C", "C: known indirectly to the source"
    D = "D", "D: not known"
    E = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    """3x5x2 handling code (College of Policing APP, Intelligence management)."""

    P = "P", "P: lawful sharing permitted"
    C = "C", "C: lawful sharing permitted with conditions"


class Entity(models.Model):
    """One deal line, nominal, address, vehicle or organised crime group held by ``agency``."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    label = models.CharField(max_length=200, help_text="What it is shown as (a pseudonym where "
                             "the source demands one)")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # deal line
    phone_number = models.CharField(max_length=40, blank=True)
    line_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=6, choices=LineStatus.choices, blank=True)
    opened = models.DateField(null=True, blank=True)
    closed = models.DateField(null=True, blank=True)
    exporting_area = models.CharField(max_length=100, blank=True,
                                      help_text="Where the line is run from (e.g. a city)")
    # nominal
    role = models.CharField(max_length=12, choices=NominalRole.choices, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    victim_of_exploitation = models.BooleanField(default=False)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    # address
    address_text = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    x = models.FloatField(null=True, blank=True, help_text="Easting (British National Grid)")
    y = models.FloatField(null=True, blank=True, help_text="Northing (British National Grid)")
    lsoa_code = models.CharField(max_length=9, blank=True)
    cuckooing_risk = models.CharField(max_length=9, choices=CuckooingRisk.choices, blank=True)
    vulnerable_resident = models.ForeignKey(Person, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    # vehicle
    registration = models.CharField(max_length=10, blank=True)
    # organised crime group
    name = models.CharField(max_length=200, blank=True)
    # every entity
    safeguarding_case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    review_date = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)
    retain_until = models.DateField()
    source_ref = models.CharField(max_length=100, blank=True, help_text="The source system's "
                                  "reference (a repeated import updates, never duplicates)")
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "label", "pk"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["agency", "source_ref"],
                                    condition=~models.Q(source_ref=""),
                                    name="intelligence_entity_source_ref_once"),
        ]
        indexes = [models.Index(fields=["kind", "label"]), models.Index(fields=["review_date"]),
                   models.Index(fields=["retain_until"])]

    def __str__(self) -> str:
        return self.label

    @property
    def display_label(self) -> str:
        """The label as every list shows it: a victim of exploitation is labelled a victim,
        never listed unlabelled beside suspects."""
        if self.victim_of_exploitation:
            return f"{self.label} (victim of exploitation)"
        return self.label


class Link(models.Model):
    """A graded link between two entities (``a`` → ``b``, e.g. "runs for", "uses", "visits")."""

    a = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_from")
    b = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=60)
    date = models.DateField()
    source = models.CharField(max_length=200, help_text="Where it came from (a report, an "
                              "agency, an officer's observation)")
    source_grade = models.CharField(max_length=1, choices=SourceGrade.choices)
    intelligence_grade = models.CharField(max_length=1, choices=IntelligenceGrade.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True, help_text="Handling code C: the "
                                           "conditions every recipient must meet")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    review_date = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "source_ref"],
                                    condition=~models.Q(source_ref=""),
                                    name="intelligence_link_source_ref_once"),
            models.CheckConstraint(condition=~models.Q(a=models.F("b")),
                                   name="intelligence_link_two_entities"),
            models.CheckConstraint(condition=~models.Q(handling_code="C")
                                   | ~models.Q(handling_conditions=""),
                                   name="intelligence_link_c_has_conditions"),
        ]
        indexes = [models.Index(fields=["review_date"])]

    def __str__(self) -> str:
        return f"link {self.pk}"


class AlertReason(models.TextChoices):
    CHILD_RUNNER = "child-runner", "A child runner"
    CUCKOOED_VULNERABLE_ADULT = "cuckooed-vulnerable-resident", \
        "A cuckooed address with a vulnerable resident"


class SafeguardingAlert(models.Model):
    """An entity that needs an open safeguarding case and has none: raised once by the
    reminders run, cleared when an open safeguarding case is linked to it."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(max_length=30, choices=AlertReason.choices)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entity"], condition=models.Q(cleared_at__isnull=True),
                                    name="intelligence_one_open_alert_per_entity"),
        ]

"""Assessment runs (reproducible: parameters, config and results kept), their report files,
and what the partnership enters: community concern and capacity scores, horizon items,
recommendations and targets."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify

from saferplaces.vocab import PESTELO_CHOICES


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class RunKind(models.TextChoices):
    ANNUAL = "annual", "Strategic assessment"
    DEEP_DIVE = "deep-dive", "Deep dive"


class AssessmentRun(models.Model):
    kind = models.CharField(max_length=20, choices=RunKind.choices, default=RunKind.ANNUAL)
    topic = models.CharField(max_length=200, blank=True, help_text="Deep dives: the priority topic")
    first_month = models.CharField(max_length=7)
    last_month = models.CharField(max_length=7)
    config_toml = models.TextField(blank=True, help_text="The configuration used (empty: the defaults)")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        label = self.get_kind_display() + (f": {self.topic}" if self.topic else "")
        return f"{label} {self.first_month} to {self.last_month}"


class ReportFile(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="reports")
    format = models.CharField(max_length=10)  # html, pdf, json
    public = models.BooleanField(default=False)
    content = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "format", "public"], name="report_unique")]

    @property
    def filename(self) -> str:
        version = "public" if self.public else "panel"
        topic = slugify(self.run.topic.replace(":", "-"))
        prefix = "assessment" if self.run.kind == RunKind.ANNUAL else f"deep-dive-{topic}"
        return f"{prefix}-{self.run.first_month}-to-{self.run.last_month}-{version}.{self.format}"


class Dimension(models.TextChoices):
    CONCERN = "concern", "Community concern"
    CAPACITY = "capacity", "Partnership capacity and confidence to act"


class EnteredScore(models.Model):
    """A 1–5 score the partnership enters for a candidate priority, with where it came from.
    The latest entry per candidate and dimension is the one used; earlier ones are history."""

    candidate = models.CharField(max_length=200, help_text="Candidate id, e.g. theme:violent-crime")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    source = models.CharField(max_length=300, help_text="e.g. residents' survey 2025, councillor casework")
    note = models.CharField(max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-entered_at", "-id"]


class HorizonItem(models.Model):
    """A future or emerging issue a partner has seen coming, under a PESTELO heading."""

    heading = models.CharField(max_length=20, choices=PESTELO_CHOICES)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)


class RecommendationStatus(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Recommendation(models.Model):
    """An analyst's recommendation, tied to the finding (candidate id) that supports it, and
    tracked until done or dropped: who leads it, which agency, when it is due, and its status,
    set by its latest progress update (``RecommendationUpdate``). ``version`` guards edits."""

    finding = models.CharField(max_length=200, help_text="Candidate id the recommendation answers")
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True, help_text="Who leads it: a role, team or group")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", help_text="The partner agency that leads it")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.NOT_STARTED)
    status_reason = models.TextField(blank=True, help_text="Why it was dropped")
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)


class RecommendationUpdate(models.Model):
    """Progress on a recommendation as of a day: its status then and what was done (and, when
    dropped, why). Updates are kept; the latest (by day, then entry) sets the status."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(help_text="The day the progress is reported as of")
    status = models.CharField(max_length=20, choices=RecommendationStatus.choices)
    note = models.TextField()
    reason = models.TextField(blank=True, help_text="Why it was dropped")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]


class TargetMeasure(models.TextChoices):
    INCIDENTS = "incidents", "Incidents"
    HARM = "harm", "Harm-weighted total"
    REPEAT_RATE = "repeat_rate", "Repeat incident rate"


class Target(models.Model):
    """The partnership's target for a priority's measure: a change against a baseline
    (the assessment year's value when no baseline is given)."""

    candidate = models.CharField(max_length=200)
    measure = models.CharField(max_length=20, choices=TargetMeasure.choices, default=TargetMeasure.INCIDENTS)
    change_pct = models.FloatField(help_text="e.g. -10 for a 10% fall")
    baseline = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)


class StreetWeek(models.Model):
    """A Street Week held (or planned) in one area, so recently treated areas can be excluded."""

    area_code = models.CharField(max_length=64)
    area_name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]

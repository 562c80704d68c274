"""The audit log: one append-only, hash-chained row per thing someone did.

Who did it is kept as plain values (user id and username, agency id and name at the time), not
foreign keys, so disabling or deleting an account or an agency never touches its events. Rows are
only ever added, by :func:`saferplaces.apps.audit.services.record`; the model refuses changes and
deletions, and database triggers refuse them from any other client (migration 0002).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.db import models

__all__ = ["Action", "AppendOnlyError", "AuditEvent"]


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit event, or to write one other than by ``record``."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"audit events are append-only: {what} is not allowed "
                          "(write new events with saferplaces.apps.audit.services.record)")


class Action(models.TextChoices):
    """What the person did. The value is stored; the label is shown."""

    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    SEARCH = "search", "Searched"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login-failed", "Sign-in failed"
    TWO_FACTOR_RESET = "2fa-reset", "Two-factor authentication reset"
    ACCESS_REQUESTED = "access-requested", "Asked for access"
    ACCESS_GRANTED = "access-granted", "Gave access"
    BREAK_GLASS = "break-glass", "Break-glass access"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads as usual; every bulk write is refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update()")

    def delete(self) -> NoReturn:
        _refuse("delete()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update()")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_create()")


if TYPE_CHECKING:
    AuditEventManager = models.Manager["AuditEvent"]
else:
    AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    """One event. ``hash`` is SHA-256 over ``previous_hash`` and the canonical JSON of the
    other fields (see :mod:`saferplaces.apps.audit.chain`), so altering, removing or inserting
    an event anywhere but at the end breaks the chain and ``saferplaces audit verify`` says where."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False,
                                              help_text="1 for the first event, then one more each time")
    when = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True)
    agency_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    changed_fields = models.JSONField(default=list, blank=True,
                                      help_text="names of the fields changed, never their values")
    reason = models.TextField(blank=True, help_text="the purpose given, or why it happened")
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["agency_id", "when"], name="audit_agency_when"),
            models.Index(fields=["action", "when"], name="audit_action_when"),
        ]

    def __str__(self) -> str:
        return f"audit event {self.sequence}: {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; never update."""
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse("changing a saved event")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete()")

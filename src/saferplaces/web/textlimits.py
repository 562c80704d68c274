"""The longest free text a case or a person may hold in one field: ``SAFERPLACES_TEXT_MAX_CHARS``
characters (default 20,000, about ten pages).

Notes, summaries, outcomes and reasons are stored as unbounded text, so without a limit one
request could store megabytes that every page, export, subject-access PDF and audit search then
carries. The limit is local policy, not law: long enough for any note written by hand, short
enough that a pasted document is refused with a message (a document is attached as a file,
which has its own size limit). The services of the people and cases apps check it, so the
pages, the API and the CLI refuse the same text with the same message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

__all__ = ["TextLengthValidator", "max_text_chars", "too_long"]


def max_text_chars() -> int:
    """``SAFERPLACES_TEXT_MAX_CHARS``: at least 1."""
    limit = int(settings.SAFERPLACES_TEXT_MAX_CHARS)
    if limit < 1:
        raise ImproperlyConfigured("SAFERPLACES_TEXT_MAX_CHARS must be at least 1")
    return limit


def too_long(text: str | None, what: str) -> str | None:
    """The message refusing ``text`` (``what`` names the field, e.g. "Note"), or None when it
    is within the limit."""
    limit = max_text_chars()
    length = len(text or "")
    if length <= limit:
        return None
    return f"{what} must be {limit:,} characters or fewer (it has {length:,})"


class TextLengthValidator:
    """A form field's validator for the same limit, read when the form is checked (the
    services check it again): ``TextLengthValidator("Notes")``."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, value: str) -> None:
        message = too_long(value, self.what)
        if message:
            raise ValidationError(message, code="max_length")

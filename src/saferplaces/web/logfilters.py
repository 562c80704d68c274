"""Logging filters for the server's log (``LOGGING`` in ``web/settings.py``).

A refused or bad request (any 4xx: a missing capability, an unknown record, a suspicious
request) is routine and is logged as the one line Django writes for it — the status and the
path, which holds numeric ids only — without the traceback Django attaches to a refusal. A
traceback adds nothing to find there, and its last line repeats the exception's message, which
could name a record or a person. Server errors (5xx) keep their traceback: they are bugs.
"""

from __future__ import annotations

import logging

__all__ = ["QuietClientErrors"]


class QuietClientErrors(logging.Filter):
    """Drops the traceback from records of requests answered 4xx (Django puts the status in
    ``record.status_code``); every record is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True

"""The URL converter for record ids: ``<id:pk>`` in a route.

Every record id is a positive 64-bit integer (``BigAutoField``), at most 9 223 372 036 854 775 807.
Django's ``<int:...>`` takes any number of digits, and a longer one reaches the database, where
SQLite refuses it with an ``OverflowError`` (a server error, open to signed-out visitors on the
public site). ``<id:...>`` takes 1 to 18 digits, which always fit, so a longer id is a plain
"not found" from the URL resolver, before any view or query runs. Routes written with
``re_path`` use :data:`RECORD_ID` for the same rule.

Importing this module registers the converter (each URL module that uses it imports it).
"""

from __future__ import annotations

from django.urls import register_converter

__all__ = ["RECORD_ID", "RecordIdConverter"]

#: A record id in a URL: 1 to 18 digits (19 could exceed a 64-bit integer).
RECORD_ID = "[0-9]{1,18}"


class RecordIdConverter:
    """``<id:name>``: a record id, given to the view as an ``int``."""

    regex = RECORD_ID

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))


register_converter(RecordIdConverter, "id")

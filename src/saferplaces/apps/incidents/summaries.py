"""Summaries of the incident store worked out once per change of its data, not once per request.

The home page's totals and month table, monitoring and the Street Week ranking each read the
whole store; their answer changes only when the data do. ``memoised(name, parameters, compute)``
keeps ``compute()``'s answer in the site's cache (Django's ``default`` cache: per server process
unless the deployment configures a shared one) under the store's ``data_version`` and the
parameters, so a page pays for reading the store only on its first request after a change.

``data_version`` changes with every write to the store, whatever did it:

- an ingest (command line, upload, push API): it records an import batch for every file, even one
  that only updates or removes records (``ImportBatch``: newest id);
- a record added or deleted some other way: the row count and the newest id (ids are never
  reused: both databases hand them out from a sequence);
- areas imported again, and with them the links of map points to areas: the count and newest
  import time of the areas and the count of links.

Inside a transaction the data seen may include changes not yet committed, which a rollback would
undo: there nothing is kept or read from the cache, and the summary is worked out afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Max

from saferplaces.apps.incidents.models import Area, ImportBatch, Incident, MapPointArea

__all__ = ["CACHE_PREFIX", "data_version", "memoised"]

CACHE_PREFIX = "saferplaces:summary"
T = TypeVar("T")
_MISSING = object()


def data_version() -> tuple[Hashable, ...]:
    """A fingerprint of the store's data that changes with every write (module docstring): small
    queries the databases answer from an index or the table's own count, each asked alone (SQLite
    answers a count and a maximum asked together by reading every row: 100 times slower)."""
    areas = Area.objects.aggregate(n=Count("pk"), changed=Max("imported_at"))
    return (Incident.objects.count(), Incident.objects.aggregate(last=Max("pk"))["last"],
            ImportBatch.objects.aggregate(last=Max("pk"))["last"], areas["n"],
            areas["changed"].isoformat() if areas["changed"] else None, MapPointArea.objects.count())


def _key(name: str, version: tuple[Hashable, ...], parameters: tuple[Hashable, ...]) -> str:
    digest = hashlib.sha256(repr((version, parameters)).encode("utf-8")).hexdigest()
    return f"{CACHE_PREFIX}:{name}:{digest}"


def memoised(name: str, parameters: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept until the store's data change. ``parameters`` must name everything
    else the answer depends on (the selection of incidents, months, settings, entries)."""
    if connection.in_atomic_block:
        return compute()
    cache = caches["default"]
    key = _key(name, data_version(), parameters)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return cast("T", found)  # stored by this function from compute()
    value = compute()
    cache.set(key, value, timeout=None)
    return value

"""The incident table that every analysis takes: one row per incident.

Columns (a DataFrame from the store, or read straight from CSV with the same names):

- ``id``            int    store id (or any unique key)
- ``source``        str    "police-uk", "council-asb", "fire", "local", ...
- ``category``      str    police.uk crime type (e.g. "Burglary", "Anti-social behaviour") or a
                           local category (e.g. "Deliberate fire", "Noise nuisance")
- ``month``         datetime64[ns]  first day of the month the incident happened in
- ``occurred``      datetime64[ns]  best known date-time as a UK (Europe/London) wall-clock time, no
                           time zone: 00:30 on 1 June BST is 2024-06-01 00:30, so its date is the
                           local date. Midnight of the day for "day" rows, midnight of the first of
                           the month for "month" rows. See :func:`local_wall_clock`.
- ``precision``     str    "month" (police.uk), "day", or "minute"
- ``lat``, ``lon``  float  WGS84
- ``x``, ``y``      float  British National Grid easting/northing (EPSG:27700), metres
- ``lsoa_code``     str    LSOA 2011 code where known
- ``location``      str    location text
- ``victim_ref``    str    victim / complainant / address reference (local records), else empty
- flags, bool: ``hate_race``, ``hate_religion``, ``hate_sexual_orientation``, ``hate_disability``,
  ``hate_transgender``, ``domestic``, ``alcohol``, ``drugs``, ``weapon``

Area membership comes as a separate long table ``incident_id, area_kind, area_code``.

Times (the rule every analysis follows): days, weeks and months are local (Europe/London)
ones. The store keeps "minute" times as UTC instants and "day"/"month" times as their local
date at midnight; :func:`local_wall_clock` turns either into the local wall-clock time above.
A local clock time that happens twice (the autumn change, 01:00–01:59 repeats) is read as the
first of the two (BST); one that never happens (the spring gap, 01:00–01:59) is read with the
offset in force just before the change (GMT), i.e. shifted forward by the gap: 01:30 becomes
02:30 BST. Both are what Python's own ``zoneinfo`` does for ``fold=0`` (PEP 495), and neither
moves a time to another date.
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

import pandas as pd

INCIDENT_COLUMNS: tuple[str, ...] = (
    "id", "source", "category", "month", "occurred", "precision", "lat", "lon", "x", "y",
    "lsoa_code", "location", "victim_ref",
)
FLAG_COLUMNS: tuple[str, ...] = (
    "hate_race", "hate_religion", "hate_sexual_orientation", "hate_disability",
    "hate_transgender", "domestic", "alcohol", "drugs", "weapon",
)
HATE_STRANDS: tuple[str, ...] = ("race", "religion", "sexual_orientation", "disability", "transgender")

POLICE_UK_CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
    "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
    "Theft from the person", "Vehicle crime", "Violence and sexual offences",
)

LOCAL_TIMEZONE = "Europe/London"

__all__ = ["INCIDENT_COLUMNS", "FLAG_COLUMNS", "HATE_STRANDS", "POLICE_UK_CRIME_TYPES", "LOCAL_TIMEZONE",
           "local_to_utc", "local_wall_clock", "as_local"]


def local_to_utc(wall: pd.Series, tz: str = LOCAL_TIMEZONE) -> pd.Series:
    """Naive local wall-clock times in ``tz`` as naive UTC instants (how the store keeps them).

    Rule (PEP 495, ``fold=0``): a repeated time (autumn change) is its first occurrence, the
    summer-time one; a time in the spring gap is read with the offset before the change, so
    it moves forward by the gap (01:30 -> 02:30 BST = 01:30 UTC). Missing values stay missing.
    """
    aware = wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    odd = aware.isna() & wall.notna()
    utc = aware.dt.tz_convert("UTC").dt.tz_localize(None)
    if odd.any():
        zone = ZoneInfo(tz)
        utc.loc[odd] = [
            pd.Timestamp(t.to_pydatetime().replace(tzinfo=zone, fold=0).astimezone(_dt.UTC).replace(tzinfo=None))
            for t in wall[odd]
        ]
    return utc


def as_local(when: pd.Series, tz: str = LOCAL_TIMEZONE) -> pd.Series:
    """Date-times as naive local wall-clock times: time-zone-aware values are converted to
    ``tz``; naive ones are taken to be local wall-clock times already (the incident table's
    convention) and returned unchanged."""
    when = pd.to_datetime(when)
    if isinstance(when.dtype, pd.DatetimeTZDtype):
        return when.dt.tz_convert(tz).dt.tz_localize(None)
    return when


def local_wall_clock(stored: pd.Series, precision: pd.Series, tz: str = LOCAL_TIMEZONE) -> pd.Series:
    """The store's ``occurred`` values as the incident table's local wall-clock times.

    "minute" rows are UTC instants and are converted to ``tz`` (2024-05-31 23:30 UTC is
    2024-06-01 00:30 BST, so it counts on 1 June). "day" and "month" rows already hold their
    local date at midnight and keep it: converting them would only add the UTC offset.
    """
    utc = pd.to_datetime(stored, utc=True)
    local = utc.dt.tz_convert(tz).dt.tz_localize(None)
    dated = utc.dt.tz_localize(None)
    return local.where(precision.to_numpy() == "minute", dated).astype("datetime64[ns]")

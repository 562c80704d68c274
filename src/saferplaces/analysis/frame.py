"""The incident table that every analysis takes: one row per incident.

Columns (a DataFrame from the store, or read straight from CSV with the same names):

- ``id``            int    store id (or any unique key)
- ``source``        str    "police-uk", "council-asb", "fire", "local", ...
- ``category``      str    police.uk crime type (e.g. "Burglary", "Anti-social behaviour") or a
                           local category (e.g. "Deliberate fire", "Noise nuisance")
- ``month``         datetime64[ns]  first day of the month the incident happened in
- ``occurred``      datetime64[ns]  best known date-time (first of month when only the month is known)
- ``precision``     str    "month" (police.uk), "day", or "minute"
- ``lat``, ``lon``  float  WGS84
- ``x``, ``y``      float  British National Grid easting/northing (EPSG:27700), metres
- ``lsoa_code``     str    LSOA 2011 code where known
- ``location``      str    location text
- ``victim_ref``    str    victim / complainant / address reference (local records), else empty
- flags, bool: ``hate_race``, ``hate_religion``, ``hate_sexual_orientation``, ``hate_disability``,
  ``hate_transgender``, ``domestic``, ``alcohol``, ``drugs``, ``weapon``

Area membership comes as a separate long table ``incident_id, area_kind, area_code``.
"""

from __future__ import annotations

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

__all__ = ["INCIDENT_COLUMNS", "FLAG_COLUMNS", "HATE_STRANDS", "POLICE_UK_CRIME_TYPES"]

"""The demo town's scenario, declared as data in one place.

Annual rates are expected counts per year at ``scale=1`` before seasonality, trend and the
planted operation. Spatial mixes say how each category's background is spread over the map
points (see ``mappoints``): ``residential`` (by population), ``urban`` (by population weighted
by the square root of residential density, a land-use proxy), ``town_centre`` (a Gaussian
kernel around the centre, the night-time economy), ``rural`` (by area outside the built-up
areas) and ``kind:<map point kind>`` (shops, car parks, nightclubs, ...).

Geography is real (Colchester borough LSOAs, ONS); everything else here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

__all__ = [
    "ASB",
    "COUNCIL_ASB_CATEGORIES",
    "COUNTY_LINE",
    "CRIME_RATES",
    "FIRE_CATEGORIES",
    "HOTSPOTS",
    "HotspotSpec",
    "JITTER_M",
    "LOCAL_CATEGORIES",
    "MAP_POINT_COUNT",
    "NEAR_REPEAT",
    "NO_LOCATION_SHARE",
    "OPERATION",
    "OUTCOMES",
    "POLICE_FORCE",
    "PSPO",
    "PSPO_ZONE_LONLAT",
    "REPEAT_COMPLAINANTS",
    "REPEAT_LOCATIONS",
    "REPEAT_VICTIMS",
    "RISING_TREND",
    "SEASONALITY",
    "SPATIAL_MIX",
    "TOWN_CENTRE_CENTRE",
    "TOWN_CENTRE_LONLAT",
    "TOWN_CENTRE_SIGMA_M",
]

POLICE_FORCE = "Essex Police"
ASB = "Anti-social behaviour"

#: How many anonymous map points police.uk-style locations are snapped to.
MAP_POINT_COUNT = 3000
#: Standard deviation (metres) of an exact location around the map point it was drawn at.
JITTER_M = 35.0
#: Share of background police.uk rows published with "No Location" (as police.uk does).
NO_LOCATION_SHARE = 0.004

#: Centre of the night-time economy kernel (WGS84) and its spread.
TOWN_CENTRE_CENTRE = (0.9000, 51.8893)
TOWN_CENTRE_SIGMA_M = 400.0

#: The drawn town-centre polygon around Colchester's historic centre (lon, lat), closed.
TOWN_CENTRE_LONLAT: tuple[tuple[float, float], ...] = (
    (0.8880, 51.8880), (0.8925, 51.8935), (0.9030, 51.8942), (0.9095, 51.8915),
    (0.9100, 51.8870), (0.9040, 51.8845), (0.8950, 51.8850), (0.8880, 51.8880),
)
#: The drawn PSPO zone: the town centre, Castle Park and the approaches.
PSPO_ZONE_LONLAT: tuple[tuple[float, float], ...] = (
    (0.8860, 51.8872), (0.8915, 51.8952), (0.9040, 51.8962), (0.9128, 51.8928),
    (0.9122, 51.8856), (0.9040, 51.8828), (0.8935, 51.8836), (0.8860, 51.8872),
)

#: police.uk crime type → background annual count at scale 1 (ASB included).
CRIME_RATES: dict[str, float] = {
    "Anti-social behaviour": 5700.0,
    "Violence and sexual offences": 6000.0,
    "Criminal damage and arson": 1400.0,
    "Public order": 1100.0,
    "Other theft": 1100.0,
    "Shoplifting": 900.0,
    "Vehicle crime": 850.0,
    "Burglary": 480.0,  # first-generation burglaries; near-repeat offspring come on top
    "Drugs": 380.0,
    "Other crime": 330.0,
    "Bicycle theft": 300.0,
    "Theft from the person": 200.0,
    "Possession of weapons": 150.0,
    "Robbery": 140.0,
}

SPATIAL_MIX: dict[str, dict[str, float]] = {
    "Anti-social behaviour": {"residential": 0.45, "urban": 0.25, "town_centre": 0.22,
                              "kind:Sports/Recreation Area": 0.04, "kind:Shopping Area": 0.04},
    "Violence and sexual offences": {"residential": 0.5, "urban": 0.2, "town_centre": 0.22,
                                     "kind:Nightclub": 0.08},
    "Criminal damage and arson": {"residential": 0.5, "urban": 0.35, "town_centre": 0.1,
                                  "kind:Parking Area": 0.05},
    "Public order": {"residential": 0.35, "urban": 0.2, "town_centre": 0.35, "kind:Nightclub": 0.1},
    "Other theft": {"residential": 0.4, "town_centre": 0.3, "kind:Shopping Area": 0.1,
                    "kind:Parking Area": 0.1, "kind:Petrol Station": 0.05,
                    "kind:Sports/Recreation Area": 0.05},
    "Shoplifting": {"town_centre": 0.3, "kind:Supermarket": 0.4, "kind:Shopping Area": 0.25,
                    "kind:Petrol Station": 0.05},
    "Vehicle crime": {"residential": 0.55, "kind:Parking Area": 0.35, "town_centre": 0.1},
    "Burglary": {"residential": 0.8, "urban": 0.2},
    "Drugs": {"urban": 0.4, "town_centre": 0.35, "residential": 0.25},
    "Other crime": {"residential": 0.6, "urban": 0.2, "town_centre": 0.2},
    "Bicycle theft": {"town_centre": 0.35, "urban": 0.35, "residential": 0.2,
                      "kind:Further/Higher Educational Building": 0.05, "kind:Parking Area": 0.05},
    "Theft from the person": {"town_centre": 0.7, "kind:Shopping Area": 0.15,
                              "kind:Bus/Coach Station": 0.05, "urban": 0.1},
    "Possession of weapons": {"town_centre": 0.4, "urban": 0.4, "residential": 0.2},
    "Robbery": {"urban": 0.45, "town_centre": 0.4, "residential": 0.15},
}


@dataclass(frozen=True)
class HotspotSpec:
    """A planted compact hotspot: events uniform within ``radius_m`` of the centre."""

    id: str
    label: str
    lon: float
    lat: float
    radius_m: float
    annual: dict[str, float]  # police.uk crime type → extra events a year at scale 1
    fire_annual: dict[str, float]  # fire property category → extra fires a year at scale 1
    point_kinds: tuple[str, ...]  # map points added inside the hotspot


HOTSPOTS: tuple[HotspotSpec, ...] = (
    HotspotSpec("H1", "town-centre night-time economy", 0.8990, 51.8893, 180.0,
                {"Violence and sexual offences": 170.0, "Public order": 90.0,
                 "Theft from the person": 25.0},
                {}, ("Nightclub", "Nightclub", "street", "street")),
    HotspotSpec("H2", "eastern estate: anti-social behaviour, damage and fire-setting",
                0.9400, 51.8890, 250.0,
                {"Anti-social behaviour": 320.0, "Criminal damage and arson": 110.0,
                 "Violence and sexual offences": 70.0},
                {"Deliberate secondary fire - refuse": 25.0, "Deliberate vehicle fire": 12.0},
                ("street", "street", "Parking Area", "Sports/Recreation Area")),
    HotspotSpec("H3", "northern residential burglary and vehicle crime", 0.8950, 51.9120, 250.0,
                {"Burglary": 130.0, "Vehicle crime": 140.0, "Criminal damage and arson": 40.0},
                {}, ("street", "street", "street", "Parking Area")),
    HotspotSpec("H4", "riverside drugs market", 0.9245, 51.8790, 200.0,
                {"Drugs": 90.0, "Possession of weapons": 30.0, "Robbery": 35.0,
                 "Violence and sexual offences": 70.0, "Anti-social behaviour": 120.0},
                {}, ("street", "street", "street", "Parking Area")),
    HotspotSpec("H5", "western retail park", 0.8370, 51.8830, 220.0,
                {"Shoplifting": 170.0, "Vehicle crime": 70.0, "Other theft": 50.0},
                {}, ("Supermarket", "Shopping Area", "Shopping Area", "Parking Area")),
)

class RisingTrend(TypedDict):
    category: str
    annual_growth: float


class Seasonality(TypedDict):
    amplitude: float
    peak_month: int
    categories: list[str]
    council_categories: list[str]
    fire_categories: list[str]


class NearRepeatSpec(TypedDict):
    category: str
    offspring_probability: float
    spatial_range_m: float
    temporal_range_days: int


class RepeatCounts(TypedDict):
    """How many planted repeat victims, and the range of incidents each has."""

    victims: int
    min: int
    max: int


class RepeatComplainants(TypedDict):
    complainants: int
    min: int
    max: int
    categories: dict[str, float]


class Nominal(TypedDict):
    ref: str
    pseudonym: str
    role: str
    age: int
    home_area: str


class CuckooedAddress(TypedDict):
    ref: str
    lsoa: str
    months: int


class CountyLineSpec(TypedDict):
    name: str
    deal_lines: list[str]
    nominals: list[Nominal]
    addresses: list[CuckooedAddress]
    #: incident kind → (count per address at scale 1, minimum)
    per_address: dict[str, tuple[int, int]]


class OperationSpec(TypedDict):
    name: str
    neighbourhood: str
    categories: list[str]
    effect_pct_reduction: float
    length_months: int
    starts_months_before_end: int


class PlantedEffect(TypedDict):
    source: str
    categories: list[str]
    pct_reduction: float


class PspoSpec(TypedDict):
    name: str
    made_months_after_start_fraction: float
    duration_years: int
    prohibitions: list[str]
    planted_effect: PlantedEffect


#: Shoplifting grows 25% a year, compounding monthly from the first month of the period.
RISING_TREND: RisingTrend = {"category": "Shoplifting", "annual_growth": 0.25}

#: rate × (1 + amplitude × cos(2π (month − peak_month) / 12)).
SEASONALITY: Seasonality = {
    "amplitude": 0.25,
    "peak_month": 7,
    "categories": ["Anti-social behaviour", "Violence and sexual offences", "Public order",
                   "Criminal damage and arson"],
    "council_categories": ["Noise nuisance", "Youth nuisance", "Street drinking"],
    "fire_categories": ["Deliberate secondary fire - refuse",
                        "Deliberate secondary fire - grassland"],
}

#: Self-exciting burglary: each burglary has one offspring with ``offspring_probability``,
#: placed uniformly in distance (0, spatial_range_m] at a uniform angle, and uniformly
#: 1..temporal_range_days days later. Offspring may themselves have offspring.
NEAR_REPEAT: NearRepeatSpec = {"category": "Burglary", "offspring_probability": 0.3,
               "spatial_range_m": 200.0, "temporal_range_days": 14}

#: Planted repeat victims (people). Counts per victim are drawn uniformly in [min, max].
REPEAT_VICTIMS: dict[str, RepeatCounts] = {
    "domestic": {"victims": 24, "min": 3, "max": 10},
    "burglary": {"victims": 10, "min": 2, "max": 4},
    "hate": {"victims": 6, "min": 3, "max": 6},
}

#: Planted repeat locations: businesses victimised again and again (annual counts at scale 1).
REPEAT_LOCATIONS: tuple[tuple[str, dict[str, float]], ...] = (
    ("Supermarket", {"Shoplifting": 45.0}),
    ("Supermarket", {"Shoplifting": 35.0}),
    ("Supermarket", {"Shoplifting": 30.0}),
    ("Nightclub", {"Violence and sexual offences": 30.0, "Public order": 15.0}),
    ("Nightclub", {"Violence and sexual offences": 25.0, "Public order": 10.0}),
    ("Petrol Station", {"Other theft": 25.0}),
)

#: Planted repeat complainants in the council ASB log.
REPEAT_COMPLAINANTS: RepeatComplainants = {"complainants": 25, "min": 5, "max": 24,
                       "categories": {"Noise nuisance": 0.6, "Neighbour dispute": 0.4}}

COUNTY_LINE: CountyLineSpec = {
    "name": "the 'Kestrel' line",
    "deal_lines": ["07700 900418", "07700 900731", "07700 900266"],
    "nominals": [
        {"ref": "N001", "pseudonym": "Kestrel", "role": "line holder", "age": 27,
         "home_area": "out of area (London)"},
        {"ref": "N002", "pseudonym": "Moth", "role": "runner", "age": 16,
         "home_area": "out of area (London)"},
        {"ref": "N003", "pseudonym": "Flint", "role": "runner", "age": 15,
         "home_area": "local"},
        {"ref": "N004", "pseudonym": "Tarn", "role": "local dealer", "age": 22,
         "home_area": "local"},
    ],
    # each address is placed in the LSOA given and cuckooed for the last ``months`` months
    "addresses": [
        {"ref": "A001", "lsoa": "E01021664", "months": 8},
        {"ref": "A002", "lsoa": "E01021670", "months": 5},
    ],
    # per cuckooed address at scale 1 (each at least the minimum shown)
    "per_address": {"drugs": (6, 2), "asb": (12, 3), "council_drug_dealing": (8, 4),
                    "violence_against_resident": (2, 2), "weapons_nearby": (1, 1)},
}

#: A problem-solving operation with a planted effect.
OPERATION: OperationSpec = {
    "name": "Operation Nightjar",
    "neighbourhood": "E02004513",
    "categories": ["Anti-social behaviour", "Criminal damage and arson"],
    "effect_pct_reduction": 40.0,
    "length_months": 6,
    "starts_months_before_end": 10,
}

PSPO: PspoSpec = {
    "name": "Colchester Town Centre Public Spaces Protection Order (synthetic)",
    "made_months_after_start_fraction": 1 / 3,
    "duration_years": 3,
    "prohibitions": [
        "Consuming alcohol in a public place after being asked to stop by an authorised officer",
        "Begging in an aggressive or intimidating manner",
        "Urinating or defecating in a public place",
        "Using a motor vehicle in a manner causing nuisance (car cruising)",
    ],
    "planted_effect": {"source": "council-asb",
                       "categories": ["Street drinking", "Aggressive begging"],
                       "pct_reduction": 40.0},
}

#: police.uk type → (local offence category, probability, victim kind) with victim kind one of
#: "person", "business", "none".
LOCAL_CATEGORIES: dict[str, tuple[tuple[str, float, str], ...]] = {
    "Violence and sexual offences": (
        ("Violence with injury", 0.30, "person"), ("Violence without injury", 0.28, "person"),
        ("Domestic abuse", 0.22, "person"), ("Stalking and harassment", 0.12, "person"),
        ("Sexual offences", 0.08, "person")),
    "Burglary": (("Burglary dwelling", 0.75, "person"),
                 ("Burglary business and community", 0.25, "business")),
    "Criminal damage and arson": (
        ("Criminal damage to a dwelling", 0.3, "person"),
        ("Criminal damage to a vehicle", 0.35, "person"),
        ("Other criminal damage", 0.3, "business"), ("Arson", 0.05, "business")),
    "Public order": (("Public fear, alarm or distress", 0.93, "none"),
                     ("Racially or religiously aggravated public order", 0.05, "person"),
                     ("Violent disorder", 0.02, "none")),
    "Other theft": (("Other theft", 0.7, "person"), ("Making off without payment", 0.2, "business"),
                    ("Theft by an employee", 0.1, "business")),
    "Shoplifting": (("Shoplifting", 1.0, "business"),),
    "Vehicle crime": (("Theft from a vehicle", 0.6, "person"),
                      ("Theft of a motor vehicle", 0.3, "person"),
                      ("Vehicle interference", 0.1, "person")),
    "Drugs": (("Possession of drugs", 0.78, "none"), ("Trafficking of drugs", 0.22, "none")),
    "Other crime": (("Miscellaneous crimes against society", 1.0, "none"),),
    "Bicycle theft": (("Bicycle theft", 1.0, "person"),),
    "Theft from the person": (("Theft from the person", 1.0, "person"),),
    "Possession of weapons": (("Possession of weapons", 1.0, "none"),),
    "Robbery": (("Robbery of personal property", 0.88, "person"),
                ("Robbery of business property", 0.12, "business")),
}

#: police.uk "Last outcome category" for crimes settled more than six months ago (base mix,
#: from a real police.uk month) and per-category overrides that are mixed in half and half.
OUTCOMES: dict[str, dict[str, float]] = {
    "base": {
        "Investigation complete; no suspect identified": 0.44,
        "Unable to prosecute suspect": 0.32,
        "Status update unavailable": 0.05,
        "Local resolution": 0.035,
        "Court result unavailable": 0.025,
        "Offender sent to prison": 0.02,
        "Offender given a caution": 0.016,
        "Defendant found not guilty": 0.015,
        "Offender given community sentence": 0.015,
        "Further investigation is not in the public interest": 0.01,
        "Offender given suspended prison sentence": 0.008,
        "Offender fined": 0.006,
        "Court case unable to proceed": 0.005,
        "Offender given conditional discharge": 0.004,
        "Formal action is not in the public interest": 0.003,
        "Suspect charged as part of another case": 0.002,
        "Offender otherwise dealt with": 0.002,
        "Action to be taken by another organisation": 0.001,
        "Offender ordered to pay compensation": 0.001,
    },
    "Drugs": {"Local resolution": 0.3, "Offender given a drugs possession warning": 0.2,
              "Offender given a caution": 0.15, "Offender fined": 0.1,
              "Offender given penalty notice": 0.05, "Offender sent to prison": 0.1,
              "Unable to prosecute suspect": 0.1},
    "Possession of weapons": {"Offender sent to prison": 0.3,
                              "Offender given suspended prison sentence": 0.2,
                              "Offender given community sentence": 0.2,
                              "Unable to prosecute suspect": 0.2, "Offender given a caution": 0.1},
    "Shoplifting": {"Investigation complete; no suspect identified": 0.5, "Local resolution": 0.15,
                    "Offender fined": 0.1, "Offender given conditional discharge": 0.1,
                    "Offender given a caution": 0.1, "Offender sent to prison": 0.05},
    "recent": {"Under investigation": 0.55, "Awaiting court outcome": 0.05,
               "Investigation complete; no suspect identified": 0.25,
               "Unable to prosecute suspect": 0.15},
}

#: Council ASB log: category → (annual count at scale 1, spatial mix, hour-of-day profile name,
#: share reported anonymously).
COUNCIL_ASB_CATEGORIES: dict[str, tuple[float, dict[str, float], str, float]] = {
    "Noise nuisance": (900.0, {"residential": 0.8, "urban": 0.2}, "night", 0.1),
    "Neighbour dispute": (350.0, {"residential": 0.9, "urban": 0.1}, "day", 0.05),
    "Street drinking": (150.0, {"town_centre": 0.8, "urban": 0.2}, "day", 0.2),
    "Aggressive begging": (80.0, {"town_centre": 0.9, "kind:Supermarket": 0.1}, "day", 0.3),
    "Fly-tipping": (600.0, {"residential": 0.4, "urban": 0.3, "rural": 0.3}, "day", 0.5),
    "Drug dealing": (120.0, {"urban": 0.6, "town_centre": 0.2, "residential": 0.2}, "evening",
                     0.4),
    "Youth nuisance": (250.0, {"urban": 0.5, "residential": 0.3,
                               "kind:Sports/Recreation Area": 0.2}, "evening", 0.15),
    "Vehicle nuisance": (150.0, {"residential": 0.5, "kind:Parking Area": 0.5}, "evening", 0.15),
}

#: Fire and rescue deliberate fires: category → (annual at scale 1, spatial mix, property types).
FIRE_CATEGORIES: dict[str, tuple[float, dict[str, float], tuple[str, ...]]] = {
    "Deliberate secondary fire - refuse": (
        160.0, {"urban": 0.7, "residential": 0.3},
        ("Wheelie bin", "Loose refuse", "Small refuse/rubbish container", "Recycling bin")),
    "Deliberate secondary fire - grassland": (
        70.0, {"rural": 0.6, "kind:Sports/Recreation Area": 0.2, "urban": 0.2},
        ("Grassland, pasture, grazing etc", "Scrub land", "Hedge")),
    "Deliberate secondary fire - derelict": (
        15.0, {"urban": 0.5, "rural": 0.5}, ("Derelict building", "Derelict vehicle")),
    "Deliberate vehicle fire": (
        55.0, {"residential": 0.5, "kind:Parking Area": 0.5}, ("Car", "Motorcycle", "Van")),
    "Deliberate primary fire - dwelling": (
        18.0, {"residential": 1.0},
        ("House - single occupancy", "Purpose built flats/maisonettes - up to 3 storeys")),
    "Deliberate primary fire - other building": (
        25.0, {"urban": 0.6, "residential": 0.4},
        ("Shed", "Garage", "Retail - single shop", "School")),
}

"""The synthetic demo town: real Colchester geography, invented incidents, planted patterns.

``generate_town(out_dir, seed=1)`` writes police.uk-format months, partner files (council ASB,
deliberate fires, local police records), boundary GeoJSON and ``ground_truth.json`` listing
every planted pattern (see ``GROUND_TRUTH_KEYS``) so tests and demos can check that the
analyses recover them. Everything written is labelled synthetic.
"""

from .geography import Geography, Lsoa, Neighbourhood, load_geography, to_bng, to_wgs84
from .town import GENERATOR_VERSION, FileSummary, GenerationSummary, generate_town
from .truth import GROUND_TRUTH_KEYS

__all__ = [
    "GENERATOR_VERSION",
    "GROUND_TRUTH_KEYS",
    "FileSummary",
    "GenerationSummary",
    "Geography",
    "Lsoa",
    "Neighbourhood",
    "generate_town",
    "load_geography",
    "to_bng",
    "to_wgs84",
]

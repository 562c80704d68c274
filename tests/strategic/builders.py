"""Typed records for tests, built from the engine's models with neutral values for the rest."""

from __future__ import annotations

import dataclasses
from typing import Any

from saferplaces.strategic.measures import (
    CandidateMeasures,
    ConcentrationMeasure,
    RepeatMeasure,
    VulnerabilityMeasure,
)

NO_REPEATS = RepeatMeasure(referenced_incidents=0, detail_incidents=0,
                           placeholder_refs_excluded=0, sources=(), repeat_incident_rate=None,
                           repeat_victim_rate=None, victims=0, repeat_victims=0,
                           incidents_per_victim=None)
NO_CONCENTRATION = ConcentrationMeasure(located_incidents=0, cells=0, fraction=0.05,
                                        top_share=None, even_share=None, adjusted=None,
                                        cells_with_incidents=0)
NO_VULNERABILITY = VulnerabilityMeasure(assessed_incidents=0, vulnerable_incidents=0,
                                        share=None, domestic=0, hate=0)
EMPTY_MEASURES = CandidateMeasures(
    count=0, previous=None, rate=None, change=None, pct_change=None, p_value=None, p_adj=None,
    direction="insufficient data", recent=None, recent_last_year=None, recent_p_adj=None,
    trend_pct_per_year=None, trend_p_adj=None, trend_note="", data_start="", test="",
    harm=0.0, harm_rate=None, unweighted_incidents=0, unweighted_categories=(),
    concentration=None, top_share=None, top_fraction=0.05,
    concentration_detail=NO_CONCENTRATION, repeat=NO_REPEATS, repeat_rate=None,
    vulnerability=NO_VULNERABILITY, vulnerability_share=None)


def candidate_measures(**values: Any) -> CandidateMeasures:
    """``CandidateMeasures`` with ``values`` set and nothing else measured."""
    return dataclasses.replace(EMPTY_MEASURES, **values)

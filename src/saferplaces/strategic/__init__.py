"""The strategic assessment engine: candidates, scoring, ranking, evidence and reports.

Pure library (no Django). ``run_assessment(inputs, config)`` takes the incident table, area
membership and areas (``AssessmentInputs``) and the configuration (``load_config``) and
returns an ``AssessmentResult``; ``render_html``/``render_pdf``/``write_reports`` turn it into
the panel report and its public-safe version. ``deep_dive`` (one topic over any period),
``monitoring`` (priorities month by month against targets) and ``street_weeks`` (where to go
next) answer the year's follow-up questions.
"""

from saferplaces.strategic.config import AssessmentConfig, ConfigError, load_config
from saferplaces.strategic.deepdive import DeepDiveResult, deep_dive, render_deep_dive_html
from saferplaces.strategic.disclosure import public_view
from saferplaces.strategic.engine import AssessmentResult, CandidateResult, run_assessment
from saferplaces.strategic.inputs import (
    AssessmentInputs,
    Entered,
    EnteredScore,
    HorizonItem,
    Period,
    Recommendation,
    Target,
)
from saferplaces.strategic.monitoring import MonitoringResult, PriorityMonitor, monitoring
from saferplaces.strategic.report import render_html, render_pdf, write_reports
from saferplaces.strategic.streetweek import StreetWeekArea, StreetWeekResult, street_weeks

__all__ = [
    "AssessmentConfig",
    "AssessmentInputs",
    "AssessmentResult",
    "CandidateResult",
    "ConfigError",
    "DeepDiveResult",
    "Entered",
    "EnteredScore",
    "HorizonItem",
    "MonitoringResult",
    "Period",
    "PriorityMonitor",
    "Recommendation",
    "StreetWeekArea",
    "StreetWeekResult",
    "Target",
    "deep_dive",
    "load_config",
    "monitoring",
    "public_view",
    "render_deep_dive_html",
    "render_html",
    "render_pdf",
    "run_assessment",
    "street_weeks",
    "write_reports",
]

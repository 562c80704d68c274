"""The strategic assessment engine: candidates, scoring, ranking, evidence and reports.

Pure library (no Django). ``run_assessment(inputs, config)`` takes the incident table, area
membership and areas (``AssessmentInputs``) and the configuration (``load_config``) and
returns an ``AssessmentResult``; ``render_html``/``render_pdf``/``write_reports`` turn it into
the panel report and its public-safe version. ``deep_dive`` (one topic over any period),
``monitoring`` (priorities month by month against targets) and ``street_weeks`` (where to go
next) answer the year's follow-up questions.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saferplaces.strategic.config import AssessmentConfig, ConfigError, load_config
    from saferplaces.strategic.deepdive import DeepDiveResult, deep_dive
    from saferplaces.strategic.disclosure import public_view
    from saferplaces.strategic.engine import run_assessment
    from saferplaces.strategic.inputs import (
        AssessmentInputs,
        Entered,
        EnteredScore,
        HorizonItem,
        Period,
        Recommendation,
        Target,
    )
    from saferplaces.strategic.monitor import MonitoringResult, PriorityMonitor, monitoring
    from saferplaces.strategic.report import (
        render_deep_dive_html,
        render_html,
        render_pdf,
    )
    from saferplaces.strategic.report_files import write_reports
    from saferplaces.strategic.results import AssessmentResult, CandidateResult
    from saferplaces.strategic.streetweek import StreetWeekArea, StreetWeekResult, street_weeks

# each public name and the module it comes from, imported on first use (PEP 562), so that
# importing one submodule (``strategic.inputs``) does not load the reports and matplotlib
_MODULE_OF: dict[str, str] = {
    "AssessmentConfig": "config", "ConfigError": "config", "load_config": "config",
    "DeepDiveResult": "deepdive", "deep_dive": "deepdive",
    "public_view": "disclosure",
    "run_assessment": "engine",
    "AssessmentInputs": "inputs", "Entered": "inputs", "EnteredScore": "inputs",
    "HorizonItem": "inputs", "Period": "inputs", "Recommendation": "inputs", "Target": "inputs",
    "MonitoringResult": "monitor", "PriorityMonitor": "monitor", "monitoring": "monitor",
    "render_deep_dive_html": "report", "render_html": "report", "render_pdf": "report",
    "write_reports": "report_files",
    "AssessmentResult": "results", "CandidateResult": "results",
    "StreetWeekArea": "streetweek", "StreetWeekResult": "streetweek",
    "street_weeks": "streetweek",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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

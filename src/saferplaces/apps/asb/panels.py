"""The repeat-ASB sections of the case page (registered in ``AsbConfig.ready``): risk
assessments with the re-assessments due, and the 2014 Act actions with their reviews and
breaches. Shown to full readers of a repeat-ASB case only (:mod:`saferplaces.apps.cases.panels`)."""

from __future__ import annotations

from saferplaces.apps.asb import presenters
from saferplaces.apps.asb.risk import ASB_CASE_TYPES
from saferplaces.apps.cases.panels import CasePanel, register

__all__ = ["register_panels"]


def register_panels() -> None:
    register(CasePanel("asb-risk", "asb/_risk_panel.html", presenters.risk_panel,
                       case_types=ASB_CASE_TYPES, order=50))
    register(CasePanel("asb-actions", "asb/_actions_panel.html", presenters.actions_panel,
                       case_types=ASB_CASE_TYPES, order=60))

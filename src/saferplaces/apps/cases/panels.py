"""Sections other apps add to a case page (the 2014 Act actions of a repeat-ASB case, a MASH
referral, an NRM referral, ...), without the cases app importing them.

An app registers a :class:`CasePanel` in its ``AppConfig.ready``. The case page asks each panel
whose case types include the case's for its context, **only when the reader sees the case in
full** (owner, a full share, or break-glass: a limited share never shows a panel), through the
same :class:`~saferplaces.apps.cases.access.CaseAccess` the page was opened with; the panel
decides what of its own records that reader may see, and returns ``None`` to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from saferplaces.apps.cases.access import CaseAccess

__all__ = ["CasePanel", "RenderedPanel", "panels_for", "register"]

Context = Callable[[HttpRequest, CaseAccess], dict[str, Any] | None]


@dataclass(frozen=True)
class CasePanel:
    """One section of the case page: ``template`` is rendered with ``panel`` (the context the
    ``context`` function returned) for cases of ``case_types`` (empty: every type)."""

    key: str
    template: str
    context: Context
    case_types: frozenset[str] = frozenset()
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, CasePanel] = {}


def register(panel: CasePanel) -> None:
    """Add (or replace, on a second ``ready``) the panel named ``panel.key``."""
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest, access: CaseAccess) -> list[RenderedPanel]:
    """The panels the case page shows this reader, in order."""
    if not access.full:
        return []
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.case_types and access.case.case_type not in panel.case_types:
            continue
        context = panel.context(request, access)
        if context is not None:
            shown.append(RenderedPanel(panel.key, panel.template, context))
    return shown

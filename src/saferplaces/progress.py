"""The progress callback: how long work (ingest, the demo town, an assessment run) reports
how far it has got.

The CLI draws one bar per stage from it; the web app's background runs store it on the run.
Plain Python only, so any layer can use it.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Progress"]


class Progress(Protocol):
    """``progress(stage, done, total)``: ``done`` of ``total`` steps of ``stage`` (a short
    name such as ``"police.uk"`` or ``"assessment"``) are finished. A stage may be reported
    many times; ``total`` may change between calls (a percentage is ``total=100``)."""

    def __call__(self, stage: str, done: int, total: int, /) -> None: ...

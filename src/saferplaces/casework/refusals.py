"""The one error the case-work rules raise: an action or record refused because it breaks a
rule, with a message naming the rule (and, for a configured rule, its key and legal source)."""

from __future__ import annotations

__all__ = ["Refused"]


class Refused(ValueError):
    """A record or action that breaks a rule. ``rule`` names it: a rule key of the law files
    (``"hate.nchi.recording_allowed"``) or of a vocabulary, or a fixed rule of the module
    (``"nrm.dates"``), so callers can show or count it."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{message} (rule {rule})")
        self.rule = rule

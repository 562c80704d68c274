"""Working days in England and Wales: re-exported from the casework engine, their one home
(:mod:`saferplaces.casework.workingtime`)."""

from __future__ import annotations

from saferplaces.casework.workingtime import add_working_days, is_working_day

__all__ = ["add_working_days", "is_working_day"]

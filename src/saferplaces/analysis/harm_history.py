"""Harm weights for crime types police.uk no longer uses, taken from their successors.

A weight table (``analysis.harm``) lists the current police.uk types; a type retired by a change
of classification (``data/classification/police-uk.toml``) has no weight of its own, so without
this rule its incidents would drop out of a harm-weighted count (all police.uk violence before
May 2013 is "Violent crime"). Rule, applied per recorded type, before any combining of series:

- a type with a weight of its own keeps it;
- a **renamed** type takes the weight of its new name ("Violent crime" weighs as "Violence and
  sexual offences");
- a type **split** into several takes the **lower** of its successors' weights ("Public disorder
  and weapons" weighs as "Public order", the lighter of "Public order" and "Possession of
  weapons"): the share of each successor in the old type is unknown, and the lower weight never
  overstates harm;
- a successor without a weight is followed to its own successors; a type with none stays
  unweighted (and is reported as such).

Weights are matched ignoring case and repeated spaces (``harm.normalise_category``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from saferplaces.analysis.classification import CategoryScheme, load_scheme
from saferplaces.analysis.harm import normalise_category

__all__ = ["InheritedWeight", "inherited_weights"]


@dataclass(frozen=True)
class InheritedWeight:
    """The weight a retired type takes: from ``successors`` (``kind`` "rename" or "split")."""

    category: str
    weight: float
    successors: tuple[str, ...]
    kind: str
    month: str

    def note(self) -> str:
        if self.kind == "rename":
            return (f"'{self.category}' weighs as '{self.successors[0]}' ({self.weight:g}), its new "
                    f"name from {self.month}")
        names = " and ".join(f"'{s}'" for s in self.successors)
        return (f"'{self.category}' takes the lower of the weights of {names} ({self.weight:g}), "
                f"the types it was split into in {self.month}")


def _successor_weight(category: str, lookup: Mapping[str, float], scheme: CategoryScheme,
                      seen: frozenset[str]) -> InheritedWeight | None:
    key = normalise_category(category)
    for change in scheme.changes:
        if key not in {normalise_category(c) for c in change.old_only}:
            continue
        weights = []
        for successor in change.new:
            own = lookup.get(normalise_category(successor))
            if own is None and normalise_category(successor) not in seen:
                found = _successor_weight(successor, lookup, scheme, seen | {key})
                own = None if found is None else found.weight
            if own is not None:
                weights.append(own)
        if weights and len(weights) == len(change.new):
            kind = "rename" if len(change.new) == 1 else "split"
            return InheritedWeight(category, min(weights), change.new, kind, f"{change.month:%B %Y}")
    return None


def inherited_weights(categories: Iterable[str], lookup: Mapping[str, float],
                      scheme: CategoryScheme | str = "police-uk") -> dict[str, InheritedWeight]:
    """For each of ``categories`` without a weight in ``lookup`` (normalised category -> weight)
    that a change of ``scheme`` retired, the weight it takes from its successors (rules in the
    module docstring). Types with a weight of their own, or no weighted successors, are left out."""
    chosen = load_scheme(scheme) if isinstance(scheme, str) else scheme
    found: dict[str, InheritedWeight] = {}
    for category in dict.fromkeys(categories):
        if normalise_category(category) in lookup:
            continue
        inherited = _successor_weight(category, lookup, chosen, frozenset())
        if inherited is not None:
            found[category] = inherited
    return found

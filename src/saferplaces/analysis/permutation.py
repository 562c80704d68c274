"""Permutation-test plumbing shared by the analyses: seeds and the pseudo p-value.

Seeds. Every randomised analysis takes ``seed`` as an int, ``None`` (fresh entropy) or a
``numpy.random.Generator`` (the caller's stream, e.g. one generator driving several periods).
:func:`as_generator` turns it into a Generator; :func:`seed_record` is what the result stores
so that the run can be repeated (a Generator's state cannot be written down, so a label says
the caller supplied one).

Pseudo p-value. With ``R`` permutations of which ``r`` give a statistic at least as extreme as
the observed one, the Monte Carlo p-value is ``(r + 1) / (R + 1)``: the observed data count as
one more draw from the null, so the p-value is never 0 and the test is exact (Davison &
Hinkley 1997, ch. 4.2; North, Curtis & Sham 2002). It cannot go below ``1 / (R + 1)``.

References
----------
- Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
  Cambridge University Press, section 4.2.
- North, B. V., Curtis, D. & Sham, P. C. (2002). A note on the calculation of empirical P
  values from Monte Carlo procedures. *American Journal of Human Genetics* 71(2), 439–441.
"""

from __future__ import annotations

from typing import Any, TypeAlias, overload

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "GENERATOR_RECORD",
    "PSEUDO_P_REFERENCE",
    "Seed",
    "as_generator",
    "pseudo_p_value",
    "seed_record",
]

#: A seed as the analyses accept it: an int, None (fresh entropy) or the caller's Generator.
Seed: TypeAlias = int | np.random.Generator | None

#: The seed record of a run driven by a caller's Generator (whose state is not recorded).
GENERATOR_RECORD = "numpy.random.Generator supplied by caller"

PSEUDO_P_REFERENCE = (
    "Permutation pseudo p-value (r + 1) / (R + 1) (Davison & Hinkley 1997; North, Curtis & "
    "Sham 2002)"
)


def as_generator(seed: Seed) -> np.random.Generator:
    """The ``numpy.random.Generator`` for ``seed``: the caller's Generator itself (its stream
    continues), else ``numpy.random.default_rng(seed)`` (PCG64; ``None`` draws fresh entropy
    from the OS)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


@overload
def seed_record(seed: Seed, generator: str = ...) -> int | str | None: ...


@overload
def seed_record(seed: Seed, generator: None) -> int | None: ...


def seed_record(seed: Seed, generator: str | None = GENERATOR_RECORD) -> int | str | None:
    """What a result stores about ``seed`` so the run can be repeated: the int seed, ``None``
    (unseeded, not repeatable), or ``generator`` (a label, or ``None``) when the caller passed
    a Generator, whose state is not recorded."""
    if isinstance(seed, np.random.Generator):
        return generator
    return seed


@overload
def pseudo_p_value(
    n_extreme: int | np.integer[Any], permutations: int, *, sides: int = 1
) -> np.float64: ...


@overload
def pseudo_p_value(
    n_extreme: NDArray[np.integer[Any]] | NDArray[np.float64],
    permutations: int,
    *,
    sides: int = 1,
) -> NDArray[np.float64]: ...


def pseudo_p_value(
    n_extreme: int | np.integer[Any] | NDArray[np.integer[Any]] | NDArray[np.float64],
    permutations: int,
    *,
    sides: int = 1,
) -> np.float64 | NDArray[np.float64]:
    """Monte Carlo pseudo p-value ``sides · (r + 1) / (R + 1)`` (Davison & Hinkley 1997;
    North, Curtis & Sham 2002).

    ``n_extreme`` is ``r``, the number of the ``permutations`` (``R``) simulated statistics at
    least as extreme as the observed one (a count, or an array of counts, one per test);
    ``sides`` is 2 for a two-sided test that doubles the smaller tail (the caller caps it at
    1). Computed in float64 as ``(sides · (r + 1.0)) / (R + 1.0)``, exact integer arithmetic
    up to the division, so it equals ``(r + 1) / (R + 1)`` bit for bit when ``sides`` is 1.
    """
    return np.float64(sides) * (np.asarray(n_extreme, dtype=np.float64) + 1.0) / (
        float(permutations) + 1.0
    )

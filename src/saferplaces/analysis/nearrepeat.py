"""Near-repeat analysis: space-time pair counts against a permutation null.

Two statistics of one family:

- :func:`near_repeat` — the multi-band table of Ratcliffe's Near Repeat Calculator (NRC,
  Ratcliffe 2009, manual v1.3): every pair of events is placed in a distance band × time band
  cell; the observed count of each cell is compared with its mean over Monte Carlo permutations
  of the dates among the events (Knox ratio and pseudo p-value per cell).
- :func:`knox` — the single-band Knox (1964) test, with the conventions of
  ``pointpats.spacetime.Knox``: the Poisson-approximation p-value and a permutation p-value.

How it runs fast in little memory. All pairs of events closer than the largest distance band
are found once (``nearrepeat_pairs``: a sweep along x for small inputs, a k-d tree for large
ones; memory proportional to those pairs, never n²). Because a permutation only re-labels the
dates, each iteration just recounts the time difference of each stored pair, several
permutations per pass over the pairs. Large problems (iterations × (stored pairs + 5 ×
events) of at least ``JIT_WORK``) run compiled kernels (numba, in parallel); smaller ones run
the plain numpy versions of the same kernels (``nearrepeat_numpy``), because importing numba
and loading its machine code costs about 0.4 s, more than numpy takes on them. The two give
the same numbers bit for bit: both draw the permutations from the same uniforms of the
caller's numpy Generator, and a permutation shuffles the dates in input order, whatever
numbering the pair search gave the events. The pairs farther apart than the largest distance
band are never enumerated: the number of all pairs in each time band does not depend on the
permutation (it is fixed by the multiset of dates), so it is counted once from the sorted dates,
and the "beyond" distance row is that total minus the pairs within the distance bands. Likewise the "beyond" time column is
the (fixed) number of pairs in each distance band minus the pairs within the time bands.

Layout: this module holds the public functions and the engine that drives the kernels
(compiled in ``nearrepeat_kernels``, plain numpy in ``nearrepeat_numpy``); the pair search is in
``nearrepeat_pairs``, the result types in ``nearrepeat_result`` and the input checks in
``nearrepeat_inputs``. Import the public names from here. Seeds and the pseudo
p-value come from :mod:`saferplaces.analysis.permutation`.

References
----------
- Knox, E. G. (1964). The detection of space-time interactions. *Journal of the Royal
  Statistical Society, Series C (Applied Statistics)* 13(1), 25–30.
- Johnson, S. D., Bernasco, W., Bowers, K. J., Elffers, H., Ratcliffe, J., Rengert, G. &
  Townsley, M. (2007). Space-time patterns of risk: a cross national assessment of residential
  burglary victimization. *Journal of Quantitative Criminology* 23(3), 201–219.
- Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3) and its manual. Temple
  University, Philadelphia, and the National Institute of Justice, Washington, DC.
- Rogerson, P. A. (2001). *Statistical Methods for Geography*. Sage (Knox test, Poisson
  approximation, as used by ``pointpats.spacetime.Knox``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from saferplaces.analysis.nearrepeat_inputs import (
    as_days,
    check_coords,
    check_edges,
    check_precision,
    shared_location_fraction,
)
from saferplaces.analysis.nearrepeat_numpy import (
    CountArray,
    DateArray,
    FloatArray,
    Int32Array,
    count_pairs,
    pairs_within_time,
    shuffled_dates,
)
from saferplaces.analysis.nearrepeat_pairs import SWEEP_CANDIDATES, Pairs, find_pairs
from saferplaces.analysis.nearrepeat_result import (
    KnoxResult,
    NearRepeatResult,
    band_bounds,
    band_labels,
)
from saferplaces.analysis.permutation import Seed, as_generator, pseudo_p_value, seed_record

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "JIT_WORK",
    "SHARED_LOCATION_WARN_FRACTION",
    "KnoxResult",
    "NearRepeatDataWarning",
    "NearRepeatResult",
    "SnappedLocationWarning",
    "knox",
    "near_repeat",
    "near_repeat_incidents",
]

#: Warn when more than this fraction of events share their exact coordinates with another
#: event: short distances then mostly measure how locations were snapped, not behaviour.
SHARED_LOCATION_WARN_FRACTION: float = 0.2

REFERENCES: tuple[str, ...] = (
    "Knox, E. G. (1964). The detection of space-time interactions. Applied Statistics 13(1), "
    "25-30.",
    "Johnson, S. D. et al. (2007). Space-time patterns of risk: a cross national assessment of "
    "residential burglary victimization. Journal of Quantitative Criminology 23(3), 201-219.",
    "Ratcliffe, J. H. (2009). Near Repeat Calculator (version 1.3) and manual. Temple "
    "University and the National Institute of Justice.",
)

BAND_CONVENTION = (
    "Bands are given by their edges, starting at 0. The first band includes both edges "
    "[e0, e1]; each later band excludes its lower edge and includes its upper edge (e_k, e_k+1]; "
    "pairs beyond the last edge form a final 'more than' band. With same_location=True, "
    "distance exactly 0 is its own row and the first distance band becomes (0, e1], as in the "
    "Near Repeat Calculator. Time differences are absolute, in days."
)
EXPECTED_CONVENTION = (
    "Expected count of a cell = mean count over the Monte Carlo iterations, each of which "
    "randomly permutes the dates among the events (locations fixed)."
)
P_VALUE_CONVENTION = (
    "Pseudo p-value = (number of iterations with count >= observed + 1) / (iterations + 1), "
    "one-sided for more pairs than expected, as the Near Repeat Calculator reports."
)

#: The compiled (numba) kernels run when iterations × (stored pairs + 5 × events) reaches
#: this; below it the plain numpy kernels do, which are quicker there than importing numba and
#: loading its cached machine code (0.35–0.45 s). Measured on 200 to 20,000 events: per
#: iteration numpy takes about 6–10 ns a stored pair and 35–50 ns an event (the shuffle), the
#: compiled kernels about 3–6 ns a pair, so the two break even between 5e7 and 1e8.
JIT_WORK = 50_000_000

# Permutations handled in one pass over the stored pairs: the permuted dates of one event for
# all of them sit in two cache lines (32 int32 = 128 bytes).
_PERMUTATIONS_PER_PASS = 32
# The numpy kernels handle many permutations per pass (one Python step per event and pass),
# as many as keep a block of events × permutations within this many dates.
_NUMPY_BLOCK = 1 << 20


class NearRepeatDataWarning(UserWarning):
    """The data limit what the near-repeat table can show (e.g. dates that look monthly)."""


class SnappedLocationWarning(NearRepeatDataWarning):
    """Locations are snapped or heavily shared, so short-distance bands are unreliable."""


# --------------------------------------------------------------------------------------------
# Shared engine
# --------------------------------------------------------------------------------------------

# Whole-day differences are banded with a lookup table of this many entries at most.
_MAX_LOOKUP_DAYS = 10_000_000
# Below these sizes the compiled kernels run serially (see the note in nearrepeat_kernels).
# Tests and the benchmark set these two on this module to force the parallel kernels, and
# _JIT_WORK and _SWEEP_CANDIDATES to choose the kernels and the pair search.
_PARALLEL_PAIRS = 200_000
_PARALLEL_EVENTS = 20_000
_JIT_WORK = JIT_WORK
_SWEEP_CANDIDATES = SWEEP_CANDIDATES


class _TimeCounter:
    """Counts the stored pairs per (distance row, time band) for blocks of date assignments,
    choosing the whole-day kernel (lookup table) when every date is a whole number of days,
    and the compiled kernels when ``iterations`` × (stored pairs + 5 × events) reaches
    ``_JIT_WORK`` (see ``JIT_WORK``)."""

    dates: DateArray  # in input order (what a permutation shuffles)
    numbered: DateArray  # row position[e] holds event e's date (what the kernels read)
    lut: Int32Array

    def __init__(self, pairs: Pairs, days: FloatArray, upper_t: FloatArray, iterations: int) -> None:
        self.pairs = pairs
        self.upper = upper_t
        self.compiled = iterations * (pairs.i.size + 5 * days.size) >= _JIT_WORK
        self.n_chunks = 1
        if self.compiled and pairs.i.size >= _PARALLEL_PAIRS:
            import numba

            self.n_chunks = 4 * numba.get_num_threads()
        self.parallel_shuffle = days.size >= _PARALLEL_EVENTS
        span = float(days.max() - days.min())
        self.whole_days = bool(
            np.all(days == np.floor(days))
            and span < 2**31 - 1
            and np.floor(upper_t[-1]) < _MAX_LOOKUP_DAYS
        )
        if self.whole_days:
            self.dates = (days - days.min()).astype(np.int32)
            steps = np.arange(int(np.floor(upper_t[-1])) + 1, dtype=np.float64)
            self.lut = np.searchsorted(upper_t, steps, side="left").astype(np.int32)
        else:
            self.dates = days.astype(np.float64)
        self.numbered = np.empty_like(self.dates)
        self.numbered[pairs.position] = self.dates

    def count(self, block: DateArray) -> CountArray:
        """Inner counts (k, rows, time bands) for a (n_events, k) block of dates."""
        p = self.pairs
        k = block.shape[1]
        n_cols = self.upper.size
        if not self.compiled:
            lut = self.lut if self.whole_days else None
            counts = count_pairs(p.i, p.j, p.row, block, self.upper, lut, p.n_rows)
            return counts.transpose(2, 0, 1)
        from saferplaces.analysis import nearrepeat_kernels as kernels

        if self.whole_days:
            partial = np.zeros((self.n_chunks, p.n_rows * n_cols * k), dtype=np.int64)
            lut_k = self.lut * k
            whole = cast(Int32Array, block)  # whole_days: the dates are int32
            if self.n_chunks == 1:
                kernels.count_range_whole_days(
                    p.i, p.j, p.row, whole, lut_k, n_cols * k, 0, p.i.size, partial[0]
                )
            else:
                kernels.count_chunks_whole_days(p.i, p.j, p.row, whole, lut_k, n_cols * k, partial)
        else:
            partial = np.zeros((self.n_chunks, p.n_rows, n_cols, k), dtype=np.int64)
            fractional = cast(FloatArray, block)  # not whole_days: the dates are float64
            if self.n_chunks == 1:
                kernels.count_range_fractional_days(
                    p.i, p.j, p.row, fractional, self.upper, 0, p.i.size, partial[0]
                )
            else:
                kernels.count_chunks_fractional_days(
                    p.i, p.j, p.row, fractional, self.upper, partial
                )
        total: CountArray = partial.sum(axis=0)
        return total.reshape(p.n_rows, n_cols, k).transpose(2, 0, 1)

    def observed(self) -> CountArray:
        """Inner counts (rows, time bands) for the observed dates."""
        counts: CountArray = self.count(self.numbered[:, None].copy())[0]
        return counts

    def permuted(self, iterations: int, rng: np.random.Generator) -> CountArray:
        """Inner counts (iterations, rows, time bands) under random permutations of the dates
        among the events, several permutations per pass over the pairs. Permutation s shuffles
        the dates in input order with the next n uniforms of ``rng`` (Fisher–Yates), so the
        numbers do not depend on the kernels or on how the pair search numbered the events."""
        n = self.dates.size
        sims = np.empty((iterations, self.pairs.n_rows, self.upper.size), dtype=np.int64)
        per_pass = (
            _PERMUTATIONS_PER_PASS if self.compiled else max(_PERMUTATIONS_PER_PASS, _NUMPY_BLOCK // n)
        )
        done = 0
        while done < iterations:
            k = min(per_pass, iterations - done)
            uniforms = rng.random((k, n))
            if self.compiled:
                from saferplaces.analysis import nearrepeat_kernels as kernels

                fill = (
                    kernels.fill_shuffled_parallel
                    if self.parallel_shuffle
                    else kernels.fill_shuffled_serial
                )
                block = np.empty((n, k), dtype=self.dates.dtype)
                fill(block, self.dates, uniforms, self.pairs.position)
            else:
                block = shuffled_dates(self.dates, uniforms, self.pairs.position)
            sims[done : done + k] = self.count(block)
            done += k
        return sims


def _complete_tables(
    inner: CountArray, row_totals: CountArray, col_totals: CountArray, n_pairs: int
) -> CountArray:
    """Add the "more than" column and row to (k, rows, cols) inner counts.

    ``row_totals`` are the (permutation-invariant) pairs in each distance row; ``col_totals``
    the (permutation-invariant) pairs of all events in each time band.
    """
    k, rows, cols = inner.shape
    full = np.zeros((k, rows + 1, cols + 1), dtype=np.int64)
    full[:, :rows, :cols] = inner
    full[:, :rows, cols] = row_totals[None, :] - inner.sum(axis=2)
    full[:, rows, :cols] = col_totals[None, :] - inner.sum(axis=1)
    full[:, rows, cols] = n_pairs - full.sum(axis=(1, 2))
    return full


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def near_repeat(
    x: Any,
    y: Any,
    t: Any,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    iterations: int = 999,
    seed: Seed = 0,
    metric: Literal["euclidean", "manhattan"] = "euclidean",
    precision: str | Sequence[str] | np.ndarray = "day",
    snapped: bool = False,
    same_location: bool = True,
) -> NearRepeatResult:
    """Near Repeat Calculator analysis (Ratcliffe 2009; Knox 1964; Johnson et al. 2007).

    Counts every pair of events (i < j) in each distance band × time band, and compares each
    count with its distribution when the dates are randomly permuted among the events
    (locations fixed): expected = mean permuted count, Knox ratio = observed / expected,
    pseudo p-value = (#iterations with count >= observed + 1) / (iterations + 1).

    Parameters
    ----------
    x, y
        Event coordinates in metres (British National Grid easting / northing).
    t
        Event dates: numbers of days, or datetime64 (converted to whole days — the date).
    distance_bands, time_bands
        Band edges starting at 0, e.g. ``[0, 100, 200, 300, 400]`` metres and
        ``[0, 7, 14, 21, 28]`` days. The first band is [0, 100], the next (100, 200], etc.
        (lower edge exclusive, upper inclusive, except the first band which includes 0);
        pairs beyond the last edge form a "More than" band, which is part of the table.
    iterations
        Monte Carlo permutations (the NRC's default is 999).
    seed
        Seed or ``numpy.random.Generator`` for the permutations.
    metric
        ``"euclidean"`` (straight line) or ``"manhattan"`` (|dx| + |dy|), as in the NRC.
    precision
        Date precision: ``"day"`` (or finer), or the incident table's ``precision`` column.
        Month precision is refused with ``ValueError``: police.uk gives only the month, so the
        days between events are unknown.
    snapped
        Set when locations are snapped to anonymous map points; a
        :class:`SnappedLocationWarning` is raised and the result flagged. The same happens
        when more than ``SHARED_LOCATION_WARN_FRACTION`` of events share exact coordinates.
    same_location
        Split distance exactly 0 (repeats at the same place) into its own "Same location"
        row, as the NRC does; the first distance band then becomes (0, e1].

    Notes
    -----
    Memory grows with the number of pairs closer than the last distance edge (9 bytes a pair
    kept, about 30 while they are found), never with n²: pairs farther apart are counted
    through the permutation-invariant totals per time band (see the module docstring).
    """
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    if metric not in ("euclidean", "manhattan"):
        raise ValueError(f"metric must be 'euclidean' or 'manhattan', not {metric!r}")
    precision_label = check_precision(precision)
    days = as_days(t)
    xa, ya = check_coords(x, y, days)
    d_edges = check_edges(distance_bands, "distance_bands")
    t_edges = check_edges(time_bands, "time_bands")

    messages: list[str] = []
    shared = shared_location_fraction(xa, ya)
    if snapped:
        messages.append(
            "Locations are snapped to map points: pairs a short distance apart (under about "
            "100 m) mostly measure the snapping, not repeat victimisation."
        )
    if shared > SHARED_LOCATION_WARN_FRACTION:
        messages.append(
            f"{shared:.0%} of events share their exact coordinates with another event: "
            "the locations look snapped or geocoded to a few points, so the shortest distance "
            "bands mostly measure that."
        )
    if days.size >= 20 and np.issubdtype(np.asarray(t).dtype, np.datetime64):
        d = np.asarray(t).astype("datetime64[D]")
        if np.all(d == d.astype("datetime64[M]").astype("datetime64[D]")):
            messages.append(
                "Every date falls on the first of a month: the data may be month-precision "
                "(police.uk style), in which case time bands shorter than a month mean nothing."
            )
    snapping_flag = snapped or shared > SHARED_LOCATION_WARN_FRACTION
    for message in messages:
        category = (
            NearRepeatDataWarning if "first of a month" in message else SnappedLocationWarning
        )
        warnings.warn(message, category, stacklevel=2)

    n = xa.size
    n_pairs = n * (n - 1) // 2
    upper_d = d_edges[1:]
    upper_t = t_edges[1:]
    pairs = find_pairs(xa, ya, upper_d, metric, same_location, _SWEEP_CANDIDATES)
    counter = _TimeCounter(pairs, days, upper_t, iterations)

    row_totals = np.bincount(pairs.row, minlength=pairs.n_rows).astype(np.int64)
    cumulative = pairs_within_time(np.sort(days), upper_t)
    col_totals = np.diff(cumulative, prepend=0)

    observed_inner = counter.observed()[None]
    observed = _complete_tables(observed_inner, row_totals, col_totals, n_pairs)[0]

    sims_inner = counter.permuted(iterations, as_generator(seed))
    sims = _complete_tables(sims_inner, row_totals, col_totals, n_pairs)
    del sims_inner
    expected = sims.mean(axis=0)
    exceed = (sims >= observed[None, :, :]).sum(axis=0)
    p_value = pseudo_p_value(exceed, iterations)
    with np.errstate(divide="ignore", invalid="ignore"):
        knox_ratio = np.where(
            expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan
        )

    parameters: dict[str, Any] = {
        "method": "Near Repeat Calculator (Ratcliffe 2009): Knox-type pair counts per "
        "distance x time band against Monte Carlo permutation of dates",
        "references": list(REFERENCES),
        "iterations": int(iterations),
        "seed": seed_record(seed),
        "metric": metric,
        "same_location": bool(same_location),
        "distance_edges_m": d_edges.tolist(),
        "time_edges_days": t_edges.tolist(),
        "distance_unit": "metres",
        "time_unit": "days",
        "precision": precision_label,
        "snapped": bool(snapped),
        "shared_location_fraction": shared,
        "n_events": int(n),
        "n_pairs": int(n_pairs),
        "n_pairs_within_largest_distance": int(pairs.i.size),
        "snapping_warning": bool(snapping_flag),
        "warnings": list(messages),
        "conventions": {
            "bands": BAND_CONVENTION,
            "expected": EXPECTED_CONVENTION,
            "p_value": P_VALUE_CONVENTION,
            "knox_ratio": "observed / expected; null where expected is 0",
        },
    }
    for array in (observed, expected, knox_ratio, p_value):
        array.setflags(write=False)
    return NearRepeatResult(
        observed=observed,
        expected=expected,
        knox_ratio=knox_ratio,
        p_value=p_value,
        distance_edges=tuple(float(e) for e in d_edges),
        time_edges=tuple(float(e) for e in t_edges),
        distance_bands=band_bounds(d_edges, same_location),
        time_bands=band_bounds(t_edges, False),
        distance_labels=band_labels(d_edges, same_location),
        time_labels=band_labels(t_edges, False),
        snapping_warning=bool(snapping_flag),
        warnings=tuple(messages),
        parameters=parameters,
    )


def near_repeat_incidents(
    incidents: pd.DataFrame,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    time_column: str = "occurred",
    snapped: bool | None = None,
    **kwargs: Any,
) -> NearRepeatResult:
    """:func:`near_repeat` on the incident table (``x``, ``y``, ``occurred``, ``precision``).

    Month-precision rows are refused. ``snapped`` defaults to True when any row comes from
    police.uk (``source == "police-uk"``), whose locations are snapped to anonymous points.
    Other keywords pass through to :func:`near_repeat` (Ratcliffe 2009; Knox 1964).
    """
    precision = incidents.get("precision", "day")
    if snapped is None:
        snapped = bool("source" in incidents and (incidents["source"] == "police-uk").any())
    return near_repeat(
        incidents["x"].to_numpy(),
        incidents["y"].to_numpy(),
        incidents[time_column].to_numpy(),
        distance_bands=distance_bands,
        time_bands=time_bands,
        precision=np.asarray(precision) if not isinstance(precision, str) else precision,
        snapped=snapped,
        **kwargs,
    )


def knox(
    x: Any,
    y: Any,
    t: Any,
    delta: float,
    tau: float,
    *,
    permutations: int = 999,
    seed: Seed = 0,
    metric: Literal["euclidean", "manhattan"] = "euclidean",
) -> KnoxResult:
    """Knox (1964) test of space-time interaction for one distance and one time threshold.

    Conventions follow ``pointpats.spacetime.Knox`` (Rogerson 2001): a pair is close in space
    when distance <= ``delta`` and close in time when |dt| <= ``tau``; the statistic is the
    number of pairs close in both; its expectation is NS·NT / (n(n−1)/2) (NS, NT: pairs close
    in space, in time); ``p_poisson`` = 1 − F(statistic) for F the Poisson(expectation) cdf,
    i.e. P(X > statistic) (computed as the survival function, so a tiny p stays accurate where
    ``1 - cdf`` rounds to 0); ``p_sim`` = (#permutations of the dates with count >= statistic
    + 1) / (permutations + 1).
    """
    if permutations < 0:
        raise ValueError("permutations must be 0 or more")
    if metric not in ("euclidean", "manhattan"):
        raise ValueError(f"metric must be 'euclidean' or 'manhattan', not {metric!r}")
    if not (delta >= 0 and tau >= 0):
        raise ValueError("delta and tau must be non-negative")
    days = as_days(t)
    xa, ya = check_coords(x, y, days)
    n = xa.size
    n_pairs = n * (n - 1) // 2
    upper_d = np.array([float(delta)])
    upper_t = np.array([float(tau)])
    pairs = find_pairs(xa, ya, upper_d, metric, False, _SWEEP_CANDIDATES)
    counter = _TimeCounter(pairs, days, upper_t, permutations)
    ns = int(pairs.i.size)
    nt = int(pairs_within_time(np.sort(days), upper_t)[0])
    nst = int(counter.observed()[0, 0])
    enst = ns * nt / n_pairs
    observed = np.array([[nst, ns - nst], [nt - nst, n_pairs - ns - nt + nst]], dtype=float)
    expected_table = np.array(
        [[enst, ns - enst], [nt - enst, n_pairs - ns - nt + enst]], dtype=float
    )
    # P(X > statistic); with no close pairs at all the expectation is 0 and so is P. Imported
    # here: scipy.stats takes about a second to import, and near_repeat does not need it.
    from scipy.stats import poisson

    p_poisson = float(poisson.sf(nst, enst)) if enst > 0 else 0.0
    p_sim: float | None = None
    if permutations > 0:
        sims = counter.permuted(permutations, as_generator(seed))[:, 0, 0]
        p_sim = float(pseudo_p_value((sims >= nst).sum(), permutations))
    parameters = {
        "method": "Knox test (Knox 1964) with pointpats.spacetime.Knox conventions",
        "references": [
            REFERENCES[0],
            "Rogerson, P. A. (2001). Statistical Methods for Geography. Sage.",
        ],
        "delta": float(delta),
        "tau": float(tau),
        "permutations": int(permutations),
        "seed": seed_record(seed),
        "metric": metric,
        "n_events": int(n),
        "conventions": {
            "close": "distance <= delta and |dt| <= tau",
            "p_poisson": "P(X > statistic), X ~ Poisson(expected)",
            "p_sim": "(#permutations with count >= statistic + 1) / (permutations + 1)",
        },
    }
    observed.setflags(write=False)
    expected_table.setflags(write=False)
    return KnoxResult(
        statistic=nst,
        expected=float(enst),
        observed=observed,
        expected_table=expected_table,
        n_spatial_pairs=ns,
        n_temporal_pairs=nt,
        n_pairs=int(n_pairs),
        p_poisson=p_poisson,
        p_sim=p_sim,
        parameters=parameters,
    )

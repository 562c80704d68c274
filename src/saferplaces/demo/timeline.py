"""The generated period and the month-by-month rate multipliers (seasonality and trend)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import RISING_TREND, SEASONALITY

__all__ = ["Period", "monthly_rates", "seasonal_factor", "trend_factor"]


@dataclass(frozen=True)
class Period:
    """``months`` consecutive calendar months ending with ``end_month`` ("YYYY-MM")."""

    end_month: str
    n_months: int

    def __post_init__(self) -> None:
        if self.n_months < 1:
            raise ValueError("months must be at least 1")
        np.datetime64(self.end_month, "M")  # raises on a malformed month

    @property
    def months(self) -> np.ndarray:
        end = np.datetime64(self.end_month, "M")
        return np.arange(end - (self.n_months - 1), end + 1, dtype="datetime64[M]")

    @property
    def first_day(self) -> np.datetime64:
        return np.datetime64(self.months[0], "D")

    @property
    def last_day(self) -> np.datetime64:
        return np.datetime64(self.months[-1] + 1, "D") - 1

    @property
    def month_starts(self) -> np.ndarray:
        return self.months.astype("datetime64[D]")

    @property
    def days_in_month(self) -> np.ndarray:
        m = self.months
        days: np.ndarray = ((m + 1).astype("datetime64[D]") - m.astype("datetime64[D]")).astype(np.int64)
        return days

    @property
    def calendar_month(self) -> np.ndarray:
        """1..12 for each month of the period."""
        return (self.months.astype(np.int64) % 12) + 1

    def month_start(self, months_before_end: int) -> np.datetime64:
        """First day of the month ``months_before_end`` months before the last (clipped)."""
        i = max(0, self.n_months - 1 - months_before_end)
        return np.datetime64(self.month_starts[i], "D")

    def random_days(self, month_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A uniformly random day inside each given month (index into ``months``)."""
        month_index = np.asarray(month_index, np.int64)
        offset = np.floor(rng.uniform(0, 1, month_index.size)
                          * self.days_in_month[month_index]).astype(np.int64)
        days: np.ndarray = self.month_starts[month_index] + offset.astype("timedelta64[D]")
        return days

    def uniform_days(self, start: np.datetime64, end: np.datetime64, n: int,
                     rng: np.random.Generator) -> np.ndarray:
        """``n`` days uniformly between ``start`` and ``end`` inclusive."""
        span = int((end - start).astype(np.int64)) + 1
        return start + rng.integers(0, span, n).astype("timedelta64[D]")


def seasonal_factor(period: Period, category: str) -> np.ndarray:
    """``1 + amplitude × cos(2π (calendar month − peak month) / 12)`` for seasonal categories."""
    seasonal = (set(SEASONALITY["categories"]) | set(SEASONALITY["council_categories"])
                | set(SEASONALITY["fire_categories"]))
    if category not in seasonal:
        return np.ones(period.n_months)
    phase = 2 * np.pi * (period.calendar_month - SEASONALITY["peak_month"]) / 12
    return 1 + SEASONALITY["amplitude"] * np.cos(phase)


def trend_factor(period: Period, category: str, plant_trend: bool) -> np.ndarray:
    """``(1 + annual growth) ** (months since start / 12)`` for the rising category."""
    if not plant_trend or category != RISING_TREND["category"]:
        return np.ones(period.n_months)
    return (1 + RISING_TREND["annual_growth"]) ** (np.arange(period.n_months) / 12)


def monthly_rates(annual: float, category: str, period: Period, scale: float,
                  plant_trend: bool) -> np.ndarray:
    """Expected count in each month: annual / 12 × scale × seasonality × trend."""
    rates: np.ndarray = (annual / 12 * scale * seasonal_factor(period, category)
                         * trend_factor(period, category, plant_trend))
    return rates

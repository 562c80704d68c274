"""Concentration at places: hand-worked small cases and an independent Gini formula."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from saferplaces.analysis.concentration import (
    concentration,
    generalised_gini,
    gini,
    lorenz_curve,
    place_counts,
    places_for_share,
    repeat_locations,
    top_share,
)

FIVE_PLACES = [5, 3, 1, 1, 0]  # 10 incidents over 5 places


def test_gini_hand_worked():
    # Sorted 0,1,1,3,5 with weights (2i - n - 1) = -4,-2,0,2,4: (0 - 2 + 0 + 6 + 20) / (5 * 10).
    assert gini(FIVE_PLACES) == pytest.approx(0.48)
    assert gini([3, 3, 3]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)  # 1 - 1/n when one place has everything


def test_gini_equals_the_mean_absolute_difference_definition():
    rng = np.random.default_rng(1)
    x = rng.poisson(rng.gamma(0.5, 4.0, size=200)).astype(float)
    mad = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(mad, rel=1e-12)


def test_generalised_gini_compares_with_maximal_equality():
    # 2 incidents over 4 places, at different places: as equal as the data allow.
    assert gini([0, 0, 1, 1]) == pytest.approx(0.5)
    assert generalised_gini([0, 0, 1, 1]) == pytest.approx(0.0)
    # Both at one place: 1 - 1/N, mirroring 1 - 1/n for the ordinary Gini.
    assert generalised_gini([0, 0, 0, 2]) == pytest.approx(0.5)
    # As many incidents as places or more: identical to the ordinary Gini.
    assert generalised_gini(FIVE_PLACES) == pytest.approx(gini(FIVE_PLACES))


def test_generalised_gini_needs_whole_counts():
    with pytest.raises(ValueError):
        generalised_gini([0.5, 1.0, 0.0])


def test_top_shares_hand_worked_with_interpolation():
    assert top_share(FIVE_PLACES, 0.2) == pytest.approx(0.5)    # the top place: 5 of 10
    assert top_share(FIVE_PLACES, 0.4) == pytest.approx(0.8)    # 5 + 3
    assert top_share(FIVE_PLACES, 0.1) == pytest.approx(0.25)   # half a place of 5
    assert top_share(FIVE_PLACES, 1.0) == pytest.approx(1.0)
    assert places_for_share(FIVE_PLACES, 0.5) == pytest.approx(0.2)
    assert places_for_share(FIVE_PLACES, 0.25) == pytest.approx(0.1)
    assert places_for_share(FIVE_PLACES, 0.9) == pytest.approx(0.6)  # 5+3+1 = 9 of 10


def test_places_with_no_incidents_count_when_a_universe_is_given():
    df = pd.DataFrame({"lsoa_code": ["A", "A", "A", "B", None, ""]})
    counts = place_counts(df, "lsoa_code", universe=["A", "B", "C", "D"])
    assert counts.to_dict() == {"A": 3.0, "B": 1.0, "C": 0.0, "D": 0.0}
    assert top_share(counts, 0.25) == pytest.approx(0.75)
    # Without the empty places the same data look less concentrated.
    assert top_share(place_counts(df, "lsoa_code"), 0.25) < 0.75


def test_places_outside_the_universe_are_refused():
    df = pd.DataFrame({"lsoa_code": ["A", "Z"]})
    with pytest.raises(ValueError, match="not in the universe"):
        place_counts(df, "lsoa_code", universe=["A", "B"])


def test_lorenz_curve_hand_worked():
    x, y = lorenz_curve(FIVE_PLACES)
    np.testing.assert_allclose(x, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(y, [0, 0, 0.1, 0.2, 0.5, 1.0])
    # Gini = 1 - 2 * area under the Lorenz curve (trapezoids).
    area = float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(x)))
    assert gini(FIVE_PLACES) == pytest.approx(1 - 2 * area)


def test_repeat_locations_hand_worked():
    table = repeat_locations(FIVE_PLACES, thresholds=(2, 3, 5)).set_index("min_incidents")
    assert table.loc[2, "places"] == 2 and table.loc[2, "share_of_places"] == pytest.approx(0.4)
    assert table.loc[2, "share_of_incidents"] == pytest.approx(0.8)
    assert table.loc[5, "places"] == 1 and table.loc[5, "incidents"] == 5


def test_no_incidents_gives_missing_measures_not_errors():
    assert np.isnan(gini([0, 0, 0]))
    assert np.isnan(top_share([0, 0], 0.5))


def test_concentration_result_collects_everything_and_serialises():
    counts = pd.Series(FIVE_PLACES, index=pd.Index(list("abcde"), name="cell"))
    result = concentration(counts, fractions=(0.2,), shares=(0.5,))
    assert result.n_places == 5 and result.n_places_with_incidents == 4
    assert result.top_shares == {0.2: pytest.approx(0.5)}
    assert result.places_for == {0.5: pytest.approx(0.2)}
    assert list(result.top_places.index[:2]) == ["a", "b"]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["gini"] == pytest.approx(0.48) and data["lorenz_y"][-1] == 1.0
    assert data["top_places"][0] == {"cell": "a", "incidents": 5.0, "share": 0.5}

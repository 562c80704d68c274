"""Follow-ups to awkward real-world inputs in the analyses: a point on the edge between two areas
counts once, historical police.uk types carry harm weights, and evaluate says how it scaled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from saferplaces.analysis.evaluation import evaluate_intervention
from saferplaces.spatial import AreaIndex, assign_points


def box(west: float, south: float, east: float, north: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


def test_a_point_on_the_edge_between_two_wards_counts_in_one_ward_only():
    # two adjoining wards sharing the edge at longitude 0.9; a district covering both
    index = AreaIndex.build([1, 2, 3], ["ward", "ward", "district"], ["W2", "W1", "D1"],
                            [box(0.8, 51.8, 0.9, 51.9), box(0.9, 51.8, 1.0, 51.9), box(0.8, 51.8, 1.0, 51.9)])
    lon = np.array([0.9, 0.9, 0.85, 0.95, 0.9])
    lat = np.array([51.85, 51.85, 51.85, 51.85, 51.9])  # edge, edge again, west inside, east inside, corner
    rows, areas = assign_points(index, lon, lat)
    pairs = list(zip(rows.tolist(), areas.tolist(), strict=True))
    wards = [(r, a) for r, a in pairs if a in (1, 2)]
    # every point in exactly one ward; edge points in the ward with the lowest code (W1, id 2)
    assert wards == [(0, 2), (1, 2), (2, 1), (3, 2), (4, 2)]
    # the district, a different kind overlapping both wards, still holds every point
    assert sorted(r for r, a in pairs if a == 3) == [0, 1, 2, 3, 4]


def test_overlapping_areas_of_one_kind_keep_a_point_inside_both():
    index = AreaIndex.build([1, 2], ["custom", "custom"], ["Town centre", "Night-time zone"],
                            [box(0.8, 51.8, 0.9, 51.9), box(0.85, 51.8, 0.95, 51.9)])
    rows, areas = assign_points(index, np.array([0.87, 0.9]), np.array([51.85, 51.85]))
    # 0.87 is inside both; 0.9 is on the town centre's edge but inside the night-time zone
    assert list(zip(rows.tolist(), areas.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]


# -- harm weights for police.uk types retired in May 2013 ----------------------------------------

def across_may_2013() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly police.uk incidents, old types to April 2013 and new ones from May 2013; every
    third incident in the treated ward T, the rest in the control ward C."""
    plan = {"Violent crime": ("2012-05", "2013-04", 60), "Violence and sexual offences": ("2013-05", "2014-04", 60),
            "Public disorder and weapons": ("2012-05", "2013-04", 40), "Public order": ("2013-05", "2014-04", 30),
            "Possession of weapons": ("2013-05", "2014-04", 10), "Burglary": ("2012-05", "2014-04", 25)}
    rows = []
    for category, (first, last, n) in plan.items():
        for month in pd.date_range(f"{first}-01", f"{last}-01", freq="MS"):
            rows += [("police-uk", category, month)] * n
    df = pd.DataFrame(rows, columns=["source", "category", "month"])
    df.insert(0, "id", np.arange(len(df)))
    df["occurred"], df["precision"] = df["month"], "month"
    membership = pd.DataFrame({"incident_id": df["id"], "area_kind": "ward",
                               "area_code": np.where(df["id"] % 3 == 0, "T", "C")})
    return df, membership


def test_the_harm_weighted_wdd_across_may_2013_uses_every_incident():
    df, membership = across_may_2013()
    result = evaluate_intervention(df, membership, treatment="T", control="C", harm="ons-css",
                                   before=("2012-05-01", "2013-04-30"), after=("2013-05-01", "2014-04-30"))
    assert result.unweighted_categories == ()
    counts = result.counts.drop(index="All")
    assert set(counts.index) == {"Violence and sexual offences", "Burglary",
                                 "Public order and possession of weapons (combined)"}
    # weighted type by type as recorded: old types by their successors' ONS CSS weights
    recorded = df.assign(group=np.where(df["id"] % 3 == 0, "treatment", "control"),
                         period=np.where(df["month"] < "2013-05-01", "before", "after"))
    weight_of = {"Violent crime": 180.0, "Violence and sexual offences": 180.0, "Burglary": 326.0,
                 "Public disorder and weapons": 27.0,  # the lower of Public order (27) and weapons (88)
                 "Public order": 27.0, "Possession of weapons": 88.0}
    harm = recorded.assign(w=recorded["category"].map(weight_of)).groupby(["group", "period"])["w"].sum()
    expected = ((harm["treatment", "after"] - harm["treatment", "before"])
                - (harm["control", "after"] - harm["control", "before"]))
    assert result.harm_wdd.total == pytest.approx(expected)
    note = next(n for n in result.notes if "no longer uses" in n)
    assert "'Violent crime' weighs as 'Violence and sexual offences'" in note
    assert "'Public disorder and weapons' takes the lower of the weights of 'Public order' and " \
           "'Possession of weapons' (27)" in note


def test_evaluate_says_how_it_scales_periods_of_different_lengths():
    df, membership = across_may_2013()
    result = evaluate_intervention(df, membership, treatment="T", control="C",
                                   before=("2013-05-01", "2013-05-31"), after=("2013-06-01", "2013-06-30"))
    scaling = [n for n in result.notes if "differ in length" in n]
    assert scaling == ["The before and after periods differ in length (31 and 30 days): the WDD and "
                       "harm-weighted WDD compare rates per day, scaling after-period counts by 31/30 "
                       "(= 1.033), so their estimates are in incidents per 31-day before period; the "
                       "E-tests use the days as exposures."]
    same = evaluate_intervention(df, membership, treatment="T", control="C",
                                 before=("2013-05-01", "2013-05-31"), after=("2013-07-01", "2013-07-31"))
    assert not any("differ in length" in n for n in same.notes)

"""Colchester geography: LSOA polygons, 2011 population read defensively, MSOA neighbourhoods."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from saferplaces.demo.geography import (
    COLCHESTER_DATA_DIR,
    load_geography,
    parse_population_csv,
    to_bng,
    to_wgs84,
)

HEADER = ("Region code,Region name,Local authority code,Local authority name,MSOA Code,MSOA Name,"
          "LSOA Code,LSOA Name,,Persons,Hectares,Persons per hectare,Households,"
          "Persons per household\n")
PREFIX = "E12000006,EAST,E07000071,Colchester,E02000001,Test 001,E01000001,Test 001A,,"


def test_all_105_lsoas_get_a_plausible_population_totalling_colchester_2011():
    geo = load_geography()
    populations = np.array([a.population for a in geo.lsoas])
    assert len(geo.lsoas) == 105
    # LSOAs were designed for 1,000-3,000 residents; Colchester had about 173,000 in 2011.
    assert populations.min() >= 1000
    assert populations.max() <= 3500
    assert populations.sum() == pytest.approx(173_000, rel=0.005)


def test_population_is_hectares_times_density_not_the_damaged_persons_column():
    table = parse_population_csv((COLCHESTER_DATA_DIR / "lsoa-population-2011.csv").read_text())
    first = table["E01021655"]  # Colchester 001A: Persons=53, "1,536" ha at 0.9 per ha
    assert first.reported_persons == 53
    assert first.hectares == 1536
    assert first.population == round(1536 * 0.9)
    # Hectares x density agrees with households x persons per household to within 30%
    # everywhere except the LSOAs holding communal establishments (halls, barracks).
    ratios = np.array([p.population / p.household_population for p in table.values()])
    assert np.mean(np.abs(ratios - 1) < 0.3) > 0.95


def test_unquoted_thousands_in_hectares_are_rejoined():
    # Hectares written 1,713 without quotes: six pieces for the five numeric columns.
    text = HEADER + PREFIX + "53,1,713,0.9,682,2.3\n"
    row = parse_population_csv(text)["E01000001"]
    assert row.hectares == 1713
    assert row.persons_per_hectare == 0.9
    assert row.households == 682
    assert row.population == round(1713 * 0.9)


def test_split_households_are_rejoined_where_the_census_arithmetic_agrees():
    # "86,174" could also be read as a split number; only 1,090 households fits 174 ha x 16.3.
    text = HEADER + PREFIX + "86,174,16.3,1,090,2.5\n"
    row = parse_population_csv(text)["E01000001"]
    assert (row.hectares, row.persons_per_hectare, row.households) == (174, 16.3, 1090)


def test_real_row_with_small_persons_value_is_not_mistaken_for_a_split():
    # Colchester 001B reads ",1,713,2.2,682,2.3": Persons=1 and 713 ha (713 x 2.2 = 682 x 2.3).
    text = HEADER + PREFIX + "1,713,2.2,682,2.3\n"
    row = parse_population_csv(text)["E01000001"]
    assert (row.reported_persons, row.hectares, row.population) == (1, 713, 1569)


def test_unreadable_population_row_is_an_error():
    with pytest.raises(ValueError):
        parse_population_csv(HEADER + PREFIX + "53,abc,0.9,682,2.3\n")


def test_neighbourhoods_are_msoas_dissolved_from_their_lsoas():
    geo = load_geography()
    lookup = list(csv.DictReader(io.StringIO(
        (COLCHESTER_DATA_DIR / "lsoa-lookup.csv").read_text())))
    names = {r["MSOA Code"]: r["MSOA Name"] for r in lookup}
    assert {n.code: n.name for n in geo.neighbourhoods} == names
    assert sum(n.population for n in geo.neighbourhoods) == geo.population
    for n in geo.neighbourhoods:
        members = [geo.lsoa(code) for code in n.lsoa_codes]
        assert {m.msoa_code for m in members} == {n.code}
        assert n.population == sum(m.population for m in members)
        assert n.geometry_bng.area == pytest.approx(sum(m.geometry_bng.area for m in members),
                                                    rel=1e-6)


def test_points_are_located_in_the_lsoa_that_holds_them():
    geo = load_geography()
    centres = [a.geometry_bng.representative_point() for a in geo.lsoas]
    x = np.array([p.x for p in centres])
    y = np.array([p.y for p in centres])
    assert (geo.lsoa_index_at(x, y) == np.arange(len(geo.lsoas))).all()
    assert geo.lsoa_index_at(np.array([0.0]), np.array([0.0]))[0] == -1


def test_bng_round_trip_and_known_point():
    # Colchester Castle, 51.8903 N 0.9027 E, is at Ordnance Survey grid reference TL 998 252.
    x, y = to_bng(0.9027, 51.8903)
    assert abs(float(x) - 599_800) < 150
    assert abs(float(y) - 225_200) < 150
    lon, lat = to_wgs84(x, y)
    assert float(lon) == pytest.approx(0.9027, abs=1e-7)
    assert float(lat) == pytest.approx(51.8903, abs=1e-7)

"""What ``hotspots`` prints: the top cells are the densest ones, and a grid too small for Gi*
gets advice that helps."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from saferplaces.analysis.hotspots import hotspots
from tests.process import saferplaces


def write_points(path: Path, x: np.ndarray, y: np.ndarray) -> Path:
    rows = "\n".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
    path.write_text("x,y\n" + rows + "\n", encoding="utf-8")
    return path


def printed_rows(output: str) -> list[list[str]]:
    """The data rows of the first table rich printed (cells between │ characters)."""
    return [[c.strip() for c in line.strip().strip("│").split("│")]
            for line in output.splitlines() if line.strip().startswith("│")]


@pytest.fixture
def town_points(tmp_path: Path) -> Path:
    # background over 3 km x 3 km, and a tight cluster near the north-east corner
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(596000, 599000, 300), rng.normal(598500, 60, 200)])
    y = np.concatenate([rng.uniform(222000, 225000, 300), rng.normal(224500, 60, 200)])
    return write_points(tmp_path / "points.csv", x, y)


def test_kde_top_cells_are_the_cells_with_the_highest_density(tmp_path, town_points):
    done = saferplaces("hotspots", "--method", "kde", "--input", str(town_points),
                       "--out", str(tmp_path / "cells.csv"), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Top cells by kernel density" in done.stdout
    rows = printed_rows(done.stdout)
    assert len(rows) == 10 and all(len(r) == 4 for r in rows)  # lon, lat, count, density
    shown = [float(r[3].replace(",", "")) for r in rows]
    with (tmp_path / "cells.csv").open(encoding="utf-8") as fh:
        densities = sorted((float(r["density"]) for r in csv.DictReader(fh)), reverse=True)
    assert shown == sorted(shown, reverse=True)
    assert shown == pytest.approx([round(d, 1) for d in densities[:10]], abs=0.051)
    # the densest cells are at the planted cluster, not at the grid's first (south-west) cells
    assert all(float(r[1]) > 51.85 for r in rows)


def test_gistar_top_cells_are_ranked_by_z_score(tmp_path, town_points):
    done = saferplaces("hotspots", "--method", "gistar", "--permutations", "99", "--input",
                       str(town_points), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Top cells by Gi* z score" in done.stdout
    z = [float(r[4]) for r in printed_rows(done.stdout)]
    assert z == sorted(z, reverse=True) and z[0] > 3


def test_points_all_at_one_place_get_advice_to_check_the_coordinates(tmp_path):
    path = write_points(tmp_path / "one.csv", np.full(40, 599500.0), np.full(40, 225300.0))
    done = saferplaces("hotspots", "--method", "gistar", "--input", str(path), home=tmp_path)
    assert done.returncode != 0
    message = " ".join((done.stdout + done.stderr).split())
    assert "all 40 points are at one place (599500, 225300)" in message
    assert "Check the coordinates" in message
    assert "use a smaller cell" not in message


def test_most_points_at_one_place_are_named_with_how_many():
    x = np.concatenate([np.full(300, 599500.0), [599900.0]])
    y = np.concatenate([np.full(300, 225300.0), [225700.0]])
    with pytest.raises(ValueError, match=r"300 of 301 points are at one place \(599500, 225300\)"):
        hotspots(x, y, method="gistar")


def test_points_in_a_small_area_are_told_a_cell_size_that_works():
    x = np.tile([599500.0, 599530.0, 599560.0, 599590.0], 5)
    y = np.full(20, 225300.0)
    with pytest.raises(ValueError, match="use a cell size of 20 m or less") as caught:
        hotspots(x, y, method="gistar")
    assert "span only 90 m by 0 m" in str(caught.value)
    assert hotspots(x, y, method="gistar", cell_size=20, permutations=9).grid.n_cells >= 3

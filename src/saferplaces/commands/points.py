"""Points for the spatial commands: read from a CSV in any coordinate system, or taken from the
store, as metres of the projection used for analysis (imported only when a command runs: it
brings in numpy and pandas)."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd


def projected_points(path: Path, frame: pd.DataFrame, columns: tuple[str, str], a: np.ndarray,
                      b: np.ndarray, crs: str) -> pd.DataFrame:
    """Points given in ``crs`` (any EPSG code) as metres of the projection for analysis.

    Rules (``saferplaces.geo``): a point at 0, 0, outside the CRS's area of use, or (for
    world-wide systems such as WGS84) outside the United Kingdom while its swap is inside, is
    refused naming its row and numbers, a likely swap named as such; a set of points wider than
    ``MAX_EXTENT_KM`` is refused as no one partnership's area. The projection is British National
    Grid when every point is in Great Britain, otherwise the UTM zone of the points' centroid; it
    is named in ``attrs["crs"]`` and ``attrs["crs_label"]``. Raises ``click.BadParameter`` for an
    unknown ``--crs``, ``IngestError`` for bad points and ``click.ClickException`` for the extent.
    """
    from saferplaces import geo
    from saferplaces.ingest.errors import IngestError, RowProblem

    try:
        source = geo.parse_crs(crs)
    except geo.CrsError as exc:
        raise click.BadParameter(str(exc), param_hint="--crs") from None
    refuse_degrees_as_metres(path, columns, a, b, bool(source.is_geographic), crs)
    lon, lat = geo.from_crs(a, b, source)
    region = geo.area_of_use(source)
    swap = geo.from_crs(b, a, source)
    check = geo.check_points(lon, lat, region, given=(a, b), swapped=swap)
    # world-wide systems (WGS84, Web Mercator) have no area to test a swap against: saferplaces
    # serves UK partnerships, so a point outside the UK whose swap is inside it is named a swap
    home = geo.UNITED_KINGDOM
    swapped_home = ~check.bad & ~home.contains(lon, lat) & home.contains(*swap)
    problems = []
    for kind, mask, where in (("null_island", check.null_island, region), ("swapped", check.swapped, region),
                              ("swapped", swapped_home, home), ("outside", check.outside, region)):
        for index in np.flatnonzero(mask)[:50]:
            problems.append(RowProblem(str(path), int(index) + 1, int(index) + 2, columns[0],
                                       str(frame[columns[0]].iat[index]),
                                       geo.describe_point(kind, a[index], b[index], where,
                                                          geographic=source.is_geographic)))
    if problems:
        raise IngestError(sorted(problems, key=lambda p: p.row or 0))
    span = geo.extent_km(lon, lat)
    if span > geo.MAX_EXTENT_KM:
        raise click.ClickException(
            f"{path}: the points span {span:,.0f} km ({far_apart(lon, lat)}), more than one partnership's "
            f"area ({geo.MAX_EXTENT_KM:g} km at most); check for stray points and that --crs {crs} is right")
    target = geo.metric_crs(lon, lat)
    if target == source:
        x, y = np.asarray(a, float), np.asarray(b, float)
    else:
        x, y = geo.project(lon, lat, target)
    points = pd.DataFrame({"x": x, "y": y})
    points.attrs["crs"] = f"EPSG:{target.to_epsg()}"
    points.attrs["crs_label"] = geo.crs_label(target)
    return points


def refuse_degrees_as_metres(path: Path, columns: tuple[str, str], a: np.ndarray, b: np.ndarray,
                             geographic: bool, crs: str) -> None:
    """Refuse (``click.ClickException``) a projected (metre) ``--crs`` given numbers that all look
    like degrees (``geo.look_like_degrees``): read as metres they would all lie within a few
    hundred metres of the system's origin, and every analysis would run on the wrong numbers.
    Checked before any other point check, so the message names the real mistake."""
    from saferplaces import geo

    if geographic or not geo.look_like_degrees(a, b):
        return
    first = int(np.flatnonzero(np.isfinite(a) & np.isfinite(b) & ((a != 0) | (b != 0)))[0])
    raise click.ClickException(
        f"{path}: columns {columns[0]!r} and {columns[1]!r} hold numbers like {a[first]:.10g}, {b[first]:.10g}, "
        f"but --crs {crs} is in metres: these look like longitude/latitude in degrees; give --crs 4326")


def store_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Located store incidents in metres for analysis: the stored British National Grid x/y when
    every point is in Great Britain, otherwise lon/lat projected to the UTM zone of their centroid
    (``saferplaces.geo.metric_crs``). The projection is named in ``attrs`` as ``projected_points``."""
    from saferplaces import geo

    located = frame.dropna(subset=["lon", "lat", "x", "y"])
    if located.empty:
        return pd.DataFrame({"x": [], "y": []}, dtype=float)
    lon, lat = located["lon"].to_numpy(float), located["lat"].to_numpy(float)
    target = geo.metric_crs(lon, lat)
    if target.to_epsg() == 27700:
        x, y = located["x"].to_numpy(float), located["y"].to_numpy(float)
    else:
        x, y = geo.project(lon, lat, target)
    points = pd.DataFrame({"x": x, "y": y}, index=located.index)
    points.attrs["crs"] = f"EPSG:{target.to_epsg()}"
    points.attrs["crs_label"] = geo.crs_label(target)
    return points


def far_apart(lon: np.ndarray, lat: np.ndarray) -> str:
    """The rows furthest apart along the wider axis, for the extent refusal."""
    ns = np.nanmax(lat) - np.nanmin(lat)
    ew = (np.nanmax(lon) - np.nanmin(lon)) * np.cos(np.radians(np.nanmin(np.abs(lat))))
    values = lat if ns >= ew else lon
    low, high = int(np.nanargmin(values)), int(np.nanargmax(values))
    return (f"row {low + 1} at {lon[low]:.5f}, {lat[low]:.5f} and row {high + 1} at "
            f"{lon[high]:.5f}, {lat[high]:.5f}, longitude, latitude")


def read_points(path: Path, x_col: str, y_col: str, crs: str, date_col: str | None = None,
                date_format: str | None = None) -> pd.DataFrame:
    """Points from a CSV in metres (``x``, ``y``) of the projection ``projected_points`` chooses
    (named in ``attrs["crs"]``) and, when asked, UK local dates (``date``; ``ingest.datetext``, with
    ``date_format`` in strptime codes). Errors name the file, row and column."""
    from saferplaces.ingest.csvtext import decode, read_text_frame
    from saferplaces.ingest.errors import IngestError, RowProblem

    frame = read_text_frame(decode(path.read_bytes(), str(path)))
    for column in (x_col, y_col, *([date_col] if date_col else [])):
        if column not in frame.columns:
            raise click.ClickException(f"{path}: no column {column!r} (columns: {', '.join(frame.columns)})")

    def numeric(column: str) -> np.ndarray:
        values = pd.to_numeric(frame[column].str.strip(), errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy())
        if bad.size:
            row = int(bad[0]) + 1
            raise IngestError([RowProblem(str(path), row, row + 1, column, str(frame[column].iat[bad[0]]),
                                          "is not a number")])
        numbers: np.ndarray = values.to_numpy(float)
        return numbers

    points = projected_points(path, frame, (x_col, y_col), numeric(x_col), numeric(y_col), crs)
    if date_col:
        # UK local dates: ISO or day-first, one form per column (rules in ingest.datetext)
        from saferplaces.ingest.datetext import parse_dates

        dates = parse_dates(frame[date_col], name=str(path), column=date_col, date_format=date_format)
        points["date"] = dates.to_numpy()
    return points

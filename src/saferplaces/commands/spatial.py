"""``saferplaces hotspots`` and ``saferplaces near-repeat``: spatial analyses on the store or a CSV."""

from __future__ import annotations

import warnings
from pathlib import Path

import click
import numpy as np
import pandas as pd

from saferplaces.commands.common import check_month, out, print_frame, write_output


def _numbers(value: str, option: str) -> list[float]:
    try:
        numbers = [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r} should be numbers separated by commas", param_hint=option) from None
    if len(numbers) < 2:
        raise click.BadParameter("give at least two band edges, e.g. 0,100,200", param_hint=option)
    return numbers


def read_points(path: Path, x_col: str, y_col: str, crs: str, date_col: str | None = None) -> pd.DataFrame:
    """Points from a CSV as BNG metres (``x``, ``y``) and, when asked, days (``t``).
    Errors name the file, row and column."""
    from saferplaces.geo import to_bng
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
        return values.to_numpy(float)

    x, y = numeric(x_col), numeric(y_col)
    code = crs.upper().removeprefix("EPSG:")
    if code == "4326":
        x, y = to_bng(x, y)
    elif code != "27700":
        raise click.BadParameter("use 27700 (British National Grid metres) or 4326 (WGS84 lon/lat)",
                                 param_hint="--crs")
    points = pd.DataFrame({"x": x, "y": y})
    if date_col:
        dates = pd.to_datetime(frame[date_col].str.strip(), errors="coerce", format="mixed", dayfirst=False)
        bad = np.flatnonzero(dates.isna().to_numpy())
        if bad.size:
            row = int(bad[0]) + 1
            raise IngestError([RowProblem(str(path), row, row + 1, date_col, str(frame[date_col].iat[bad[0]]),
                                          "is not a date (use YYYY-MM-DD)")])
        points["date"] = dates.to_numpy()
    return points


@click.command()
@click.option("--method", type=click.Choice(["kde", "gistar"]), default="gistar", show_default=True,
              help="Kernel density (kde) or Getis–Ord Gi* hot and cold spots (gistar).")
@click.option("--category", "categories", multiple=True, help="Only these categories (store).")
@click.option("--source", "sources", multiple=True, help="Only these sources (store). Default: police-uk.")
@click.option("--from", "first_month", help="First month (YYYY-MM).")
@click.option("--to", "last_month", help="Last month (YYYY-MM).")
@click.option("--cell-size", type=float, help="Cell size in metres (default: sfhotspot's rule).")
@click.option("--bandwidth", type=float, help="KDE bandwidth in metres (default: rule of thumb, never below a cell).")
@click.option("--grid", "grid_type", type=click.Choice(["square", "hex"]), default="square", show_default=True)
@click.option("--permutations", default=999, show_default=True, help="Gi* conditional permutations.")
@click.option("--seed", default=0, show_default=True)
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use a CSV of points instead of the store.")
@click.option("--x-col", default="x", show_default=True)
@click.option("--y-col", default="y", show_default=True)
@click.option("--crs", default="27700", show_default=True, help="27700 (BNG metres) or 4326 (lon/lat) for --input.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write .geojson or .csv.")
def hotspots(method, categories, sources, first_month, last_month, cell_size, bandwidth, grid_type, permutations,
             seed, input_path, x_col, y_col, crs, out_path) -> None:
    """Hotspot grid: counts, kernel density or Gi* hot spots (FDR-controlled), as GeoJSON or CSV."""
    from saferplaces.analysis.grid import GridTooLargeError
    from saferplaces.analysis.hotspots import hotspots as run
    from saferplaces.ingest.errors import IngestError

    check_month(first_month, "--from")
    check_month(last_month, "--to")
    if input_path:
        try:
            points = read_points(input_path, x_col, y_col, crs)
        except IngestError as exc:
            raise click.ClickException(str(exc)) from None
        label = str(input_path)
    else:
        from saferplaces.cli import setup_django

        setup_django()
        from saferplaces.incidents.services import incident_frame

        frame = incident_frame(sources=sources or ["police-uk"], categories=categories or None,
                               first_month=first_month, last_month=last_month)
        points = frame.dropna(subset=["x", "y"])
        if points.empty:
            raise click.ClickException("no located incidents match: load data first or widen the selection")
        label = f"{len(points)} incidents from the store"
        if (frame["precision"] == "month").any():
            out.print("[dim]police.uk locations are snapped to anonymous map points: cells smaller than "
                      "~200 m mostly measure the snapping.[/dim]")
    try:
        result = run(points["x"].to_numpy(), points["y"].to_numpy(), method=method, cell_size=cell_size,
                     bandwidth=bandwidth, grid_type=grid_type, permutations=permutations, seed=seed)
    except (GridTooLargeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    table = result.to_frame()
    sort_key = "gi_z" if "gi_z" in table.columns else "count"
    wanted = ["lon", "lat", "count", "density", "gi_z", "p_fdr", "hotspot"]
    shown = table.sort_values(sort_key, ascending=False).head(10)[[c for c in wanted if c in table.columns]]
    print_frame(shown, f"Top cells ({method}, {label})",
                {"lon": ".5f", "lat": ".5f", "density": ".1f", "gi_z": ".2f", "p_fdr": ".2g"})
    if result.hotspot is not None:
        out.print(f"{int(np.sum(result.hotspot == 'hotspot'))} hot cells and "
                  f"{int(np.sum(result.hotspot == 'coldspot'))} cold cells of {result.grid.n_cells} "
                  f"(Benjamini–Hochberg FDR {result.parameters.get('alpha', 0.05)}).")
    p = result.parameters
    out.print(f"[dim]Cells {p.get('cell_size_m')} m; KDE bandwidth {p.get('kde', {}).get('bandwidth_m', 0):.0f} m; "
              f"{p.get('n_outside', 0)} far-away points outside the grid. Methods: "
              f"{'; '.join(p.get('references', []))}. Full parameters are in the output file.[/dim]")
    if "gistar" in p and p["gistar"].get("p_source_reason"):
        out.print(f"[dim]{p['gistar']['p_source_reason']}[/dim]")
    if out_path:
        if out_path.suffix.lower() == ".geojson":
            result.write_geojson(out_path)
        elif out_path.suffix.lower() == ".csv":
            result.write_csv(out_path)
        else:
            raise click.BadParameter("use .geojson or .csv", param_hint="--out")
        out.print(f"Written {out_path}")


@click.command("near-repeat")
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of events with x, y and date (day-precision local records). Default: the store's local burglaries.")
@click.option("--x-col", default="x", show_default=True)
@click.option("--y-col", default="y", show_default=True)
@click.option("--date-col", default="date", show_default=True)
@click.option("--crs", default="27700", show_default=True, help="27700 (BNG metres) or 4326 (lon/lat).")
@click.option("--category", "categories", multiple=True, help="Store: categories (default: Burglary dwelling).")
@click.option("--source", default="local", show_default=True, help="Store: source with exact dates and places.")
@click.option("--from", "first_month", help="Store: first month.")
@click.option("--to", "last_month", help="Store: last month.")
@click.option("--distance-bands", default="0,100,200,300,400", show_default=True, help="Band edges in metres.")
@click.option("--time-bands", default="0,7,14,21,28", show_default=True, help="Band edges in days.")
@click.option("--iterations", default=999, show_default=True, help="Monte Carlo permutations of the dates.")
@click.option("--seed", default=0, show_default=True)
@click.option("--metric", type=click.Choice(["euclidean", "manhattan"]), default="euclidean", show_default=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write table.csv or table.json.")
def near_repeat(input_path, x_col, y_col, date_col, crs, categories, source, first_month, last_month,
                distance_bands, time_bands, iterations, seed, metric, out_path) -> None:
    """Near-repeat analysis as Ratcliffe's Near Repeat Calculator: pairs of events close in
    space and time against Monte Carlo expectations (Knox ratios, pseudo p-values).

    Bands follow the NRC: the first band includes its lower edge (0), later bands run from just
    above their lower edge up to and including their upper edge; distance 0 is reported as its own
    "Same location" row. Needs exact dates: police.uk's month-only data is refused."""
    from saferplaces.analysis.nearrepeat import near_repeat as run
    from saferplaces.ingest.errors import IngestError

    d_edges = _numbers(distance_bands, "--distance-bands")
    t_edges = _numbers(time_bands, "--time-bands")
    precision = "day"
    if input_path:
        try:
            events = read_points(input_path, x_col, y_col, crs, date_col)
        except IngestError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        from saferplaces.cli import setup_django

        check_month(first_month, "--from")
        check_month(last_month, "--to")
        setup_django()
        from saferplaces.incidents.services import incident_frame

        frame = incident_frame(sources=[source], categories=list(categories) or ["Burglary dwelling"],
                               first_month=first_month, last_month=last_month).dropna(subset=["x", "y"])
        if frame.empty:
            raise click.ClickException("no events match in the store; give --input or other categories")
        precision = "month" if (frame["precision"] == "month").any() else "day"
        events = pd.DataFrame({"x": frame["x"], "y": frame["y"], "date": frame["occurred"]})
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = run(events["x"].to_numpy(), events["y"].to_numpy(), events["date"].to_numpy(),
                         distance_bands=d_edges, time_bands=t_edges, iterations=iterations, seed=seed,
                         metric=metric, precision=precision)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in caught:
        out.print(f"[yellow]Warning:[/yellow] {warning.message}")
    out.print(f"Near-repeat analysis of {len(events)} events, {iterations} iterations, seed {seed}")
    for name, table, fmt in (("Knox ratios (observed / expected)", "knox_ratio", ".2f"),
                             ("Pseudo p-values", "p_value", ".3f"), ("Observed pairs", "observed", ".0f")):
        print_frame(result.to_nrc_table(table).reset_index(), name, float_format=fmt)
    if out_path:
        write_output(out_path, frame=result.to_frame(), data=result.to_dict())

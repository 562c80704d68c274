"""``saferplaces hotspots`` and ``saferplaces near-repeat``: spatial analyses on the store or a CSV."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Literal

import click

from saferplaces.commands.common import check_month, out, print_frame, write_output


def _numbers(value: str, option: str) -> list[float]:
    try:
        numbers = [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r} should be numbers separated by commas", param_hint=option) from None
    if len(numbers) < 2:
        raise click.BadParameter("give at least two band edges, e.g. 0,100,200", param_hint=option)
    return numbers


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
@click.option("--crs", default="27700", show_default=True,
              help="EPSG code of --input's coordinates, e.g. 27700 (BNG metres), 4326 (lon/lat), 2157.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write .geojson or .csv.")
def hotspots(method: Literal["kde", "gistar"], categories: tuple[str, ...], sources: tuple[str, ...], first_month: str | None,
             last_month: str | None, cell_size: float | None, bandwidth: float | None, grid_type: Literal["square", "hex"],
             permutations: int, seed: int, input_path: Path | None, x_col: str, y_col: str, crs: str,
             out_path: Path | None) -> None:
    """Hotspot grid: counts, kernel density or Gi* hot spots (FDR-controlled), as GeoJSON or CSV."""
    from saferplaces.analysis.grid import GridTooLargeError
    from saferplaces.analysis.hotspots import hotspots as run
    from saferplaces.commands.points import read_points, store_points
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
        from saferplaces.commands.common import setup_django

        setup_django()
        from saferplaces.apps.incidents.services import incident_frame
        from saferplaces.commands.selection import check_selection

        check_selection(sources or ["police-uk"], categories)
        frame = incident_frame(sources=sources or ["police-uk"], categories=categories or None,
                               first_month=first_month, last_month=last_month)
        points = store_points(frame)
        if points.empty:
            raise click.ClickException("no located incidents match: load data first or widen the selection")
        label = f"{len(points)} incidents from the store"
        if (frame["precision"] == "month").any():
            out.print("[dim]police.uk locations are snapped to anonymous map points: cells smaller than "
                      "~200 m mostly measure the snapping.[/dim]")
    try:
        result = run(points["x"].to_numpy(), points["y"].to_numpy(), method=method, cell_size=cell_size,
                     bandwidth=bandwidth, grid_type=grid_type, permutations=permutations, seed=seed,
                     crs=points.attrs.get("crs", "EPSG:27700"))
    except (GridTooLargeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    table = result.to_frame()
    # KDE has no Gi* columns (all empty): rank its cells by density, Gi* cells by z score
    if method == "gistar":
        sort_keys, wanted = ["gi_z", "count"], ["lon", "lat", "count", "density", "gi_z", "p_fdr", "hotspot"]
        title = f"Top cells by Gi* z score ({label})"
    else:
        sort_keys, wanted = ["density", "count"], ["lon", "lat", "count", "density"]
        title = f"Top cells by kernel density ({label})"
        table = table[table["density"] > 0]
    shown = table.sort_values(sort_keys, ascending=False, na_position="last", kind="stable").head(10)
    print_frame(shown[[c for c in wanted if c in shown.columns]], title,
                {"lon": ".5f", "lat": ".5f", "density": ".1f", "gi_z": ".2f", "p_fdr": ".2g"})
    if result.hotspot is not None:
        out.print(f"{int((result.hotspot == 'hotspot').sum())} hot cells and "
                  f"{int((result.hotspot == 'coldspot').sum())} cold cells of {result.grid.n_cells} "
                  f"(Benjamini–Hochberg FDR {result.parameters.get('alpha', 0.05)}).")
    p = result.parameters
    out.print(f"Projection for distances and cells: {points.attrs.get('crs_label', p.get('crs_analysis'))}")
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
@click.option("--date-format", help="How --date-col is written, in strptime codes (e.g. %d/%m/%Y). Default: "
                                    "ISO YYYY-MM-DD or day first (UK), one form for every row.")
@click.option("--crs", default="27700", show_default=True,
              help="EPSG code of --input's coordinates, e.g. 27700 (BNG metres), 4326 (lon/lat), 2157.")
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
def near_repeat(input_path: Path | None, x_col: str, y_col: str, date_col: str, date_format: str | None, crs: str,
                categories: tuple[str, ...], source: str, first_month: str | None, last_month: str | None,
                distance_bands: str, time_bands: str, iterations: int, seed: int, metric: Literal["euclidean", "manhattan"],
                out_path: Path | None) -> None:
    """Near-repeat analysis as Ratcliffe's Near Repeat Calculator: pairs of events close in
    space and time against Monte Carlo expectations (Knox ratios, pseudo p-values).

    Bands follow the NRC: the first band includes its lower edge (0), later bands run from just
    above their lower edge up to and including their upper edge; distance 0 is reported as its own
    "Same location" row. Needs exact dates: police.uk's month-only data is refused."""
    from saferplaces.analysis.nearrepeat import near_repeat as run
    from saferplaces.commands.points import read_points, store_points
    from saferplaces.ingest.errors import IngestError

    d_edges = _numbers(distance_bands, "--distance-bands")
    t_edges = _numbers(time_bands, "--time-bands")
    precision = "day"
    if input_path:
        try:
            events = read_points(input_path, x_col, y_col, crs, date_col, date_format)
        except IngestError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        from saferplaces.commands.common import setup_django

        check_month(first_month, "--from")
        check_month(last_month, "--to")
        setup_django()
        from saferplaces.apps.incidents.services import incident_frame
        from saferplaces.commands.selection import check_selection

        check_selection([source], categories)
        frame = incident_frame(sources=[source], categories=list(categories) or ["Burglary dwelling"],
                               first_month=first_month, last_month=last_month).dropna(subset=["x", "y"])
        if frame.empty:
            raise click.ClickException("no events match in the store; give --input or other categories")
        precision = "month" if (frame["precision"] == "month").any() else "day"
        events = store_points(frame)
        events["date"] = frame.loc[events.index, "occurred"]
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
    result.parameters["crs_analysis"] = events.attrs.get("crs", "EPSG:27700")
    out.print(f"Near-repeat analysis of {len(events)} events, {iterations} iterations, seed {seed}; "
              f"distances in {events.attrs.get('crs_label', 'EPSG:27700 (OSGB36 / British National Grid)')}")
    tables: tuple[tuple[str, Literal["knox_ratio", "p_value", "observed"], str], ...] = (
        ("Knox ratios (observed / expected)", "knox_ratio", ".2f"), ("Pseudo p-values", "p_value", ".3f"),
        ("Observed pairs", "observed", ".0f"))
    for name, table, fmt in tables:
        print_frame(result.to_nrc_table(table).reset_index(), name, float_format=fmt)
    if out_path:
        write_output(out_path, frame=result.to_frame(), data=result.to_dict())

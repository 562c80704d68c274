"""``saferplaces trends`` and ``saferplaces evaluate``: the store's incidents through the library."""

from __future__ import annotations

from pathlib import Path

import click

from saferplaces.commands.common import check_month, out, parse_period, print_frame, write_output


@click.command()
@click.option("--from", "first_month", help="First month of data to use (YYYY-MM). Default: all.")
@click.option("--to", "last_month", help="Last month of the assessment year (YYYY-MM). Default: the latest.")
@click.option("--source", "sources", multiple=True,
              help="Only these sources (police-uk, council-asb, fire, local). Default: police-uk.")
@click.option("--by", "by", default="category", show_default=True,
              help="Group by 'category', or by an area kind (e.g. neighbourhood) and category.")
@click.option("--category", "categories", multiple=True, help="Only these categories.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write .csv or .json.")
def trends(first_month: str | None, last_month: str | None, sources: tuple[str, ...], by: str,
           categories: tuple[str, ...], out_path: Path | None) -> None:
    """Last 12 months against the previous 12 and the same months a year before, with exact
    Poisson tests (Benjamini–Hochberg adjusted) and a seasonal Poisson trend test.

    police.uk crime types renamed or split (2011, 2013) are counted as one series across the
    change, or compared only from the change on; the output names every such change."""
    from saferplaces.analysis.classification import related_categories
    from saferplaces.analysis.trends import AREA_COLUMN, trend_table
    from saferplaces.commands.common import setup_django

    check_month(first_month, "--from")
    check_month(last_month, "--to")
    setup_django()
    from saferplaces.apps.incidents.services import area_membership, incident_frame
    from saferplaces.commands.selection import check_selection

    check_selection(sources or ["police-uk"], categories)
    # a type renamed or split is loaded with its old and new names so its series is whole
    wanted = related_categories(categories) if categories else None
    frame = incident_frame(sources=sources or ["police-uk"], categories=wanted,
                           first_month=first_month, last_month=last_month)
    if frame.empty:
        raise click.ClickException("no incidents match: load data first (saferplaces ingest / demo)")
    try:
        if by == "category":
            result = trend_table(frame, by="category", end=last_month,
                                 categories=list(categories) or None)
        else:
            membership = area_membership([by])
            if membership.empty:
                raise click.ClickException(f"no areas of kind {by!r} are loaded")
            result = trend_table(frame, by=[AREA_COLUMN, "category"], membership=membership, area_kind=by,
                                 end=last_month, categories=list(categories) or None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    table = result.table.reset_index()
    shown = table[[c for c in (*result.by, "last12", "prev12", "pct_change", "p_value", "p_adj", "direction",
                               "trend_pct_per_year", "trend_p_adj") if c in table.columns]]
    print_frame(shown, f"Trends to {result.end} ({', '.join(sources or ['police-uk'])})",
                {"pct_change": "+.1f", "p_value": ".4f", "p_adj": ".4f", "trend_pct_per_year": "+.1f",
                 "trend_p_adj": ".4f", "last12": ".0f", "prev12": ".0f"})
    for note in result.classification.get("notes", []):
        out.print(f"[yellow]Classification change:[/yellow] {note}")
    for name, method in result.methods.items():
        out.print(f"[dim]{name}: {method}[/dim]")
    if out_path:
        write_output(out_path, frame=table, data=result.to_dict())


@click.command()
@click.option("--treatment", required=True, multiple=True, help="Area code(s) where the operation ran.")
@click.option("--control", required=True, multiple=True, help="Comparison area code(s).")
@click.option("--buffer", multiple=True, help="Area code(s) around the treatment, for displacement.")
@click.option("--before", required=True,
              help="Before period FROM..TO: UK dates YYYY-MM-DD or whole months YYYY-MM (inclusive).")
@click.option("--after", required=True, help="After (operation) period FROM..TO.")
@click.option("--whole-months", is_flag=True,
              help="Widen periods that start or end part-way through a month to whole months "
                   "(needed to count month-only police.uk data); the output says so.")
@click.option("--kind", "area_kind", help="Area kind of the codes (e.g. neighbourhood), if codes repeat across kinds.")
@click.option("--category", "categories", multiple=True, help="Only these categories (default: all).")
@click.option("--source", "sources", multiple=True, help="Sources to count (default: all).")
@click.option("--harm", default="ons-css", show_default=True, help="Harm weights for the harm-weighted WDD.")
@click.option("--seed", default=0, show_default=True, help="Seed for the WDQ bootstrap.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write .json.")
def evaluate(treatment: tuple[str, ...], control: tuple[str, ...], buffer: tuple[str, ...], before: str, after: str,
             whole_months: bool, area_kind: str | None, categories: tuple[str, ...], sources: tuple[str, ...],
             harm: str, seed: int, out_path: Path | None) -> None:
    """Did an operation work? Weighted Displacement Difference (Wheeler & Ratcliffe 2018),
    its harm-weighted form, the Weighted Displacement Quotient (Bowers & Johnson 2003) and
    Poisson E-tests (Krishnamoorthy & Thomson 2004).

    Incidents count by their UK (Europe/London) date. police.uk data carry only the month: a
    period that cuts a month holding them is refused unless --whole-months widens it."""
    from saferplaces.analysis.evaluation import MonthOnlyDataError, evaluate_intervention
    from saferplaces.commands.common import setup_django

    before_period = parse_period(before, "--before")
    after_period = parse_period(after, "--after")
    setup_django()
    from saferplaces.apps.incidents.services import area_membership, incident_frame
    from saferplaces.commands.selection import check_selection

    check_selection(sources or None, categories)
    frame = incident_frame(sources=sources or None)
    membership = area_membership([area_kind] if area_kind else None)
    known = set(membership["area_code"])
    for code in (*treatment, *control, *buffer):
        if code not in known:
            raise click.ClickException(f"no incidents are assigned to an area with code {code!r}")
    try:
        result = evaluate_intervention(
            frame, membership, treatment=list(treatment), control=list(control), buffer=list(buffer) or None,
            before=before_period, after=after_period, area_kind=area_kind, categories=categories or None,
            harm=harm, seed=seed, whole_months=whole_months)
    except MonthOnlyDataError as exc:
        hint = " Or give --whole-months to widen both periods to whole months." if exc.can_widen else ""
        raise click.ClickException(f"{exc}{hint}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    asked = [(str(start.date()), str(end.date())) for start, end in (before_period, after_period)]
    if [result.before, result.after] != asked:
        out.print(f"[bold]Periods widened to whole months:[/bold] before {' to '.join(result.before)}, "
                  f"after {' to '.join(result.after)}.")
    print_frame(result.counts.reset_index(),
                f"Counts (UK dates; before {' to '.join(result.before)}, after {' to '.join(result.after)})")
    wdd = result.wdd
    out.print(f"WDD total = {wdd.total:+.1f} (local {wdd.local:+.1f}, displacement {wdd.displacement:+.1f}; "
              f"SE {wdd.total_se:.1f}, Z {wdd.z:+.2f}, p {wdd.p_value:.4f}); "
              f"{100 * (1 - wdd.alpha):.0f}% interval {wdd.ci_low:+.1f} to {wdd.ci_high:+.1f}. "
              "Negative means fewer incidents than the control areas' trend predicts.")
    if result.harm_wdd is not None:
        h = result.harm_wdd
        out.print(f"Harm-weighted WDD ({result.harm_weights_name}) = {h.total:+.1f} "
                  f"(Z {h.z:+.2f}, p {h.p_value:.4f})")
    if result.wdq is not None:
        q = result.wdq
        out.print(f"WDQ = {q.wdq:.2f} ({q.ci_low:.2f} to {q.ci_high:.2f}): {q.interpretation}")
    for name, test in result.etests.items():
        out.print(f"E-test {name}: after vs before p = {test.p_value:.4f}")
    for note in result.notes:
        out.print(f"[dim]{note}[/dim]")
    if out_path:
        write_output(out_path, data=result.to_dict())

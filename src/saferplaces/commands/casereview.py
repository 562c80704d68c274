"""``saferplaces case-review figures --year Y``: the ASB Case Review figures the partnership
publishes each year (Anti-social Behaviour, Crime and Policing Act 2014 s.104(10)):
applications, times the threshold was not met, reviews carried out and reviews that led to
recommendations, for the whole partnership and in aggregate only (no name, no reference)."""

from __future__ import annotations

import json

import click

from saferplaces.commands.common import out, setup_django


@click.group("case-review")
def case_review() -> None:
    """The ASB Case Review (the "Community Trigger")."""


@case_review.command("figures")
@click.option("--year", type=click.IntRange(2014, 2999), required=True,
              help="The year to report: the year starting in January, or in the month the "
                   "law file's case_review.figures_year_starts_month sets (2025 = 2025-26).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def figures(year: int, as_json: bool) -> None:
    """Print the annual published figures for YEAR, each step counted in the year it happened."""
    setup_django()
    from saferplaces.apps.casereview.figures import annual

    result = annual(year)
    rows = [("Applications for an ASB Case Review", result.applications),
            ("Times the threshold was not met", result.threshold_not_met),
            ("Case Reviews carried out", result.reviews_carried_out),
            ("Case Reviews that led to recommendations", result.reviews_with_recommendations)]
    if as_json:
        click.echo(json.dumps({
            "year": result.label, "first_day": result.first_day.isoformat(),
            "last_day": result.last_day.isoformat(), "applications": result.applications,
            "threshold_not_met": result.threshold_not_met,
            "reviews_carried_out": result.reviews_carried_out,
            "reviews_with_recommendations": result.reviews_with_recommendations,
            "applications_by_channel": dict(result.applications_by_channel)}, indent=2))
        return
    out.print(f"ASB Case Review figures {result.label} ({result.first_day:%-d %B %Y} to "
              f"{result.last_day:%-d %B %Y}), whole partnership", highlight=False)
    for label, count in rows:
        out.print(f"  {label}: {count}", highlight=False)
    if result.applications_by_channel:
        out.print("  Applications by channel: " + ", ".join(
            f"{channel} {count}" for channel, count in result.applications_by_channel),
            highlight=False)

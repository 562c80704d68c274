"""``saferplaces reminders``: remind people of tasks due tomorrow, due today or overdue, as
notifications in the web app. The rules are in ``saferplaces.apps.cases.reminders``: at most
one reminder per task, person and day, so running it again (or from a scheduler as well as the
worker) sends nothing twice."""

from __future__ import annotations

import datetime

import click

from saferplaces.commands.common import out, setup_django


@click.command("reminders")
@click.option("--day", default=None, metavar="YYYY-MM-DD",
              help="Remind as on this day instead of today, to catch up a missed day: today or "
                   "earlier (a later day is refused).")
@click.option("--schedule", is_flag=True,
              help="Also queue a daily run for the background worker (`saferplaces worker`), "
                   "each morning at 06:00, unless one is already queued.")
def reminders(day: str | None, schedule: bool) -> None:
    """Send the reminders of open tasks due tomorrow, due today or overdue (once per task, person
    and day), raise the alerts of overdue MASH referrals (once each), and print how many."""
    when: datetime.date | None = None
    if day is not None:
        try:
            when = datetime.date.fromisoformat(day)
        except ValueError:
            raise click.BadParameter(f"{day!r} is not a date YYYY-MM-DD", param_hint="--day") from None
    setup_django()
    from django.utils import timezone

    from saferplaces.apps.cases.reminders import schedule_reminders, send_reminders

    # the other apps' checks (PSPO reviews, intelligence alerts) look at the store as it is now,
    # so reminders labelled for a day still to come would mix that day with today's records
    today = timezone.localdate()
    if when is not None and when > today:
        raise click.BadParameter(f"{when:%-d %B %Y} has not come yet: give today ({today:%-d %B %Y}) "
                                 "or an earlier day", param_hint="--day")

    run = send_reminders(when)
    out.print(f"Reminders for {run.day:%-d %B %Y}: {run.sent} sent, {run.already} already sent "
              f"that day, for {run.tasks} open task{'s' if run.tasks != 1 else ''} due by the "
              "next day or overdue", highlight=False)
    out.print(f"Overdue alerts raised: {run.alerts} (each is raised once)", highlight=False)
    if schedule:
        queued = schedule_reminders()
        out.print(f"Daily reminders queued for the worker from {queued:%-d %B %Y %H:%M}"
                  if queued else "Daily reminders were already queued for the worker",
                  highlight=False)

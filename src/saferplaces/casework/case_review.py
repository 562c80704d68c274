"""The ASB Case Review (the "Community Trigger"): is the threshold met, and who should be told?

Anyone may apply for an ASB Case Review, and the relevant bodies must hold one when the
threshold is met (Anti-social Behaviour, Crime and Policing Act 2014 s.104(1)). The threshold
is met when at least three qualifying complaints (or the number in the partnership's review
procedures) have been made about the behaviour (s.104(4)); the review procedures may add other
routes (s.104(5)). A **qualifying complaint** is made within one month of the behaviour, and
the application within six months of the complaint (s.104(11), per the Act's explanatory notes).
Every number and route is a dated rule in ``data/law/case-review.toml``.

Method:

* Complaints come from **any agency** as plain :class:`Complaint` records (case complaints,
  council ASB log rows, police ASB records with a complainant reference): the threshold counts
  them together. A record with no complainant cannot count: the Act counts complaints made by
  someone.
* :func:`assess` takes the complaints about one **problem** (a case, or whatever key links
  reports of the same behaviour) and the day of the application (or today), and says for every
  complaint whether it qualifies and why, and whether each route is met. The window runs back
  six calendar months from that day, the corresponding date included; "within one month of the
  behaviour" includes the corresponding date (:func:`saferplaces.casework.months.add_months`).
* By local policy (rule ``case_review.same_behaviour_counts_once``) one person's reports of the
  same behaviour (same day of behaviour) to several agencies count once.
* :func:`second_report_prompts` finds, for each complainant, the **second report within six
  months** of an earlier one, at which staff explain the Case Review (Home Office statutory
  guidance, 2025 update), and whether an explanation has been recorded since.

The published annual figures are in :mod:`saferplaces.casework.case_review_figures`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from saferplaces.casework.asb_powers import long_date, short_source
from saferplaces.casework.law import Rules, shipped
from saferplaces.casework.months import add_months

__all__ = ["Assessment", "Complaint", "Counted", "Key", "Route", "SecondReport", "assess",
           "assess_all", "second_report_prompts"]


class Key(StrEnum):
    """Every rule of ``case-review.toml`` the engine reads (a test checks each is shipped)."""

    THRESHOLD = "case_review.threshold_complaints"
    WITHIN = "case_review.report_within_months"
    WINDOW = "case_review.window_months"
    COUNT_ONCE = "case_review.same_behaviour_counts_once"
    COMPLAINANTS_ON = "case_review.route.complainants.enabled"
    COMPLAINANTS = "case_review.route.complainants.count"
    HATE_ON = "case_review.route.hate.enabled"
    PROMPT = "case_review.second_report_prompt"
    PROMPT_WINDOW = "case_review.second_report_window_months"
    YEAR_START = "case_review.figures_year_starts_month"


@dataclass(frozen=True)
class Complaint:
    """One report of anti-social behaviour, from any agency's records.

    ``source`` names the agency or register (``"council ASB log"``), ``reference`` the record
    there; ``problem`` links reports of the same behaviour (a case reference); ``complainant``
    is a stable key for the person who complained (never their name), ``None`` when unknown;
    ``behaviour_on`` is when the behaviour happened, ``None`` when not recorded."""

    source: str
    reference: str
    problem: str
    complainant: str | None
    reported_on: datetime.date
    behaviour_on: datetime.date | None
    hate: bool = False


@dataclass(frozen=True)
class Counted:
    """A complaint, whether it qualifies on the day assessed, and why (in words for staff)."""

    complaint: Complaint
    qualifies: bool
    reason: str


@dataclass(frozen=True)
class Route:
    """One way to meet the threshold: the rule that sets it, what it needs, what was found."""

    rule: str
    label: str
    needed: int
    found: int
    source: str

    @property
    def met(self) -> bool:
        return self.found >= self.needed


@dataclass(frozen=True)
class Assessment:
    """The threshold for one problem on one day."""

    problem: str
    on: datetime.date
    routes: tuple[Route, ...]
    complaints: tuple[Counted, ...]

    @property
    def met(self) -> bool:
        return any(route.met for route in self.routes)

    @property
    def qualifying(self) -> list[Counted]:
        return [c for c in self.complaints if c.qualifies]

    @property
    def not_qualifying(self) -> list[Counted]:
        return [c for c in self.complaints if not c.qualifies]


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _why_not(complaint: Complaint, on: datetime.date, within: int, window: int,
             within_source: str) -> str | None:
    """Why ``complaint`` cannot qualify on ``on`` (before duplicates), or ``None``."""
    if complaint.reported_on > on:
        return f"made on {long_date(complaint.reported_on)}, after {long_date(on)}"
    if complaint.complainant is None:
        return ("no complainant is recorded, so it cannot count as a complaint (a police ASB "
                "record counts only with a complainant reference)")
    behaviour = complaint.behaviour_on
    if behaviour is None:
        return ("the date of the behaviour is not recorded, so it cannot be shown to be made "
                f"within {_months(within)} of it")
    if behaviour > complaint.reported_on:
        return (f"the behaviour is dated {long_date(behaviour)}, after the report on "
                f"{long_date(complaint.reported_on)}: check the dates")
    if complaint.reported_on > add_months(behaviour, within):
        days = (complaint.reported_on - behaviour).days
        return (f"made {days} days after the behaviour on {long_date(behaviour)}: a qualifying "
                f"complaint is made within {_months(within)} of the behaviour "
                f"({short_source(within_source)})")
    earliest = add_months(on, -window)
    if complaint.reported_on < earliest:
        return (f"made on {long_date(complaint.reported_on)}, more than {_months(window)} "
                f"before {long_date(on)}")
    return None


def assess(complaints: Iterable[Complaint], problem: str, on: datetime.date, *,
           rules: Rules | None = None) -> Assessment:
    """Whether the ASB Case Review threshold is met for ``problem`` on ``on`` (the day of the
    application, or today), with every complaint about it counted or explained."""
    rules = rules if rules is not None else shipped()
    within, window = int(rules.on(Key.WITHIN, on)), int(rules.on(Key.WINDOW, on))
    within_source = rules[Key.WITHIN].source_on(on)
    once = bool(rules.on(Key.COUNT_ONCE, on))
    mine = sorted((c for c in complaints if c.problem == problem),
                  key=lambda c: (c.reported_on, c.source, c.reference))
    seen: dict[tuple[str | None, datetime.date | None], Complaint] = {}
    counted: list[Counted] = []
    for complaint in mine:
        reason = _why_not(complaint, on, within, window, within_source)
        same = seen.get((complaint.complainant, complaint.behaviour_on))
        if reason is None and once and same is not None:
            reason = (f"the same behaviour ({long_date(complaint.behaviour_on or on)}) was "
                      f"already reported by this person to {same.source}; it counts once "
                      f"({short_source(rules[Key.COUNT_ONCE].source_on(on))})")
        if reason is not None:
            counted.append(Counted(complaint, False, reason))
            continue
        seen[(complaint.complainant, complaint.behaviour_on)] = complaint
        behaviour = complaint.behaviour_on or on
        counted.append(Counted(complaint, True, (
            f"made to {complaint.source} {(complaint.reported_on - behaviour).days} days after "
            f"the behaviour on {long_date(behaviour)}, within {_months(window)} of "
            f"{long_date(on)}")))
    return Assessment(problem, on, _routes(rules, on, [c.complaint for c in counted
                                                       if c.qualifies]), tuple(counted))


def _routes(rules: Rules, on: datetime.date, qualifying: list[Complaint]) -> tuple[Route, ...]:
    needed = int(rules.on(Key.THRESHOLD, on))
    routes = [Route(Key.THRESHOLD, f"{needed} qualifying complaints about the same behaviour",
                    needed, len(qualifying), rules[Key.THRESHOLD].source_on(on))]
    if rules.on(Key.COMPLAINANTS_ON, on):
        people = int(rules.on(Key.COMPLAINANTS, on))
        found = len({c.complainant for c in qualifying})
        routes.append(Route(Key.COMPLAINANTS, f"qualifying complaints from {people} different "
                            "people about the same problem", people, found,
                            rules[Key.COMPLAINANTS].source_on(on)))
    if rules.on(Key.HATE_ON, on):
        hate = sum(1 for c in qualifying if c.hate)
        routes.append(Route(Key.HATE_ON, "one qualifying complaint of a hate incident or crime",
                            1, hate, rules[Key.HATE_ON].source_on(on)))
    return tuple(routes)


def assess_all(complaints: Iterable[Complaint], on: datetime.date, *,
               rules: Rules | None = None) -> dict[str, Assessment]:
    """:func:`assess` for every problem the complaints are about."""
    every = list(complaints)
    return {problem: assess(every, problem, on, rules=rules)
            for problem in sorted({c.problem for c in every})}


@dataclass(frozen=True)
class SecondReport:
    """A complainant's second report within the window, at which staff explain the Case
    Review; ``explained_on`` is when that was recorded (on or after the second report)."""

    complainant: str
    first: Complaint
    second: Complaint
    explained_on: datetime.date | None

    @property
    def due(self) -> bool:
        return self.explained_on is None


def second_report_prompts(complaints: Iterable[Complaint],
                          explanations: Mapping[str, Iterable[datetime.date]] | None = None, *,
                          rules: Rules | None = None) -> list[SecondReport]:
    """For each complainant, every report made within the window of their previous report
    and at least a window after the last prompt (so one prompt per run of reports), while
    the rule ``case_review.second_report_prompt`` is in force; ``explanations`` maps a
    complainant to the days staff recorded explaining the Case Review to them."""
    rules = rules if rules is not None else shipped()
    explained = {key: sorted(days) for key, days in (explanations or {}).items()}
    by_person: dict[str, list[Complaint]] = {}
    for complaint in complaints:
        if complaint.complainant is not None:
            by_person.setdefault(complaint.complainant, []).append(complaint)
    prompts: list[SecondReport] = []
    for person, reports in sorted(by_person.items()):
        reports.sort(key=lambda c: (c.reported_on, c.source, c.reference))
        reports = _once_per_behaviour(reports, rules)
        last_prompt: datetime.date | None = None
        for previous, report in zip(reports, reports[1:], strict=False):
            day = report.reported_on
            window = int(rules.on(Key.PROMPT_WINDOW, day))
            if not rules.on(Key.PROMPT, day) or day > add_months(previous.reported_on, window):
                continue
            if last_prompt is not None and day <= add_months(last_prompt, window):
                continue
            last_prompt = day
            told = next((d for d in explained.get(person, []) if d >= day), None)
            prompts.append(SecondReport(person, previous, report, told))
    return prompts


def _once_per_behaviour(reports: list[Complaint], rules: Rules) -> list[Complaint]:
    """One person's reports with repeats of the same behaviour to other agencies left out,
    when the rule says they count once."""
    kept: list[Complaint] = []
    seen: set[datetime.date] = set()
    for report in reports:
        once = report.behaviour_on is not None and rules.on(Key.COUNT_ONCE, report.reported_on)
        if once and report.behaviour_on in seen:
            continue
        if report.behaviour_on is not None:
            seen.add(report.behaviour_on)
        kept.append(report)
    return kept

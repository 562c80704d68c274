"""The partnership's case work over an assessment year, in aggregate, for the strategic
assessment's report (issue 12, "Into the strategic assessment").

The rows are counts only (no name, no reference, no place), read from each case-work app's
``figures(period_start, period_end)`` (both days included) and, for repeat-ASB cases, from the
cases themselves. They are shown in the panel and public reports with small counts withheld
(``strategic.disclosure.casework_view``, ``[public] suppress_below``), and some feed the repeat
and vulnerability dimensions of the themes named in ``[[casework_feeds]]`` (by each row's key:
``strategic.casework_scores``).

Rows, in this order (the apps' docstrings say how each is counted):

- Repeat anti-social behaviour: cases of the ``repeat-asb`` type opened in the year, by any
  agency;
- ASB Case Review: applications, threshold not met, reviews carried out, reviews with
  recommendations (each step counted when it happened: ``casereview.figures``);
- Safeguarding and exploitation: concerns (child, adult), one row per exploitation type of the
  vocabulary, MASH referrals, MARAC referrals and repeat MARAC referrals
  (``safeguarding.figures``);
- Modern slavery: NRM referrals (children, adults) and Duty to Notify records
  (``slavery.figures``);
- Hate crime and hate incidents: hate crimes, non-crime hate incidents, and one row per
  monitored strand (a case with two strands counts in both: ``hate.figures``).
"""

from __future__ import annotations

import datetime

from saferplaces.apps.casereview import figures as casereview
from saferplaces.apps.cases.models import Case
from saferplaces.apps.cases.types import case_type
from saferplaces.apps.hate import figures as hate
from saferplaces.apps.safeguarding import figures as safeguarding
from saferplaces.apps.slavery import figures as slavery
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.periods import Period
from saferplaces.strategic.inputs import Casework, CaseworkRow

__all__ = ["REPEAT_ASB_TYPE", "casework", "period_days"]

#: The case type whose cases are counted as repeat-ASB cases (data/cases/case-types.toml).
REPEAT_ASB_TYPE = "repeat-asb"

REPEAT_ASB = "Repeat anti-social behaviour"
CASE_REVIEW = "ASB Case Review (Community Trigger)"
SAFEGUARDING = "Safeguarding and exploitation"
SLAVERY = "Modern slavery"
HATE = "Hate crime and hate incidents"


def period_days(period: Period) -> tuple[datetime.date, datetime.date]:
    """The first day of the period's first month and the last day of its last month."""
    first = period.first.date()
    after = (period.last + datetime.timedelta(days=32)).replace(day=1).date()
    return first, after - datetime.timedelta(days=1)


def _repeat_asb(start: datetime.date, end: datetime.date) -> list[CaseworkRow]:
    kind = case_type(REPEAT_ASB_TYPE)
    label = f"{kind.label if kind else REPEAT_ASB} cases opened"
    opened = Case.objects.filter(case_type=REPEAT_ASB_TYPE, opened_on__range=(start, end)).count()
    return [CaseworkRow(REPEAT_ASB, label, opened, "repeat_asb_cases")]


def _case_review(start: datetime.date, end: datetime.date) -> list[CaseworkRow]:
    found = casereview.figures(start, end)
    return [CaseworkRow(CASE_REVIEW, label, found[key], key) for key, label in (
        ("case_review_applications", "Applications"),
        ("case_review_threshold_not_met", "Threshold not met"),
        ("case_reviews_carried_out", "Reviews carried out"),
        ("case_reviews_with_recommendations", "Reviews with recommendations"),
    )]


def _safeguarding(start: datetime.date, end: datetime.date) -> list[CaseworkRow]:
    found = safeguarding.figures(start, end)
    rows = [CaseworkRow(SAFEGUARDING, label, found[key], key) for key, label in (
        ("concerns", "Safeguarding concerns"),
        ("concerns_child", "Concerns about a child"),
        ("concerns_adult", "Concerns about an adult"),
    )]
    rows += [CaseworkRow(SAFEGUARDING, f"Concerns: {term.label}", found[f"concerns_{key}"],
                         f"concerns_{key}")
             for key, term in vocabulary("exploitation_types").terms.items()]
    rows += [CaseworkRow(SAFEGUARDING, label, found[key], key) for key, label in (
        ("mash_referrals", "MASH referrals"),
        ("marac_referrals", "MARAC referrals"),
        ("marac_repeat_referrals", "Repeat MARAC referrals"),
    )]
    return rows


def _slavery(start: datetime.date, end: datetime.date) -> list[CaseworkRow]:
    found = slavery.figures(start, end)
    return [CaseworkRow(SLAVERY, label, found[key], key) for key, label in (
        ("nrm_referrals", "NRM referrals"),
        ("nrm_children", "NRM referrals of children"),
        ("nrm_adults", "NRM referrals of adults"),
        ("duty_to_notify", "Duty to Notify records (adults who declined a referral)"),
    )]


def _hate(start: datetime.date, end: datetime.date) -> list[CaseworkRow]:
    found = hate.figures(start, end)
    rows = [CaseworkRow(HATE, "Hate crimes", found["hate_crimes"], "hate_crimes"),
            CaseworkRow(HATE, "Non-crime hate incidents", found["hate_non_crime"],
                        "hate_non_crime")]
    rows += [CaseworkRow(HATE, f"Strand: {term.label}", found[f"hate_strand_{key}"],
                         f"hate_strand_{key}")
             for key, term in vocabulary("hate_strands").terms.items()]
    return rows


def casework(period: Period) -> Casework:
    """The rows of the module docstring for the days of ``period``."""
    start, end = period_days(period)
    return Casework(tuple(
        row for part in (_repeat_asb, _case_review, _safeguarding, _slavery, _hate)
        for row in part(start, end)))

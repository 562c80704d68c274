"""Child or adult, from the date of birth on a given day.

A child is a person under 18 (Children Act 1989 s.105(1); Care Act 2014 s.42 concerns adults,
aged 18 or over); the age is configuration (rule ``safeguarding.adult_age``). Which day counts
is the caller's rule: for a safeguarding concern, the date of the concern, so a child who turns
18 between the concern and the referral is still a child for that concern.

A person attains an age at the start of the anniversary of their birth (Family Law Reform Act
1969 s.9). Someone born on 29 February is taken to attain it on 1 March in other years (the
statute does not say; to verify against local legal advice).
"""

from __future__ import annotations

import datetime

from saferplaces.casework.law import Rules, shipped

__all__ = ["age_on", "is_child"]


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day``."""
    if day < date_of_birth:
        raise ValueError("the day is before the date of birth")
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def is_child(date_of_birth: datetime.date, day: datetime.date, rules: Rules | None = None) -> bool:
    """Whether the person is under the adult age (rule ``safeguarding.adult_age``) on ``day``."""
    rules = rules if rules is not None else shipped()
    return age_on(date_of_birth, day) < int(rules.on("safeguarding.adult_age", day))

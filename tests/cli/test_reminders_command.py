"""``saferplaces reminders --day`` in a fresh process: a missed day can be caught up, but a day
still to come is refused before anything is sent, because the other apps' checks (PSPO reviews,
intelligence alerts) read the store as it is today and cannot run as of a later day."""

from __future__ import annotations

import datetime

from tests.process import saferplaces, with_migrated_store


def test_a_day_still_to_come_is_refused_before_anything_is_sent(tmp_path):
    with_migrated_store(tmp_path)
    later = datetime.date.today() + datetime.timedelta(days=400)
    done = saferplaces("reminders", "--day", later.isoformat(), home=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "has not come yet" in done.stderr and "Traceback" not in done.stderr
    assert "Reminders for" not in done.stdout

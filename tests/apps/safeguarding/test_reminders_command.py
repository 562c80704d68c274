"""``saferplaces reminders`` in a fresh process raises the overdue alert of a MASH referral once,
not on every run."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.process import environment, ok

SETUP = """
import datetime, django
django.setup()
from zoneinfo import ZoneInfo
from django.contrib.auth import get_user_model
from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.cases import services as cases
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.people.models import Person
from saferplaces.apps.safeguarding import services
from saferplaces.apps.safeguarding.access import get_mash_referral_for_user

council = Agency.objects.create(name="Colchester City Council", kind="council")
officer = get_user_model().objects.create_user("officer")
Membership.objects.create(user=officer, agency=council, role="case_manager")
child = Person.objects.create(owner_agency=council, given_name="Casey", family_name="Child",
                              date_of_birth=datetime.date(2011, 1, 15))
case = cases.create_case(officer, case_type_key="vulnerable-child", title="Missing episodes")
cases.add_party(get_case_for_user(officer, case.pk), officer, person_id=child.pk,
                role="vulnerable-person")
access = get_case_for_user(officer, case.pk)
concern = services.record_concern(access, officer, person_id=child.pk,
                                  concern_on=datetime.date(2026, 5, 21),
                                  exploitation_types=["child-criminal-exploitation"])
referral = services.refer_to_mash(access, officer, concern_id=concern.pk, mash_agency=council,
    received_at=datetime.datetime(2026, 5, 22, 15, 0, tzinfo=ZoneInfo("Europe/London")))
seen = get_mash_referral_for_user(officer, referral.pk)
services.update_mash(seen, officer, version=seen.record.version, rag="red")
"""


def test_reminders_command_raises_the_mash_overdue_alert_once(tmp_path):
    assert "Overdue alerts raised: 0" in ok("reminders", home=tmp_path)  # makes the store
    env = environment(tmp_path) | {"DJANGO_SETTINGS_MODULE": "saferplaces.web.settings"}
    made = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    # Monday 25 May 2026 is the spring bank holiday: the red target runs to 11:00 on the 26th
    assert "Overdue alerts raised: 0" in ok("reminders", "--day", "2026-05-25", home=tmp_path)
    assert "Overdue alerts raised: 1" in ok("reminders", "--day", "2026-05-26", home=tmp_path)
    assert "Overdue alerts raised: 0" in ok("reminders", "--day", "2026-05-26", home=tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        texts = [row[0] for row in db.execute(
            "SELECT text FROM cases_notification WHERE text LIKE '%is overdue%'")]
    assert len(texts) == 1
    assert texts[0].startswith("MASH referral 1 on case SGC-")
    assert texts[0].endswith("is overdue: the red response was due by 26 May 2026 11:00")

"""``saferplaces briefing --quarter YYYY-Qn --out DIR`` in a fresh process, as a user runs it: the
HTML and PDF are written, small counts are withheld, no name or reference is in them, and a bad
quarter is refused before anything is written."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from saferplaces.apps.incidents.sensitive import suppress_below
from tests.apps.hiddenharms.checks import row, small_counts_shown
from tests.process import environment, ok, saferplaces, with_migrated_store

SCRIPT = textwrap.dedent("""
    import datetime
    from saferplaces.commands.common import setup_django
    setup_django()
    from django.contrib.auth import get_user_model
    from saferplaces.apps.agencies.models import Agency, Membership
    from saferplaces.apps.cases import services as cases
    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.people.models import Person
    from saferplaces.apps.safeguarding import services
    agency = Agency.objects.create(name="Essex Police", kind="police")
    user = get_user_model().objects.create_user("officer")
    Membership.objects.create(user=user, agency=agency, role="case_manager")
    refs = []
    for n, (born, kind, times) in enumerate([(datetime.date(2011, 1, 1), "child-criminal-exploitation", 2),
                                              (datetime.date(1980, 1, 1), "domestic-abuse", 11)]):
        case = cases.create_case(user, case_type_key="vulnerable-child" if n == 0 else "vulnerable-adult",
                                 title="A case")
        who = Person.objects.create(owner_agency=agency, given_name="Orla", family_name=f"Zephyrine{n}",
                                    date_of_birth=born)
        access = get_case_for_user(user, case.pk)
        cases.add_party(access, user, person_id=who.pk, role="vulnerable-person")
        for day in range(times):
            services.record_concern(get_case_for_user(user, case.pk), user, person_id=who.pk,
                                    concern_on=datetime.date(2026, 5, 1 + day),
                                    exploitation_types=[kind])
        refs.append(case.reference)
    print(" ".join(refs))
""")


def test_the_briefing_command_writes_html_and_pdf_in_a_fresh_process(tmp_path):
    made = subprocess.run([sys.executable, "-c", SCRIPT], env=environment(tmp_path), cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    references = made.stdout.split()
    printed = ok("briefing", "--quarter", "2026-Q2", "--out", "out", home=tmp_path)
    assert "Practitioner briefing 2026-Q2 (1 April to 30 June 2026)" in printed
    html = (tmp_path / "out" / "hidden-harms-briefing-2026-Q2.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "hidden-harms-briefing-2026-Q2.pdf").read_bytes().startswith(b"%PDF")
    assert small_counts_shown(html, suppress_below()) == []
    assert row(html, "referrals", "Safeguarding concerns: Domestic abuse") == [0, 11, 11]
    assert row(html, "referrals", "Safeguarding concerns: Child criminal exploitation "
                                  "(including county lines)") == [None, 0, None]
    assert "Zephyrine" not in html and references and not any(r in html for r in references)


def test_a_quarter_written_wrongly_is_refused(tmp_path):
    done = saferplaces("briefing", "--quarter", "2026-5", home=tmp_path)
    assert done.returncode == 2
    assert "write it as YYYY-Qn" in done.stderr
    assert not list(tmp_path.glob("hidden-harms-briefing-*"))


def test_a_quarter_not_ended_or_before_the_figures_start_is_refused_and_nothing_written(tmp_path):
    with_migrated_store(tmp_path)
    for quarter, why in (("9999-Q4", "9999-Q4 has not ended yet"),
                         ("1900-Q1", "1900-Q1 is too early: the figures start with 2000-Q1")):
        done = saferplaces("briefing", "--quarter", quarter, "--out", "out", home=tmp_path)
        assert done.returncode == 2, done.stderr
        assert why in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "out").exists()

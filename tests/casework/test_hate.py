"""Hate crime and incidents: the five monitored strands, several per record; perception by the
victim or anyone else; a non-crime hate incident only with the Code of Practice's justification
and only while configuration allows; figures by strand count a two-strand record in each strand
and once in the total."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.hate import figures, record_hate
from saferplaces.casework.law import overlay, shipped
from saferplaces.casework.refusals import Refused
from saferplaces.casework.vocabularies import vocabulary

DAY = datetime.date(2026, 3, 2)
HARM = "risk-of-significant-harm"


def test_the_five_monitored_strands():
    assert vocabulary("hate_strands").keys() == (
        "race", "religion-or-belief", "sexual-orientation", "disability", "transgender-identity")


def test_a_record_may_name_several_strands_and_be_perceived_by_someone_other_than_the_victim():
    record = record_hate(recorded_on=DAY, kind="crime", strands=["race", "religion-or-belief"],
                         perceived_by="other")
    assert record.strands == ("race", "religion-or-belief") and record.perceived_by == "other"


def test_a_record_without_a_strand_or_with_an_unknown_one_is_refused():
    with pytest.raises(Refused, match="at least one strand"):
        record_hate(recorded_on=DAY, kind="crime", strands=[], perceived_by="victim")
    with pytest.raises(Refused, match="'age' is not one of"):
        record_hate(recorded_on=DAY, kind="crime", strands=["age"], perceived_by="victim")


def test_a_non_crime_hate_incident_needs_a_code_of_practice_ground_and_reasoning():
    with pytest.raises(Refused, match="needs a ground from the Code of Practice"):
        record_hate(recorded_on=DAY, kind="non-crime", strands=["disability"],
                    perceived_by="victim")
    with pytest.raises(Refused, match="needs the reasoning"):
        record_hate(recorded_on=DAY, kind="non-crime", strands=["disability"],
                    perceived_by="victim", nchi_ground=HARM)
    record = record_hate(recorded_on=DAY, kind="non-crime", strands=["disability"],
                         perceived_by="victim", nchi_ground=HARM,
                         nchi_reasoning="Third targeted incident at the same bus stop in a month")
    assert record.nchi_ground == HARM


def test_non_crime_hate_incidents_can_be_switched_off_from_a_date(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('''
[[rules."hate.nchi.recording_allowed".values]]
from = 2026-06-01
value = false
source = "Partnership decision following the national review"
''', encoding="utf-8")
    rules = overlay(shipped(), local)
    nchi = dict(kind="non-crime", strands=["race"], perceived_by="victim", nchi_ground=HARM,
                nchi_reasoning="Repeated threats", rules=rules)
    assert record_hate(recorded_on=datetime.date(2026, 5, 31), **nchi)
    with pytest.raises(Refused, match="hate.nchi.recording_allowed"):
        record_hate(recorded_on=datetime.date(2026, 6, 1), **nchi)
    assert record_hate(recorded_on=datetime.date(2026, 6, 1), kind="crime", strands=["race"],
                       perceived_by="victim", rules=rules)


def test_figures_count_a_two_strand_case_in_each_strand_and_once_in_the_total():
    records = [
        record_hate(recorded_on=DAY, kind="crime", strands=["race", "religion-or-belief"],
                    perceived_by="victim"),
        record_hate(recorded_on=DAY, kind="crime", strands=["race"], perceived_by="other"),
        record_hate(recorded_on=DAY, kind="non-crime", strands=["sexual-orientation"],
                    perceived_by="victim", nchi_ground="risk-of-future-offence",
                    nchi_reasoning="Named threats of assault"),
    ]
    result = figures(records)
    assert result.by_strand == {"race": 2, "religion-or-belief": 1, "sexual-orientation": 1,
                                "disability": 0, "transgender-identity": 0}
    assert (result.total, result.crimes, result.non_crime) == (3, 2, 1)
    assert sum(result.by_strand.values()) == 4


def test_a_strand_named_twice_counts_once():
    record = record_hate(recorded_on=DAY, kind="crime", strands=["race", "race"],
                         perceived_by="victim")
    assert figures([record]).by_strand["race"] == 1


def test_a_person_in_two_hate_records_within_twelve_months_is_a_repeat_victim():
    from saferplaces.casework.hate import Appearance, repeats

    found = repeats([
        Appearance("person-1", "HATE-1", datetime.date(2025, 3, 2)),
        Appearance("person-1", "HATE-2", datetime.date(2026, 3, 2)),   # the anniversary: within
        Appearance("person-2", "HATE-3", datetime.date(2025, 3, 2)),
        Appearance("person-2", "HATE-4", datetime.date(2026, 3, 3)),   # a day late: not a repeat
        Appearance("person-3", "HATE-5", datetime.date(2026, 1, 5)),
        Appearance("person-3", "HATE-5", datetime.date(2026, 1, 5)),   # the same record twice
    ])
    assert found == {"person-1": ("HATE-1", "HATE-2")}


def test_the_repeat_threshold_is_configuration(tmp_path: Path):
    from saferplaces.casework.hate import Appearance, repeats

    local = tmp_path / "local.toml"
    local.write_text('''
[[rules."hate.repeat.min_records".values]]
from = 2020-01-01
value = 3
source = "Partnership policy: three records"
''', encoding="utf-8")
    two = [Appearance("place-1", f"HATE-{n}", datetime.date(2026, n, 1)) for n in (1, 2)]
    assert repeats(two) == {"place-1": ("HATE-1", "HATE-2")}
    assert repeats(two, rules=overlay(shipped(), local)) == {}


def test_a_non_crime_incident_dated_before_the_nchi_rule_began_is_refused_with_the_rule():
    with pytest.raises(Refused) as refused:
        record_hate(recorded_on=datetime.date(1, 1, 1), kind="non-crime", strands=["race"],
                    perceived_by="victim", nchi_ground=HARM, nchi_reasoning="Threats")
    assert refused.value.rule == "hate.nchi.recording_allowed"
    assert "before 1 May 2014" in str(refused.value)


def test_repeats_near_the_end_of_the_calendar_or_before_the_rules_began_do_not_fail():
    from saferplaces.casework.hate import Appearance, repeats

    found = repeats([Appearance("p", "A", datetime.date(9999, 12, 31)),
                     Appearance("p", "B", datetime.date(9999, 6, 1)),
                     Appearance("q", "C", datetime.date(1, 1, 1)),
                     Appearance("q", "D", datetime.date(1, 3, 1))])
    assert found == {"p": ("B", "A"), "q": ("C", "D")}

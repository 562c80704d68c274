"""Law as dated configuration: the value in force on a day, planned values never applied, a
partnership's own values laid over the shipped ones, and errors that name the file and key."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.casework.law import LawError, load_rules, overlay, shipped

PENALTY = '''
[rules."cpn.fixed_penalty_max"]
label = "Community Protection Notice: fixed penalty maximum"
unit = "GBP"
source = "Anti-social Behaviour, Crime and Policing Act 2014 s.52"

[[rules."cpn.fixed_penalty_max".values]]
from = 2014-10-20
value = 100

[[rules."cpn.fixed_penalty_max".values]]
planned = true
value = 500
source = "planned rise, not yet commenced"
'''


def write(tmp_path: Path, text: str, name: str = "law.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_value_in_force_is_the_latest_dated_on_or_before_the_day(tmp_path):
    rules = load_rules(write(tmp_path, PENALTY))
    assert rules.on("cpn.fixed_penalty_max", datetime.date(2026, 11, 29)) == 100


def test_a_planned_value_without_a_commencement_date_is_never_applied(tmp_path):
    rule = load_rules(write(tmp_path, PENALTY))["cpn.fixed_penalty_max"]
    assert rule.on(datetime.date(2099, 1, 1)) == 100
    assert [v.value for v in rule.planned()] == [500]


def test_a_day_before_the_first_value_is_refused_not_guessed(tmp_path):
    rule = load_rules(write(tmp_path, PENALTY))["cpn.fixed_penalty_max"]
    with pytest.raises(LawError, match="no value in force on 2014-10-19"):
        rule.on(datetime.date(2014, 10, 19))


def test_a_partnership_value_applies_from_its_date_and_names_its_own_source(tmp_path):
    base = load_rules(write(tmp_path, PENALTY))
    local = write(tmp_path, '''
[[rules."cpn.fixed_penalty_max".values]]
from = 2027-04-01
value = 500
source = "commencement regulations (entered by the partnership)"
''', "local.toml")
    rules = overlay(base, local)
    assert rules.on("cpn.fixed_penalty_max", datetime.date(2027, 3, 31)) == 100
    assert rules.on("cpn.fixed_penalty_max", datetime.date(2027, 4, 1)) == 500
    assert rules["cpn.fixed_penalty_max"].source_on(datetime.date(2027, 4, 1)).startswith("commencement")


def test_a_local_value_without_a_source_is_refused(tmp_path):
    base = load_rules(write(tmp_path, PENALTY))
    local = write(tmp_path, '[[rules."cpn.fixed_penalty_max".values]]\nfrom = 2027-04-01\nvalue = 500\n',
                  "local.toml")
    with pytest.raises(LawError, match="local.toml: rules.cpn.fixed_penalty_max.values: a local value must name"):
        overlay(base, local)


def test_a_rule_without_a_source_is_refused_naming_file_and_key(tmp_path):
    text = PENALTY.replace('source = "Anti-social Behaviour, Crime and Policing Act 2014 s.52"\n', "")
    with pytest.raises(LawError, match=r"law.toml: rules.cpn.fixed_penalty_max.source"):
        load_rules(write(tmp_path, text))


def test_an_undated_value_not_marked_planned_is_refused(tmp_path):
    text = PENALTY.replace("from = 2014-10-20\n", "")
    with pytest.raises(LawError, match="needs a `from` date"):
        load_rules(write(tmp_path, text))


def test_asking_for_an_unknown_rule_names_it(tmp_path):
    with pytest.raises(LawError, match="'closure.order_max'"):
        load_rules(write(tmp_path, PENALTY)).on("closure.order_max", datetime.date(2026, 1, 1))


def test_every_shipped_rule_has_a_source_and_a_value_in_force_today():
    today = datetime.date(2026, 11, 29)
    assert list(shipped()), "no shipped law files"
    for key in shipped():
        rule = shipped()[key]
        assert rule.source and rule.on(today) is not None, key

"""The README stays true: every CLI command, ground-truth key and status key is documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from saferplaces.cli import main
from saferplaces.demo.truth import GROUND_TRUTH_KEYS
from saferplaces.web.env import SETTINGS

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(GROUND_TRUTH_KEYS))
def test_every_ground_truth_key_is_documented(key):
    assert f"| `{key}` |" in README


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_documented(command):
    assert re.search(rf"`saferplaces {re.escape(command)}\b", README), command


def test_readme_has_exactly_the_two_setup_commands():
    setup = README.split("## Set up", 1)[1].split("## The command", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", setup, flags=re.S)
    assert commands == ['pip install -e . && saferplaces demo', 'pip install -e ".[dev]" && python -m pytest']


@pytest.mark.parametrize(("key", "meaning"), sorted(GROUND_TRUTH_KEYS.items()))
def test_ground_truth_descriptions_match_the_generator(key, meaning):
    assert f"| `{key}` | {meaning} |" in README


def configuration_table() -> str:
    return README.split("## Configuration", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_environment_variable_is_in_the_configuration_table(setting):
    assert f"| `{setting.name}` |" in configuration_table()


def test_the_configuration_table_names_only_declared_variables():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", configuration_table(), flags=re.M))
    assert documented == {s.name for s in SETTINGS}


def test_no_module_reads_the_environment_outside_the_declared_settings():
    source = Path(__file__).parents[1] / "src" / "saferplaces"
    readers = {str(p.relative_to(source)) for p in source.rglob("*.py")
               if re.search(r"os\.environ(?!\.setdefault\(\"DJANGO_SETTINGS_MODULE\")|os\.getenv",
                            p.read_text(encoding="utf-8"))}
    assert readers == {"web/env.py"}


def test_a_bad_setting_stops_a_command_naming_the_variable(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SAFERPLACES_DB=str(tmp_path / "db.sqlite3"), SAFERPLACES_MAP_POINT_LIMIT="lots")
    result = subprocess.run([sys.executable, "-m", "saferplaces.cli", "status"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SAFERPLACES_MAP_POINT_LIMIT must be a whole number, not 'lots'" in result.stderr
    assert "Traceback" not in result.stderr


def leaf_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += leaf_commands(command, (*prefix, name))
        else:
            found.append((" ".join((*prefix, name)), command))
    return found


def command_row(name: str) -> str:
    rows = [line for line in README.splitlines()
            if re.match(rf"\| `saferplaces {re.escape(name)}(`| )", line)]
    assert rows, f"no row for `saferplaces {name}` in the README's command table"
    return rows[0]


@pytest.mark.parametrize(("name", "option"), [
    (name, option) for name, command in leaf_commands() for parameter in command.params
    if isinstance(parameter, click.Option) for option in parameter.opts[:1] if option != "--help"
])
def test_every_option_of_every_command_is_in_its_readme_row(name, option):
    assert option in command_row(name)

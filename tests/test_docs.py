"""The README stays true: every CLI command, ground-truth key and status key is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from saferplaces.cli import main
from saferplaces.demo.truth import GROUND_TRUTH_KEYS

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

"""The README's "The law as configuration" table lists every shipped rule, and nothing else, so
users can see each default and its source without reading the law files."""

from __future__ import annotations

import re
from pathlib import Path

from saferplaces.casework.law import shipped

README = Path(__file__).resolve().parents[2] / "README.md"


def law_table_keys() -> set[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The law as configuration")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end != -1 else None]
    assert "| rule | default | source |" in section
    return {match.group(1) for match in re.finditer(r"^\| `([^`]+)`", section, re.MULTILINE)}


def test_every_shipped_rule_is_listed_in_the_readme_law_table():
    missing = sorted(set(shipped()) - law_table_keys())
    assert not missing, f"add these rules to the README's law table: {missing}"


def test_the_readme_law_table_lists_no_rule_that_is_not_shipped():
    stale = sorted(law_table_keys() - set(shipped()))
    assert not stale, f"these README rows name no shipped rule: {stale}"

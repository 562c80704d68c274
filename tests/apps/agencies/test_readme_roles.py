"""The README's "Roles and capabilities" table is the data in ``roles.py``: a role given a new
capability, or a capability reworded, fails here until the README says the same."""

from __future__ import annotations

from pathlib import Path

from saferplaces.apps.agencies.roles import (
    CAPABILITY_HELP,
    INTELLIGENCE_VIEW,
    ROLE_CAPABILITIES,
    SITE_ADMIN_CAPABILITIES,
)

README = Path(__file__).parents[3] / "README.md"
HEADING = "#### Roles and capabilities"


def expected_table() -> str:
    """The table as the README should hold it: a row per capability, a column per role, then
    the site administrator and the per-person intelligence flag."""
    roles = list(ROLE_CAPABILITIES)
    header = ["capability", "lets them", *(role.label for role in roles), "site administrator",
              "intelligence flag"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for capability, help_text in CAPABILITY_HELP.items():
        marks = ["✓" if capability in ROLE_CAPABILITIES[role] else "" for role in roles]
        marks.append("✓" if capability in SITE_ADMIN_CAPABILITIES else "")
        marks.append("✓" if capability == INTELLIGENCE_VIEW else "")
        lines.append(f"| `{capability}` | {help_text} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def table_lines(section: str) -> list[str]:
    """The first run of table lines after the heading."""
    lines: list[str] = []
    for line in section.splitlines():
        if line.startswith("|"):
            lines.append(line)
        elif lines:
            break
    return lines


def test_the_readme_roles_table_is_the_roles_data():
    section = README.read_text(encoding="utf-8").split(HEADING, 1)[1]
    assert "\n".join(table_lines(section)) == expected_table(), (
        "README's roles table differs from roles.py; it should read:\n" + expected_table())


def test_every_capability_has_a_row_and_every_role_a_column():
    table = expected_table()
    assert all(f"| `{capability}` |" in table for capability in CAPABILITY_HELP)
    assert all(role.label in table.splitlines()[0] for role in ROLE_CAPABILITIES)

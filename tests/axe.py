"""axe-core in the browser tests: the WCAG 2.x level A and AA rules run on a Playwright page.

axe-core (Deque, MPL-2.0) is vendored from npm under ``tests/vendor/axe-core-<version>/`` with its
licences. It is only ever injected by the tests, never served to users. It is added as an init
script, which the browser runs outside the page's Content Security Policy, so the policy the pages
are served with stays exactly as users get it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"

#: The axe tags of the Web Content Accessibility Guidelines 2.0, 2.1 and 2.2 level A and AA success
#: criteria: the standard the Public Sector Bodies (Websites and Mobile Applications) (No. 2)
#: Accessibility Regulations 2018 require (through EN 301 549) and the GOV.UK Service Manual asks for.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return results.violations.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.slice(0, 3).map((node) => node.target.join(" ") + ": " + node.failureSummary),
  }));
}"""


def attach(target: Any) -> None:
    """Make axe available on every page of a Playwright browser context (or page)."""
    target.add_init_script(path=str(AXE))


def violations(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.x A/AA rules the page as it stands now breaks: one entry per rule, with up to
    three of the elements that break it."""
    return page.evaluate(_RUN, WCAG_AA_TAGS)

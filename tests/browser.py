"""Shared set-up for tests in a real headless Chromium (Debian's chromium, never a download)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls from
# it (fixtures writing the store) unless told the thread is safe, which it is here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="Chromium is not installed (apt-get install chromium); required in CI"),
]

# Reports every Content Security Policy violation as a console error, page after page (an init
# script runs before any of the page's own). Chromium also logs its own "Refused to ..." line.
_POLICY_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
                + " (" + event.sourceFile + ":" + event.lineNumber + ")");
});
"""


class PolicyWatch:
    """Collects Content Security Policy violations on every page of a Playwright context (or
    page) it is attached to, and the policy each page was served with."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.policies: dict[str, str] = {}

    def attach(self, target) -> None:  # a BrowserContext or a Page
        target.add_init_script(_POLICY_WATCH)
        target.on("console", self._console)
        target.on("response", self._response)

    def _console(self, message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            self.violations.append(text)

    def _response(self, response) -> None:
        if response.request.resource_type == "document":
            self.policies[response.url] = response.headers.get("content-security-policy", "")

    def assert_kept(self) -> None:
        """No violation, and every page visited was served with a policy allowing no inline script."""
        assert self.policies, "no page was visited"
        for url, policy in self.policies.items():
            directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
            scripts = directives.get("script-src", directives.get("default-src"))
            assert scripts is not None and "'unsafe-inline'" not in scripts, (url, policy)
        assert self.violations == []

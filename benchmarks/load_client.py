"""The simulated users of ``benchmarks/load.py``: each one a browser session on the web app.

A user signs in as a person does (the password page, then a six-digit code from their
authenticator app, computed here from the device key with django-otp's own RFC 6238 function),
then moves between pages with a think time between them: the dashboard, the case list, a case,
its tasks, a search (the term in a POST body, as the search page sends it) and edits of a case's
details or a task, each a GET of the form and a POST of it with the form's ``version``. Edits go
to a few shared records on purpose, so two users often save the same version and one of them
must be told of a conflict. Only the standard library: no browser, no JavaScript, no static
files (the site's CSS and scripts come from WhiteNoise and a browser caches them).

Each request is timed from sending to the last byte of the answer. Anything but the answer the
page should give (200 for a page, a redirect after a sign-in step or a save, 409 with the
conflict summary for a stale save) is an error, with the status and page kind kept.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django_otp.oath import totp

#: Every edit writes one of these at the end of the field it changes, replacing the last one,
#: so the records do not grow from one run to the next and the final value names the last save.
MARK = re.compile(r"\s*\[load edit ([^\]]*)\]\s*$")
CONFLICT_TEXT = "Someone else changed this"
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
TASK_LINK = re.compile(r'href="/tasks/(\d+)/"')
TIMEOUT = 60.0

#: The kind of page each request is, from its method and path (the sign-in pages are one kind).
KINDS = (("GET", re.compile(r"/dashboard/"), "dashboard"), ("GET", re.compile(r"/cases/"), "case list"),
         ("GET", re.compile(r"/cases/\d+/"), "case"), ("GET", re.compile(r"/tasks/"), "tasks"),
         ("GET", re.compile(r"/tasks/\d+/"), "task"), ("GET", re.compile(r"/search/"), "search"),
         ("POST", re.compile(r"/search/"), "search"),
         ("GET", re.compile(r"/(cases|tasks)/\d+/edit/"), "edit form"),
         ("POST", re.compile(r"/(cases|tasks)/\d+/edit/"), "save"),
         ("GET", re.compile(r"/accounts/.*"), "sign in"), ("POST", re.compile(r"/accounts/.*"), "sign in"))


def kind_of(method: str, path: str) -> str:
    """The page kind of a request, as the results name it ("other" for anything else)."""
    return next((kind for m, pattern, kind in KINDS if m == method and pattern.fullmatch(path)),
                "other")


#: What a user does next, and how often (weights).
ACTIONS = {"dashboard": 20, "case list": 15, "case": 25, "tasks": 10, "search": 15, "edit": 15}


@dataclass(frozen=True)
class Account:
    """A benchmark user: sign-in details and the device key its authenticator app holds."""

    username: str
    password: str
    totp_key: bytes
    totp_step: int
    totp_t0: int
    agency: str


@dataclass(frozen=True)
class Record:
    """A record the users edit at the same time: ``kind`` "case" or "task"."""

    kind: str
    pk: int
    agency: str  # the key of the agency whose users edit it

    def form_path(self) -> str:
        return f"/cases/{self.pk}/edit/" if self.kind == "case" else f"/tasks/{self.pk}/edit/"

    def field(self) -> str:
        return "summary" if self.kind == "case" else "title"


@dataclass(frozen=True)
class Sample:
    kind: str
    seconds: float
    status: int
    error: str = ""  # empty: the answer was the one expected
    at: float = 0.0  # time.monotonic() when it was sent


@dataclass(frozen=True)
class Edit:
    """One save as the user saw it: ``outcome`` "saved", "conflict" or "error"."""

    record: Record
    from_version: int
    token: str
    outcome: str


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample | None = None, edit: Edit | None = None) -> None:
        with self.lock:
            if sample is not None:
                self.samples.append(sample)
            if edit is not None:
                self.edits.append(edit)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as the answer: a redirect is what a save should give


class _Forms(HTMLParser):
    """Every form on a page with the values a browser would send unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        if not self.forms or "name" not in a and tag != "option":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None and (
                "selected" in a or self._select not in fields):
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1]["fields"][self._textarea] += data


def form_with(page: str, name: str) -> dict[str, str]:
    """The fields of the first form on ``page`` that has a field ``name``."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        if name in form["fields"]:
            return dict(form["fields"])
    raise LookupError(f"no form with a {name!r} field")


class User:
    """One simulated person with their own session (cookies), bounded by ``requests`` and the
    shared ``deadline`` (a ``time.monotonic()`` value)."""

    def __init__(self, number: int, account: Account, base: str, records: Sequence[Record],
                 terms: Sequence[str], results: Results, *, requests: int, deadline: float,
                 think: float, run: str, seed: int) -> None:
        self.number, self.account, self.base = number, account, base
        self.records = [r for r in records if r.agency == account.agency]
        self.terms, self.results = terms, results
        self.left, self.deadline, self.think = requests, deadline, think
        self.run = run
        self.random = random.Random(seed)
        self.edits = 0
        self.cases: list[int] = []
        self.tasks: list[int] = []
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    # --- HTTP ------------------------------------------------------------------------------------

    def _more(self) -> bool:
        return self.left > 0 and time.monotonic() < self.deadline

    def request(self, path: str, data: dict[str, str] | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, str]:
        """Send one request (a POST of ``data``, else a GET) and time it; the status and the
        page text (empty on a failure)."""
        self.left -= 1
        kind = kind_of("GET" if data is None else "POST", path)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        started, sent = time.perf_counter(), time.monotonic()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                status, text = answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8", "replace")
        except OSError as exc:  # refused, reset, timed out
            self.results.add(Sample(kind, time.perf_counter() - started, 0, type(exc).__name__,
                                    sent))
            return 0, ""
        seconds = time.perf_counter() - started
        error = "" if status in expect else f"HTTP {status}"
        if status == 409 and CONFLICT_TEXT not in text:
            error = "409 without the conflict summary"
        self.results.add(Sample(kind, seconds, status, error, sent))
        return status, text

    def pause(self, scale: float = 1.0) -> None:
        """Think time: uniform between half and one and a half times ``think`` (a person
        reading the page), cut short at the deadline."""
        wait = self.think * scale * self.random.uniform(0.5, 1.5)
        time.sleep(max(0.0, min(wait, self.deadline - time.monotonic())))

    # --- what a person does ----------------------------------------------------------------------

    def sign_in(self) -> bool:
        status, page = self.request("/accounts/login/")
        if status != 200:
            return False
        form = form_with(page, "password")
        form.update(username=self.account.username, password=self.account.password)
        status, _ = self.request("/accounts/login/", form, expect=(302,))
        if status != 302:
            return False
        status, page = self.request("/accounts/two-factor/verify/")
        if status != 200:
            return False
        form = form_with(page, "code")
        code = totp(self.account.totp_key, step=self.account.totp_step, t0=self.account.totp_t0)
        form["code"] = f"{code:06d}"
        status, _ = self.request("/accounts/two-factor/verify/", form, expect=(302,))
        return status == 302

    def dashboard(self) -> None:
        self.request("/dashboard/")

    def case_list(self) -> None:
        status, page = self.request("/cases/")
        if status == 200:
            self.cases = [int(pk) for pk in dict.fromkeys(CASE_LINK.findall(page))]

    def case(self) -> None:
        if not self.cases:
            return self.case_list()
        pk = self.random.choice(self.cases)
        status, page = self.request(f"/cases/{pk}/")
        if status == 200:
            self.tasks = [int(t) for t in dict.fromkeys(TASK_LINK.findall(page))] or self.tasks
        return None

    def tasks_page(self) -> None:
        status, page = self.request("/tasks/")
        if status == 200:
            self.tasks = [int(t) for t in dict.fromkeys(TASK_LINK.findall(page))] or self.tasks
        if self.tasks and self._more():
            self.pause()
            self.request(f"/tasks/{self.random.choice(self.tasks)}/")

    def search(self) -> None:
        status, page = self.request("/search/")
        if status != 200 or not self._more():
            return
        form = form_with(page, "term")
        form["term"] = self.random.choice(self.terms)
        self.pause(0.5)
        self.request("/search/", form)

    def edit(self) -> None:
        """Open one of the shared records' edit form, change its field after a short pause
        (typing), save. A saved edit goes on to the case page, as the redirect says."""
        if not self.records:
            return self.dashboard()
        record = self.random.choice(self.records)
        status, page = self.request(record.form_path())
        if status != 200 or not self._more():
            return None
        form = form_with(page, "version")
        self.edits += 1
        token = f"{self.run} u{self.number:02d} e{self.edits}"
        name = record.field()
        form[name] = MARK.sub("", form[name]).strip() + f" [load edit {token}]"
        self.pause(0.3)
        status, _ = self.request(record.form_path(), form, expect=(302, 409))
        outcome = {302: "saved", 409: "conflict"}.get(status, "error")
        self.results.add(edit=Edit(record, int(form["version"]), token, outcome))
        return None

    def run_session(self) -> None:
        """Sign in, then act until the request budget or the deadline runs out."""
        if not self.sign_in():
            return
        self.dashboard()
        self.case_list()
        actions = {"dashboard": self.dashboard, "case list": self.case_list, "case": self.case,
                   "tasks": self.tasks_page, "search": self.search, "edit": self.edit}
        names, weights = list(ACTIONS), list(ACTIONS.values())
        while self._more():
            self.pause()
            if not self._more():
                break
            actions[self.random.choices(names, weights)[0]]()

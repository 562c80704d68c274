"""``saferplaces serve`` in a fresh process, as a service manager runs it: gunicorn (or waitress)
answers pages and static files, the access log holds nothing personal, SIGTERM stops the server
and the background worker with exit status 0, and an unsafe configuration never starts off this
machine."""

from __future__ import annotations

import http.client
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.process import environment, with_migrated_store

from saferplaces.web.server import AccessLog, is_loopback

pytestmark = pytest.mark.slow

ACCESS_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (GET|HEAD|POST) (/\S*) (\d{3}) (\d+|-) (\d+)ms$")
GOOD_KEY = "k" * 20 + "-a-long-random-looking-secret-for-tests-" + "x9Q2z" * 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A running ``saferplaces serve``: its process, what it has printed so far, its port."""

    def __init__(self, home: Path, port: int, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "saferplaces.cli", "serve", "--port", str(port), *args],
            env={**environment(home), **(env or {})}, cwd=home, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def printed(self) -> str:
        return "\n".join(self.lines)

    def pid_of(self, name: str) -> int:
        match = re.search(rf"{name} process (\d+)", self.printed)
        assert match, self.printed
        return int(match.group(1))

    def get(self, path: str, method: str = "GET") -> http.client.HTTPResponse:
        """One request; redirects are not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path)
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response

    def wait_until_answering(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/static/web/saferplaces.css")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not answer:\n{self.printed}") from None
                time.sleep(0.3)

    def access_lines(self) -> list[str]:
        return [line for line in self.lines if re.search(r" (GET|HEAD|POST) /", line)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_serve_answers_logs_nothing_personal_and_stops_cleanly_on_sigterm(server, tmp_path):
    served = Served(tmp_path, free_port(), "--server", server, "--workers", "2")
    try:
        served.wait_until_answering()
        assert f"Serving saferplaces with {server}" in served.printed
        web, worker = served.pid_of("web server"), served.pid_of("background worker")

        home = served.get("/?search=Jane+Smith&address=12+Acacia+Avenue")
        assert home.status == 302 and home.getheader("Location").startswith("/accounts/login/")
        sign_in = served.get("/accounts/login/")
        assert sign_in.status == 200 and b"Sign in" in sign_in.body
        assert "script-src 'self'" in sign_in.getheader("Content-Security-Policy")
        css = served.get("/static/web/saferplaces.css")  # debug is off: WhiteNoise serves it
        assert css.status == 200 and css.getheader("Content-Type").startswith("text/css")
        assert b".sp-swatch" in css.body
        head = served.get("/accounts/login/", method="HEAD")
        assert head.status == 200 and head.body == b""

        deadline = time.monotonic() + 10
        while len(served.access_lines()) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        lines = served.access_lines()[1:]  # after wait_until_answering's request
        # (method, path, status, bytes): two workers may write their lines in either order
        logged = sorted(ACCESS_LINE.match(line).group(1, 2, 3, 4) for line in lines)  # type: ignore[union-attr]
        assert logged == sorted([
            ("GET", "/", "302", "0"), ("GET", "/accounts/login/", "200", str(len(sign_in.body))),
            ("GET", "/static/web/saferplaces.css", "200", str(len(css.body))),
            ("HEAD", "/accounts/login/", "200", "0")]), lines
        for personal in ("Jane", "Acacia", "search=", "?", "127.0.0.1 -", "Mozilla", "python-http"):
            assert not any(personal in line for line in lines), (personal, lines)

        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=20) == 0, served.printed
        assert gone(web) and gone(worker), served.printed
        with pytest.raises(OSError):
            served.get("/")
        served.reader.join(timeout=5)
        assert "Stopped the web server and the background worker." in served.printed
    finally:
        served.stop()


#: Settings safe for a shared deployment; each case below changes one of them.
SHARED_SAFE = {"SAFERPLACES_SECRET_KEY": GOOD_KEY, "SAFERPLACES_HTTPS": "true",
               "SAFERPLACES_ALLOWED_HOSTS": "saferplaces.example.gov.uk"}
REFUSED = {
    "SAFERPLACES_SECRET_KEY": {"SAFERPLACES_SECRET_KEY": None},
    "SAFERPLACES_DEBUG": {"SAFERPLACES_DEBUG": "true"},
    "SAFERPLACES_REQUIRE_2FA": {"SAFERPLACES_REQUIRE_2FA": "false"},
}
#: Refused only where other machines can reach the server itself.
REFUSED_OFF_THIS_MACHINE = {
    "SAFERPLACES_ALLOWED_HOSTS": {"SAFERPLACES_ALLOWED_HOSTS": "*"},
    "SAFERPLACES_HTTPS": {"SAFERPLACES_HTTPS": "false"},
}


def test_serve_stops_the_worker_and_fails_when_the_server_cannot_start(tmp_path):
    # Safe settings for a shared site, on an address this machine does not have (TEST-NET-1,
    # RFC 5737): everything starts, then the server cannot listen.
    env = serve_env(with_migrated_store(tmp_path), SHARED_SAFE)
    served = Served(tmp_path, free_port(), "--server", "waitress", "--host", "192.0.2.1", env=env)
    try:
        assert served.process.wait(timeout=120) != 0
        served.reader.join(timeout=5)
        assert "the web server stopped by itself" in served.printed
        assert "cannot listen on 192.0.2.1" in served.printed and "Traceback" not in served.printed
        assert gone(served.pid_of("background worker"))
    finally:
        served.stop()


def serve_env(home: Path, changed: dict[str, str | None]) -> dict[str, str]:
    env = environment(home)
    for name in ("SAFERPLACES_DEBUG", "SAFERPLACES_REQUIRE_2FA", "SAFERPLACES_BEHIND_PROXY",
                 "SAFERPLACES_HTTPS", "SAFERPLACES_ALLOWED_HOSTS", "SAFERPLACES_SECRET_KEY"):
        env.pop(name, None)
    for name, value in changed.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def assert_refused(home: Path, host: str, env: dict[str, str], variable: str) -> str:
    port = free_port()
    # A server that started would never return: the timeout would fail the test.
    done = subprocess.run([sys.executable, "-m", "saferplaces.cli", "serve", "--host", host, "--port", str(port)],
                          env=env, cwd=home, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, done.stdout + done.stderr
    assert f"refusing to serve on {host}" in done.stderr and variable in done.stderr
    assert "Serving" not in done.stdout and "Listening" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert not (home / "store.sqlite3").exists()  # refused before touching the database
    with socket.socket() as probe:  # nothing was left listening
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    return done.stderr


@pytest.mark.parametrize("variable", sorted(REFUSED) + sorted(REFUSED_OFF_THIS_MACHINE))
@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_serve_refuses_other_machines_with_unsafe_settings_naming_the_variable(variable, host, tmp_path):
    changed = {**REFUSED, **REFUSED_OFF_THIS_MACHINE}[variable]
    stderr = assert_refused(tmp_path, host, serve_env(tmp_path, {**SHARED_SAFE, **changed}), variable)
    assert "which other machines can reach" in stderr


@pytest.mark.parametrize("variable", sorted(REFUSED))
@pytest.mark.parametrize("shared_by", ["SAFERPLACES_BEHIND_PROXY", "SAFERPLACES_HTTPS"])
def test_serve_refuses_unsafe_settings_on_this_machine_when_a_proxy_shares_the_site(variable, shared_by,
                                                                                     tmp_path):
    """The documented production layout: the server on 127.0.0.1, a proxy in front of it."""
    env = serve_env(tmp_path, {"SAFERPLACES_SECRET_KEY": GOOD_KEY, shared_by: "true", **REFUSED[variable]})
    stderr = assert_refused(tmp_path, "127.0.0.1", env, variable)
    assert shared_by in stderr


def test_serve_starts_behind_a_proxy_on_this_machine_with_safe_settings(tmp_path):
    env = serve_env(tmp_path, {**SHARED_SAFE, "SAFERPLACES_BEHIND_PROXY": "true"})
    served = Served(tmp_path, free_port(), "--no-worker", env=env)
    try:
        served.wait_until_answering()
    finally:
        served.stop()


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("10.0.0.5", False),
    ("saferplaces.example.gov.uk", False),
])
def test_only_this_machine_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_the_access_log_escapes_what_a_request_could_forge(caplog):
    def site(environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not ", b"here"]

    environ = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "QUERY_STRING": "name=Jane",
               "PATH_INFO": b"/x\n2026-01-01 GET /forged 200 0 1ms\x1b[31m".decode("latin-1")}
    access = logging.getLogger("saferplaces.access")  # its own handler: it does not propagate
    access.addHandler(caplog.handler)
    try:
        body = AccessLog(site)(environ, lambda status, headers, exc_info=None: None)
        assert b"".join(body) == b"not here"
        body.close()  # type: ignore[attr-defined]
    finally:
        access.removeHandler(caplog.handler)
    (line,) = [record.getMessage() for record in caplog.records]
    assert re.fullmatch(r"GET /x%0A2026-01-01%20GET%20/forged%20200%200%201ms%1B%5B31m 404 8 \d+ms", line), line


def left_running(home: Path) -> list[str]:
    """Processes still running in ``home`` (``serve``'s children run where it was started), as
    "pid command"; Linux's /proc answers, and psutil where there is no /proc."""
    try:
        import psutil
    except ImportError:
        psutil = None
    found = []
    if psutil is not None:
        for process in psutil.process_iter(["pid", "cwd", "cmdline"]):
            if process.info["cwd"] == str(home):
                found.append(f"{process.info['pid']} {' '.join(process.info['cmdline'] or [])}")
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "cwd") == str(home):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{entry.name} {command}")
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def wait_until_none_left(home: Path, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (running := left_running(home)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return running


needs_proc = pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs Linux's /proc")


@needs_proc
@pytest.mark.parametrize("command", [["serve"], ["demo", "--dir", "town"]])
def test_a_busy_port_stops_before_anything_starts_and_names_a_free_port(command, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "saferplaces.cli", *command, "--port", str(port)],
                              env=environment(tmp_path), cwd=tmp_path, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode != 0, done.stdout + done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    suggested = re.search(rf"saferplaces {command[0]} --port (\d+)", done.stderr)
    assert suggested and int(suggested.group(1)) > port, done.stderr
    assert "Traceback" not in done.stderr and "Serving" not in done.stdout
    assert not (tmp_path / "town").exists()  # the demo loads nothing it could not serve
    assert left_running(tmp_path) == []


@needs_proc
def test_sigterm_stops_every_process_serve_started(tmp_path):
    served = Served(with_migrated_store(tmp_path), free_port(), "--server", "gunicorn", "--workers", "2")
    try:
        served.wait_until_answering()
        started = left_running(tmp_path)
        assert len(started) >= 4, started  # serve, gunicorn and its two workers, the task worker
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=30) == 0, served.printed
        assert wait_until_none_left(tmp_path, 10) == [], served.printed
    finally:
        served.stop()


@needs_proc
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's")
def test_serve_killed_outright_takes_its_server_and_worker_with_it(tmp_path):
    served = Served(with_migrated_store(tmp_path), free_port(), "--server", "waitress")
    try:
        served.wait_until_answering()
        assert len(left_running(tmp_path)) == 3  # serve, waitress, the task worker
        served.process.kill()  # no chance to stop anything itself
        served.process.wait(timeout=10)
        # (gone() cannot tell: an orphan's zombie lingers until whatever adopted it reaps it)
        assert wait_until_none_left(tmp_path, 20) == [], served.printed
    finally:
        served.stop()

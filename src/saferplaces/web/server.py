"""The production web server behind ``saferplaces serve``: gunicorn, or waitress where gunicorn
cannot run (Windows has no ``fork``/``fcntl``), with a personal-data-free access log.

``saferplaces serve`` runs this module as its own process (``python -m saferplaces.web.server``)
beside the background worker, and stops both on SIGTERM; see ``saferplaces.commands.web``.
Whether it may start at all on a given address is :func:`refusals`.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import ipaddress
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any
from urllib.parse import quote

from saferplaces.web.env import declared

SERVERS = ("auto", "gunicorn", "waitress")
GRACE_SECONDS = 10  # how long requests in flight get to finish when the server is told to stop

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

access_log = logging.getLogger("saferplaces.access")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: 127.0.0.0/8, ::1 or ``localhost``."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name may resolve to an address others can reach


def shared_by(host: str) -> str | None:
    """Why the site on ``host`` is open to other people, as the refusal message says it; ``None``
    for a local demo (this machine only, no proxy or HTTPS configured).

    Off loopback (see :func:`is_loopback`) other machines reach the server itself. On loopback,
    ``SAFERPLACES_BEHIND_PROXY`` or ``SAFERPLACES_HTTPS`` say a proxy or load balancer in front
    opens it to them: the production layout of README "Running it for real"."""
    from django.conf import settings

    if not is_loopback(host):
        return "which other machines can reach"
    named = [name for name in ("SAFERPLACES_BEHIND_PROXY", "SAFERPLACES_HTTPS")
             if getattr(settings, name, False)]
    if named:
        return f"which {' and '.join(named)} say{'s' if len(named) == 1 else ''} is shared through a proxy or load balancer"
    return None


def refusals(host: str) -> list[str]:
    """Why the configured site must not be served on ``host``; empty when it may be.

    A local demo (:func:`shared_by` is ``None``) may run with anything. A shared site may not run
    with the built-in secret key (it is in the source, so anyone could forge a signed-in
    session), debug pages (settings, code and data on any error) or without a second factor (one
    stolen password would open the partnership's records). Where other machines reach the server
    itself, it must also name its host names (``*`` answers to any name a request claims) and be
    reached over HTTPS: plain HTTP would carry passwords and sign-in cookies in clear."""
    from django.conf import settings

    if shared_by(host) is None:
        return []
    reasons = []
    if declared("SAFERPLACES_SECRET_KEY").default == settings.SECRET_KEY:
        reasons.append("the secret key is the built-in one, which anyone can read in the source: "
                       "set SAFERPLACES_SECRET_KEY to a long random value")
    if settings.DEBUG:
        reasons.append("debug pages are on: set SAFERPLACES_DEBUG=false")
    if not getattr(settings, "SAFERPLACES_REQUIRE_2FA", True):
        reasons.append("two-factor sign-in is off: set SAFERPLACES_REQUIRE_2FA=true")
    if not is_loopback(host):
        if "*" in settings.ALLOWED_HOSTS:
            reasons.append("SAFERPLACES_ALLOWED_HOSTS is '*', answering to any host name a request "
                           "claims: set it to the site's host name(s)")
        if not getattr(settings, "SAFERPLACES_HTTPS", False):
            reasons.append("HTTPS is off, so passwords and sign-in cookies would cross the network "
                           "in clear: serve it over HTTPS (from a proxy or load balancer in front) "
                           "and set SAFERPLACES_HTTPS=true")
    return reasons


def choose(server: str) -> str:
    """``gunicorn`` or ``waitress`` for ``--server``; ``auto`` is gunicorn wherever it can run."""
    if server != "auto":
        return server
    return "gunicorn" if importlib.util.find_spec("fcntl") is not None else "waitress"


def listen_address(host: str, port: int) -> str:
    """``host:port`` as both servers read it; an IPv6 address goes in brackets."""
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _printable(text: str) -> str:
    """``text`` percent-encoded where it is not plain URL text, so a request cannot write a
    forged line, a control character or a terminal escape into the log."""
    return quote(text.encode("latin-1", "replace"), safe="/:@!$&'()*+,;=-._~")


class _Exchange:
    """One request's log line in the making."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.started = time.perf_counter()
        self.method = _printable(str(environ.get("REQUEST_METHOD", "-")))
        # PATH_INFO is the path alone: the query string is in QUERY_STRING, never read here.
        self.path = _printable(str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", "")))
        self.status = "-"
        self.length: str | None = None  # the Content-Length the response declared
        self.sent = 0

    def write(self, sent: str | None = None) -> None:
        milliseconds = round((time.perf_counter() - self.started) * 1000)
        access_log.info("%s %s %s %s %dms", self.method, self.path, self.status,
                        sent or str(self.sent), milliseconds)


class AccessLog:
    """WSGI middleware: one line per request with the method, the path, the status, the bytes
    sent and the time taken (milliseconds), and nothing else.

    Deliberately no query string (a search or a filter can hold a name, an address or a case
    reference), no client IP address, no user, no referrer and no user agent: all are personal data
    under UK GDPR, and an access log is kept, copied and read far more widely than the database."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        exchange = _Exchange(environ)

        def recording_start_response(status: str, headers: list[tuple[str, str]],
                                     exc_info: Any = None) -> Callable[[bytes], Any]:
            exchange.status = status.split(" ", 1)[0]
            exchange.length = next((value for name, value in headers
                                    if name.lower() == "content-length"), None)
            write = start_response(status, headers, exc_info)

            def counting_write(data: bytes) -> Any:
                exchange.sent += len(data)
                return write(data)
            return counting_write

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            exchange.status = "500"
            exchange.write()
            raise
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(body, wrapper):
            # A file handed to the server to send itself (static files): wrapping it would lose
            # the server's fast path, so the line is written now, with the length it declared.
            exchange.write(exchange.length or "-")
            return body
        return _LoggedBody(body, exchange, send=exchange.method != "HEAD")


class _LoggedBody:
    """The response body, counted as it is sent; the line is written when the server closes it.
    The body of a HEAD response is not sent (RFC 9110 section 9.3.2: the headers alone), as
    Django's development server does, rather than left to the server to drop with a warning."""

    def __init__(self, body: Iterable[bytes], exchange: _Exchange, *, send: bool) -> None:
        self.body = body
        self.exchange = exchange
        self.send = send

    def __iter__(self) -> Iterator[bytes]:
        if not self.send:
            return
        for chunk in self.body:
            self.exchange.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.exchange.write()


def wsgi_application() -> WSGIApp:
    """The site, with its access log."""
    from django.db import connections
    from django.urls import get_resolver

    from saferplaces.web.wsgi import application

    # Import every view now: a broken import stops the server at start, not at a first request,
    # and gunicorn's workers inherit it all instead of each importing it while a user waits.
    get_resolver().url_patterns  # noqa: B018
    connections.close_all()  # a forked worker must never share its parent's database connection
    return AccessLog(application)


def run_gunicorn(host: str, port: int, workers: int) -> None:
    """gunicorn with ``workers`` worker processes. SIGTERM stops it gracefully: requests in flight
    get ``GRACE_SECONDS`` to finish, then the process exits with status 0."""
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": [listen_address(host, port)],
        "workers": workers,
        "graceful_timeout": GRACE_SECONDS,
        "accesslog": None,  # AccessLog writes the access log; gunicorn's would add the client IP
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "saferplaces",
        "preload_app": True,  # load the site once, before forking (see wsgi_application)
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:  # recent gunicorn only
                # Its control socket, a file in the service account's home directory, can
                # reconfigure the server; saferplaces is started and stopped by signals only.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> WSGIApp:
            return wsgi_application()

    Server().run()


def run_waitress(host: str, port: int, workers: int) -> None:
    """waitress with ``workers`` threads. SIGTERM stops it: requests in flight get up to five
    seconds (waitress's own limit), then the process exits with status 0."""
    from waitress import serve

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)  # waitress closes its sockets and threads on SystemExit

    signal.signal(signal.SIGTERM, stop)
    serve(wsgi_application(), listen=listen_address(host, port), threads=workers, ident="saferplaces")


def main(argv: list[str] | None = None) -> int:
    """``python -m saferplaces.web.server --server S --host H --port P --workers N``."""
    parser = argparse.ArgumentParser(prog="python -m saferplaces.web.server")
    parser.add_argument("--server", choices=SERVERS, default="auto")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    run = run_gunicorn if choose(args.server) == "gunicorn" else run_waitress
    try:
        run(args.host, args.port, args.workers)
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
            raise
        # one line, as gunicorn says it, rather than a traceback: `serve` says what to do
        print(f"cannot listen on {listen_address(args.host, args.port)}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

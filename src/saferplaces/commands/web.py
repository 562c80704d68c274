"""``saferplaces serve``: the web application (gunicorn or waitress) with a background worker beside
it, both stopped together on SIGTERM or Ctrl+C."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

import click

from saferplaces.commands.common import out, setup_django
from saferplaces.web.server import GRACE_SECONDS, SERVERS, choose, refusals, shared_by

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies (Linux)


def _stop_with_parent() -> Callable[[], None] | None:
    """Where Linux offers it, a function for the child to run before it starts: the kernel sends
    the child SIGTERM if ``serve`` dies without stopping it (SIGKILL, the out-of-memory killer), so
    no server or worker is left running unwatched. ``None`` elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # serve died before the request took effect
            os._exit(1)
    return in_child


def _start(arguments: list[str]) -> subprocess.Popen[bytes]:
    # Its own process group, so Ctrl+C in a terminal reaches only `serve`, which then stops each
    # child exactly once (a second signal tells the worker to abandon the job it is running).
    group = {"process_group": 0} if os.name == "posix" else {}
    return subprocess.Popen([sys.executable, "-m", *arguments], preexec_fn=_stop_with_parent(),  # type: ignore[call-overload,no-any-return]
                            **group)


def _stop(children: list[subprocess.Popen[bytes]], grace: float) -> None:
    """Stop every child at once: SIGTERM, ``grace`` seconds to finish, SIGTERM again (the worker
    abandons its job), five seconds more, then kill."""
    for attempt, wait in ((subprocess.Popen.terminate, grace), (subprocess.Popen.terminate, 5),
                          (subprocess.Popen.kill, None)):
        running = [child for child in children if child.poll() is None]
        for child in running:
            attempt(child)
        deadline = None if wait is None else time.monotonic() + wait
        for child in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))


def _port_busy(host: str, port: int) -> bool:
    """True when nothing may listen on ``host:port`` because something already does. Checked as
    the servers bind (address reuse on POSIX, so a port left in TIME_WAIT by a previous run counts
    as free); an address this machine does not have is left for the server to report."""
    try:
        addresses = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            if os.name == "posix":
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return True
    return False


def refuse_if_port_busy(host: str, port: int, command: str = "serve") -> None:
    """Stop, before anything starts, where another program already listens on the port, with a
    free port to try instead."""
    if not _port_busy(host, port):
        return
    free = next((other for other in range(port + 1, min(port + 50, 65536)) if not _port_busy(host, other)), None)
    suggestion = f"saferplaces {command} --port {free}" if free else f"saferplaces {command} --port PORT"
    raise click.ClickException(
        f"port {port} on {host} is already in use (perhaps another saferplaces is running there). "
        f"Stop that program, or choose another port: {suggestion}")


def refuse_if_unsafe(host: str) -> None:
    """Stop with a message naming each setting to change when :func:`refusals` finds any."""
    reasons = refusals(host)
    if reasons:
        raise click.ClickException(
            f"refusing to serve on {host}, {shared_by(host)}: " + "; ".join(reasons) + ".")


def serve_with_worker(host: str, port: int, *, with_worker: bool = True, workers: int = 2,
                      server: str = "auto", command: str = "serve") -> None:
    """Serve the site on ``host:port`` until SIGTERM, SIGINT or SIGHUP, then stop the server and
    the worker and return. Refused (nothing started) where :func:`refusals` says the settings are
    unsafe for that address, or where the port is taken (the message names ``command`` with a free
    port). If either child stops by itself, the other is stopped and the command fails, so a
    service manager (systemd, Docker) restarts the pair; if ``serve`` itself is killed outright,
    Linux stops them (:func:`_stop_with_parent`)."""
    refuse_if_unsafe(host)
    refuse_if_port_busy(host, port, command)
    chosen = choose(server)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, on_signal) for number in STOP_SIGNALS}
    children: dict[str, subprocess.Popen[bytes]] = {}
    ended: str | None = None
    try:
        children["web server"] = _start(["saferplaces.web.server", "--server", chosen, "--host", host,
                                         "--port", str(port), "--workers", str(workers)])
        if with_worker:
            children["background worker"] = _start(["saferplaces.cli", "worker"])
        started = ", ".join(f"{name} process {child.pid}" for name, child in children.items())
        out.print(f"Serving saferplaces with {chosen} on http://{host}:{port}/ ({started}); "
                  "Ctrl+C to stop.", highlight=False)
        while ended is None and not stop.wait(0.5):
            ended = next((name for name, child in children.items() if child.poll() is not None), None)
    finally:
        _stop(list(children.values()), GRACE_SECONDS)
        for number, handler in previous.items():
            signal.signal(number, handler)
    if ended is not None:
        taken = (f" Port {port} is in use now: choose another with saferplaces {command} --port."
                 if ended == "web server" and _port_busy(host, port) else "")
        raise click.ClickException(f"the {ended} stopped by itself (exit status "
                                   f"{children[ended].returncode}); everything is stopped.{taken}")
    out.print("Stopped the web server and the background worker.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this machine (127.0.0.1, ::1, localhost), or "
                   "any address with SAFERPLACES_BEHIND_PROXY or SAFERPLACES_HTTPS on, needs "
                   "production settings (see README: Running it for real).")
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Requests answered at once: gunicorn worker processes, or waitress threads.")
@click.option("--server", "server", type=click.Choice(SERVERS), default="auto", show_default=True,
              help="gunicorn, or waitress (Windows); auto picks gunicorn where it can run.")
@click.option("--no-worker", is_flag=True, help="Do not start a background worker (run `saferplaces worker` yourself).")
def serve(host: str, port: int, workers: int, server: str, no_worker: bool) -> None:
    """Start the web application (and a background worker for assessments); SIGTERM or Ctrl+C
    stops both."""
    setup_django(migrate=False)
    refuse_if_unsafe(host)  # before touching the database: a refused start changes nothing
    refuse_if_port_busy(host, port)
    setup_django()
    serve_with_worker(host, port, with_worker=not no_worker, workers=workers, server=server)

"""``saferplaces serve``: the web application (gunicorn or waitress) with a background worker beside
it, both stopped together on SIGTERM or Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from types import FrameType

import click

from saferplaces.commands.common import out, setup_django
from saferplaces.web.server import GRACE_SECONDS, SERVERS, choose, refusals, shared_by

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


def _start(arguments: list[str]) -> subprocess.Popen[bytes]:
    # Its own process group, so Ctrl+C in a terminal reaches only `serve`, which then stops each
    # child exactly once (a second signal tells the worker to abandon the job it is running).
    group = {"process_group": 0} if os.name == "posix" else {}
    return subprocess.Popen([sys.executable, "-m", *arguments], **group)  # type: ignore[call-overload,no-any-return]


def _stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, ``grace`` seconds to finish, SIGTERM again (the worker abandons its job), then kill."""
    for attempt in (process.terminate, process.terminate, process.kill):
        if process.poll() is not None:
            return
        attempt()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            grace = 5
    process.wait()


def refuse_if_unsafe(host: str) -> None:
    """Stop with a message naming each setting to change when :func:`refusals` finds any."""
    reasons = refusals(host)
    if reasons:
        raise click.ClickException(
            f"refusing to serve on {host}, {shared_by(host)}: " + "; ".join(reasons) + ".")


def serve_with_worker(host: str, port: int, *, with_worker: bool = True, workers: int = 2,
                      server: str = "auto") -> None:
    """Serve the site on ``host:port`` until SIGTERM, SIGINT or SIGHUP, then stop the server and
    the worker and return. Refused (nothing started) where :func:`refusals` says the settings are
    unsafe for that address. If either child stops by itself, the other is stopped and the command
    fails, so a service manager (systemd, Docker) restarts the pair."""
    refuse_if_unsafe(host)
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
        for child in children.values():
            _stop(child, GRACE_SECONDS)
        for number, handler in previous.items():
            signal.signal(number, handler)
    if ended is not None:
        raise click.ClickException(f"the {ended} stopped by itself (exit status "
                                   f"{children[ended].returncode}); everything is stopped.")
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
    setup_django()
    serve_with_worker(host, port, with_worker=not no_worker, workers=workers, server=server)

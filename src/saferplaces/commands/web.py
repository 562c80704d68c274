"""``saferplaces serve``: the web application with a background worker beside it."""

from __future__ import annotations

import sys

import click

from saferplaces.commands.common import out, setup_django


def serve_with_worker(host: str, port: int, *, with_worker: bool = True) -> None:
    """Django's threaded server, with a background worker beside it for long jobs."""
    import subprocess

    from django.core.management import call_command

    helper = None
    if with_worker:
        helper = subprocess.Popen([sys.executable, "-m", "saferplaces.cli", "worker"])
        out.print("Started the background worker (assessments run there).")
    out.print(f"Serving saferplaces on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        if helper is not None:
            helper.terminate()
            helper.wait(timeout=10)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--no-worker", is_flag=True, help="Do not start a background worker (run `saferplaces worker` yourself).")
def serve(host: str, port: int, no_worker: bool) -> None:
    """Start the web application (and a background worker for assessments)."""
    setup_django()
    serve_with_worker(host, port, with_worker=not no_worker)
